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

import yaml

from configurator.spec import BoxSpec, ItemLine

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
class Catalog:
    colours: Mapping[str, Colour]
    products: Mapping[str, Product]
    box_sizes: Mapping[str, BoxSize]
    classics: Mapping[str, ClassicBox]
    box_colours: tuple[str, ...]
    ribbon_colours: tuple[str, ...]
    tissue_colours: tuple[str, ...]

    def colour_name(self, colour_id: str) -> str:
        colour = self.colours.get(colour_id)
        return colour.name if colour else colour_id

    def colour_hex(self, colour_id: str) -> str:
        colour = self.colours.get(colour_id)
        return colour.hex if colour else "#CCCCCC"


def _classic(cid: str, raw: dict) -> ClassicBox:
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


def parse_catalog(raw: dict) -> Catalog:
    """Build a :class:`Catalog` from the YAML structure (used by tests with small catalogs)."""
    colours = {cid: Colour(cid, c["name"], c["hex"]) for cid, c in raw["colours"].items()}
    products = {
        pid: Product(
            id=pid,
            name=p["name"],
            description=p["description"],
            category=p["category"],
            unit_price=Decimal(p["unit_price"]),
            maker_minutes=int(p["maker_minutes"]),
            slots=int(p["slots"]),
            colours=tuple(p["colours"]),
        )
        for pid, p in raw["products"].items()
    }
    box_sizes = {
        bid: BoxSize(bid, b["name"], int(b["capacity"]), Decimal(b["price"]), tuple(b["inches"]))
        for bid, b in raw["box_sizes"].items()
    }
    classics = {cid: _classic(cid, c) for cid, c in raw["classics"].items()}
    return Catalog(
        colours=MappingProxyType(colours),
        products=MappingProxyType(products),
        box_sizes=MappingProxyType(box_sizes),
        classics=MappingProxyType(classics),
        box_colours=tuple(raw["box_colours"]),
        ribbon_colours=tuple(raw["ribbon_colours"]),
        tissue_colours=tuple(raw["tissue_colours"]),
    )


@functools.cache
def load_catalog(path: Path = DEFAULT_PATH) -> Catalog:
    """Return the catalog; parsed once per process because it never changes at run time."""
    with open(path, encoding="utf-8") as fh:
        return parse_catalog(yaml.safe_load(fh))
