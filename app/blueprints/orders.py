"""Orders as the buyer sees them (staff are sent to the workshop's order pages)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.forms import CancelForm
from app.models import Order, Role
from app.security import roles_required
from app.services import cancellations, delivery, documents, invoices, payments, production
from app.services import orders as service
from app.services.errors import Conflict, Invalid
from app.views import document_response, pdf_response
from configurator.catalog import load_catalog
from configurator.spec import BoxSpec

bp = Blueprint("orders", __name__)


@bp.get("/orders")
@roles_required(Role.BUYER, Role.APPROVER, Role.STAFF)
def index() -> str | Response:
    if current_user.is_staff:
        return redirect(url_for("staff.order_list"))  # staff have the workshop's richer list
    return render_template("orders/index.html", orders=service.orders_for(current_user))


@bp.get("/orders/<int:order_id>")
@roles_required(Role.BUYER, Role.APPROVER, Role.STAFF)
def show(order_id: int) -> str | Response:
    order = service.get_order(current_user, order_id)
    if current_user.is_staff:
        return redirect(url_for("staff.order", order_id=order.id))
    return _show(order, CancelForm(formdata=None))


def _show(order: Order, cancel_form: CancelForm) -> str:
    """The buyer's order page; after a refused cancellation, with the reason as typed and its error."""
    done, total = service.progress(order)
    return render_template(
        "orders/show.html",
        order=order,
        spec=BoxSpec.from_dict(order.spec),
        catalog=load_catalog(),
        done_minutes=done,
        total_minutes=total,
        milestones=service.milestones(order),
        shipments=production.shipments(order),
        ship_to=delivery.ship_to(order),
        money=payments.money_page(order, production.today()),
        cancel=cancellations.offer(current_user, order),
        cancel_form=cancel_form,
    )


@bp.post("/orders/<int:order_id>/cancel")
@roles_required(Role.BUYER, Role.APPROVER)
def cancel(order_id: int) -> str | Response | tuple[str, int]:
    """The buyer's side cancels before production starts, with a reason; later, only staff can."""
    order = service.get_order(current_user, order_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return _show(order, form), 422
    try:
        note = cancellations.cancel(current_user, order, form.reason.data or "")
    except Invalid as exc:
        form.reason.errors = [exc.violations.get("reason", str(exc))]
        return _show(order, form), 422
    except Conflict as exc:
        flash(str(exc), "error")
    else:
        flash(
            f"Order {order.reference} is cancelled."
            + (f" Credit note {note.reference} is below." if note else ""),
            "success",
        )
    return redirect(url_for("orders.show", order_id=order.id))


@bp.get("/orders/<int:order_id>/credit-note.pdf")
@roles_required(Role.BUYER, Role.APPROVER, Role.STAFF)
def credit_note_pdf(order_id: int) -> Response:
    """The cancelled order's credit note, drawn by the worker; a page waits while it is laid out."""
    order = service.get_order(current_user, order_id)
    invoice = invoices.invoice_of(order) or abort(404)
    note = invoices.credit_note_of(invoice) or abort(404)
    return document_response(
        documents.credit_note(note),
        lambda pdf: pdf_response(pdf, f"{note.reference}.pdf", download=True),
        title=f"Credit note {note.reference}",
        back=(url_for("orders.show", order_id=order.id), f"Back to order {order.reference}"),
    )


@bp.get("/orders/<int:order_id>/parcels.csv")
@roles_required(Role.BUYER, Role.APPROVER, Role.STAFF)
def parcels_csv(order_id: int) -> Response:
    """The order's parcels and tracking links as a spreadsheet, for its organisation and staff."""
    order = service.get_order(current_user, order_id)
    response = Response(production.shipments_csv(order), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{order.reference}-parcels.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/orders/<int:order_id>/invoice.pdf")
@roles_required(Role.BUYER, Role.APPROVER, Role.STAFF)
def invoice_pdf(order_id: int) -> Response:
    """The order's invoice, drawn by the worker; a page waits while it is laid out."""
    order = service.get_order(current_user, order_id)
    found = invoices.invoice_of(order) or abort(404)
    return document_response(
        documents.invoice(found),
        lambda pdf: pdf_response(pdf, f"{found.reference}.pdf", download=True),
        title=f"Invoice {found.reference}",
        back=(url_for("orders.show", order_id=order.id), f"Back to order {order.reference}"),
    )
