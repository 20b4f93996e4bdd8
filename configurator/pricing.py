"""Quotes for a box spec. Money is ``Decimal`` and is rounded only by :func:`money`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from configurator.catalog import Catalog, DiscountTier
from configurator.shipping import Destinations, ShippingTable
from configurator.spec import BoxSpec
from configurator.tax import TaxRate
from configurator.vocabulary import ShippingZone

CENT = Decimal("0.01")
LOGO_SETUP_FEE = Decimal("75.00")  # once per design: preparing the artwork and the transfer screen
MONOGRAM_FEE_PER_ITEM = Decimal("1.50")  # stitched or stamped on every item of every box
RUSH_PERCENT = Decimal("20")  # on the goods, when the needed-by date needs the front of the queue


def money(x: Decimal) -> Decimal:
    """Round to cents, half up: the one place where money is rounded."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def dollars(amount: Decimal) -> str:
    """Money as pages, documents and sentences print it (already rounded): $1,234.00, -$5.00."""
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


@dataclass(frozen=True)
class QuoteLine:
    label: str
    quantity: int
    unit_price: Decimal
    amount: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "quantity": self.quantity,
            "unit_price": str(self.unit_price),
            "amount": str(self.amount),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuoteLine:
        return cls(data["label"], int(data["quantity"]), Decimal(data["unit_price"]), Decimal(data["amount"]))


@dataclass(frozen=True)
class Quote:
    """A priced spec; frozen into an order as JSON, so it survives later price changes."""

    lines: tuple[QuoteLine, ...]
    boxes: int
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    per_box: Decimal
    discount_label: str
    rush: bool = False
    """Priced for rush production: the order goes to the front of the makers' queue."""
    shipping: Decimal = Decimal("0.00")
    """The shipping lines together (included in the subtotal; never discounted)."""
    shipping_estimated: bool = False
    """Some shipping is priced at the domestic rate because an address or recipient is not known yet."""
    tax: Decimal = Decimal("0.00")
    """Added after the discount (included in ``total``); ``per_box`` is before tax."""
    tax_percent: Decimal = Decimal("0")
    tax_label: str = ""
    """What the tax line says ("Sales tax (US-NY)", "Tax exempt (certificate …)"); empty: not taxed."""

    @property
    def goods(self) -> Decimal:
        """Every line but shipping: the box, items, personalisation and rush fees."""
        return self.subtotal - self.shipping

    @property
    def before_tax(self) -> Decimal:
        return self.subtotal - self.discount

    def to_dict(self) -> dict[str, Any]:
        return {
            "lines": [line.to_dict() for line in self.lines],
            "boxes": self.boxes,
            "subtotal": str(self.subtotal),
            "discount": str(self.discount),
            "total": str(self.total),
            "per_box": str(self.per_box),
            "discount_label": self.discount_label,
            "rush": self.rush,
            "shipping": str(self.shipping),
            "shipping_estimated": self.shipping_estimated,
            "tax": str(self.tax),
            "tax_percent": str(self.tax_percent),
            "tax_label": self.tax_label,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quote:
        return cls(
            lines=tuple(QuoteLine.from_dict(line) for line in data["lines"]),
            boxes=int(data["boxes"]),
            subtotal=Decimal(data["subtotal"]),
            discount=Decimal(data["discount"]),
            total=Decimal(data["total"]),
            per_box=Decimal(data["per_box"]),
            discount_label=data["discount_label"],
            rush=bool(data.get("rush", False)),
            shipping=Decimal(data.get("shipping", "0.00")),
            shipping_estimated=bool(data.get("shipping_estimated", False)),
            tax=Decimal(data.get("tax", "0.00")),
            tax_percent=Decimal(data.get("tax_percent", "0")),
            tax_label=data.get("tax_label", ""),
        )


def _tier(boxes: int, catalog: Catalog) -> DiscountTier | None:
    reached = [t for t in catalog.discount_tiers if boxes >= t.min_boxes]
    return reached[-1] if reached else None


def quote(
    spec: BoxSpec,
    catalog: Catalog,
    *,
    rush: bool = False,
    destinations: Destinations | None = None,
    tax: TaxRate | None = None,
) -> Quote:
    """Price a spec that passes :func:`configurator.rules.check_draft`.

    Discount and rush fee are worked out per box on the goods (box and items) and then
    multiplied, so the per-box price is exact and never rises when the buyer orders more
    boxes (rounding a percentage of the whole order could move it by a cent either way).
    Personalisation fees and shipping are not discounted. Shipping is quoted when
    ``destinations`` are given and the catalog has a shipping table. Tax (``tax``, from
    :mod:`configurator.tax`) is on the whole order after the discount, rounded once.
    """
    boxes = spec.quantity
    if boxes < 1:
        raise ValueError("a quote needs at least one box")
    box = catalog.box_sizes[spec.box_size]
    lines = [QuoteLine(box.name, boxes, box.price, money(box.price * boxes))]
    goods_per_box = box.price
    for item in spec.items:
        product = catalog.products[item.product_id]
        count = item.quantity * boxes
        label = f"{product.name}, {catalog.colour_name(item.colour)}"
        lines.append(QuoteLine(label, count, product.unit_price, money(product.unit_price * count)))
        goods_per_box += product.unit_price * item.quantity
    lines.extend(_personalisation(spec, boxes))
    if rush:
        rush_per_box = money(goods_per_box * RUSH_PERCENT / 100)
        lines.append(
            QuoteLine(f"Rush production (+{RUSH_PERCENT}%)", boxes, rush_per_box, rush_per_box * boxes)
        )
    shipping = shipping_lines(destinations, catalog.shipping) if destinations else []
    lines.extend(shipping)
    subtotal = sum((line.amount for line in lines), Decimal("0.00"))
    tier = _tier(boxes, catalog)
    per_box_discount = money(goods_per_box * tier.percent / 100) if tier else Decimal("0.00")
    discount = per_box_discount * boxes
    before_tax = subtotal - discount
    tax_amount = money(before_tax * tax.percent / 100) if tax else Decimal("0.00")
    return Quote(
        lines=tuple(lines),
        boxes=boxes,
        subtotal=subtotal,
        discount=discount,
        total=before_tax + tax_amount,
        per_box=money(before_tax / boxes),
        discount_label=tier.label if tier else "",
        rush=rush,
        shipping=sum((line.amount for line in shipping), Decimal("0.00")),
        shipping_estimated=bool(shipping) and destinations is not None and destinations.estimated,
        tax=tax_amount,
        tax_percent=tax.percent if tax else Decimal("0"),
        tax_label=tax.label if tax else "",
    )


def _personalisation(spec: BoxSpec, boxes: int) -> list[QuoteLine]:
    lines = []
    if spec.logo_id:
        lines.append(QuoteLine("Logo setup (once per design)", 1, LOGO_SETUP_FEE, LOGO_SETUP_FEE))
    if spec.monogram:
        count = sum(item.quantity for item in spec.items) * boxes
        lines.append(
            QuoteLine(
                f"Monogram “{spec.monogram}” on each item",
                count,
                MONOGRAM_FEE_PER_ITEM,
                MONOGRAM_FEE_PER_ITEM * count,
            )
        )
    return lines


ESTIMATE_NOTE = "estimated at the domestic rate"


def shipping_lines(destinations: Destinations, table: ShippingTable | None) -> list[QuoteLine]:
    """One line per way and zone boxes travel; boxes whose address is not known yet are priced
    at the domestic rate, and their line says so."""
    if table is None or destinations.boxes < 1:
        return []
    lines = []
    if destinations.address_boxes:
        zone = destinations.address_zone
        rate = table.rates[zone or ShippingZone.DOMESTIC].bulk_per_box
        where = zone.label.lower() if zone else f"{ESTIMATE_NOTE} until you enter the address"
        count = destinations.address_boxes
        lines.append(QuoteLine(f"Shipping to one address ({where})", count, rate, money(rate * count)))
    for zone, count in destinations.recipients:
        rate = table.rates[zone].per_recipient
        lines.append(
            QuoteLine(f"Shipping to each recipient ({zone.label.lower()})", count, rate, money(rate * count))
        )
    if destinations.unplaced:
        rate = table.rates[ShippingZone.DOMESTIC].per_recipient
        count = destinations.unplaced
        label = f"Shipping to each recipient ({ESTIMATE_NOTE} until recipients are added)"
        lines.append(QuoteLine(label, count, rate, money(rate * count)))
    return lines


def unit_price_per_box(spec: BoxSpec, catalog: Catalog) -> Decimal:
    """The price of one box at the spec's quantity; classic cards show it at the minimum order."""
    return quote(spec, catalog).per_box
