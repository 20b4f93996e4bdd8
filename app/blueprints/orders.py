"""Orders as the buyer and staff see them."""

from flask import Blueprint, render_template
from flask_login import current_user

from app.forms import ActionForm
from app.models import Role
from app.security import roles_required
from app.services import orders as service
from configurator.catalog import load_catalog
from configurator.spec import BoxSpec
from configurator.states import ORDER

bp = Blueprint("orders", __name__)


@bp.get("/orders")
@roles_required(Role.BUYER, Role.APPROVER, Role.STAFF)
def index() -> str:
    return render_template("orders/index.html", orders=service.orders_for(current_user))


@bp.get("/orders/<int:order_id>")
@roles_required(Role.BUYER, Role.APPROVER, Role.STAFF)
def show(order_id: int) -> str:
    order = service.get_order(current_user, order_id)
    done, total = service.progress(order)
    return render_template(
        "orders/show.html",
        order=order,
        spec=BoxSpec.from_dict(order.spec),
        catalog=load_catalog(),
        done_minutes=done,
        total_minutes=total,
        actions=sorted(ORDER.allowed(order.status)) if current_user.is_staff else [],
        form=ActionForm(),
    )
