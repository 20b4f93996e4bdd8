"""The organisation settings page: approval rule, paper size, billing, members and invitations.

Only the organisation's admins see it (others get the app's 403 page). Each form posts to its
own view, which calls one service and comes back to the page with a message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user

from app.forms import ActionForm, BillingForm, InviteForm, MemberForm, ThresholdForm
from app.models import Role
from app.security import roles_required
from app.services import billing, members, reviews
from app.services.errors import Conflict, Forbidden, Invalid

bp = Blueprint("organisation", __name__, url_prefix="/organisation")
ADMIN = Role.ORGANISATION_ADMIN


def _page(
    status: int = 200,
    threshold: ThresholdForm | None = None,
    invite: InviteForm | None = None,
    billing_form: BillingForm | None = None,
    warnings: Mapping[str, str] | None = None,
):
    page = members.settings_page(current_user)
    if threshold is None:
        current = page.approval_threshold
        threshold = ThresholdForm(threshold="" if current is None else f"{current:.2f}")
    invite = invite or InviteForm(role=Role.BUYER.value)
    return render_template(
        "organisation/settings.html",
        page=page,
        threshold=threshold,
        invite=invite,
        action=MemberForm(),
        billing_form=billing_form or _billing_form(page.billing),
        billing_warnings=warnings or {},
    ), status


def _billing_form(saved: billing.Billing | None) -> BillingForm:
    if saved is None:
        return BillingForm()
    return BillingForm(
        data={
            **saved.address.as_dict(),
            "country": saved.address.country or "US",
            "contact_name": saved.contact_name,
            "contact_email": saved.contact_email,
            "tax_status": saved.tax_status.value,
            "tax_certificate": saved.tax_certificate,
            "payment_terms": saved.payment_terms.value,
            "po_required": saved.po_required,
        }
    )


def _back(anchor: str) -> Response:
    return redirect(url_for("organisation.settings", _anchor=anchor))


@bp.get("/settings")
@roles_required(ADMIN)
def settings() -> tuple[str, int]:
    return _page()


@bp.post("/settings/approval-rule")
@roles_required(ADMIN)
def approval_rule() -> Response | tuple[str, int]:
    form = ThresholdForm()
    if not form.validate_on_submit():
        abort(400)
    organisation = members.organisation_of_admin(current_user)
    try:
        value = reviews.parse_threshold(form.threshold.data or "")
        reviews.set_threshold(current_user, organisation, value)
    except Invalid as exc:
        form.threshold.errors = [str(exc)]
        return _page(422, threshold=form)
    flash(
        "Saved. Orders above this amount now wait for an approver."
        if value is not None
        else "Saved. Any buyer in your organisation can now approve orders of any amount.",
        "success",
    )
    return _back("approval-rule")


@bp.post("/settings/paper-size")
@roles_required(ADMIN)
def paper_size() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    organisation = members.organisation_of_admin(current_user)
    try:
        reviews.set_page_size(current_user, organisation, request.form.get("page_size", ""))
    except Invalid as exc:
        flash(str(exc), "error")
    else:
        flash(f"Saved. New proofs print on {organisation.page_size} paper.", "success")
    return _back("paper-size")


@bp.post("/settings/billing")
@roles_required(ADMIN)
def billing_details() -> Response | tuple[str, int]:
    form = BillingForm()
    if not form.validate_on_submit():
        abort(400)
    organisation = members.organisation_of_admin(current_user)
    try:
        tax_status, terms = billing.parse_choice(form.tax_status.data or "", form.payment_terms.data or "")
        wanted = billing.Billing(
            address=form.address(),
            contact_name=form.contact_name.data or "",
            contact_email=form.contact_email.data or "",
            tax_status=tax_status,
            tax_certificate=form.tax_certificate.data or "",
            payment_terms=terms,
            po_required=bool(form.po_required.data),
        )
        saved = billing.save_billing(current_user, organisation, wanted)
    except Invalid as exc:
        for name, message in exc.violations.items():
            if name in form:
                form[name].errors = [message]
        if not any(name in form for name in exc.violations):
            flash(str(exc), "error")
        return _page(422, billing_form=form)
    if saved.warnings:
        flash("Saved. Please check the notes next to the billing address.", "success")
        return _page(billing_form=form, warnings=saved.warnings)
    flash("Saved. Invoices go to the billing contact at this address.", "success")
    return _back("billing")


@bp.post("/invitations")
@roles_required(ADMIN)
def invite() -> Response | tuple[str, int]:
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(422, invite=form)
    try:
        sent = members.invite(current_user, form.email.data or "", form.role.data or "")
    except Invalid as exc:
        form.email.errors = [exc.violations.get("email") or str(exc)]
        return _page(422, invite=form)
    role = sent.invitation.role.label.lower()
    flash(
        f"Invitation sent to {sent.invitation.email} as {role}. The link works for {members.INVITE_DAYS} days.",
        "success",
    )
    return _back("invitations")


@bp.post("/invitations/<int:invitation_id>/revoke")
@roles_required(ADMIN)
def revoke(invitation_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        email = members.revoke_invitation(current_user, invitation_id)
    except Conflict as exc:
        flash(str(exc), "error")
    else:
        flash(f"The invitation to {email} was withdrawn; its link no longer works.", "success")
    return _back("invitations")


def _member_action(member_id: int, act: Callable[[MemberForm], str]) -> Response:
    form = MemberForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        message = act(form)
    except (Conflict, Invalid, Forbidden) as exc:
        flash(str(exc), "error")
        return _back("members")
    flash(message, "success")
    if member_id == current_user.id and not current_user.active:
        logout_user()  # they removed themself: this session ended with the others
        return redirect(url_for("auth.login"))
    if member_id == current_user.id and not current_user.is_organisation_admin:
        return redirect(url_for("designs.index"))  # they stepped down: the page is not theirs now
    return _back("members")


@bp.post("/members/<int:member_id>/role")
@roles_required(ADMIN)
def change_role(member_id: int) -> Response:
    def act(form: MemberForm) -> str:
        member = members.change_role(current_user, member_id, form.seen_role.data or "", form.role.data or "")
        return f"{member.display_name} is now {member.role.label.lower()}."

    return _member_action(member_id, act)


@bp.post("/members/<int:member_id>/remove")
@roles_required(ADMIN)
def remove(member_id: int) -> Response:
    def act(form: MemberForm) -> str:
        member = members.remove_member(current_user, member_id, form.seen_role.data or "")
        return f"{member.display_name} was removed and logged out everywhere."

    return _member_action(member_id, act)
