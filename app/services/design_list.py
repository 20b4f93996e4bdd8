"""The design list as a page object: each design's status in words, total, needed-by and last change.

A fixed number of queries whatever the number of designs (the page is benchmarked): the designs
with their authors, their proofs, those proofs' reviews with who decided, the orders, the
counts per filter, and at most one look at the workers' heartbeat.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.forms import parse_id
from app.models import Design, Order, Proof, Review, User
from app.services import workers
from app.services.reviews.progress import SentBack, Standing, sent_back, standing
from configurator.catalog import load_catalog
from configurator.pricing import quote
from configurator.spec import BoxSpec
from configurator.states import DesignStatus, RenderStatus
from configurator.vocabulary import DesignFilter

LIMIT = 200
"""Rows on one page; a search or a filter finds the others."""
SEARCH_MAX = 100


@dataclass(frozen=True)
class DesignRow:
    id: int
    name: str
    status: DesignStatus
    standing: Standing
    total: Decimal | None
    total_is_estimate: bool
    """A draft's total is today's price of its spec; a submitted design's is the quote frozen with its proof."""
    needed_by: date | None
    updated_at: datetime
    created_by: str
    archived: bool
    sent_back: SentBack | None

    @property
    def editable(self) -> bool:
        return self.status == DesignStatus.DRAFT and not self.archived


@dataclass(frozen=True)
class DesignList:
    rows: tuple[DesignRow, ...]
    search: str
    filter: DesignFilter
    counts: dict[DesignFilter, int]
    more: bool
    """More designs match than one page shows."""
    every_current: tuple[Design, ...] | None = None
    """All the organisation's current designs when this page shows them all (no search, no
    filter, not cut off), loaded with proofs and reviews: the inbox reads them, not asking again."""

    @property
    def filters(self) -> tuple[tuple[DesignFilter, int], ...]:
        return tuple((f, self.counts.get(f, 0)) for f in DesignFilter)


class _Search(StrEnum):
    """How a search narrows the list: not at all, by name, or by name or design number."""

    NO = ""
    NAME = "name"
    NAME_OR_NUMBER = "number"


def _searched(query: Select, searching: _Search) -> Select:
    """Designs whose name contains the ``pattern`` (any case), or whose id is the ``number``."""
    if searching == _Search.NO:
        return query
    by_name = func.lower(Design.name).like(bindparam("pattern"), escape="\\")
    return query.where(
        or_(by_name, Design.id == bindparam("number")) if searching == _Search.NAME_OR_NUMBER else by_name
    )


def _filtered(query: Select, chosen: DesignFilter) -> Select:
    if chosen == DesignFilter.ARCHIVED:
        return query.where(Design.archived_at.is_not(None))
    query = query.where(Design.archived_at.is_(None))
    return (
        query if chosen == DesignFilter.CURRENT else query.where(Design.status == DesignStatus(chosen.value))
    )


def _seen_by(staff: bool, query: Select) -> Select:
    """The organisation rule of :func:`access.visible`, with the organisation as a parameter."""
    return query if staff else query.where(Design.organisation_id == bindparam("organisation"))


# The statements are built once per shape (staff or not, filter, kind of search) and the
# values bound when they run: building them (loader options, filters) cost more than running
# them, on a page every buyer lands on.
@functools.cache
def _rows_query(staff: bool, chosen: DesignFilter, searching: _Search) -> Select:
    query = (
        select(Design)
        .options(
            joinedload(Design.created_by),  # the organisation is the viewer's, already loaded
            selectinload(Design.proofs)
            .selectinload(Proof.reviews)
            .options(joinedload(Review.user), joinedload(Review.guest)),
        )
        .order_by(Design.updated_at.desc(), Design.id.desc())
        .limit(LIMIT + 1)
    )
    return _seen_by(staff, _filtered(_searched(query, searching), chosen))


@functools.cache
def _counts_query(staff: bool, searching: _Search) -> Select:
    archived = Design.archived_at.is_not(None)
    grouped = select(Design.status, archived, func.count()).group_by(Design.status, archived)
    return _seen_by(staff, _searched(grouped, searching))


_ORDERS = select(Order).where(Order.design_id.in_(bindparam("designs", expanding=True)))


def _counts(user: User, searching: _Search, params: dict[str, Any]) -> dict[DesignFilter, int]:
    counts: dict[DesignFilter, int] = dict.fromkeys(DesignFilter, 0)
    for status, is_archived, n in db.session.execute(_counts_query(user.is_staff, searching), params):
        if is_archived:
            counts[DesignFilter.ARCHIVED] += n
        else:
            counts[DesignFilter.CURRENT] += n
            counts[DesignFilter(str(status))] += n
    return counts


def _search_params(search: str) -> tuple[_Search, dict[str, Any]]:
    """The kind of search and its values: a name pattern ("%...%", wildcards escaped), a number."""
    if not search:
        return _Search.NO, {}
    pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    number = parse_id(search.removeprefix("#"))
    if number:
        return _Search.NAME_OR_NUMBER, {"pattern": pattern, "number": number}
    return _Search.NAME, {"pattern": pattern}


@functools.lru_cache(maxsize=1024)
def _estimate(spec_json: str) -> Decimal | None:
    """Today's price of a draft's spec, remembered per spec (pricing is pure): None while incomplete."""
    try:
        return quote(BoxSpec.from_dict(json.loads(spec_json)), load_catalog()).total
    except (KeyError, ValueError, TypeError, ArithmeticError):
        return None


def _total(design: Design, proof: Proof | None) -> tuple[Decimal | None, bool]:
    """The submitted proof's total (as :func:`reviews.proof_total` has it), else the draft's estimate."""
    if design.status != DesignStatus.DRAFT and proof is not None:
        if proof.quote and "total" in proof.quote:
            return Decimal(str(proof.quote["total"])), False
        return _estimate(json.dumps(proof.spec, sort_keys=True)), False
    spec: dict[str, Any] = design.spec
    if not spec.get("items"):
        return None, True
    return _estimate(json.dumps(spec, sort_keys=True)), True


def _needed_by(spec: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(spec["needed_by"]) if spec.get("needed_by") else None
    except (TypeError, ValueError):
        return None


def design_list(user: User, search: str = "", chosen: str = "") -> DesignList:
    """The designs ``user`` may see that match ``search`` and the filter ``chosen`` (current by default)."""
    search = " ".join(search.split())[:SEARCH_MAX]
    wanted = DesignFilter(chosen) if DesignFilter.has(chosen) else DesignFilter.CURRENT
    searching, params = _search_params(search)
    params["organisation"] = user.organisation_id
    found = list(db.session.scalars(_rows_query(user.is_staff, wanted, searching), params).unique())
    more, found = len(found) > LIMIT, found[:LIMIT]
    ids = [d.id for d in found]
    orders = {o.design_id: o for o in db.session.scalars(_ORDERS, {"designs": ids})} if ids else {}
    drawing = any(
        d.latest_proof and d.latest_proof.status in (RenderStatus.QUEUED, RenderStatus.RENDERING)
        for d in found
    )
    alive = workers.state().alive if drawing else True
    rows = []
    for design in found:
        proof = design.latest_proof
        total, estimated = _total(design, proof)
        rows.append(
            DesignRow(
                id=design.id,
                name=design.name,
                status=DesignStatus(design.status),
                standing=standing(design, user, order=orders.get(design.id), workers_alive=alive),
                total=total,
                total_is_estimate=estimated,
                needed_by=_needed_by(design.spec),
                updated_at=design.updated_at,
                created_by=design.created_by.display_name,
                archived=design.archived_at is not None,
                sent_back=sent_back(design, user),
            )
        )
    whole = not user.is_staff and wanted == DesignFilter.CURRENT and searching == _Search.NO and not more
    counts = _counts(user, searching, params)
    return DesignList(tuple(rows), search, wanted, counts, more, tuple(found) if whole else None)
