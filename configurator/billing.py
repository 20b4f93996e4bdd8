"""What an order carries for the buyer's accounts: a purchase-order number and a cost-centre note.

Pure: text in, the cleaned value and a message per field out, so the wizard and the API say the
same thing. Whether a PO number is needed is the organisation's choice
(``Organisation.po_required``); its format is theirs too, so only length and hidden characters
are checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from configurator.text import hidden_characters_message
from configurator.vocabulary import PaymentTerms

PO_NUMBER_MAX = 40
COST_CENTRE_MAX = 100
CERTIFICATE_MAX = 60


@dataclass(frozen=True)
class OrderReferences:
    po_number: str
    cost_centre: str
    errors: Mapping[str, str]


def _problem(value: str, what: str, longest: int) -> str:
    if len(value) > longest:
        return f"Keep the {what} to {longest} characters (it has {len(value)})."
    return hidden_characters_message(value, what, single_line=True) or ""


def check_references(po_number: str, cost_centre: str, *, po_required: bool) -> OrderReferences:
    """The PO number and cost-centre note trimmed, with what is wrong with each by field."""
    po = " ".join(po_number.split())
    centre = " ".join(cost_centre.split())
    errors: dict[str, str] = {}
    if po_required and not po:
        errors["po_number"] = (
            "Enter your purchase order (PO) number: your organisation needs one on every order."
        )
    elif problem := _problem(po, "PO number", PO_NUMBER_MAX):
        errors["po_number"] = problem
    if problem := _problem(centre, "cost-centre note", COST_CENTRE_MAX):
        errors["cost_centre"] = problem
    return OrderReferences(po, centre, MappingProxyType(errors))


def check_certificate(number: str, *, exempt: bool) -> tuple[str, str]:
    """(the certificate number trimmed, an error): an exempt organisation must give one."""
    cleaned = " ".join(number.split())
    if exempt and not cleaned:
        return cleaned, "Enter the number of your tax-exemption certificate."
    return cleaned, _problem(cleaned, "certificate number", CERTIFICATE_MAX)


def due_date(issued: date, terms: PaymentTerms) -> date:
    """When an invoice issued on ``issued`` falls due under ``terms`` (calendar days, as "net" counts)."""
    return issued + timedelta(days=terms.days)


EXPORT_DAYS_MAX = 366
"""The longest finance export: a year (a leap year's too); a longer one is asked for in parts."""


def check_export_period(start: date | None, end: date | None, today: date) -> dict[str, str]:
    """What is wrong with a finance export's dates, by field (``start``, ``end``); empty when fine."""
    errors: dict[str, str] = {}
    if start is None:
        errors["start"] = "Enter the first day of the export, such as 2026-01-01."
    if end is None:
        errors["end"] = "Enter the last day of the export, such as 2026-03-31."
    if start is None or end is None:
        return errors
    if start > today:
        errors["start"] = "Start on today or earlier: nothing has been invoiced in the future."
    elif end < start:
        errors["end"] = "End on or after the first day."
    elif (end - start).days + 1 > EXPORT_DAYS_MAX:
        errors["end"] = (
            f"Export at most {EXPORT_DAYS_MAX} days at a time; end by {start + timedelta(days=EXPORT_DAYS_MAX - 1):%Y-%m-%d}."
        )
    return errors
