"""Staff: the workshop at a glance, orders and their timeline, the queue, capacity, makers, impact."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import MAX_ID, ActionForm, BuyerVisibleText, Form, StaffCancelForm, parse_id
from app.models import Order, Role
from app.models.production import Shipment
from app.security import roles_required
from app.services import (
    cancellations,
    delivery,
    documents,
    finance,
    inbox,
    invoices,
    kiosk,
    orders,
    payments,
    reviews,
)
from app.services import production as service
from app.services.errors import Conflict, Invalid
from app.services.production import quality
from app.views import document_response, pdf_response
from app.views import money as money_text
from configurator.catalog import load_catalog
from configurator.spec import BoxSpec
from configurator.states import ORDER, OrderStatus
from configurator.vocabulary import PaymentMethod, QualityMark, Skill

bp = Blueprint("staff", __name__, url_prefix="/staff")
HOURS = [NumberRange(0, 1200, "Enter hours from 0 to 1200.")]


class ShipForm(BuyerVisibleText, Form):
    buyer_text_fields = ("carrier", "tracking_number")
    carrier = StringField("Carrier", validators=[DataRequired("Enter the carrier."), Length(max=60)])
    tracking_number = StringField(
        "Tracking number", validators=[DataRequired("Enter the tracking number."), Length(max=80)]
    )
    boxes = IntegerField("Boxes in this parcel", validators=[Optional(), NumberRange(min=1, max=MAX_ID)])


class PaymentForm(Form):
    """The service checks the amount against what is due and says what is wrong at the field."""

    amount = StringField("Amount received ($)", validators=[Length(max=20)])
    received_on = DateField("Received on", validators=[Optional()])
    method = SelectField(
        "Paid by", choices=[SelectChoice(m.value, m.label) for m in PaymentMethod], validate_choice=False
    )
    reference = StringField("Reference or cheque no.", validators=[Length(max=200)])


class ExportForm(Form):
    """A GET form (a download changes nothing): the service checks the period and says what is wrong at the field."""

    class Meta:
        csrf = False

    start = DateField("From", validators=[Optional()])
    end = DateField("To (included)", validators=[Optional()])


class DepositForm(Form):
    above = StringField("Ask for a deposit on orders above ($)", validators=[Length(max=20)])
    percent = StringField("Deposit (% of the order total; 0: no deposit)", validators=[Length(max=10)])


class AssignForm(Form):
    maker = IntegerField("Maker", validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.choices = [(m.id, m.display_name) for m in service.makers()]


class PriorityForm(Form):
    priority = IntegerField(
        "Priority (smaller is sooner)",
        validators=[Optional(), NumberRange(-MAX_ID, MAX_ID, "Enter a smaller priority number.")],
    )
    to_top = HiddenField()


class WeekForm(Form):
    mon = DecimalField("Monday", validators=[InputRequired(), *HOURS], places=1)
    tue = DecimalField("Tuesday", validators=[InputRequired(), *HOURS], places=1)
    wed = DecimalField("Wednesday", validators=[InputRequired(), *HOURS], places=1)
    thu = DecimalField("Thursday", validators=[InputRequired(), *HOURS], places=1)
    fri = DecimalField("Friday", validators=[InputRequired(), *HOURS], places=1)
    sat = DecimalField("Saturday", validators=[InputRequired(), *HOURS], places=1)
    sun = DecimalField("Sunday", validators=[InputRequired(), *HOURS], places=1)

    DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class DateForm(Form):
    day = DateField("Date", validators=[InputRequired("Choose a date.")])
    hours = DecimalField("Maker hours (0 = closed)", validators=[InputRequired(), *HOURS], places=1)
    note = StringField("Note", validators=[Length(max=120)])


class QualityForm(Form):
    line = HiddenField(validators=[DataRequired(), Length(max=40)])
    mark = HiddenField(validators=[DataRequired()])
    note = StringField("What is different, and why it is acceptable", validators=[Length(max=500)])


class MakerForm(Form):
    pseudonym = StringField(
        "Pseudonym (the name the maker chose)", validators=[DataRequired("Enter a name."), Length(2, 40)]
    )


DAY_HOURS = [NumberRange(0, 16, "Enter hours from 0 to 16.")]


class MakerWeekForm(Form):
    """One maker's kinds of work and usual hours; prefixed with the maker's id, as the page has one per maker."""

    skills = SelectMultipleField(
        "Kinds of work",
        choices=[SelectChoice(s.value, s.label) for s in Skill],
        validate_choice=False,
        validators=[DataRequired("Choose at least one kind of work.")],
    )
    """Checkboxes drawn from ``Skill`` in the template; the service checks the values."""
    mon = DecimalField("Mon", validators=[InputRequired("Enter hours."), *DAY_HOURS], places=1)
    tue = DecimalField("Tue", validators=[InputRequired("Enter hours."), *DAY_HOURS], places=1)
    wed = DecimalField("Wed", validators=[InputRequired("Enter hours."), *DAY_HOURS], places=1)
    thu = DecimalField("Thu", validators=[InputRequired("Enter hours."), *DAY_HOURS], places=1)
    fri = DecimalField("Fri", validators=[InputRequired("Enter hours."), *DAY_HOURS], places=1)
    sat = DecimalField("Sat", validators=[InputRequired("Enter hours."), *DAY_HOURS], places=1)
    sun = DecimalField("Sun", validators=[InputRequired("Enter hours."), *DAY_HOURS], places=1)

    DAYS = WeekForm.DAYS


class DayOffForm(Form):
    first_day = DateField("First day off", validators=[InputRequired("Choose the first day off.")])
    last_day = DateField("Last day off (empty: one day)", validators=[Optional()])
    note = StringField("Note", validators=[Length(max=120)])


def _week_form(week: service.MakerWeek, formdata: object = None) -> MakerWeekForm:
    hours = {name: round(m / 60, 1) for name, m in zip(MakerWeekForm.DAYS, week.weekday_minutes, strict=True)}
    return MakerWeekForm(
        formdata=formdata,
        prefix=f"m{week.maker.id}",
        data={"skills": [s.value for s in Skill if s in week.skills], **hours},
    )


def _back(default: str) -> Response:
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/staff/") and "//" not in target else default)


@bp.get("/")
@roles_required(Role.STAFF)
def dashboard() -> str:
    plan = service.plan()
    waiting, problems, risky = (
        reviews.pending_staff_review(),
        service.open_jobs("problem"),
        service.at_risk(plan),
    )
    return render_template(
        "staff/dashboard.html",
        inbox=inbox.staff_inbox(waiting, problems, risky, payments.overdue(service.today())),
        waiting=waiting,
        counts=service.job_counts(),
        problems=problems,
        plan=plan,
        risky=risky,
        capacity=service.current_capacity(),
    )


@bp.get("/orders")
@roles_required(Role.STAFF)
def order_list() -> str:
    status = request.args.get("status") or None
    if status is not None and status not in ORDER.states:
        status = None
    organisation = parse_id(request.args.get("organisation"))
    risk_only = request.args.get("risk") == "1"
    plan = service.plan()
    found = service.filter_orders(status, organisation, risk_only, plan)
    return render_template(
        "staff/orders.html",
        orders=found,
        plan=plan,
        progress={o.id: orders.progress(o) for o in found},
        needed={o.id: BoxSpec.from_dict(o.spec).needed_by for o in found},
        states=service.order_states(),
        organisations=service.organisations(),
        chosen={"status": status, "organisation": organisation, "risk": risk_only},
    )


@bp.get("/orders/<int:order_id>")
@roles_required(Role.STAFF)
def order(order_id: int) -> str | tuple[str, int]:
    return _order_page(orders.get_order(current_user, order_id))


def _order_page(
    found: Order,
    ship_form: ShipForm | None = None,
    status: int = 200,
    quality_form: QualityForm | None = None,
    payment_form: PaymentForm | None = None,
    cancel_form: StaffCancelForm | None = None,
) -> str | tuple[str, int]:
    """The order page; after a refused parcel, check, payment or cancel, with the form as sent and its errors at their fields."""
    done, total = orders.progress(found)
    left = service.boxes_left(found)
    money = payments.money_page(found, service.today())
    if payment_form is None:
        payment_form = PaymentForm(received_on=service.today())
    page = render_template(
        "staff/order.html",
        order=found,
        spec=BoxSpec.from_dict(found.spec),
        catalog=load_catalog(),
        outlook=service.plan().outlook.get(found.id),
        timeline=service.timeline(found),
        shipments=service.shipments(found),
        ship_to=delivery.ship_to(found),
        actions=service.order_actions(found),
        can_ship=service.can_ship(found, left),
        boxes_left=left,
        ship_form=ShipForm(boxes=left) if ship_form is None else ship_form,
        ship_held=service.ship_held(found),
        start_held=payments.hold(found, "start_production").refusal
        if found.status == OrderStatus.CONFIRMED
        else None,
        money=money,
        payment_form=payment_form,
        can_cancel=cancellations.cancellable(found),
        cancel_terms=cancellations.terms_for(found) if cancellations.cancellable(found) else None,
        cancel_form=cancel_form or StaffCancelForm(formdata=None),
        assign_form=AssignForm(),
        priority_form=PriorityForm(),
        ready=service.ready_job_ids(),
        quality=quality.quality_checklist(found),
        quality_form=quality_form or QualityForm(formdata=None),
        done_minutes=done,
        total_minutes=total,
    )
    return page if status == 200 else (page, status)


@bp.post("/orders/<int:order_id>/<action>")
@roles_required(Role.STAFF)
def advance(order_id: int, action: str) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    found = orders.get_order(current_user, order_id)
    try:
        service.staff_advance(current_user, found, action)
    except Conflict as exc:
        flash(str(exc), "error")
    return _back(url_for("staff.order", order_id=order_id))


@bp.post("/orders/<int:order_id>/cancel")
@roles_required(Role.STAFF)
def cancel(order_id: int) -> Response | str | tuple[str, int]:
    """Staff cancel an order at any point before it ships, with a reason the buyer reads."""
    found = orders.get_order(current_user, order_id)
    form = StaffCancelForm()
    if not form.validate_on_submit() or form.names_a_maker():
        return _order_page(found, status=422, cancel_form=form)
    try:
        note = cancellations.cancel(current_user, found, form.reason.data or "")
    except Invalid as exc:
        form.reason.errors = [exc.violations.get("reason", str(exc))]
        return _order_page(found, status=422, cancel_form=form)
    except Conflict as exc:
        flash(str(exc), "error")
    else:
        flash(
            f"Cancelled {found.reference}."
            + (f" Credit note {note.reference}: {money_text(note.amount)} credited." if note else ""),
            "success",
        )
    return redirect(url_for("staff.order", order_id=order_id))


@bp.post("/orders/<int:order_id>/quality")
@roles_required(Role.STAFF)
def quality_check(order_id: int) -> Response | str | tuple[str, int]:
    """Tick a line of the order's quality check, record an exception to it, or take a mark back."""
    found = orders.get_order(current_user, order_id)
    form = QualityForm()
    chosen = form.mark.data or ""
    if not form.validate_on_submit() or not (chosen == "clear" or QualityMark.has(chosen)):
        abort(400)
    try:
        if chosen == "clear":
            quality.clear_line(current_user, found, form.line.data or "")
        else:
            quality.mark_line(
                current_user, found, form.line.data or "", QualityMark(chosen), form.note.data or ""
            )
    except Invalid as exc:
        form.note.errors = [exc.violations.get("note", str(exc))]
        return _order_page(found, status=422, quality_form=form)
    except Conflict as exc:
        flash(str(exc), "error")
    return redirect(url_for("staff.order", order_id=order_id, _anchor="quality"))


@bp.post("/orders/<int:order_id>/ship")
@roles_required(Role.STAFF)
def ship(order_id: int) -> Response | str | tuple[str, int]:
    found = orders.get_order(current_user, order_id)
    form = ShipForm()
    if not form.validate_on_submit() or form.names_a_maker():
        return _order_page(found, form, 422)
    try:
        shipment = service.ship(
            current_user, found, form.carrier.data or "", form.tracking_number.data or "", form.boxes.data
        )
    except Invalid as exc:
        for field, message in exc.violations.items():
            form[field].errors = [message]
        return _order_page(found, form, 422)
    except Conflict as exc:
        flash(str(exc), "error")
    else:
        flash(
            f"Shipped {shipment.boxes} boxes with {shipment.carrier} ({shipment.tracking_number}).", "success"
        )
    return redirect(url_for("staff.order", order_id=order_id, _anchor="ship"))


@bp.post("/orders/<int:order_id>/payments")
@roles_required(Role.STAFF)
def record_payment(order_id: int) -> Response | str | tuple[str, int]:
    found = orders.get_order(current_user, order_id)
    form = PaymentForm()
    if not form.validate_on_submit():
        return _order_page(found, status=422, payment_form=form)
    try:
        payment = payments.record_payment(
            current_user,
            found,
            form.amount.data or "",
            form.received_on.data,
            form.method.data or "",
            form.reference.data or "",
        )
    except Invalid as exc:
        for field, message in exc.violations.items():
            form[field].errors = [message]
        return _order_page(found, status=422, payment_form=form)
    except Conflict as exc:
        flash(str(exc), "error")
    else:
        flash(f"Recorded {money_text(payment.amount)} received on {payment.received_on:%d %b %Y}.", "success")
    return redirect(url_for("staff.order", order_id=order_id, _anchor="payments"))


@bp.route("/billing", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def billing() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return _billing_page()
    form = DepositForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        saved = payments.save_deposit_rule(current_user, form.above.data or "", form.percent.data or "")
    except Invalid as exc:
        for field, message in exc.violations.items():
            form[field].errors = [message]
        return _billing_page(form, status=422)
    flash(
        f"Saved: orders above {money_text(saved.above)} confirmed from now on ask for a "
        f"{saved.percent.normalize():f}% deposit.",
        "success",
    )
    return redirect(url_for("staff.billing"))


def _billing_page(
    form: DepositForm | None = None, export_form: ExportForm | None = None, status: int = 200
) -> str | tuple[str, int]:
    if form is None:
        rule = invoices.deposit_rule()
        form = DepositForm(data={"above": f"{rule.above:.2f}", "percent": f"{rule.percent.normalize():f}"})
    if export_form is None:
        today = service.today()
        export_form = ExportForm(formdata=None, start=today.replace(day=1), end=today)
    page = render_template(
        "staff/billing.html", form=form, export_form=export_form, overdue=payments.overdue(service.today())
    )
    return page if status == 200 else (page, status)


@bp.get("/billing/export.csv")
@roles_required(Role.STAFF)
def finance_export() -> Response | str | tuple[str, int]:
    """Invoices, payments and credit notes of a period (at most a year) as a CSV for the accounts."""
    form = ExportForm(request.args)
    form.validate()  # a date that does not parse is None: the service then says what to enter
    try:
        data = finance.export_csv(current_user, form.start.data, form.end.data, service.today())
    except Invalid as exc:
        for field, message in exc.violations.items():
            form[field].errors = [message]
        return _billing_page(export_form=form, status=422)
    response = Response(data, mimetype="text/csv")
    name = f"gifts-of-hope-finance-{form.start.data:%Y-%m-%d}-to-{form.end.data:%Y-%m-%d}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/orders/<int:order_id>/first")
@roles_required(Role.STAFF)
def order_first(order_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    found = orders.get_order(current_user, order_id)
    moved = service.order_first(current_user, found)
    flash(f"{moved} jobs of {found.reference} are now first in the queue.", "success")
    return _back(url_for("staff.order", order_id=order_id))


@bp.get("/orders/<int:order_id>/packing-slip.pdf")
@roles_required(Role.STAFF)
def packing_slip(order_id: int) -> Response:
    found = orders.get_order(current_user, order_id)
    return _slip(found, None, f"{found.reference}-packing-slip.pdf")


@bp.get("/orders/<int:order_id>/shipments/<int:shipment_id>/packing-slip.pdf")
@roles_required(Role.STAFF)
def shipment_slip(order_id: int, shipment_id: int) -> Response:
    found = orders.get_order(current_user, order_id)
    shipment = service.get_shipment(found, shipment_id)
    return _slip(found, shipment, f"{found.reference}-parcel-{shipment.id}.pdf")


def _slip(order: Order, shipment: Shipment | None, filename: str) -> Response:
    """The stored slip, or a page that waits while the worker lays it out."""
    return document_response(
        documents.packing_slip(order, shipment),
        lambda pdf: pdf_response(pdf, filename),
        title=f"Packing slip for {order.reference}" + (f", parcel {shipment.id}" if shipment else ""),
        back=(url_for("staff.order", order_id=order.id), f"Back to order {order.reference}"),
    )


@bp.get("/queue")
@roles_required(Role.STAFF)
def queue() -> str:
    status = request.args.get("status") or None
    assign = AssignForm()
    return render_template(
        "staff/queue.html",
        jobs=service.open_jobs(status),
        status=status,
        counts=service.job_counts(),
        ready=service.ready_job_ids(),
        assign_form=assign,
        priority_form=PriorityForm(),
    )


@bp.post("/jobs/<int:job_id>/release")
@roles_required(Role.STAFF)
def release(job_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        job = service.release(current_user, job_id)
        flash(f"“{job.title}” is back in the queue.", "success")
    except Conflict as exc:
        flash(str(exc), "error")
    return _back(url_for("staff.queue"))


@bp.post("/jobs/<int:job_id>/assign")
@roles_required(Role.STAFF)
def assign(job_id: int) -> Response:
    form = AssignForm()
    if not form.validate_on_submit():
        if not form.csrf_token.errors:
            flash("Choose a maker first.", "error")
            return _back(url_for("staff.queue"))
        abort(400)
    try:
        job = service.assign(current_user, job_id, form.maker.data)
        flash(f"“{job.title}” is now {job.maker.display_name}'s job.", "success")
    except (Conflict, Invalid) as exc:
        flash(str(exc), "error")
    return _back(url_for("staff.queue"))


@bp.post("/jobs/<int:job_id>/priority")
@roles_required(Role.STAFF)
def priority(job_id: int) -> Response:
    form = PriorityForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash("Enter a priority number, such as 1 or 10.", "error")
        return _back(url_for("staff.queue"))
    value = service.top_priority() if form.to_top.data == "1" else form.priority.data
    if value is None:
        flash("Enter a priority number.", "error")
        return _back(url_for("staff.queue"))
    try:
        service.set_priority(current_user, job_id, value)
    except Conflict as exc:
        flash(str(exc), "error")
    return _back(url_for("staff.queue"))


@bp.route("/capacity", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def capacity() -> str | Response | tuple[str, int]:
    minutes = service.weekday_minutes()
    week = WeekForm(data={name: round(m / 60, 1) for name, m in zip(WeekForm.DAYS, minutes, strict=True)})
    if request.method == "POST" and _save_week(week):
        return redirect(url_for("staff.capacity"))
    plan = service.plan()
    return render_template(
        "staff/capacity.html",
        week=week,
        date_form=DateForm(formdata=None),
        exceptions=service.exceptions(service.today()),
        plan=plan,
        risky=service.at_risk(plan),
        backlog_hours=round(service.backlog_minutes() / 60, 1),
    ), (422 if request.method == "POST" else 200)


def _save_week(week: WeekForm) -> bool:
    """Save the workshop's weekly hours as sent; False (with a message) when they were refused."""
    if not week.validate_on_submit():
        flash("Please correct the hours below.", "error")
        return False
    try:
        service.save_weekdays(current_user, [round(float(getattr(week, d).data) * 60) for d in WeekForm.DAYS])
    except Invalid as exc:
        flash(str(exc), "error")
        return False
    flash("Workshop hours saved. Delivery estimates use them from now on.", "success")
    return True


@bp.post("/capacity/dates")
@roles_required(Role.STAFF)
def capacity_date() -> Response:
    form = DateForm()
    if not form.validate_on_submit():
        flash("Please choose a date and the hours (0 for closed).", "error")
    else:
        service.save_exception(
            current_user, form.day.data, round(float(form.hours.data) * 60), form.note.data or ""
        )
        flash(f"Saved {form.day.data:%A %d %B %Y}.", "success")
    return redirect(url_for("staff.capacity"))


@bp.post("/capacity/dates/<int:exception_id>/delete")
@roles_required(Role.STAFF)
def capacity_date_delete(exception_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    service.delete_exception(current_user, exception_id)
    return redirect(url_for("staff.capacity"))


@bp.route("/makers", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def makers() -> str | Response | tuple[str, int]:
    form = MakerForm()
    if form.validate_on_submit():
        try:
            maker = service.add_maker(current_user, form.pseudonym.data or "")
        except Invalid as exc:
            flash(str(exc), "error")
        else:
            flash(f"{maker.display_name} can now pick their name on the workshop tablet.", "success")
            return redirect(url_for("staff.makers"))
    return _makers_page(form)


def _makers_page(
    form: MakerForm, failed: dict[int, MakerWeekForm | DayOffForm] | None = None
) -> tuple[str, int] | str:
    """The page, with the forms that were refused showing what was sent and why (422)."""
    failed = failed or {}
    weeks = service.maker_weeks()
    forms = {}
    for week in weeks:
        sent = failed.get(week.maker.id)
        forms[week.maker.id] = (
            sent if isinstance(sent, MakerWeekForm) else _week_form(week),
            sent if isinstance(sent, DayOffForm) else DayOffForm(formdata=None, prefix=f"off{week.maker.id}"),
        )
    page = render_template(
        "staff/makers.html",
        makers=[w.maker for w in weeks],
        weeks=weeks,
        forms=forms,
        form=form,
        skills=list(Skill),
    )
    return (page, 422) if failed else page


@bp.post("/makers/<int:maker_id>/week")
@roles_required(Role.STAFF)
def maker_week(maker_id: int) -> Response | str | tuple[str, int]:
    form = MakerWeekForm(prefix=f"m{maker_id}")
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash("The week was not saved: please correct the marked fields.", "error")
        return _makers_page(MakerForm(formdata=None), {maker_id: form})
    try:
        service.save_maker_week(
            current_user,
            maker_id,
            list(form.skills.data or []),
            [round(float(form[d].data) * 60) for d in MakerWeekForm.DAYS],
        )
    except Invalid as exc:
        for name, message in exc.violations.items():
            field = form.skills if name == "skills" else form[MakerWeekForm.DAYS[int(name[3:])]]
            field.errors = [*field.errors, message]
        flash(str(exc), "error")
        return _makers_page(MakerForm(formdata=None), {maker_id: form})
    flash("Saved. Delivery estimates use this week from now on.", "success")
    return redirect(url_for("staff.makers", _anchor=f"maker-{maker_id}"))


@bp.post("/makers/<int:maker_id>/days-off")
@roles_required(Role.STAFF)
def maker_days_off(maker_id: int) -> Response | str | tuple[str, int]:
    form = DayOffForm(prefix=f"off{maker_id}")
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash("The days off were not saved: please correct the marked fields.", "error")
        return _makers_page(MakerForm(formdata=None), {maker_id: form})
    try:
        row = service.add_day_off(
            current_user, maker_id, form.first_day.data, form.last_day.data, form.note.data or ""
        )
    except Invalid as exc:
        form.last_day.errors = [*form.last_day.errors, str(exc)]
        flash(str(exc), "error")
        return _makers_page(MakerForm(formdata=None), {maker_id: form})
    flash(f"Days off saved: {row.first_day:%a %d %b} to {row.last_day:%a %d %b %Y}.", "success")
    return redirect(url_for("staff.makers", _anchor=f"maker-{maker_id}"))


@bp.post("/makers/days-off/<int:day_off_id>/delete")
@roles_required(Role.STAFF)
def maker_day_off_delete(day_off_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    service.remove_day_off(current_user, day_off_id)
    return redirect(url_for("staff.makers"))


@bp.post("/makers/pin")
@roles_required(Role.STAFF)
def pin() -> Response:
    """Set the PIN with which this staff member unlocks the workshop tablet."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        kiosk.set_pin(current_user, request.form.get("pin", ""))
    except Invalid as exc:
        flash(str(exc), "error")
    else:
        flash("Your PIN is set: it unlocks the workshop tablet.", "success")
    return redirect(url_for("staff.makers"))


@bp.post("/makers/<int:maker_id>/<any(activate, deactivate):change>")
@roles_required(Role.STAFF)
def maker_active(maker_id: int, change: str) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    service.set_maker_active(current_user, maker_id, change == "activate")
    return redirect(url_for("staff.makers"))


@bp.get("/impact")
@roles_required(Role.STAFF)
def impact() -> str:
    return render_template("staff/impact.html", months=service.impact_by_month())
