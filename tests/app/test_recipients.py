"""A design's recipient list: one by one, imported with fixes inline, exported, frozen once submitted, raced."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.faults import InfrastructureFault
from app.models import Design, User, utcnow
from app.models.recipients import Recipient, RecipientImport, RecipientImportRow
from app.services import recipients as service
from app.services.errors import Conflict, Invalid, NotFound
from configurator.recipients import Recipient as Value
from configurator.states import DesignStatus, ImportStatus
from tests.app.factories import DeliveryAddressFactory, DesignFactory, UserFactory, WorkshopFactory, box_spec
from tests.app.journeys import save_step
from tests.app.racing import race, racing_app

JANE = Value(
    name="Jane Doe",
    company="Acme",
    email="jane@example.com",
    phone="+1 212 555 0100",
    street="1 Main St",
    city="New York",
    region="NY",
    postal_code="10001",
    country="US",
    card_name="Jane",
)
HEADER = "First name;Last name;E-mail;Address;City;State;Zip;Country;Card name\r\n"
GOOD = "Jane;Doe;jane@example.com;1 Main St;New York;NY;10001;US;Jane\r\n"
BAD_ZIP = "Sam;Lee;sam@example.com;2 Oak Ave;Boston;MA;ABCDE;United States;Sam\r\n"
FORMULA = '=HYPERLINK("http://evil");Cell;=1+1;3 Elm St;Austin;TX;73301;US;x\r\n'
RTL = "מרים;כהן;miriam@example.com;4 Pine Rd;Seattle;WA;98101;US;מרים\r\n"


@pytest.fixture(autouse=True)
def checks_sent(app, broker) -> list[object]:
    """The imports the web process asked a worker to check; the tests run the worker's part themselves."""
    app.config["PROOF_LEASE_SECONDS"] = 600  # no keeper renews on the test's shared connection meanwhile
    return broker[service.CHECK_TASK_NAME]


def map_and_check(user: User, design: Design, import_id: int, version: int, mapping) -> service.CheckPage:
    """Match the columns as the buyer does, then check the rows as the worker does with the message sent."""
    service.map_columns(user, design.id, import_id, version, mapping)
    service.check_import(import_id)
    return service.check_page(user, design.id, import_id)


def draft(**spec: object) -> tuple[User, Design]:
    design = DesignFactory(spec=box_spec(**spec))
    return design.created_by, design


def staged(import_id: int) -> list[RecipientImportRow]:
    db.session.expire_all()
    query = select(RecipientImportRow).where(RecipientImportRow.import_id == import_id)
    return list(db.session.scalars(query.order_by(RecipientImportRow.line)))


def test_add_edit_remove_and_the_list(app) -> None:
    user, design = draft()
    row = service.add_recipient(user, design.id, JANE)
    page = service.list_page(user, design.id)
    assert (page.total, page.rows[0].value.name) == (1, "Jane Doe")
    edited = service.edit_recipient(
        user, design.id, row.id, row.version, JANE.__class__(**{**JANE.as_dict(), "card_name": "Dr Doe"})
    )
    assert edited.version == row.version + 1
    with pytest.raises(Conflict):  # the page that read the first version is stale now
        service.remove_recipient(user, design.id, row.id, row.version)
    service.remove_recipient(user, design.id, row.id, edited.version)
    assert service.list_page(user, design.id).total == 0


def test_problems_are_told_at_their_fields_and_nothing_is_saved(app) -> None:
    user, design = draft()
    with pytest.raises(Invalid) as refused:
        service.add_recipient(
            user,
            design.id,
            Value(name="Jane", country="US", street="1 Main", email="nope", card_name="x" * 80),
        )
    assert {"email", "card_name", "city"} <= set(refused.value.violations)
    assert service.list_page(user, design.id).total == 0


def test_the_same_person_twice_is_refused(app) -> None:
    user, design = draft()
    service.add_recipient(user, design.id, JANE)
    with pytest.raises(Invalid) as refused:
        service.add_recipient(user, design.id, Value(**{**JANE.as_dict(), "name": "JANE DOE", "email": ""}))
    assert "same person" in refused.value.violations["name"]


def test_a_card_that_does_not_fit_is_refused_by_the_wizards_fit_check(app) -> None:
    user, design = draft()
    with pytest.raises(Invalid) as refused:
        service.add_recipient(user, design.id, Value(**{**JANE.as_dict(), "message": "Thank you!\n" * 30}))
    assert "Too long for the card" in refused.value.violations["message"]


def test_the_design_message_is_filled_and_an_unknown_placeholder_is_a_problem(app) -> None:
    user, design = draft(message="Dear {nickname}")
    with pytest.raises(Invalid) as refused:
        service.add_recipient(user, design.id, JANE)
    assert "{nickname}" in refused.value.violations["message"]


def test_another_organisations_design_is_not_found(app) -> None:
    _, design = draft()
    stranger = UserFactory()
    for call in (
        lambda: service.list_page(stranger, design.id),
        lambda: service.add_recipient(stranger, design.id, JANE),
        lambda: service.export_csv(stranger, design.id),
        lambda: service.start_import(stranger, design.id, "x.csv", (HEADER + GOOD).encode()),
    ):
        with pytest.raises(NotFound):
            call()


def test_a_submitted_designs_list_is_frozen(app) -> None:
    user, design = draft()
    row = service.add_recipient(user, design.id, JANE)
    design.status = DesignStatus.SUBMITTED
    db.session.commit()
    with pytest.raises(Conflict, match="submitted"):
        service.add_recipient(
            user, design.id, Value(**{**JANE.as_dict(), "email": "x@example.com", "name": "X Y"})
        )
    with pytest.raises(Conflict, match="submitted"):
        service.remove_recipient(user, design.id, row.id, row.version)
    assert not service.list_page(user, design.id).editable


def test_the_quantity_follows_the_list_per_recipient_and_for_a_split(app) -> None:
    user, design = draft(delivery="per_recipient", quantity=10)
    service.add_recipient(user, design.id, JANE)
    db.session.refresh(design)
    assert design.spec["quantity"] == 1
    user, design = draft(delivery="split", quantity=30)
    DeliveryAddressFactory(design_id=design.id, organisation_id=design.organisation_id, boxes=12)
    service.add_recipient(user, design.id, JANE)
    db.session.refresh(design)
    assert design.spec["quantity"] == 13
    user, design = draft(delivery="bulk", quantity=30)
    service.add_recipient(user, design.id, JANE)
    db.session.refresh(design)
    assert design.spec["quantity"] == 30


def test_an_import_saves_good_rows_at_once_and_keeps_the_rest_waiting(app, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    user, design = draft()
    data = (HEADER + GOOD + BAD_ZIP + ";;;;;;;;\r\n" + FORMULA + RTL).encode("utf-8")
    import_id = service.start_import(user, design.id, "list.csv", data)
    mapping = service.mapping_page(user, design.id, import_id)
    assert mapping.mapping[0] == "first_name" and mapping.mapping[6] == "postal_code"
    result = map_and_check(user, design, import_id, mapping.version, mapping.mapping)
    assert (result.saved, result.waiting) == (2, 2)  # Jane and Miriam; Sam's ZIP and the formula row wait
    assert (result.status, result.checked, result.rows) == (ImportStatus.CHECKED, 4, 4)
    problems = service.problems_page(user, design.id, import_id)
    by_line = {r.line: r for r in problems.rows}
    assert "postal_code" in by_line[3].errors
    assert "email" in by_line[4].errors
    assert by_line[4].value.name.startswith("=HYPERLINK")  # kept as entered
    # Fixed inline, without uploading again: the row joins the list.
    sam = by_line[3]
    fixed = Value(**{**sam.value.as_dict(), "postal_code": "02108"})
    assert service.fix_row(user, design.id, import_id, sam.id, sam.version, fixed)
    assert service.list_page(user, design.id).total == 3
    # A fix that still fails is kept as typed.
    bad = by_line[4]
    still = Value(**{**bad.value.as_dict(), "email": "still wrong"})
    assert not service.fix_row(user, design.id, import_id, bad.id, bad.version, still)
    assert staged(import_id)[0].values["email"] == "still wrong"
    service.drop_row(user, design.id, import_id, bad.id)
    assert db.session.get(RecipientImport, import_id) is None  # nothing left: the import is finished
    log = caplog.text
    assert "Jane" not in log and "jane@example.com" not in log and "Main St" not in log


def test_a_bad_upload_is_told_at_the_file_and_loses_nothing(app) -> None:
    user, design = draft()
    service.add_recipient(user, design.id, JANE)
    with pytest.raises(Invalid) as refused:
        service.start_import(user, design.id, "x.csv", bytes(range(256)) * 20)
    assert "file" in refused.value.violations
    assert service.list_page(user, design.id).total == 1


def test_a_mapping_without_a_name_is_refused_and_the_rows_stay(app) -> None:
    user, design = draft()
    import_id = service.start_import(user, design.id, "x.csv", (HEADER + GOOD).encode())
    page = service.mapping_page(user, design.id, import_id)
    with pytest.raises(Invalid):
        service.map_columns(user, design.id, import_id, page.version, {2: "email"})
    assert len(staged(import_id)) == 1
    assert db.session.get(RecipientImport, import_id).status == ImportStatus.MAPPING


def test_xlsx_with_merged_cells_imports(app) -> None:
    user, design = draft()
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Company", "Street", "City", "State", "Postcode", "Country"])
    sheet.append(["Jane Doe", "Acme", "1 Main St", "New York", "NY", 10001, "US"])
    sheet.append(["Sam Lee", None, "2 Oak Ave", "Boston", "MA", "02108", "US"])
    sheet.merge_cells("B2:B3")
    out = io.BytesIO()
    book.save(out)
    import_id = service.start_import(user, design.id, "list.xlsx", out.getvalue())
    page = service.mapping_page(user, design.id, import_id)
    assert map_and_check(user, design, import_id, page.version, page.mapping).saved == 2


def test_five_thousand_rows_and_the_cap(app) -> None:
    user, design = draft()
    rows = "".join(f"Person {n},p{n}@example.com,{n} Main St,New York,NY,10001,US\r\n" for n in range(5000))
    data = ("Name,Email,Street,City,State,Zip,Country\r\n" + rows).encode()
    import_id = service.start_import(user, design.id, "big.csv", data)
    page = service.mapping_page(user, design.id, import_id)
    assert page.rows == 5000
    checked = map_and_check(user, design, import_id, page.version, page.mapping)
    assert (checked.saved, checked.checked, checked.waiting) == (5000, 5000, 0)
    assert checked.summary == "5,000 rows checked: 5,000 recipients added to the list."
    with pytest.raises(Invalid, match="full"):
        service.add_recipient(user, design.id, JANE)


def test_the_export_is_formula_safe_and_reads_back(app) -> None:
    user, design = draft()
    service.add_recipient(user, design.id, Value(**{**JANE.as_dict(), "company": "=cmd|' /C calc'!A0"}))
    data = service.export_csv(user, design.id)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "Name" and rows[1][1] == "'=cmd|' /C calc'!A0"
    import_id = service.start_import(user, design.id, "again.csv", data)
    assert service.mapping_page(user, design.id, import_id).mapping[1] == "company"


def test_repr_shows_ids_only(app) -> None:
    user, design = draft()
    row = service.add_recipient(user, design.id, JANE)
    text = repr(db.session.get(Recipient, row.id))
    assert "Jane" not in text and str(row.id) in text


@pytest.mark.real_commits
def test_two_browsers_editing_one_recipient_never_lose_an_edit_silently(app) -> None:
    user, design = draft()
    row = service.add_recipient(user, design.id, JANE)
    ids = (user.id, design.id, row.id, row.version)
    db.session.remove()

    def edit(card_name: str):
        def run():
            return service.edit_recipient(
                db.session.get(User, ids[0]),
                ids[1],
                ids[2],
                ids[3],
                Value(**{**JANE.as_dict(), "card_name": card_name}),
            )

        return run

    with racing_app(app, 2) as racers:
        first, second = race(racers, edit("Ann"), edit("Bea"))
    outcomes = [o for o in (first, second) if not isinstance(o, Conflict)]
    assert len(outcomes) == 1, (first, second)
    saved = db.session.get(Recipient, ids[2])
    assert saved.card_name == outcomes[0].value.card_name and saved.version == ids[3] + 1


@pytest.mark.real_commits
def test_an_edit_while_the_list_is_imported_keeps_both(app) -> None:
    user, design = draft()
    row = service.add_recipient(user, design.id, JANE)
    import_id = service.start_import(
        user, design.id, "x.csv", (HEADER + BAD_ZIP.replace("ABCDE", "02108") + RTL).encode()
    )
    page = service.mapping_page(user, design.id, import_id)
    ids = (user.id, design.id, row.id, row.version)
    db.session.remove()

    def edit():
        value = Value(**{**JANE.as_dict(), "card_name": "Dr Doe"})
        return service.edit_recipient(db.session.get(User, ids[0]), ids[1], ids[2], ids[3], value)

    def importing():
        service.map_columns(db.session.get(User, ids[0]), ids[1], import_id, page.version, page.mapping)
        service.check_import(import_id)  # the worker, right after the mapping

    with racing_app(app, 2) as racers:
        edited, imported = race(racers, edit, importing)
    assert not isinstance(edited, Exception), edited
    assert not isinstance(imported, Exception), imported
    db.session.expire_all()
    names = [r.card_name for r in service.recipients_of(db.session.get(Design, ids[1]))]
    assert names == ["Dr Doe", "Sam", "מרים"]


# --- The pages ----------------------------------------------------------------------------


def test_the_pages_add_import_fix_inline_and_export(browser, broker) -> None:
    user, design = draft(delivery="per_recipient")
    browser.login(user.email)
    base = f"/designs/{design.id}/recipients"
    assert "Import a list" in browser.get(base).text
    refused = browser.post(f"{base}/new", {**JANE.as_dict(), "email": "nope"})
    assert (
        refused.status_code == 200
        and 'id="email-error"' in refused.text
        and 'value="Jane Doe"' in refused.text
    )
    assert browser.post(f"{base}/new", JANE.as_dict()).status_code == 302
    data = (HEADER + BAD_ZIP).encode("cp1252")
    sent = browser.post(
        f"{base}/import", {"file": (io.BytesIO(data), "list.csv")}, content_type="multipart/form-data"
    )
    assert sent.status_code == 302
    mapping_url = sent.headers["Location"]
    page = browser.get(mapping_url).text
    assert "Which column is which?" in page and "ABCDE" in page
    assert (
        browser.get(f"{mapping_url}/check").headers["Location"].endswith(mapping_url)
    )  # nothing to check yet
    version = db.session.scalar(select(RecipientImport.version))
    columns = {
        f"column-{i}": t
        for i, t in enumerate(
            [
                "first_name",
                "last_name",
                "email",
                "street",
                "city",
                "region",
                "postal_code",
                "country",
                "card_name",
            ]
        )
    }
    mapped = browser.post(mapping_url, {"version": version, **columns})
    assert mapped.status_code == 302 and mapped.headers["Location"].endswith("/check")
    import_id = db.session.scalar(select(RecipientImport.id))
    assert broker[service.CHECK_TASK_NAME] == [import_id]
    progress = browser.get(mapped.headers["Location"]).text
    assert "Checked 0 of 1 row; 0 added to the list so far." in progress and "data-import-status" in progress
    assert browser.get(mapping_url).headers["Location"].endswith("/check")  # matched once, not twice
    service.check_import(import_id)  # the worker
    polled = browser.get(mapped.headers["Location"], headers={"Accept": "application/json"}).json
    assert polled == {
        "status": "checked",
        "state": "Checked",
        "rows": 1,
        "checked": 1,
        "saved": 0,
        "text": "Checked 1 of 1 row; 0 added to the list so far.",
    }
    checked = browser.get(mapped.headers["Location"])
    assert checked.status_code == 302 and checked.headers["Location"].endswith("/rows")
    rows = browser.get(checked.headers["Location"]).text
    assert "1 row checked: 0 recipients added to the list; 1 row needs a fix." in rows
    assert "Row 2" in rows and "postal_code-error" in rows and "ABCDE" in rows
    [waiting] = staged(db.session.scalar(select(RecipientImport.id)))
    prefix = f"r{waiting.id}-"
    fixed = {
        prefix + k: v
        for k, v in {**waiting.values, "postal_code": "02108", "version": waiting.version}.items()
    }
    token = browser.token()
    done = browser.client.post(
        f"{base}/import/{waiting.import_id}/rows/{waiting.id}",
        data={**fixed, "csrf_token": token, prefix + "csrf_token": token},
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(base)
    listing = browser.get(base).text
    assert "Sam Lee" in listing and "Jane Doe" in listing and "2 recipients" in listing
    exported = browser.get(f"{base}/export.csv")
    assert exported.mimetype == "text/csv" and "Sam Lee" in exported.data.decode("utf-8-sig")
    search = browser.get(f"{base}?q=sam").text
    assert "Sam Lee" in search and "Jane Doe" not in search


def test_a_bad_upload_is_told_at_the_file_field(browser) -> None:
    user, design = draft()
    browser.login(user.email)
    sent = browser.post(
        f"/designs/{design.id}/recipients/import",
        {"file": (io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64), "old.xls")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 422 and 'id="file-error"' in sent.text and "old Excel file" in sent.text


def test_another_organisation_gets_404_on_every_page(browser) -> None:
    _, design = draft()
    browser.login(UserFactory().email)
    for url in ("", "/new", "/export.csv"):
        assert browser.get(f"/designs/{design.id}/recipients{url}").status_code == 404


def test_the_wizard_links_the_list_for_recipients(browser) -> None:
    user, design = draft(delivery="per_recipient")
    browser.login(user.email)
    step = browser.get(f"/designs/{design.id}/edit/delivery").text
    assert f'href="/designs/{design.id}/recipients"' in step and "not ready yet" not in step


def test_the_wizards_delivery_step_takes_the_quantity_from_the_list(browser) -> None:
    user, design = draft(delivery="per_recipient", quantity=10)
    for n in range(12):
        service.add_recipient(
            user, design.id, Value(**{**JANE.as_dict(), "name": f"Person {n}", "email": f"p{n}@example.com"})
        )
    browser.login(user.email)
    data = {"quantity": 40, "needed_by": "", "delivery": "per_recipient"}
    assert save_step(browser, design.id, "delivery", data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Design, design.id).spec["quantity"] == 12


def test_makers_never_see_the_list(browser) -> None:
    _, design = draft()
    browser.login(WorkshopFactory().email)
    assert browser.get(f"/designs/{design.id}/recipients").status_code in (403, 404)


def test_the_card_book_gets_each_card_in_list_order(app) -> None:
    user, design = draft(message="Dear {first_name}, thank you!")
    service.add_recipient(user, design.id, JANE)
    service.add_recipient(
        user,
        design.id,
        Value(**{**JANE.as_dict(), "name": "Sam Lee", "email": "", "company": "", "message": "Mine"}),
    )
    cards = service.book_cards(db.session.get(Design, design.id))
    assert [(c.index, c.label, c.name, c.message) for c in cards] == [
        (1, "Jane Doe · Acme", "Jane", "Dear Jane, thank you!"),
        (2, "Sam Lee", "Jane", "Mine"),
    ]


# --- The check in the worker --------------------------------------------------------------

PEOPLE = "".join(f"Person {n},p{n}@example.com,{n} Main St,New York,NY,10001,US\r\n" for n in range(7))
PEOPLE_CSV = (
    "Name,Email,Street,City,State,Zip,Country\r\n"
    + PEOPLE
    + "Bad Zip,b@example.com,1 St,Boston,MA,ABCDE,US\r\n"
).encode()
"""Seven good rows and one with a problem: four chunks of two in these tests."""


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: nothing of the worker's own error handling runs."""


@pytest.fixture
def small_chunks(monkeypatch) -> None:
    monkeypatch.setattr(service, "CHUNK_ROWS", 2)


def mapped_import(checks_sent) -> tuple[User, Design, int]:
    user, design = draft()
    import_id = service.start_import(user, design.id, "people.csv", PEOPLE_CSV)
    page = service.mapping_page(user, design.id, import_id)
    service.map_columns(user, design.id, import_id, page.version, page.mapping)
    assert checks_sent == [import_id]
    checks_sent.clear()
    return user, design, import_id


@contextmanager
def after_chunks(chunks: int, then) -> Iterator[None]:
    """Inside, a check commits ``chunks`` chunks, then ``then`` is called before the next one."""
    real = service._check_chunk
    calls = []

    def counting(import_id: int, token: str):
        if len(calls) == chunks:
            then()
        calls.append(import_id)
        return real(import_id, token)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(service, "_check_chunk", counting)
        yield


def lapse(import_id: int) -> None:
    """The lease ran out, as it does when its worker died."""
    db.session.execute(
        update(RecipientImport)
        .where(RecipientImport.id == import_id)
        .values(lease_expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def upload_of(import_id: int) -> RecipientImport:
    db.session.expire_all()
    return db.session.get(RecipientImport, import_id)


def names_on_the_list(design: Design) -> list[str]:
    db.session.expire_all()
    return [r.name for r in service.recipients_of(db.session.get(Design, design.id))]


def every_person_once(design: Design) -> None:
    assert names_on_the_list(design) == [f"Person {n}" for n in range(7)]


def test_a_worker_that_died_mid_check_is_resumed_after_its_lease_lapses(app, checks_sent, small_chunks):
    user, design, import_id = mapped_import(checks_sent)

    def die() -> None:
        raise WorkerKilled

    with after_chunks(2, die), pytest.raises(WorkerKilled):
        service.check_import(import_id)
    dead = upload_of(import_id)
    assert (dead.status, dead.rows_checked, dead.rows_saved) == (ImportStatus.CHECKING, 4, 4)
    assert service.reconcile() == [] and checks_sent == []  # its lease still runs: nobody takes it
    page = service.check_page(user, design.id, import_id)
    assert page.progress == "Checked 4 of 8 rows; 4 added to the list so far."
    lapse(import_id)
    assert service.reconcile() == [import_id] and checks_sent == [import_id]
    requeued = upload_of(import_id)
    assert (requeued.status, requeued.lost_attempts, requeued.failure_reason) == (
        ImportStatus.QUEUED,
        1,
        None,
    )
    service.check_import(import_id)  # the message the reconciler sent
    done = service.check_page(user, design.id, import_id)
    assert (done.status, done.checked, done.saved, done.waiting) == (ImportStatus.CHECKED, 8, 7, 1)
    every_person_once(design)


def test_a_check_lost_again_and_again_fails_with_a_sentence(app, checks_sent, small_chunks):
    _user, _design, import_id = mapped_import(checks_sent)
    for _ in range(service.MAX_LOST_RENDERS):
        assert service.LEASE.take(import_id)
        lapse(import_id)
        service.reconcile()
    failed = upload_of(import_id)
    assert (failed.status, failed.failure_reason) == (ImportStatus.FAILED, service.LOST_TOO_OFTEN)


def test_a_database_fault_requeues_the_check_and_keeps_the_chunks_saved(app, checks_sent, small_chunks):
    _user, design, import_id = mapped_import(checks_sent)

    def outage() -> None:
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    with after_chunks(1, outage), pytest.raises(InfrastructureFault):
        service.check_import(import_id)  # the task retries it, with backoff
    waiting = upload_of(import_id)
    assert (waiting.status, waiting.lease_token, waiting.failure_reason) == (ImportStatus.QUEUED, None, None)
    assert waiting.rows_saved == 2
    service.check_import(import_id)  # the retry
    assert upload_of(import_id).status == ImportStatus.CHECKED
    every_person_once(design)


def test_a_real_failure_shows_a_sentence_and_retry_finishes_the_check(browser, checks_sent, small_chunks):
    user, design, import_id = mapped_import(checks_sent)

    def bug() -> None:
        raise ValueError("secret detail of a bug in row 3")

    with after_chunks(1, bug):
        service.check_import(import_id)
    assert (upload_of(import_id).status, upload_of(import_id).rows_saved) == (ImportStatus.FAILED, 2)
    browser.login(user.email)
    url = f"/designs/{design.id}/recipients/import/{import_id}/check"
    page = browser.get(url).text
    assert service.CHECK_FAILED in page and "secret detail" not in page and ">Retry</button>" in page
    assert browser.get(url, headers={"Accept": "application/json"}).json["status"] == "failed"
    assert "stopped, see why" in browser.get(f"/designs/{design.id}/recipients").text
    assert browser.post(url).headers["Location"].endswith(url)
    assert checks_sent == [import_id] and upload_of(import_id).status == ImportStatus.QUEUED
    assert "checking…" in browser.get(f"/designs/{design.id}/recipients").text
    assert browser.post(url).status_code == 302 and checks_sent == [
        import_id
    ]  # a second click queues nothing
    service.check_import(import_id)
    done = browser.get(url)
    assert done.headers["Location"].endswith(f"/import/{import_id}/rows")
    assert (
        "8 rows checked: 7 recipients added to the list; 1 row needs a fix."
        in browser.get(done.headers["Location"]).text
    )
    every_person_once(design)


def test_while_the_rows_are_checked_they_cannot_be_fixed_or_discarded(browser, checks_sent):
    user, design, import_id = mapped_import(checks_sent)
    browser.login(user.email)
    base = f"/designs/{design.id}/recipients/import/{import_id}"
    with pytest.raises(Conflict):
        service.problems_page(user, design.id, import_id)
    with pytest.raises(Conflict):
        service.discard_import(user, design.id, import_id)
    assert browser.get(f"{base}/rows").headers["Location"].endswith(f"{base}/check")
    assert browser.post(f"{base}/discard").headers["Location"].endswith(f"{base}/check")
    page = browser.get(f"{base}/check").text
    assert "Checked 0 of 8 rows; 0 added to the list so far." in page and "<progress" in page
    assert upload_of(import_id) is not None and len(staged(import_id)) == 8


def test_a_design_submitted_mid_check_stops_it_with_a_sentence_and_keeps_what_was_saved(
    app, checks_sent, small_chunks
):
    _user, design, import_id = mapped_import(checks_sent)

    def submitted() -> None:
        db.session.get(Design, design.id).status = DesignStatus.SUBMITTED
        db.session.commit()

    with after_chunks(2, submitted):
        service.check_import(import_id)
    stopped = upload_of(import_id)
    assert (stopped.status, stopped.failure_reason, stopped.rows_saved) == (
        ImportStatus.FAILED,
        service.NO_LONGER_DRAFT,
        4,
    )
    assert names_on_the_list(design) == [f"Person {n}" for n in range(4)]


def test_a_duplicate_delivery_or_a_stale_worker_saves_nothing_twice(app, checks_sent, small_chunks):
    _user, design, import_id = mapped_import(checks_sent)
    stale = service.LEASE.take(import_id)  # a first delivery takes the import...
    service.check_import(import_id)  # ...so a second delivery of the same message does nothing
    assert upload_of(import_id).rows_checked == 0 and names_on_the_list(design) == []
    lapse(import_id)  # the first stalls past its lease and is replaced
    assert service.reconcile() == [import_id]
    service.check_import(import_id)
    assert service._check_chunk(import_id, stale) is service._Chunk.DONE  # nothing left for it
    service.check_import(import_id)  # a late duplicate after the end
    done = upload_of(import_id)
    assert (done.status, done.rows_checked, done.rows_saved) == (ImportStatus.CHECKED, 8, 7)
    every_person_once(design)


def test_a_stale_workers_chunk_is_rolled_back_whole(app, checks_sent, small_chunks):
    _user, design, import_id = mapped_import(checks_sent)
    stale = service.LEASE.take(import_id)
    lapse(import_id)
    assert service.reconcile() == [import_id]
    assert service._check_chunk(import_id, stale) is service._Chunk.LOST
    assert names_on_the_list(design) == [] and upload_of(import_id).rows_checked == 0
    service.check_import(import_id)
    every_person_once(design)


def test_a_row_repeating_one_kept_for_a_fix_in_an_earlier_chunk_waits_too(app, checks_sent, small_chunks):
    user, design = draft()
    rows = "Ann Lee,ann@example.com,1 Main St,New York,NY,ABCDE,US\r\nBo Ray,bo@example.com,2 Main St,New York,NY,10001,US\r\n"
    again = "Ann Lee,ann@example.com,1 Main St,New York,NY,10001,US\r\n"
    data = ("Name,Email,Street,City,State,Zip,Country\r\n" + rows + again).encode()
    import_id = service.start_import(user, design.id, "x.csv", data)
    page = service.mapping_page(user, design.id, import_id)
    done = map_and_check(user, design, import_id, page.version, page.mapping)
    assert (done.saved, done.waiting) == (1, 2)
    assert names_on_the_list(design) == ["Bo Ray"]
