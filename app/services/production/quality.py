"""The quality check of an order: staff tick its lines (or record an exception) before packing.

Marking a line and packing both start with the same conditional write on the order row ("still
at quality check"), which takes its lock on PostgreSQL and the single writer lock on SQLite
before anything is read: a line cleared while someone packs either lands before the pack (which
then sees it and refuses) or after it (refused: the order is packed). Sending the order back to
production clears the marks: the reworked boxes are checked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from app.extensions import db
from app.models import Order, QualityCheckMark, User, utcnow
from app.services import audit
from app.services.errors import Conflict, Invalid, NotFound
from app.services.transaction import commits
from configurator.catalog import load_catalog
from configurator.quality import CheckLine, checklist, pack_refusal
from configurator.spec import BoxSpec
from configurator.states import OrderStatus
from configurator.vocabulary import QualityMark

NOTE_MAX = 500
NOT_AT_CHECK = "This order is not at quality check any more: reload the page to see where it is."


@dataclass(frozen=True)
class CheckRow:
    line: CheckLine
    mark: QualityMark | None
    note: str
    by: str
    at: datetime | None


@dataclass(frozen=True)
class QualityChecklist:
    """What the order page shows of the check: every line with its mark, and what packing waits for."""

    rows: tuple[CheckRow, ...]
    open: bool
    """The order is at quality check: lines can be marked now."""
    refusal: str | None
    """Why the order cannot be packed yet; None once every line is settled."""

    @property
    def settled(self) -> int:
        return sum(row.mark is not None for row in self.rows)


def lines_of(order: Order) -> tuple[CheckLine, ...]:
    return checklist(BoxSpec.from_dict(order.spec), load_catalog())


def _marks(order: Order) -> dict[str, QualityCheckMark]:
    query = select(QualityCheckMark).where(QualityCheckMark.order_id == order.id)
    return {m.line_key: m for m in db.session.scalars(query)}


def refusal_to_pack(order: Order) -> str | None:
    """Why ``order`` cannot be packed by the checklist; the caller holds the order's lock to act on it."""
    return pack_refusal(lines_of(order), {key: m.mark for key, m in _marks(order).items()})


def quality_checklist(order: Order) -> QualityChecklist:
    marks = _marks(order)
    rows = tuple(
        CheckRow(
            line,
            mark.mark if mark else None,
            mark.note if mark else "",
            mark.marked_by.display_name if mark else "",
            mark.marked_at if mark else None,
        )
        for line in lines_of(order)
        for mark in [marks.get(line.key)]
    )
    return QualityChecklist(
        rows,
        order.status == OrderStatus.QUALITY_CHECK,
        pack_refusal(lines_of(order), {key: m.mark for key, m in marks.items()}),
    )


def _hold_at_check(order: Order) -> None:
    """Lock the order row if it is still at quality check (a conditional write), else refuse."""
    held = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == OrderStatus.QUALITY_CHECK)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if held.rowcount != 1:
        raise Conflict(NOT_AT_CHECK)


def hold_for_packing(order: Order) -> None:
    """Lock the order at quality check and refuse, in a sentence, unless every line is settled.

    In the packing transaction, before the order moves (``staff_advance``).
    """
    _hold_at_check(order)
    refusal = refusal_to_pack(order)
    if refusal is not None:
        raise Conflict(refusal)


def _checked_line(order: Order, key: str) -> CheckLine:
    """The line ``key`` of the order, with the order held at quality check."""
    line = next((line for line in lines_of(order) if line.key == key), None)
    if line is None:
        raise NotFound("That line is not on this order's checklist.")
    _hold_at_check(order)
    return line


@commits
def mark_line(staff: User, order: Order, key: str, mark: QualityMark, note: str = "") -> None:
    """Tick a line, or record an exception to it (a note says what and why). Commits."""
    note = " ".join(note.split())
    if mark == QualityMark.EXCEPTION and not note:
        raise Invalid(
            "Say what is different and why it is acceptable.", {"note": "Write what the exception is."}
        )
    if len(note) > NOTE_MAX:
        raise Invalid("The note is too long.", {"note": f"Keep the note under {NOTE_MAX} characters."})
    _checked_line(order, key)
    db.session.execute(
        delete(QualityCheckMark).where(
            QualityCheckMark.order_id == order.id, QualityCheckMark.line_key == key
        )
    )
    db.session.add(
        QualityCheckMark(order_id=order.id, line_key=key, mark=mark, note=note, marked_by_id=staff.id)
    )
    audit.record(staff, f"order.quality_{mark.value}", f"order:{order.id}", order.organisation_id, line=key)


@commits
def clear_line(staff: User, order: Order, key: str) -> None:
    """Take a mark back (the line is checked again). Commits."""
    _checked_line(order, key)
    db.session.execute(
        delete(QualityCheckMark).where(
            QualityCheckMark.order_id == order.id, QualityCheckMark.line_key == key
        )
    )
    audit.record(staff, "order.quality_cleared", f"order:{order.id}", order.organisation_id, line=key)


def forget_marks(order: Order) -> None:
    """Clear every mark (the order went back to production); in the caller's transaction."""
    db.session.execute(delete(QualityCheckMark).where(QualityCheckMark.order_id == order.id))
