"""The review experience: proof versions, comparison, decisions, comments, share links, staff queue.

Views stay thin: forms validate, ``app.services.reviews`` / ``share_links`` do the work, and
domain errors become messages. Guests (share links) see one proof version and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.extensions import limiter
from app.forms import ActionForm, BuyerVisibleText, DecisionForm, Form, parse_id
from app.models import Design, Proof, Role
from app.models.review import ShareLink
from app.security import roles_required
from app.services import documents, notifications, reviews, share_links
from app.services.designs import get_design
from app.services.errors import Conflict, Invalid, NotFound, ServiceError
from app.services.orders import get_order
from app.services.proofs import file_key, proof_reference
from app.storage import storage
from app.views import document_response, pdf_response
from configurator.catalog import load_catalog
from configurator.changes import spec_changes
from configurator.states import DocumentStatus, RenderStatus

bp = Blueprint("review", __name__)
T = TypeVar("T")
REVIEWERS = (Role.BUYER, Role.APPROVER, Role.STAFF)
BUYER_SIDE = (Role.BUYER, Role.APPROVER)
NEW_LINK = "review.new_share_link"
guest_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_GUEST_LINK"],
    scope="guest-link",
    error_message="Too many requests for review links from your network. Please wait a minute and try again.",
)
"""Per address, across every review-link page: guessing or hammering links gets a 429."""


class CommentForm(BuyerVisibleText, Form):
    buyer_text_fields = ("body",)
    version = HiddenField()
    body = TextAreaField(
        "Add a comment",
        validators=[Length(max=reviews.COMMENT_MAX, message="Keep comments under 2000 characters.")],
    )


class ShareForm(Form):
    recipient = StringField("Who is it for? (a note for you)", validators=[Length(max=200)])
    days = IntegerField(
        "Link works for (days)",
        default=share_links.DEFAULT_DAYS,
        validators=[
            InputRequired("Enter a number of days."),
            NumberRange(share_links.MIN_DAYS, share_links.MAX_DAYS, "Choose between 1 and 30 days."),
        ],
    )
    can_approve = BooleanField("They may approve on our behalf")


class GuestForm(Form):
    name = StringField("Your name", validators=[Length(max=120)])
    email = EmailField("Your email", validators=[Length(max=254)])
    body = TextAreaField("Comment", validators=[Optional(), Length(max=reviews.COMMENT_MAX)])


def _back(design_id: int, version: int | None = None, anchor: str | None = None) -> Response:
    return redirect(url_for("review.show", design_id=design_id, v=version, _anchor=anchor))


# --- The review page ---------------------------------------------------------------------------


@bp.get("/designs/<int:design_id>/review")
@roles_required(*REVIEWERS)
def show(design_id: int) -> str:
    return review_page(design_id, request.args.get("v", type=int))


def review_page(
    design_id: int,
    version: int | None = None,
    *,
    decision_form: DecisionForm | None = None,
    comment_form: CommentForm | None = None,
) -> str:
    """The review page; the forms, when given, bring back what was typed with its warnings."""
    page = reviews.review_page(design_id, current_user, version)
    return render_template(
        "review/show.html",
        page=page,
        new_link=session.pop(NEW_LINK, None),
        decision_form=decision_form or DecisionForm(formdata=None),
        comment_form=comment_form
        or CommentForm(formdata=None, version=page.proof.version if page.proof else ""),
        share_form=ShareForm(),
    )


# --- Comparison ----------------------------------------------------------------------------


def _diff(old: Proof, new: Proof) -> dict[str, Any]:
    """The visual diff of two ready proofs as the page shows it; the worker makes it (requested here)."""
    document = documents.visual_diff(old, new)
    meta = document.meta or {}
    return {
        "status": document.status,
        "ready": document.status == DocumentStatus.READY,
        "regions": meta.get("regions", []),
        "changed": meta.get("changed", 0),
    }


def _pair(design_id: int, a: int, b: int) -> tuple[Design, Proof, Proof]:
    design = get_design(current_user, design_id)
    old, new = reviews.proof_by_version(design, a), reviews.proof_by_version(design, b)
    if old.status != RenderStatus.READY or new.status != RenderStatus.READY:
        raise Conflict("Both versions need a finished proof to compare them.")
    return design, old, new


@bp.get("/designs/<int:design_id>/compare")
@roles_required(*REVIEWERS)
def compare(design_id: int) -> str | Response:
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    if not a or not b:
        abort(404)
    if a > b:
        return redirect(url_for("review.compare", design_id=design_id, a=b, b=a))
    design, old, new = _pair(design_id, a, b)
    diff = _diff(old, new) if a != b else {"ready": True, "regions": [], "changed": 0}
    return render_template(
        "review/compare.html",
        design=design,
        old=old,
        new=new,
        ready=[p for p in design.proofs if p.status == RenderStatus.READY],
        diff=diff,
        changes=spec_changes(old.spec, new.spec, load_catalog()),
    )


@bp.get("/designs/<int:design_id>/compare/v<int:a>-v<int:b>.png")
@roles_required(*REVIEWERS)
def diff_png(design_id: int, a: int, b: int) -> Response:
    design, old, new = _pair(design_id, a, b)

    def serve(png: bytes) -> Response:
        response = Response(png, mimetype="image/png")
        response.headers["Cache-Control"] = "private, max-age=3600"
        return response

    return document_response(
        documents.visual_diff(old, new),
        serve,
        title=f"The changes from v{a} to v{b}",
        back=(url_for("review.compare", design_id=design.id, a=a, b=b), "Back to the comparison"),
    )


# --- Decisions and comments ----------------------------------------------------------------


@bp.post("/designs/<int:design_id>/comments")
@roles_required(*REVIEWERS)
def comment(design_id: int) -> Response | tuple[str, int]:
    design = get_design(current_user, design_id)
    form = CommentForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return _back(design_id, anchor="thread")
    version = parse_id(form.version.data)
    if current_user.is_staff and form.names_a_maker():
        return review_page(design_id, version, comment_form=form), 422
    try:
        reviews.add_comment(current_user, design, form.body.data or "", version)
    except Invalid as exc:
        flash(str(exc), "error")
        return _back(design_id, version, anchor="thread")
    flash("Comment added.", "success")
    return _back(design_id, version, anchor="thread")


# --- Share links (buyer side) ---------------------------------------------------------------


@bp.post("/proofs/<int:proof_id>/share-links")
@roles_required(*BUYER_SIDE)
def create_link(proof_id: int) -> Response:
    proof = reviews.get_proof(current_user, proof_id)
    form = ShareForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return _back(proof.design_id, proof.version, anchor="share")
    try:
        new = share_links.create(
            current_user,
            proof,
            days=form.days.data,
            recipient=form.recipient.data or "",
            can_approve=bool(form.can_approve.data),
        )
    except ServiceError as exc:
        flash(str(exc), "error")
        return _back(proof.design_id, proof.version, anchor="share")
    session[NEW_LINK] = {
        "id": new.link.id,
        "url": notifications.external_url("review.guest", token=new.token),
    }
    return _back(proof.design_id, proof.version, anchor="share")


@bp.post("/share-links/<int:link_id>/revoke")
@roles_required(*BUYER_SIDE)
def revoke_link(link_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    link = share_links.get_for_user(current_user, link_id)
    share_links.revoke(current_user, link)
    flash("The link was withdrawn. Anyone who opens it now sees that it no longer works.", "success")
    return _back(link.proof.design_id, link.proof.version, anchor="share")


# --- Guests (no account) ------------------------------------------------------------------


def _unless_closed(find: Callable[[str], T], token: str) -> T:
    """``find(token)``; a closed or unknown link answers with a page that says so (410 or 404)."""
    try:
        return find(token)
    except share_links.LinkClosed as exc:
        abort(Response(render_template("review/link_closed.html", message=str(exc), reason=exc.reason), 410))
    except NotFound as exc:
        abort(Response(render_template("review/link_closed.html", message=str(exc), reason="unknown"), 404))


def _guest_link(token: str) -> ShareLink:
    return _unless_closed(share_links.resolve, token)


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _guest_page(token: str, form: GuestForm, status: int = 200) -> Response:
    page = _unless_closed(reviews.guest_review_page, token)
    return _private(Response(render_template("review/guest.html", page=page, form=form), status))


@bp.get("/r/<token>")
@guest_limit
def guest(token: str) -> Response:
    return _guest_page(token, GuestForm())


def _drawn_proof(token: str) -> Proof:
    """The link's proof when its files exist; a 404 while it is still being drawn."""
    proof = _guest_link(token).proof
    if proof.status != RenderStatus.READY:
        abort(404)
    return proof


@bp.get("/r/<token>/mockup.png")
@guest_limit
def guest_mockup(token: str) -> Response:
    proof = _drawn_proof(token)
    return _private(Response(storage().get(file_key(proof, "png")), mimetype="image/png"))


@bp.get("/r/<token>/proof.pdf")
@guest_limit
def guest_pdf(token: str) -> Response:
    proof = _drawn_proof(token)
    return _private(pdf_response(storage().get(file_key(proof, "pdf")), f"{proof_reference(proof)}.pdf"))


GuestAction = Callable[[ShareLink, reviews.Guest, str], str]
"""What a guest does through their link: it records their response and returns what they read."""


def _guest_action(token: str, action: GuestAction) -> Response:
    link = _guest_link(token)
    form = GuestForm()
    if not form.validate_on_submit():
        return _guest_page(token, form, 422)
    try:
        who = reviews.clean_guest(form.name.data or "", form.email.data or "")
        flash(action(link, who, form.body.data or ""), "success")
    except Invalid as exc:
        for field, message in exc.violations.items():
            if field in form:
                form[field].errors = [message]
        flash(str(exc), "error")
        return _guest_page(token, form, 422)
    except Conflict as exc:
        flash(str(exc), "error")
    return _private(redirect(url_for("review.guest", token=token, _anchor="thread")))


def _guest_comment(link: ShareLink, who: reviews.Guest, body: str) -> str:
    reviews.add_guest_comment(link, who, body)
    return "Thank you. Your comment was added."


def _guest_approval(link: ShareLink, who: reviews.Guest, body: str) -> str:
    if reviews.guest_approve(link, who, body) is not None:
        return "Thank you. With your approval the order is confirmed."
    if reviews.guest_may_approve(link):
        return "Thank you. Your approval was recorded."
    return (
        "Thank you. Your approval was recorded and passed on; "
        f"{link.created_by.display_name}'s organisation makes the final decision."
    )


@bp.post("/r/<token>/comment")
@guest_limit
def guest_comment(token: str) -> Response:
    return _guest_action(token, _guest_comment)


@bp.post("/r/<token>/approve")
@guest_limit
def guest_approve(token: str) -> Response:
    return _guest_action(token, _guest_approval)


# --- Staff queue -----------------------------------------------------------------------------


@bp.get("/staff/review-queue")
@roles_required(Role.STAFF)
def staff_queue() -> str:
    return render_template("review/staff_queue.html", rows=reviews.staff_queue())


# --- Old addresses of the organisation's rules -----------------------------------------------


@bp.route("/organisation/approvals", methods=["GET", "POST"])
def settings() -> Response:
    """The approval rule moved to the organisation settings page; a form posted here follows it."""
    if request.method == "POST":
        return redirect(url_for("organisation.approval_rule"), 308)
    return redirect(url_for("organisation.settings", _anchor="approval-rule"), 301)


# --- Approval record -------------------------------------------------------------------------


@bp.post("/organisation/paper-size")
def paper_size() -> Response:
    return redirect(url_for("organisation.paper_size"), 308)


@bp.get("/orders/<int:order_id>/approval-record.pdf")
@roles_required(*REVIEWERS)
def approval_record(order_id: int) -> Response:
    order = get_order(current_user, order_id)
    return document_response(
        documents.approval_record(order),
        lambda pdf: pdf_response(pdf, f"{order.reference}-approval-record.pdf", download=True),
        title=f"Approval record of order {order.reference}",
        back=(url_for("orders.show", order_id=order.id), f"Back to order {order.reference}"),
    )


# --- Dev mail -------------------------------------------------------------------------------


@bp.get("/dev/mail")
@roles_required(Role.STAFF)
def dev_mail() -> str:
    return render_template(
        "review/dev_mail.html",
        messages=notifications.recent(),
        folder=None if current_app.config.get("SMTP_HOST") else current_app.config["MAIL_DIR"],
        file_name=notifications.mail_file_name,
        smtp=current_app.config.get("SMTP_HOST"),
        secret_events=notifications.SECRET_EVENTS,
    )


@bp.app_template_global()
def review_url(design_id: int) -> str:
    """For other templates: the review page of a design."""
    return url_for("review.show", design_id=design_id)
