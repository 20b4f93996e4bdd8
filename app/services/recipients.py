"""A draft design's recipient list: typed in one by one, imported from a file, exported to CSV.

Every use case owns its transaction and checks the organisation as designs do (another
organisation's design is "not found"). A submitted design's list is frozen like the rest of it.
Every change of a recipient is conditional on the version the buyer's page read, so two
browsers editing one recipient never lose an edit silently: the second is told and reloads.

Imports keep the file's rows as entered (:class:`RecipientImport`) before anything else, so a
bad upload or a wrong mapping loses nothing; rows that pass every check go onto the list at
once, rows with problems wait with their problem at each field until fixed or dropped.

Personal data never go into logs or audit events (ids only).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Design, User
from app.models.recipients import Recipient, RecipientImport, RecipientImportRow
from app.services.delivery import address_of
from app.services.designs import get_design
from app.services.drafts import is_draft, refuse_unless_draft
from app.services.errors import Conflict, Invalid, NotFound
from app.services.transaction import commits
from configurator.recipients import (
    FIELDS,
    LABELS,
    MAX_RECIPIENTS,
    TARGETS,
    FitCheck,
    RecipientCheck,
    card_message,
    check_recipient,
    duplicates,
    guess_mapping,
    recipient_from_row,
)
from configurator.recipients import Recipient as RecipientValue
from configurator.spec import BoxSpec
from configurator.spreadsheet import UnreadableUpload, read_upload
from configurator.vocabulary import Delivery
from proofs.card_fit import fit_message
from proofs.cardbook.request import BookCard
from proofs.csv_export import csv_bytes

PAGE_SIZE = 50
STALE = "Someone changed this recipient a moment ago. We reloaded it: check it and try again."
STALE_IMPORT = "This import was changed in another tab a moment ago. We reloaded it: check it and try again."
FULL = f"The list is full: a design takes up to {MAX_RECIPIENTS:,} recipients."


def fit_check(spec: BoxSpec) -> FitCheck:
    """The wizard's fit check (``proofs.card_fit``) on the card as the card book prints it: name line, then message."""

    def fits(name: str, message: str) -> str | None:
        found = fit_message(BookCard(0, "", name, message).text, spec.card_size)
        return None if found.fits else found.message

    return fits


def _checker(design: Design) -> Callable[[RecipientValue], RecipientCheck]:
    spec = BoxSpec.from_dict(design.spec)
    fits = fit_check(spec)
    return lambda value: check_recipient(value, fits, spec.message)


def _draft(user: User, design_id: int) -> Design:
    design = get_design(user, design_id)
    refuse_unless_draft(design)
    return design


def _count(design: Design) -> int:
    return db.session.scalar(select(func.count()).where(Recipient.design_id == design.id)) or 0


def recipients_of(design: Design) -> list[Recipient]:
    """The design's list in order (cards, boxes and exports follow it)."""
    query = (
        select(Recipient).where(Recipient.design_id == design.id).order_by(Recipient.position, Recipient.id)
    )
    return list(db.session.scalars(query))


def _next_position(design: Design) -> int:
    found = db.session.scalar(select(func.max(Recipient.position)).where(Recipient.design_id == design.id))
    return (found or 0) + 1


def _duplicate_of(design: Design, value: RecipientValue, except_id: int | None = None) -> str | None:
    """Why ``value`` repeats someone already on the list, or None."""
    others = [r for r in recipients_of(design) if r.id != except_id]
    found = duplicates([*(r.value() for r in others), value])
    if len(others) in found:
        return f"This is the same person as {others[found[len(others)]].name} on the list."
    return None


def boxes_for(design: Design, delivery: str, office_boxes: int | None) -> int | None:
    """The quantity the list makes when boxes go to recipients (a split adds the office's boxes);
    None when they do not, or while the list is empty (the buyer's own number stands until then)."""
    if not Delivery.has(delivery) or not Delivery(delivery).to_recipients:
        return None
    count = _count(design)
    if not count:
        return None
    return count + (office_boxes or 0 if Delivery(delivery).to_address else 0)


def _follow_quantity(design: Design) -> None:
    """When boxes go to recipients, the quantity is the list's."""
    spec = BoxSpec.from_dict(design.spec)
    row = address_of(design)
    boxes = boxes_for(design, spec.delivery, row.boxes if row else None)
    if boxes is not None and spec.quantity != boxes:
        design.spec = {**design.spec, "quantity": boxes}


# --- One by one ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A recipient as the list page shows it (to the organisation and staff only)."""

    id: int
    version: int
    position: int
    value: RecipientValue


@dataclass(frozen=True)
class OpenImport:
    id: int
    filename: str
    mapped: bool
    """False while the buyer has not matched its columns yet."""
    waiting: int
    """Its rows waiting for a fix."""


@dataclass(frozen=True)
class ListPage:
    design_id: int
    design_name: str
    editable: bool
    rows: tuple[Row, ...]
    total: int
    """Recipients on the whole list."""
    found: int
    """Recipients matching the search."""
    query: str
    page: int
    pages: int
    waiting: int
    """Imported rows waiting for a fix (across open imports)."""
    imports: tuple[OpenImport, ...]
    """Imports not finished yet, newest first."""
    delivery_to_recipients: bool


def list_page(user: User, design_id: int, query: str = "", page: int = 1) -> ListPage:
    design = get_design(user, design_id)
    where = [Recipient.design_id == design.id]
    query = " ".join(query.split())[:100]
    if query:
        like = f"%{query.replace('%', '').replace('_', '')}%"
        where.append(
            or_(
                *(
                    getattr(Recipient, f).ilike(like)
                    for f in ("name", "company", "email", "card_name", "city")
                )
            )
        )
    total = _count(design)
    found = db.session.scalar(select(func.count()).select_from(Recipient).where(*where)) or 0
    pages = max(1, math.ceil(found / PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        select(Recipient)
        .where(*where)
        .order_by(Recipient.position, Recipient.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    waiting_rows = (
        select(RecipientImportRow.import_id, func.count().label("n"))
        .where(RecipientImportRow.values.is_not(None))
        .group_by(RecipientImportRow.import_id)
        .subquery()
    )
    imports = tuple(
        OpenImport(i, name or "your file", mapped is not None, n or 0)
        for i, name, mapped, n in db.session.execute(
            select(RecipientImport.id, RecipientImport.filename, RecipientImport.mapping, waiting_rows.c.n)
            .outerjoin(waiting_rows, waiting_rows.c.import_id == RecipientImport.id)
            .where(RecipientImport.design_id == design.id)
            .order_by(RecipientImport.id.desc())
        )
    )
    waiting = sum(i.waiting for i in imports)
    spec = BoxSpec.from_dict(design.spec)
    return ListPage(
        design.id,
        design.name,
        is_draft(design),
        tuple(Row(r.id, r.version, r.position, r.value()) for r in rows),
        total,
        found,
        query,
        page,
        pages,
        waiting,
        imports,
        Delivery.has(spec.delivery) and Delivery(spec.delivery).to_recipients,
    )


def get_recipient(user: User, design_id: int, recipient_id: int) -> Row:
    design = get_design(user, design_id)
    found = db.session.get(Recipient, recipient_id)
    if found is None or found.design_id != design.id:
        raise NotFound("We could not find that recipient.")
    return Row(found.id, found.version, found.position, found.value())


def _checked_or_invalid(
    design: Design, value: RecipientValue, except_id: int | None = None
) -> RecipientCheck:
    checked = _checker(design)(value)
    errors = dict(checked.errors)
    if not errors and (same := _duplicate_of(design, checked.recipient, except_id)):
        errors["name"] = same
    if errors:
        raise Invalid("Please correct the recipient.", errors)
    return checked


def add_recipient(user: User, design_id: int, value: RecipientValue) -> Row:
    """Add one recipient at the end of the list; refused at the field when a check fails."""
    with _one_change(STALE):
        design = _draft(user, design_id)
        if _count(design) >= MAX_RECIPIENTS:
            raise Invalid(FULL, {"row": FULL})
        checked = _checked_or_invalid(design, value)
        row = Recipient(
            organisation_id=design.organisation_id, design_id=design.id, position=_next_position(design)
        )
        row.set_value(checked.recipient)
        db.session.add(row)
        db.session.flush()
        _follow_quantity(design)
        db.session.flush()
    result = Row(row.id, row.version, row.position, checked.recipient)
    return result


def _recipient_for_change(design: Design, recipient_id: int, version: int) -> Recipient:
    row = db.session.get(Recipient, recipient_id)
    if row is None or row.design_id != design.id:
        raise NotFound("We could not find that recipient: it may have been removed a moment ago.")
    if row.version != version:
        raise Conflict(STALE)
    return row


def edit_recipient(user: User, design_id: int, recipient_id: int, version: int, value: RecipientValue) -> Row:
    """Change a recipient as the buyer saw it at ``version`` (a newer change wins, and this one is refused)."""
    with _one_change(STALE):
        design = _draft(user, design_id)
        row = _recipient_for_change(design, recipient_id, version)
        checked = _checked_or_invalid(design, value, except_id=row.id)
        row.set_value(checked.recipient)
        db.session.flush()  # UPDATE … WHERE version = the one read: a concurrent edit is StaleDataError
    result = Row(row.id, row.version, row.position, checked.recipient)
    return result


def remove_recipient(user: User, design_id: int, recipient_id: int, version: int) -> None:
    with _one_change(STALE):
        design = _draft(user, design_id)
        row = _recipient_for_change(design, recipient_id, version)
        db.session.delete(row)
        db.session.flush()
        _follow_quantity(design)


@contextmanager
def _one_change(stale: str) -> Iterator[None]:
    """One transaction whose UPDATEs are conditional on the versions read: committed when the
    block ends, rolled back when it raises; a row changed meanwhile is a Conflict saying ``stale``."""
    try:
        yield
        db.session.commit()
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        raise Conflict(stale) from exc
    except BaseException:
        db.session.rollback()
        raise


def book_cards(design: Design) -> tuple[BookCard, ...]:
    """Every recipient's card in list order, as the card book renders it (box number, whom it is
    for, the name line, their message or the design's filled in): the seam for the card book."""
    message = BoxSpec.from_dict(design.spec).message
    cards = []
    for index, row in enumerate(recipients_of(design), start=1):
        value = row.value()
        text, _ = card_message(value, message)  # saved recipients passed the check: no problem left
        label = " · ".join(part for part in (value.name, value.company) if part)
        cards.append(BookCard(index, label, value.card_name, text))
    return tuple(cards)


# --- Export -------------------------------------------------------------------------------


def export_csv(user: User, design_id: int) -> bytes:
    """The list as CSV, every cell formula-safe (``proofs.csv_export``), in the same columns an import guesses."""
    design = get_design(user, design_id)
    rows = [[r.value().as_dict()[f] for f in FIELDS] for r in recipients_of(design)]
    return csv_bytes([LABELS[f] for f in FIELDS], rows)


# --- Import -------------------------------------------------------------------------------


@commits
def start_import(user: User, design_id: int, filename: str, data: bytes) -> int:
    """Keep an uploaded file's rows as entered; the buyer maps its columns next."""
    design = _draft(user, design_id)
    try:
        table = read_upload(filename, data)
    except UnreadableUpload as exc:
        raise Invalid(str(exc), {"file": str(exc)}) from None
    if not table.rows:
        raise Invalid("The file has headers but no rows.", {"file": "The file has headers but no rows."})
    upload = RecipientImport(
        organisation_id=design.organisation_id,
        design_id=design.id,
        created_by_id=user.id,
        filename=filename[-200:],
        headers=list(table.headers),
    )
    db.session.add(upload)
    db.session.flush()
    db.session.add_all(
        RecipientImportRow(import_id=upload.id, line=n, cells=list(cells))
        for n, cells in enumerate(table.rows, 2)
    )
    return upload.id


def _import(design: Design, import_id: int) -> RecipientImport:
    found = db.session.get(RecipientImport, import_id)
    if found is None or found.design_id != design.id:
        raise NotFound("We could not find that import: it may have been finished a moment ago.")
    return found


def import_open(user: User, design_id: int, import_id: int) -> bool:
    """Whether rows of the import still wait (it is gone once every row is saved or dropped)."""
    design = get_design(user, design_id)
    found = db.session.get(RecipientImport, import_id)
    return found is not None and found.design_id == design.id


@dataclass(frozen=True)
class MappingPage:
    design_id: int
    import_id: int
    version: int
    filename: str
    headers: tuple[str, ...]
    mapping: Mapping[int, str]
    """The buyer's mapping if they chose one, else our guess from the header names."""
    samples: tuple[tuple[str, ...], ...]
    """The first rows, so the buyer sees what each column holds."""
    rows: int
    targets: tuple[tuple[str, str], ...] = tuple((t, LABELS[t]) for t in TARGETS)


def mapping_page(user: User, design_id: int, import_id: int) -> MappingPage:
    design = _draft(user, design_id)
    upload = _import(design, import_id)
    rows = db.session.scalars(
        select(RecipientImportRow.cells)
        .where(RecipientImportRow.import_id == upload.id)
        .order_by(RecipientImportRow.line)
        .limit(5)
    )
    count = db.session.scalar(select(func.count()).where(RecipientImportRow.import_id == upload.id)) or 0
    mapping = (
        {int(k): v for k, v in upload.mapping.items()} if upload.mapping else guess_mapping(upload.headers)
    )
    return MappingPage(
        design.id,
        upload.id,
        upload.version,
        upload.filename,
        tuple(upload.headers),
        mapping,
        tuple(tuple(r) for r in rows),
        count,
    )


@dataclass(frozen=True)
class ImportResult:
    saved: int
    waiting: int


def _clean_mapping(mapping: Mapping[int, str], width: int) -> dict[int, str]:
    used: dict[int, str] = {}
    for index, target in sorted(mapping.items()):
        if 0 <= index < width and target in TARGETS and target not in used.values():
            used[index] = target
    if not {"name", "first_name", "last_name"} & set(used.values()):
        message = "Choose the column with the recipient's name (or first and last names)."
        raise Invalid(message, {"mapping": message})
    return used


def _save_good_rows(
    design: Design, staged: Sequence[tuple[RecipientImportRow, RecipientValue]]
) -> ImportResult:
    """Check every staged row's value; put the good ones on the list (in file order), keep the
    rest waiting with their value as entered (only those are written back: a 5,000-row import
    of good rows is 5,000 inserts and one delete, not 5,000 updates more)."""
    check = _checker(design)
    existing = [r.value() for r in recipients_of(design)]
    room = MAX_RECIPIENTS - len(existing)
    checks = [check(value) for _, value in staged]
    repeated = duplicates([*existing, *(c.recipient for c in checks)])
    position = _next_position(design)
    saved: list[int] = []
    for n, ((row, value), checked) in enumerate(zip(staged, checks, strict=True)):
        if not checked.ok or (len(existing) + n) in repeated or len(saved) >= room:
            row.values = value.as_dict()
            continue
        recipient = Recipient(organisation_id=design.organisation_id, design_id=design.id, position=position)
        recipient.set_value(checked.recipient)
        db.session.add(recipient)
        saved.append(row.id)
        position += 1
    db.session.flush()
    # One statement for the rows now on the list (the import's version, moved by the caller,
    # already refused a second run); deleting them one by one was half of a 5,000-row import.
    for chunk in range(0, len(saved), 1000):
        db.session.execute(
            delete(RecipientImportRow).where(RecipientImportRow.id.in_(saved[chunk : chunk + 1000])),
            execution_options={"synchronize_session": False},
        )
    gone = set(saved)
    for row, _ in staged:
        if row.id in gone:
            db.session.expunge(row)
    _follow_quantity(design)
    return ImportResult(len(saved), len(staged) - len(saved))


def apply_mapping(
    user: User, design_id: int, import_id: int, version: int, mapping: Mapping[int, str]
) -> ImportResult:
    """Read every row under the buyer's mapping; good rows join the list now, the others wait for a fix."""
    with _one_change(STALE_IMPORT):
        design = _draft(user, design_id)
        upload = _import(design, import_id)
        if upload.version != version:
            raise Conflict(STALE_IMPORT)
        used = _clean_mapping(mapping, len(upload.headers))
        upload.mapping = {str(k): v for k, v in used.items()}
        staged = list(
            db.session.scalars(
                select(RecipientImportRow)
                .where(RecipientImportRow.import_id == upload.id)
                .order_by(RecipientImportRow.line)
            )
        )
        db.session.flush()  # the import's version moves: a double submit is refused here
        result = _save_good_rows(design, [(row, recipient_from_row(row.cells, used)) for row in staged])
        _finish_if_done(upload)
    return result


def _finish_if_done(upload: RecipientImport) -> None:
    left = db.session.scalar(select(func.count()).where(RecipientImportRow.import_id == upload.id))
    if not left:
        db.session.delete(upload)


@dataclass(frozen=True)
class ProblemRow:
    id: int
    version: int
    line: int
    value: RecipientValue
    """As entered (and as fixed so far)."""
    errors: Mapping[str, str]
    warnings: Mapping[str, str]


@dataclass(frozen=True)
class ProblemsPage:
    design_id: int
    import_id: int
    filename: str
    mapped: bool
    rows: tuple[ProblemRow, ...]
    fields: tuple[tuple[str, str], ...] = tuple((f, LABELS[f]) for f in FIELDS)

    @property
    def problems(self) -> int:
        return sum(len(r.errors) for r in self.rows)


def problems_page(user: User, design_id: int, import_id: int, limit: int = 200) -> ProblemsPage:
    """The rows still waiting, each with every problem at its field (checked again: the list may have changed)."""
    design = _draft(user, design_id)
    upload = _import(design, import_id)
    staged = list(
        db.session.scalars(
            select(RecipientImportRow)
            .where(RecipientImportRow.import_id == upload.id, RecipientImportRow.values.is_not(None))
            .order_by(RecipientImportRow.line)
            .limit(limit)
        )
    )
    check = _checker(design)
    existing = [r.value() for r in recipients_of(design)]
    values = [_value_of(row.values) for row in staged]
    checks = [check(v) for v in values]
    repeated = duplicates([*existing, *(c.recipient for c in checks)])
    out = []
    for n, (row, value, checked) in enumerate(zip(staged, values, checks, strict=True)):
        errors = dict(checked.errors)
        if (earlier := repeated.get(len(existing) + n)) is not None and "row" not in errors:
            where = (
                "on the list" if earlier < len(existing) else f"in row {staged[earlier - len(existing)].line}"
            )
            errors.setdefault("name", f"The same person is already {where}.")
        out.append(ProblemRow(row.id, row.version, row.line, value, errors, checked.warnings))
    return ProblemsPage(design.id, upload.id, upload.filename, upload.mapping is not None, tuple(out))


def _value_of(values: Mapping[str, Any] | None) -> RecipientValue:
    return RecipientValue(**{f: str((values or {}).get(f, "")) for f in FIELDS})


def fix_row(
    user: User, design_id: int, import_id: int, row_id: int, version: int, value: RecipientValue
) -> bool:
    """Keep the buyer's fix of a waiting row (nothing typed is lost); it joins the list when it passes. True if it did."""
    with _one_change(STALE_IMPORT):
        design = _draft(user, design_id)
        upload = _import(design, import_id)
        row = db.session.get(RecipientImportRow, row_id)
        if row is None or row.import_id != upload.id:
            raise NotFound("We could not find that row: it may have been saved a moment ago.")
        if row.version != version:
            raise Conflict(STALE_IMPORT)
        row.values = value.as_dict()
        db.session.flush()  # UPDATE … WHERE version = the one read: two tabs never save one row twice
        result = _save_good_rows(design, [(row, value)])
        _finish_if_done(upload)
    return result.saved == 1


@commits
def drop_row(user: User, design_id: int, import_id: int, row_id: int) -> None:
    design = _draft(user, design_id)
    upload = _import(design, import_id)
    db.session.execute(
        delete(RecipientImportRow).where(
            RecipientImportRow.id == row_id, RecipientImportRow.import_id == upload.id
        )
    )
    _finish_if_done(upload)


@commits
def discard_import(user: User, design_id: int, import_id: int) -> None:
    """Drop the rows still waiting (those already saved stay on the list)."""
    design = _draft(user, design_id)
    upload = _import(design, import_id)
    db.session.execute(delete(RecipientImportRow).where(RecipientImportRow.import_id == upload.id))
    db.session.delete(upload)
