"""How an order becomes units of maker work (production jobs), and in which order they are done.

Job kinds run in stages: items are made and cards printed first, then items are personalised
(monogram, logo transfer), then boxes are assembled and packed. A job is offered to makers
only when every job of an earlier stage of its order is done (see ``JobKind.stage``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from configurator.catalog import Catalog
from configurator.spec import BoxSpec
from configurator.vocabulary import JobKind, LogoPlacement, Skill

CARD_MINUTES = 2
ASSEMBLY_MINUTES = 6
MONOGRAM_MINUTES_PER_ITEM = 3
"""Stitching or stamping 1-3 letters on one item."""
LOGO_TRANSFER_MINUTES_PER_BOX = 4
"""Heat-transferring the logo onto one lid or gift tag; a logo on the card is printed with it."""

RUSH_BAND = 0
DATED_BAND = 2_000_000
UNDATED_PRIORITY = 9_000_000
"""Priorities are integers, smaller first. Rush orders (they paid for the front of the queue)
come before every other dated order; dated orders go earliest needed-by date first; orders
without a date come after all dated ones, in the order they were placed (ties break by job id,
which follows creation). Staff can move a job anywhere by giving it another number."""


@dataclass(frozen=True)
class JobPlan:
    kind: JobKind
    title: str
    quantity: int
    maker_minutes: int
    product_id: str | None = None
    colour: str | None = None
    priority: int = UNDATED_PRIORITY
    skill: Skill | None = None
    """What kind of maker does it (see :func:`skill_of`)."""


def skill_of(kind: JobKind, product_id: str | None, catalog: Catalog) -> Skill | None:
    """The skill a job needs: its kind's, or for making items the product's.

    None for an item no longer in the catalog: any maker's time counts for it.
    """
    if kind.skill is not None:
        return kind.skill
    product = catalog.products.get(product_id or "")
    return product.skill if product is not None else None


def priority_for(needed_by: date | None, *, rush: bool = False) -> int:
    """The queue position of an order's jobs: see :data:`UNDATED_PRIORITY`."""
    if needed_by is None:
        return UNDATED_PRIORITY
    return (RUSH_BAND if rush else DATED_BAND) + needed_by.toordinal()


def plan_jobs(spec: BoxSpec, catalog: Catalog, *, rush: bool = False) -> list[JobPlan]:
    """Split an order into jobs a maker can pick up: make items, cards, personalise, assemble."""
    priority = priority_for(spec.needed_by, rush=rush)
    made: dict[tuple[str, str], int] = {}
    for line in spec.items:
        key = (line.product_id, line.colour)
        made[key] = made.get(key, 0) + line.quantity * spec.quantity
    plans = []
    for (product_id, colour), count in made.items():
        product = catalog.products[product_id]
        plans.append(
            JobPlan(
                kind=JobKind.MAKE,
                title=f"Make {count} {product.name.lower()}, {catalog.colour_name(colour).lower()}",
                quantity=count,
                maker_minutes=product.maker_minutes * count,
                product_id=product_id,
                colour=colour,
                priority=priority,
                skill=product.skill,
            )
        )
    boxes = spec.quantity
    plans.append(
        JobPlan(
            JobKind.CARDS,
            f"Print {boxes} message cards",
            boxes,
            CARD_MINUTES * boxes,
            priority=priority,
            skill=JobKind.CARDS.skill,
        )
    )
    items = sum(made.values())
    if spec.monogram.strip() and items:
        plans.append(
            JobPlan(
                JobKind.MONOGRAM,
                f"Add the letters {spec.monogram.strip()} to {items} items",
                items,
                MONOGRAM_MINUTES_PER_ITEM * items,
                priority=priority,
                skill=JobKind.MONOGRAM.skill,
            )
        )
    if spec.logo_id and (onto := LogoPlacement(spec.logo_placement).transferred_onto):
        plans.append(
            JobPlan(
                JobKind.LOGO,
                f"Put the logo on {boxes} {onto}",
                boxes,
                LOGO_TRANSFER_MINUTES_PER_BOX * boxes,
                colour=spec.box_colour if spec.logo_placement == LogoPlacement.LID else None,
                priority=priority,
                skill=JobKind.LOGO.skill,
            )
        )
    plans.append(
        JobPlan(
            JobKind.ASSEMBLE,
            f"Assemble and pack {boxes} boxes",
            boxes,
            ASSEMBLY_MINUTES * boxes,
            colour=spec.box_colour,
            priority=priority,
            skill=JobKind.ASSEMBLE.skill,
        )
    )
    return plans


def retitle(title: str, old: int, new: int) -> str:
    """The same job title for another quantity: ``Make 40 …`` -> ``Make 10 …`` (first match only)."""
    words = title.split(" ")
    for i, word in enumerate(words):
        if word == str(old):
            words[i] = str(new)
            return " ".join(words)
    return f"{title} ({new})"


def quote_is_rush(quote: Mapping[str, Any]) -> bool:
    """Whether a frozen quote (``Quote.to_dict()``) paid for rush production: the front of the queue."""
    return bool(quote.get("rush", False))
