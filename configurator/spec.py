"""The box spec: an immutable description of one gift box design.

Everything that shapes a proof or a price is in here, so a spec can be hashed,
stored as JSON and frozen into an order.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

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
    extras: tuple[tuple[str, str], ...] = field(default=())
    """Later steps (branding, delivery) add keyed values here without a schema change."""

    def replace(self, **changes: Any) -> BoxSpec:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["items"] = [dataclasses.asdict(i) for i in self.items]
        data["extras"] = dict(self.extras)
        data["schema"] = SCHEMA_VERSION
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BoxSpec:
        return cls(
            box_size=data["box_size"],
            box_colour=data["box_colour"],
            ribbon_colour=data["ribbon_colour"],
            tissue_colour=data["tissue_colour"],
            items=tuple(ItemLine(**i) for i in data.get("items", ())),
            message=data.get("message", ""),
            sign_off=data.get("sign_off", ""),
            quantity=int(data.get("quantity", 10)),
            classic_id=data.get("classic_id"),
            extras=tuple(sorted(data.get("extras", {}).items())),
        )

    def content_hash(self) -> str:
        """A stable digest of the spec, the key for caching renders of it."""
        blob = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()
