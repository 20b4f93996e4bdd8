"""Staff: proofs waiting for review, orders and their progress."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.extensions import db
from app.forms import ActionForm
from app.models import Role
from app.security import roles_required
from app.services import orders, reviews
from app.services.errors import Conflict

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@roles_required(Role.STAFF)
def dashboard() -> str:
    all_orders = orders.orders_for(current_user)
    return render_template(
        "staff/dashboard.html",
        waiting=reviews.pending_staff_review(),
        orders=all_orders,
        progress={o.id: orders.progress(o) for o in all_orders},
    )


@bp.post("/orders/<int:order_id>/<action>")
@roles_required(Role.STAFF)
def advance(order_id: int, action: str) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    order = orders.get_order(current_user, order_id)
    try:
        orders.advance(order, action, current_user)
        db.session.commit()
    except Conflict as exc:
        flash(str(exc), "error")
    return redirect(url_for("orders.show", order_id=order_id))
