"""A draft design's recipient list: typed in one by one, imported from a file, exported to CSV.

Every use case owns its transaction and checks the organisation as designs do (another
organisation's design is "not found"). A submitted design's list is frozen like the rest of it.
Every change of a recipient is conditional on the version the buyer's page read, so two
browsers editing one recipient never lose an edit silently: the second is told and reloads.

Imports keep the file's rows as entered (:class:`RecipientImport`) before anything else, so a
bad upload or a wrong mapping loses nothing. Once the buyer matches the columns, a worker
checks the rows (:func:`check_import`, up to 5,000 of them: too much for a request) in chunks
under a lease, while the buyer's page shows its progress; rows that pass every check go onto
the list chunk by chunk, rows with problems wait with their problem at each field until fixed
or dropped. A worker that dies mid-check is replaced by the reconciler, which resumes after the
last chunk committed: every row is saved once.

Personal data never go into logs or audit events (ids only).
"""

from __future__ import annotations

import enum
import logging
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.background import send_after_commit
from app.extensions import db
from app.faults import InfrastructureFault, is_infrastructure_fault
from app.models import Design, User, utcnow
from app.models.recipients import Recipient, RecipientImport, RecipientImportRow
from app.services.delivery import address_of
from app.services.designs import get_design
from app.services.drafts import is_draft, refuse_unless_draft
from app.services.errors import Conflict, Invalid, NotFound
from app.services.leases import MAX_LOST_RENDERS, GiveUp, Lease
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
from configurator.states import IMPORT, IllegalTransition, ImportStatus
from configurator.status_text import import_sentence
from configurator.vocabulary import Delivery
from proofs.card_fit import fit_message
from proofs.cardbook.request import BookCard
from proofs.csv_export import csv_bytes

log = logging.getLogger(__name__)

PAGE_SIZE = 50
STALE = "Someone changed this recipient a moment ago. We reloaded it: check it and try again."
STALE_IMPORT = "This import was changed in another tab a moment ago. We reloaded it: check it and try again."
FULL = f"The list is full: a design takes up to {MAX_RECIPIENTS:,} recipients."
STILL_CHECKING = "We are still checking the rows of this file. Wait until we are done, then fix or drop them."
CHECK_FAILED = (
    "We could not finish checking the rows of this file. Our team has been told; try again in a moment."
)
NO_LONGER_DRAFT = (
    "The design was submitted while we checked this file, so its list is frozen. The rows checked "
    "before stay on the list; ask for changes on the proof, then try again for the rest."
)
LOST_TOO_OFTEN = (
    f"We could not finish checking this file: the checker stopped {MAX_LOST_RENDERS} times while reading it. "
    "Our team has been told; try again, or split the file into smaller ones."
)
CHECK_TASK_NAME = "app.tasks.check_recipient_import"
"""The task that checks an import's rows (registered under this name in :mod:`app.tasks`)."""
CHUNK_ROWS = 500
"""Rows checked and saved per transaction: the progress the buyer sees, and what a dead worker loses."""
STALE_CHUNKS = 3
"""Chunks in a row refused because the design changed under them (an edit in the wizard) before the check fails."""


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
    status: ImportStatus
    """Mapping (the buyer matches its columns), queued or checking (a worker reads it), checked, failed."""
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
        OpenImport(i, name or "your file", ImportStatus(status), n or 0)
        for i, name, status, n in db.session.execute(
            select(RecipientImport.id, RecipientImport.filename, RecipientImport.status, waiting_rows.c.n)
            .outerjoin(waiting_rows, waiting_rows.c.import_id == RecipientImport.id)
            .where(RecipientImport.design_id == design.id)
            .order_by(RecipientImport.id.desc())
        )
        # A check that saved every row has nothing left to do: it is kept only for its summary.
        if status != ImportStatus.CHECKED or n
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


def _checked_import(design: Design, import_id: int) -> RecipientImport:
    """An import whose rows the worker has checked: only then are its waiting rows complete."""
    found = _import(design, import_id)
    if found.status != ImportStatus.CHECKED:
        raise Conflict(STILL_CHECKING)
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
    status: ImportStatus
    """Only an import in ``mapping`` takes a mapping; the others have theirs."""
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
        ImportStatus(upload.status),
        upload.version,
        upload.filename,
        tuple(upload.headers),
        mapping,
        tuple(tuple(r) for r in rows),
        count,
    )


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
    design: Design,
    staged: Sequence[tuple[RecipientImportRow, RecipientValue]],
    waiting: Sequence[RecipientValue] = (),
) -> int:
    """Check every staged row's value; put the good ones on the list (in file order), keep the
    rest waiting with their value as entered (only those are written back: a 5,000-row import
    of good rows is 5,000 inserts and one delete, not 5,000 updates more). A row repeating one
    of ``waiting`` (rows of an earlier chunk kept for a fix) waits too, as it would in one chunk.
    Returns how many went onto the list."""
    check = _checker(design)
    existing = [r.value() for r in recipients_of(design)]
    room = MAX_RECIPIENTS - len(existing)
    checks = [check(value) for _, value in staged]
    repeated = duplicates([*existing, *waiting, *(c.recipient for c in checks)])
    before = len(existing) + len(waiting)
    position = _next_position(design)
    saved: list[int] = []
    for n, ((row, value), checked) in enumerate(zip(staged, checks, strict=True)):
        if not checked.ok or (before + n) in repeated or len(saved) >= room:
            row.values = value.as_dict()
            continue
        recipient = Recipient(organisation_id=design.organisation_id, design_id=design.id, position=position)
        recipient.set_value(checked.recipient)
        db.session.add(recipient)
        saved.append(row.id)
        position += 1
    db.session.flush()
    # One statement for the rows now on the list (the caller's lease or version already refused
    # a second run); deleting them one by one was half of a 5,000-row import.
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
    return len(saved)


@commits
def map_columns(user: User, design_id: int, import_id: int, version: int, mapping: Mapping[int, str]) -> None:
    """Keep the buyer's mapping and queue the rows for a worker to check (the check page shows how far it got)."""
    design = _draft(user, design_id)
    upload = _import(design, import_id)
    used = _clean_mapping(mapping, len(upload.headers))
    _queue(
        upload,
        "map",
        RecipientImport.version == version,  # a tab that read an older mapping page is refused
        mapping={str(k): v for k, v in used.items()},
        version=RecipientImport.version + 1,
    )


@commits
def retry_check(user: User, design_id: int, import_id: int) -> None:
    """Check a failed import's rows again, from where it stopped (rows already saved stay saved)."""
    design = _draft(user, design_id)
    upload = _import(design, import_id)
    _queue(upload, "retry", failure_reason=None, lost_attempts=0)


def _queue(upload: RecipientImport, action: str, *where: Any, **values: Any) -> None:
    """Move the import to queued by ``action`` only from the state read (a second click or tab is
    a Conflict), and wake a worker when the transaction commits."""
    try:
        target = IMPORT.next(upload.status, action)
    except IllegalTransition:
        raise Conflict(STALE_IMPORT) from None
    moved = db.session.execute(
        update(RecipientImport)
        .where(RecipientImport.id == upload.id, RecipientImport.status == upload.status, *where)
        .values(status=target, updated_at=utcnow(), **values),
        execution_options={"synchronize_session": False},
    ).rowcount
    if moved != 1:
        raise Conflict(STALE_IMPORT)
    db.session.expire(upload)
    send_after_commit(CHECK_TASK_NAME, upload.id)


@dataclass(frozen=True)
class CheckPage:
    """How far the worker got with an import's rows: for the progress page and its poller."""

    design_id: int
    import_id: int
    filename: str
    status: ImportStatus
    rows: int
    """Rows of the file (those checked, and those still to check)."""
    checked: int
    saved: int
    waiting: int
    """Rows kept for a fix now."""
    failure_reason: str | None

    @property
    def done(self) -> bool:
        return self.status == ImportStatus.CHECKED

    @property
    def state(self) -> str:
        """Where the check stands, in a sentence (why it stopped, when it did)."""
        return import_sentence(self.status)

    @property
    def progress(self) -> str:
        return f"Checked {self.checked:,} of {_rows(self.rows)}; {self.saved:,} added to the list so far."

    @property
    def summary(self) -> str:
        """The sentence the buyer reads once every row is checked."""
        added = f"{self.saved:,} recipient{'' if self.saved == 1 else 's'} added to the list"
        if not self.waiting:
            return f"{_rows(self.checked)} checked: {added}."
        need = "needs" if self.waiting == 1 else "need"
        return f"{_rows(self.checked)} checked: {added}; {_rows(self.waiting)} {need} a fix."


def _rows(n: int) -> str:
    return f"{n:,} row{'' if n == 1 else 's'}"


def check_page(user: User, design_id: int, import_id: int) -> CheckPage:
    design = get_design(user, design_id)
    upload = _import(design, import_id)
    waiting, unchecked = db.session.execute(
        select(
            func.count().filter(RecipientImportRow.values.is_not(None)),
            func.count().filter(RecipientImportRow.values.is_(None)),
        ).where(RecipientImportRow.import_id == upload.id)
    ).one()
    return CheckPage(
        design.id,
        upload.id,
        upload.filename or "your file",
        ImportStatus(upload.status),
        upload.rows_checked + unchecked,
        upload.rows_checked,
        upload.rows_saved,
        waiting,
        upload.failure_reason,
    )


# --- Checking the rows (in the worker) -----------------------------------------------------


LEASE = Lease(
    RecipientImport,
    IMPORT,
    "PROOF_LEASE_SECONDS",
    GiveUp(MAX_LOST_RENDERS, LOST_TOO_OFTEN),
    waits_in=ImportStatus.QUEUED,
)
"""A worker checks an import's rows under this lease (a proof render's length and renewal)."""


def check_import(import_id: int) -> None:
    """Check an import's rows, a chunk per transaction, under a lease; a no-op when another delivery holds it.

    A database fault gives the import back to the queue and raises :class:`InfrastructureFault`
    for the task to retry; any other error fails the import with a sentence. Either way the
    chunks already committed stay: the next check resumes after them.
    """
    token = None
    try:
        token = LEASE.take(import_id)
        if token is None:
            return
        with LEASE.keeper(import_id, token):
            _check_held(import_id, token)
    except Exception as exc:
        db.session.rollback()
        if not is_infrastructure_fault(exc):
            log.exception("recipient import %s: the check failed", import_id)
            if token is not None:
                _settle(import_id, token, "fail", failure_reason=CHECK_FAILED)
            return
        if token is not None:
            _settle(import_id, token, "requeue")
        raise InfrastructureFault(
            f"recipient import {import_id} met {type(exc).__name__}; it will be retried"
        ) from exc


def _settle(import_id: int, token: str, action: str, **values: Any) -> None:
    """Move the import on while we hold it and commit; if the database refuses, the lease lapses instead."""
    try:
        if not LEASE.settle(import_id, token, action, **values):
            log.info("recipient import %s: the lease was taken over; nothing written", import_id)
        db.session.commit()
    except Exception as exc:  # the reconciler takes over once the lease lapses
        db.session.rollback()
        log.warning("recipient import %s: could not %s (%s); its lease will lapse", import_id, action, exc)


class _Chunk(enum.Enum):
    """What the check does after a chunk."""

    NEXT = "next"
    """Saved and counted: on to the next chunk."""
    DONE = "done"
    """No row is left to check."""
    FROZEN = "frozen"
    """The design is no longer a draft: its list may not change."""
    LOST = "lost"
    """Another worker holds the import now: this one stops and writes nothing."""


def _check_held(import_id: int, token: str) -> None:
    stale = 0
    while True:
        try:
            step = _check_chunk(import_id, token)
        except StaleDataError:  # the design changed under this chunk (an edit in the wizard): read it again
            db.session.rollback()
            stale += 1
            if stale < STALE_CHUNKS:
                continue
            _settle(import_id, token, "fail", failure_reason=CHECK_FAILED)
            return
        stale = 0
        if step is _Chunk.DONE:
            _settle(import_id, token, "finish", failure_reason=None)
        elif step is _Chunk.FROZEN:
            _settle(import_id, token, "fail", failure_reason=NO_LONGER_DRAFT)
        if step is not _Chunk.NEXT:
            return


def _check_chunk(import_id: int, token: str) -> _Chunk:
    """Check and save the next chunk of rows in one transaction."""
    upload = db.session.get(RecipientImport, import_id, populate_existing=True)
    # Locked for the chunk (on PostgreSQL): a submit waits for it, and the next chunk sees it.
    design = db.session.scalars(
        select(Design)
        .where(Design.id == upload.design_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if not is_draft(design):
        db.session.rollback()
        return _Chunk.FROZEN
    chunk = list(
        db.session.scalars(
            select(RecipientImportRow)
            .where(RecipientImportRow.import_id == import_id, RecipientImportRow.values.is_(None))
            .order_by(RecipientImportRow.line)
            .limit(CHUNK_ROWS)
        )
    )
    if not chunk:
        db.session.rollback()
        return _Chunk.DONE
    used = {int(k): v for k, v in (upload.mapping or {}).items()}
    waiting = [
        _value_of(values)
        for values in db.session.scalars(
            select(RecipientImportRow.values).where(
                RecipientImportRow.import_id == import_id, RecipientImportRow.values.is_not(None)
            )
        )
    ]
    saved = _save_good_rows(design, [(row, recipient_from_row(row.cells, used)) for row in chunk], waiting)
    db.session.flush()
    # Counted only while we still hold the import: a stale checker's chunk is rolled back whole.
    held = db.session.execute(
        update(RecipientImport)
        .where(*LEASE.held(import_id, token))
        .values(
            rows_checked=RecipientImport.rows_checked + len(chunk),
            rows_saved=RecipientImport.rows_saved + saved,
            updated_at=utcnow(),
        ),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not held:
        db.session.rollback()
        log.warning("recipient import %s: the lease was taken over; this chunk is dropped", import_id)
        return _Chunk.LOST
    db.session.commit()
    return _Chunk.NEXT


def reconcile() -> list[int]:
    """Send imports to the workers again: lapsed leases (a dead worker, counted as lost) and
    long-queued ones (a lost message). Returns the ids sent."""
    return LEASE.reconcile(_enqueue, current_app.config["PROOF_RESEND_SECONDS"])


def _enqueue(import_id: int) -> None:
    send_after_commit(CHECK_TASK_NAME, import_id)


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
    rows: tuple[ProblemRow, ...]
    fields: tuple[tuple[str, str], ...] = tuple((f, LABELS[f]) for f in FIELDS)

    @property
    def problems(self) -> int:
        return sum(len(r.errors) for r in self.rows)


def problems_page(user: User, design_id: int, import_id: int, limit: int = 200) -> ProblemsPage:
    """The rows still waiting, each with every problem at its field (checked again: the list may have changed)."""
    design = _draft(user, design_id)
    upload = _checked_import(design, import_id)
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
    return ProblemsPage(design.id, upload.id, upload.filename, tuple(out))


def _value_of(values: Mapping[str, Any] | None) -> RecipientValue:
    return RecipientValue(**{f: str((values or {}).get(f, "")) for f in FIELDS})


def fix_row(
    user: User, design_id: int, import_id: int, row_id: int, version: int, value: RecipientValue
) -> bool:
    """Keep the buyer's fix of a waiting row (nothing typed is lost); it joins the list when it passes. True if it did."""
    with _one_change(STALE_IMPORT):
        design = _draft(user, design_id)
        upload = _checked_import(design, import_id)
        row = db.session.get(RecipientImportRow, row_id)
        if row is None or row.import_id != upload.id:
            raise NotFound("We could not find that row: it may have been saved a moment ago.")
        if row.version != version:
            raise Conflict(STALE_IMPORT)
        row.values = value.as_dict()
        db.session.flush()  # UPDATE … WHERE version = the one read: two tabs never save one row twice
        saved = _save_good_rows(design, [(row, value)])
        _finish_if_done(upload)
    return saved == 1


@commits
def drop_row(user: User, design_id: int, import_id: int, row_id: int) -> None:
    design = _draft(user, design_id)
    upload = _checked_import(design, import_id)
    db.session.execute(
        delete(RecipientImportRow).where(
            RecipientImportRow.id == row_id, RecipientImportRow.import_id == upload.id
        )
    )
    _finish_if_done(upload)


@commits
def discard_import(user: User, design_id: int, import_id: int) -> None:
    """Drop the rows still waiting (those already saved stay on the list); refused while a worker checks them."""
    design = _draft(user, design_id)
    upload = _import(design, import_id)
    if upload.status in (ImportStatus.QUEUED, ImportStatus.CHECKING):
        raise Conflict(STILL_CHECKING)
    db.session.execute(delete(RecipientImportRow).where(RecipientImportRow.import_id == upload.id))
    db.session.delete(upload)
