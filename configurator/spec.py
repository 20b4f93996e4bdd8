"""The box spec: an immutable description of one gift box design.

Everything that shapes a proof or a price is in here, so a spec can be hashed,
stored as JSON and frozen into an order.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from configurator.vocabulary import CardSize, CardStyle, Delivery, LogoPlacement, MonogramStyle

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ItemLine:
    """Quantity units of one product, in one colour, inside every box."""

    product_id: str
    colour: str
    quantity: int = 1


@dataclass(frozen=True)
class BoxSpec:
    box_size: str
    box_colour: str
    ribbon_colour: str
    tissue_colour: str
    items: tuple[ItemLine, ...] = ()
    message: str = ""
    sign_off: str = ""
    quantity: int = 10
    classic_id: str | None = None
    # Branding: the logo is referenced by the content hash of its normalised PNG.
    logo_id: str | None = None
    # Terms of configurator.vocabulary; kept as the stored strings so the rules can refuse
    # an unknown one in words (a member is one of these strings).
    logo_placement: str = LogoPlacement.LID
    logo_width_in: float = 2.0  # printed width in inches
    monogram: str = ""  # 1-3 letters
    monogram_style: str = MonogramStyle.SERIF
    # Message card
    card_style: str = CardStyle.CLASSIC
    card_size: str = CardSize.FIVE_BY_SEVEN
    # Quantity and delivery
    needed_by: date | None = None  # the day the boxes must arrive by; stored as ISO text
    delivery: str = Delivery.BULK

    def replace(self, **changes: Any) -> BoxSpec:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = dict(vars(self))  # the fields, shallow: asdict's deep copy cost more than a page's queries
        data["items"] = [vars(i).copy() for i in self.items]
        data["needed_by"] = self.needed_by.isoformat() if self.needed_by else None
        data["schema"] = SCHEMA_VERSION
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BoxSpec:
        """Inverse of :meth:`to_dict`; fields missing from older stored specs take their defaults.

        Raises ``ValueError`` for a ``needed_by`` that is not an ISO date: the edge parses it once.
        """
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["items"] = tuple(ItemLine(**i) for i in data.get("items", ()))
        values["quantity"] = int(data.get("quantity", 10))
        if "logo_width_in" in values:
            values["logo_width_in"] = float(values["logo_width_in"])
        if "needed_by" in values:
            values["needed_by"] = date.fromisoformat(values["needed_by"]) if values["needed_by"] else None
        return cls(**values)

    def content_hash(self) -> str:
        """A stable digest of the spec, the key for caching renders of it."""
        blob = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()
