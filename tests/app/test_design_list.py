"""Designs are named, renamed, duplicated and archived; the list says where each stands, in words."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.models import Design, Role
from app.services import designs, reviews
from app.services.design_list import design_list
from app.services.errors import Conflict, Invalid, NotFound
from tests.app.factories import DesignFactory, StaffFactory, UserFactory, box_spec, ready_proof
from tests.app.journeys import Browser


@contextlib.contextmanager
def counted() -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _designs_of_every_kind(buyer) -> None:
    DesignFactory(
        created_by=buyer, name="Draft one", spec=box_spec(needed_by=date.today() + timedelta(days=40))
    )
    submitted = DesignFactory(created_by=buyer, name="Waiting one", status="submitted")
    ready_proof(submitted)
    sent_back = DesignFactory(created_by=buyer, name="Sent back one", status="submitted")
    reviews.decide(
        UserFactory(organisation=buyer.organisation), ready_proof(sent_back), 1, "request_changes", "Bigger"
    )
    ordered = DesignFactory(created_by=buyer, name="Ordered one", status="submitted")
    proof = ready_proof(ordered)
    reviews.decide(buyer, proof, 1, "approve", "")
    reviews.decide(StaffFactory(), proof, 1, "approve", "")


def test_the_list_says_where_each_design_stands_with_its_total_and_needed_by(app):
    buyer = UserFactory()
    _designs_of_every_kind(buyer)
    rows = {row.name: row for row in design_list(buyer).rows}
    assert rows["Draft one"].standing.text == "No proof yet: submit the design to get one."
    assert rows["Draft one"].total_is_estimate and rows["Draft one"].total > 0
    assert rows["Draft one"].needed_by == date.today() + timedelta(days=40)
    assert rows["Waiting one"].standing.text == "Waiting for your approval of proof v1."
    assert not rows["Waiting one"].total_is_estimate
    assert rows["Sent back one"].sent_back.reason == "Bigger"
    assert rows["Ordered one"].standing.text.startswith("Approved by both sides. Order ")


def test_the_list_costs_the_same_queries_for_four_designs_as_for_forty(app):
    buyer = UserFactory()
    _designs_of_every_kind(buyer)
    db.session.expire_all()
    with counted() as few:
        design_list(buyer)
    for _ in range(9):
        _designs_of_every_kind(buyer)
    db.session.expire_all()
    with counted() as many:
        page = design_list(buyer)
    assert len(page.rows) == 40
    assert len(many) == len(few), many


def test_search_and_filters_find_designs_and_archived_ones_hide_until_asked_for(app):
    buyer = UserFactory()
    _designs_of_every_kind(buyer)
    DesignFactory(created_by=UserFactory(), name="Draft of another organisation")
    assert [r.name for r in design_list(buyer, "DRAFT").rows] == ["Draft one"]
    assert {r.name for r in design_list(buyer, "one", "submitted").rows} == {"Waiting one"}
    assert {r.name for r in design_list(buyer, "", "draft").rows} == {"Draft one", "Sent back one"}
    assert design_list(buyer, "100%_").rows == ()  # wildcards are letters here
    target = db.session.scalar(select(Design).where(Design.name == "Waiting one"))
    assert [r.name for r in design_list(buyer, f"#{target.id}").rows] == ["Waiting one"]

    assert designs.set_archived(buyer, target, True)
    assert not designs.set_archived(buyer, target, True)  # idempotent
    page = design_list(buyer)
    assert "Waiting one" not in {r.name for r in page.rows}
    assert [r.name for r in design_list(buyer, "", "archived").rows] == ["Waiting one"]
    assert page.counts[page.filter.ARCHIVED] == 1 and page.counts[page.filter.CURRENT] == 3
    designs.set_archived(buyer, target, False)
    assert "Waiting one" in {r.name for r in design_list(buyer).rows}


def test_designs_are_named_at_creation_and_renamed_on_the_name_seen(app):
    buyer = UserFactory()
    named = designs.create_blank(buyer, "  Winter   thank-you ")
    assert named.name == "Winter thank-you"
    assert designs.create_blank(buyer).name.startswith("Custom box of ")
    assert designs.create_from_classic(buyer, "warm-welcome").name == "Warm Welcome"
    with pytest.raises(Invalid):
        designs.create_blank(buyer, "Gift\u202e box")

    revision = named.revision
    assert designs.rename(buyer, named, "Winter thank-you", "Spring thank-you") == "Spring thank-you"
    assert named.revision == revision  # a rename makes no open wizard tab stale
    with pytest.raises(Conflict, match="renamed this design to “Spring thank-you”"):
        designs.rename(buyer, named, "Winter thank-you", "Autumn")
    with pytest.raises(NotFound):
        designs.rename(UserFactory(), named, "Spring thank-you", "Mine now")
    with pytest.raises(NotFound):
        designs.rename(StaffFactory(), named, "Spring thank-you", "Staff name")


def test_on_the_pages_a_buyer_names_renames_duplicates_and_archives(app):
    buyer = UserFactory(role=Role.APPROVER)
    browser = Browser(app.test_client())
    browser.login(buyer.email)
    created = browser.post("/designs/new", {"name": "Board gifts", "start": "blank"})
    design_id = int(created.headers["Location"].split("/designs/")[1].split("/")[0])
    assert db.session.get(Design, design_id).name == "Board gifts"

    browser.post(f"/designs/{design_id}/rename", {"name": "Board gifts 2026", "seen_name": "Board gifts"})
    copy = browser.post(f"/designs/{design_id}/duplicate")
    copy_id = int(copy.headers["Location"].rsplit("/", 1)[1])
    assert db.session.get(Design, copy_id).name == "Board gifts 2026 (copy)"
    browser.post(f"/designs/{design_id}/archive", {"from_list": "1"})

    listed = browser.get("/designs").text
    assert "Board gifts 2026 (copy)" in listed and "Board gifts 2026<" not in listed
    assert "No proof yet" in listed and 'type="search"' in listed
    archived = browser.get("/designs?show=archived").text
    assert "Board gifts 2026<" in archived and "Restore" in archived
    assert "No design matches “nothing like it”" in browser.get("/designs?q=nothing+like+it").text
