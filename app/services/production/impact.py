"""Impact per month: orders confirmed, the maker hours they fund, and the hours makers finished."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Order, ProductionJob
from configurator.states import OrderStatus


@dataclass(frozen=True)
class MonthImpact:
    month: str
    orders: int
    funded_hours: float
    worked_hours: float


def impact_by_month() -> list[MonthImpact]:
    """Per month: orders confirmed and the maker hours they fund, and the paid hours makers finished."""
    funded: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = db.session.execute(
        select(Order.id, Order.created_at, func.coalesce(func.sum(ProductionJob.maker_minutes), 0))
        .join(ProductionJob, ProductionJob.order_id == Order.id, isouter=True)
        .where(Order.status != OrderStatus.CANCELLED)
        .group_by(Order.id, Order.created_at)
    ).all()
    for _order_id, created, minutes in rows:
        month = f"{created:%Y-%m}"
        funded[month][0] += 1
        funded[month][1] += int(minutes)
    worked: dict[str, int] = defaultdict(int)
    for at, detail in db.session.execute(
        select(AuditEvent.at, AuditEvent.detail).where(AuditEvent.action == "job.finish")
    ):
        worked[f"{at:%Y-%m}"] += int((detail or {}).get("minutes", 0))
    months = sorted(set(funded) | set(worked), reverse=True)
    return [
        MonthImpact(m, funded[m][0], round(funded[m][1] / 60, 1), round(worked[m] / 60, 1)) for m in months
    ]
