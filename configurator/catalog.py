"""The handmade catalog, loaded once from ``data/catalog.yaml``.

The catalog is data in the repository so that staff can review product changes like code.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from configurator.shipping import ShippingTable, ZoneRate
from configurator.spec import BoxSpec, ItemLine
from configurator.vocabulary import ShippingZone, Skill

DEFAULT_PATH = Path(__file__).with_name("data") / "catalog.yaml"


@dataclass(frozen=True)
class Colour:
    id: str
    name: str
    hex: str


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    description: str
    category: str
    unit_price: Decimal
    maker_minutes: int
    skill: Skill
    slots: int
    colours: tuple[str, ...]


@dataclass(frozen=True)
class BoxSize:
    id: str
    name: str
    capacity: int
    price: Decimal
    inches: tuple[float, float, float]


@dataclass(frozen=True)
class ClassicBox:
    id: str
    name: str
    description: str
    spec: BoxSpec


@dataclass(frozen=True)
class Incompatibility:
    """Products of ``products`` must not share a box with products of ``with_``."""

    products: tuple[str, ...]
    with_: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Requirement:
    """A box holding any of ``products`` must also hold one of ``needs_one_of``."""

    products: tuple[str, ...]
    needs_one_of: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class DiscountTier:
    min_boxes: int
    percent: Decimal
    label: str


@dataclass(frozen=True)
class Catalog:
    colours: Mapping[str, Colour]
    products: Mapping[str, Product]
    box_sizes: Mapping[str, BoxSize]
    classics: Mapping[str, ClassicBox]
    box_colours: tuple[str, ...]
    ribbon_colours: tuple[str, ...]
    tissue_colours: tuple[str, ...]
    incompatibilities: tuple[Incompatibility, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    discount_tiers: tuple[DiscountTier, ...] = ()
    """Sorted by ``min_boxes``; the last tier an order reaches applies."""
    shipping: ShippingTable | None = None
    """Zones, rates and transit days; None in small test catalogs, which then quote no shipping."""

    def colour_name(self, colour_id: str) -> str:
        colour = self.colours.get(colour_id)
        return colour.name if colour else colour_id

    def colour_hex(self, colour_id: str) -> str:
        colour = self.colours.get(colour_id)
        return colour.hex if colour else "#CCCCCC"


def _classic(cid: str, raw: dict[str, Any]) -> ClassicBox:
    spec = BoxSpec(
        box_size=raw["box_size"],
        box_colour=raw["box_colour"],
        ribbon_colour=raw["ribbon_colour"],
        tissue_colour=raw["tissue_colour"],
        items=tuple(
            ItemLine(product_id=i["product"], colour=i["colour"], quantity=int(i.get("quantity", 1)))
            for i in raw["items"]
        ),
        classic_id=cid,
    )
    return ClassicBox(id=cid, name=raw["name"], description=raw["description"], spec=spec)


def _cents(value: str, where: str) -> Decimal:
    """Parse a price; whole cents only, so a line amount never needs rounding."""
    price = Decimal(value)
    if price != price.quantize(Decimal("0.01")) or price < 0:
        raise ValueError(f"{where}: price {value!r} must be a non-negative whole number of cents")
    return price


def _product_ids(ids: list[str], products: Mapping[str, Product], where: str) -> tuple[str, ...]:
    unknown = [pid for pid in ids if pid not in products]
    if unknown:
        raise ValueError(f"{where}: unknown products {unknown}")
    return tuple(ids)


def _rules(
    raw: dict[str, Any], products: Mapping[str, Product]
) -> tuple[tuple[Incompatibility, ...], tuple[Requirement, ...]]:
    incompatibilities = tuple(
        Incompatibility(
            products=_product_ids(r["products"], products, "rules.incompatible"),
            with_=_product_ids(r["with"], products, "rules.incompatible"),
            reason=r["reason"],
        )
        for r in raw.get("incompatible", ())
    )
    requirements = tuple(
        Requirement(
            products=_product_ids(r["products"], products, "rules.requires"),
            needs_one_of=_product_ids(r["needs_one_of"], products, "rules.requires"),
            reason=r["reason"],
        )
        for r in raw.get("requires", ())
    )
    return incompatibilities, requirements


def _shipping(raw: dict[str, Any] | None) -> ShippingTable | None:
    """The ``shipping`` section of the catalog; None when a (test) catalog has none."""
    if not raw:
        return None
    zones = raw["zones"]
    if set(zones) != {str(z) for z in ShippingZone}:
        raise ValueError(f"shipping.zones must list exactly {[str(z) for z in ShippingZone]}")
    rates = {}
    for zone in ShippingZone:
        entry = zones[str(zone)]
        rates[zone] = ZoneRate(
            zone,
            _cents(str(entry["bulk_per_box"]), f"shipping.zones.{zone}.bulk_per_box"),
            _cents(str(entry["per_recipient"]), f"shipping.zones.{zone}.per_recipient"),
            int(entry["transit_days"]),
        )
        if rates[zone].transit_days < 1:
            raise ValueError(f"shipping.zones.{zone}.transit_days must be at least 1")
    neighbours = raw.get("neighbours") or ()
    return ShippingTable(
        origin=str(raw["origin"]).upper(),
        neighbours=frozenset(str(code).upper() for code in neighbours),
        rates=MappingProxyType(rates),
    )


def parse_catalog(raw: dict[str, Any]) -> Catalog:
    """Build a :class:`Catalog` from the YAML structure (used by tests with small catalogs).

    ``rules`` and ``volume_discounts`` are optional so that small test catalogs stay small.
    """
    colours = {cid: Colour(cid, c["name"], c["hex"]) for cid, c in raw["colours"].items()}
    products = {
        pid: Product(
            id=pid,
            name=p["name"],
            description=p["description"],
            category=p["category"],
            unit_price=_cents(p["unit_price"], f"products.{pid}"),
            maker_minutes=int(p["maker_minutes"]),
            skill=Skill(p["skill"]),
            slots=int(p["slots"]),
            colours=tuple(p["colours"]),
        )
        for pid, p in raw["products"].items()
    }
    box_sizes = {
        bid: BoxSize(
            bid, b["name"], int(b["capacity"]), _cents(b["price"], f"box_sizes.{bid}"), tuple(b["inches"])
        )
        for bid, b in raw["box_sizes"].items()
    }
    classics = {cid: _classic(cid, c) for cid, c in raw["classics"].items()}
    incompatibilities, requirements = _rules(raw.get("rules", {}), products)
    tiers = sorted(
        (
            DiscountTier(int(t["min_boxes"]), Decimal(t["percent"]), t["label"])
            for t in raw.get("volume_discounts", ())
        ),
        key=lambda t: t.min_boxes,
    )
    return Catalog(
        colours=MappingProxyType(colours),
        products=MappingProxyType(products),
        box_sizes=MappingProxyType(box_sizes),
        classics=MappingProxyType(classics),
        box_colours=tuple(raw["box_colours"]),
        ribbon_colours=tuple(raw["ribbon_colours"]),
        tissue_colours=tuple(raw["tissue_colours"]),
        incompatibilities=incompatibilities,
        requirements=requirements,
        discount_tiers=tuple(tiers),
        shipping=_shipping(raw.get("shipping")),
    )


@functools.cache
def load_catalog(path: Path = DEFAULT_PATH) -> Catalog:
    """Return the catalog; parsed once per process because it never changes at run time."""
    with open(path, encoding="utf-8") as fh:
        return parse_catalog(yaml.safe_load(fh))
