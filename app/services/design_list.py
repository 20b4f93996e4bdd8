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
from typing import Any

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.forms import parse_id
from app.models import Design, Order, Proof, Review, User
from app.services import workers
from app.services.access import visible
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

    @property
    def filters(self) -> tuple[tuple[DesignFilter, int], ...]:
        return tuple((f, self.counts.get(f, 0)) for f in DesignFilter)


def _searched(query: Select, search: str) -> Select:
    """Designs whose name contains ``search`` (any case), or whose number it is ("12" or "#12")."""
    if not search:
        return query
    pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    by_name = func.lower(Design.name).like(pattern, escape="\\")
    number = parse_id(search.removeprefix("#"))
    return query.where(or_(by_name, Design.id == number) if number else by_name)


def _filtered(query: Select, chosen: DesignFilter) -> Select:
    if chosen == DesignFilter.ARCHIVED:
        return query.where(Design.archived_at.is_not(None))
    query = query.where(Design.archived_at.is_(None))
    return (
        query if chosen == DesignFilter.CURRENT else query.where(Design.status == DesignStatus(chosen.value))
    )


def _counts(user: User, search: str) -> dict[DesignFilter, int]:
    archived = Design.archived_at.is_not(None)
    grouped = select(Design.status, archived, func.count()).group_by(Design.status, archived)
    counts: dict[DesignFilter, int] = dict.fromkeys(DesignFilter, 0)
    for status, is_archived, n in db.session.execute(visible(user, Design, _searched(grouped, search))):
        if is_archived:
            counts[DesignFilter.ARCHIVED] += n
        else:
            counts[DesignFilter.CURRENT] += n
            counts[DesignFilter(str(status))] += n
    return counts


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
    found = list(
        db.session.scalars(visible(user, Design, _filtered(_searched(query, search), wanted))).unique()
    )
    more, found = len(found) > LIMIT, found[:LIMIT]
    ids = [d.id for d in found]
    orders = {
        o.design_id: o
        for o in db.session.scalars(select(Order).where(Order.design_id.in_(ids) if ids else false()))
    }
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
    return DesignList(tuple(rows), search, wanted, _counts(user, search), more)
