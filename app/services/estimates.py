"""Quote and delivery plan for a spec, from the workshop's real backlog and capacity."""

from __future__ import annotations

from datetime import UTC, datetime

from app.services import production
from configurator.catalog import load_catalog
from configurator.delivery import DeliveryPlan, plan_delivery
from configurator.pricing import Quote, quote
from configurator.shipping import Destinations
from configurator.spec import BoxSpec
from configurator.tax import TaxRate


def estimate(
    spec: BoxSpec, destinations: Destinations | None = None, tax: TaxRate | None = None
) -> tuple[Quote, DeliveryPlan]:
    """Price and schedule a spec as of today; rush pricing applies when the date needs it.

    With ``destinations`` (where the boxes go, :func:`app.services.delivery.destinations_of`)
    the quote includes shipping and the dates the transit days of the zones; with ``tax``
    (:func:`app.services.billing.tax_rate_of`) it includes tax.
    """
    catalog = load_catalog()
    today = datetime.now(UTC).date()
    version = production.backlog_version()
    queue, capacity = production.backlog_minutes(version), production.current_capacity(version)
    workshop = production.workshop(version)
    plan = plan_delivery(spec, catalog, today, queue, capacity, destinations, workshop)
    rush = plan.rush_needed and plan.feasible
    return quote(spec, catalog, rush=rush, destinations=destinations, tax=tax), plan
