"""The approval record: what the PDF shows about how an order was approved, as plain data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select

from app.extensions import db
from app.models import AuditEvent, Order, Role, User
from app.services.proofs import proof_reference
from app.services.reviews.common import COLLEAGUE
from configurator.catalog import load_catalog
from configurator.spec import BoxSpec
from configurator.vocabulary import Decision


def approval_record(order: Order) -> dict[str, Any]:
    """Everything the approval record PDF shows, as plain strings (no models leave here)."""
    design = order.design
    proof_ids = [p.id for p in design.proofs]
    subjects = [f"proof:{i}" for i in proof_ids] + [f"order:{order.id}", f"design:{design.id}"]
    events = db.session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.subject.in_(subjects)))
        .where(or_(AuditEvent.organisation_id == order.organisation_id, AuditEvent.organisation_id.is_(None)))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    users = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_({e.actor_id for e in events if e.actor_id}))
        )
    }

    def actor(e: AuditEvent) -> str:
        if e.actor_role == "guest":
            return f"{e.detail.get('guest_name', 'Guest')} <{e.detail.get('guest_email', '')}> (guest via shared link)"
        user = users.get(e.actor_id) if e.actor_id else None
        if user is None:
            return "System"
        if in_workshop(e):
            return "Gifts of Hope workshop"  # buyers never see makers, not even a pseudonym
        return f"{user.display_name} <{user.email}> ({e.actor_role})"

    def in_workshop(e: AuditEvent) -> bool:
        user = users.get(e.actor_id) if e.actor_id else None
        return user is not None and user.role in (Role.MAKER, Role.WORKSHOP)

    decisions = []
    for proof in design.proofs:
        for r in proof.reviews:
            guest = r.guest
            decisions.append(
                {
                    "at": f"{r.created_at:%Y-%m-%d %H:%M} UTC",
                    "version": proof.version,
                    "who": f"{guest.name} <{guest.email}>"
                    if guest
                    else f"{r.user.display_name} <{r.user.email}>",
                    "role": (
                        f"guest via link from {r.user.display_name}"
                        if guest
                        else ("Gifts of Hope staff" if r.user.is_staff else str(r.user.role))
                    ),
                    "decision": Decision(r.decision).label
                    + (" (needed approver)" if r.side == COLLEAGUE else ""),
                    "comment": r.comment,
                }
            )
    q = order.quote
    spec = BoxSpec.from_dict(order.spec)
    catalog = load_catalog()
    contents = [
        f"{line.quantity} × {catalog.products[line.product_id].name if line.product_id in catalog.products else line.product_id}, "
        f"{catalog.colour_name(line.colour).lower()}"
        for line in spec.items
    ]
    box = catalog.box_sizes.get(spec.box_size)
    return {
        "reference": order.reference,
        "organisation": order.organisation.name,
        "design_name": design.name,
        "proof_reference": proof_reference(order.proof),
        "version": order.proof.version,
        "ordered_at": f"{order.created_at:%Y-%m-%d %H:%M} UTC",
        "threshold": (
            f"${order.organisation.approval_threshold:,.2f}"
            if order.organisation.approval_threshold is not None
            else ""
        ),
        "spec": [
            ("Box", f"{box.name if box else spec.box_size}, {catalog.colour_name(spec.box_colour).lower()}"),
            ("Ribbon", catalog.colour_name(spec.ribbon_colour)),
            ("Tissue paper", catalog.colour_name(spec.tissue_colour)),
            ("In every box", "; ".join(contents)),
            ("Card message", spec.message or "(blank)"),
            ("Sign-off", spec.sign_off or "(none)"),
            ("Boxes", f"{spec.quantity:,}"),
        ],
        "quote": {
            "lines": [
                {
                    "label": line["label"],
                    "quantity": line["quantity"],
                    "unit_price": f"${Decimal(line['unit_price']):,.2f}",
                    "amount": f"${Decimal(line['amount']):,.2f}",
                }
                for line in q.get("lines", [])
            ],
            "discount": f"−${Decimal(q['discount']):,.2f}" if Decimal(q.get("discount", "0")) else "",
            "discount_label": q.get("discount_label", ""),
            "tax": f"${Decimal(q.get('tax', '0')):,.2f}",
            "tax_label": q.get("tax_label", ""),
            "total": f"${Decimal(q['total']):,.2f}",
        },
        "decisions": decisions,
        "events": [
            {
                "at": f"{e.at:%Y-%m-%d %H:%M:%S} UTC",
                "who": actor(e),
                "action": e.action,
                "subject": e.subject,
                "address": "" if in_workshop(e) else (e.address or ""),
                "detail": ", ".join(
                    f"{k}={v}" for k, v in sorted(e.detail.items()) if k not in ("guest_name", "guest_email")
                )[:300],
            }
            for e in events
        ],
    }
