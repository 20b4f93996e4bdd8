"""Staff's finance export: invoices, payments and credit notes of a period, formula-safe, a year at most."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import Invoice
from app.services import cancellations, production
from tests.app.factories import PaymentFactory, StaffFactory, make_order


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_staff_download_the_period_with_every_typed_text_kept_as_text(browser):
    staff = StaffFactory()
    today = production.today()
    order, cancelled = make_order(), make_order()
    invoice = db.session.scalars(select(Invoice).where(Invoice.order_id == order.id)).one()
    PaymentFactory(invoice=invoice, amount=Decimal("25.00"), reference='=HYPERLINK("http://evil")')
    cancellations.cancel(staff, cancelled, "@SUM(A1:A9) -- the client's words")
    browser.login(staff.email)
    page = browser.get("/staff/billing").text
    assert "Export for the accounts" in page and 'name="start"' in page
    answer = browser.get(f"/staff/billing/export.csv?start={today - timedelta(days=3)}&end={today}")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    found = rows_of(answer.data)
    assert found[0][:3] == ["Date", "Type", "Number"]
    by_type = {}
    for row in found[1:]:
        by_type.setdefault(row[1], []).append(row)
    assert [r[2] for r in by_type["Invoice"]] == ["INV-000001", "INV-000002"]
    (payment,) = by_type["Payment"]
    assert payment[3] == "INV-000001" and payment[6] == "25.00"
    assert payment[9] == '\'=HYPERLINK("http://evil")'  # text, never a formula
    (credit,) = by_type["Credit note"]
    assert credit[2] == "CN-000001" and credit[6] == f"-{cancelled.quote['total']}"  # a number
    assert credit[10] == "'@SUM(A1:A9) -- the client's words"


def test_the_period_is_checked_at_its_fields(browser):
    browser.login(StaffFactory().email)
    today = production.today()
    missing = browser.get("/staff/billing/export.csv?start=&end=")
    assert missing.status_code == 422
    assert 'id="start-error">Enter the first day of the export' in missing.text
    assert 'id="end-error">Enter the last day of the export' in missing.text
    backwards = browser.get(f"/staff/billing/export.csv?start={today}&end={today - timedelta(days=1)}")
    assert backwards.status_code == 422 and 'id="end-error">End on or after the first day.' in backwards.text
    too_long = browser.get(f"/staff/billing/export.csv?start={today - timedelta(days=400)}&end={today}")
    assert too_long.status_code == 422 and "Export at most 366 days at a time" in too_long.text
    garbled = browser.get("/staff/billing/export.csv?start=yesterday&end=2026-13-40")
    assert garbled.status_code == 422 and "Enter the first day of the export" in garbled.text


def test_buyers_cannot_export_the_accounts(browser):
    order = make_order()
    browser.login(order.design.created_by.email)
    assert browser.get("/staff/billing/export.csv?start=2026-01-01&end=2026-01-31").status_code == 403
