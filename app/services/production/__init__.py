"""The makers' queue and the workshop's plan.

Makers claim the next job safely under concurrency, then move it with the claim token; staff
release, assign and reorder jobs, set the workshop's hours, ship orders and read the plan.

Who is a maker: a user with the role ``maker`` and only a pseudonym (no email, no password).
The shared workshop tablet logs in as a ``workshop`` user, and a maker picks their pseudonym
on the board; a maker with a personal tablet login (role ``maker`` with an email) acts as
themselves. Either way the maker, never the tablet, holds the job and signs the audit trail.
"""

from __future__ import annotations

from app.services.production._shared import HELD, STALE_CLAIM, today
from app.services.production.capacity import (
    DEFAULT_CAPACITY,
    current_capacity,
    delete_exception,
    exceptions,
    save_exception,
    save_weekdays,
    weekday_minutes,
)
from app.services.production.claims import (
    act,
    board,
    claim_next,
    job_quantity,
)
from app.services.production.identities import (
    UNUSABLE_PASSWORD,
    acting_maker,
    add_maker,
    choose_avatar,
    free_avatars,
    get_maker,
    makers,
    set_language,
    set_maker_active,
)
from app.services.production.impact import MonthImpact, impact_by_month
from app.services.production.jobs import (
    assign,
    get_job,
    order_first,
    release,
    set_priority,
    top_priority,
)
from app.services.production.planning import (
    OPEN_ORDER_STATES,
    OrderOutlook,
    Plan,
    SkillLoad,
    WeekLoad,
    at_risk,
    backlog_by_skill,
    backlog_minutes,
    backlog_version,
    filter_orders,
    job_counts,
    open_jobs,
    order_states,
    organisations,
    plan,
    ready_job_ids,
    workshop,
)
from app.services.production.shipping import (
    EVENT_WORDS,
    MANUAL_ORDER_ACTIONS,
    TimelineEntry,
    boxes_left,
    can_ship,
    get_shipment,
    order_actions,
    packing_slip,
    ship,
    ship_held,
    shipments,
    shipments_csv,
    staff_advance,
    timeline,
)
from app.services.production.skills import (
    MakerWeek,
    add_day_off,
    maker_weeks,
    remove_day_off,
    save_maker_week,
)

__all__ = [
    "DEFAULT_CAPACITY",
    "EVENT_WORDS",
    "HELD",
    "MANUAL_ORDER_ACTIONS",
    "OPEN_ORDER_STATES",
    "STALE_CLAIM",
    "UNUSABLE_PASSWORD",
    "MakerWeek",
    "MonthImpact",
    "OrderOutlook",
    "Plan",
    "SkillLoad",
    "TimelineEntry",
    "WeekLoad",
    "act",
    "acting_maker",
    "add_day_off",
    "add_maker",
    "assign",
    "at_risk",
    "backlog_by_skill",
    "backlog_minutes",
    "backlog_version",
    "board",
    "boxes_left",
    "can_ship",
    "choose_avatar",
    "claim_next",
    "current_capacity",
    "delete_exception",
    "exceptions",
    "filter_orders",
    "free_avatars",
    "get_job",
    "get_maker",
    "get_shipment",
    "impact_by_month",
    "job_counts",
    "job_quantity",
    "maker_weeks",
    "makers",
    "open_jobs",
    "order_actions",
    "order_first",
    "order_states",
    "organisations",
    "packing_slip",
    "plan",
    "ready_job_ids",
    "release",
    "remove_day_off",
    "save_exception",
    "save_maker_week",
    "save_weekdays",
    "set_language",
    "set_maker_active",
    "set_priority",
    "ship",
    "ship_held",
    "shipments",
    "shipments_csv",
    "staff_advance",
    "timeline",
    "today",
    "top_priority",
    "weekday_minutes",
    "workshop",
]
