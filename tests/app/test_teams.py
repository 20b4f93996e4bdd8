"""An organisation's members: invitations, roles, removal and the settings page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Invitation, OutboxMessage, Role, User, utcnow
from app.services import members
from app.services.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.share_links import LinkClosed
from tests.app.factories import (
    PASSWORD,
    DesignFactory,
    InvitationFactory,
    OrganisationAdminFactory,
    UserFactory,
)
from tests.app.journeys import Browser, csrf, invite, join, link_in_mail

NEW_PASSWORD = "a long enough passphrase"


def _fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


# --- Invitations ---------------------------------------------------------------------------------


def test_an_invitation_is_an_email_with_a_single_use_link_that_joins_with_the_invited_role(app):
    admin = OrganisationAdminFactory()
    sent = members.invite(admin, "  New.Colleague@Example.TEST ", "approver")

    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.event == "invitation"))
    assert message.to_addr == "new.colleague@example.test"
    assert f"/join/{sent.token}" in message.body and admin.organisation.name in message.subject
    assert sent.invitation.token_hash != sent.token and sent.token not in sent.invitation.token_hash
    assert sent.invitation.expires_at - utcnow() > timedelta(days=members.INVITE_DAYS - 1)

    user = members.accept_invitation(sent.token, "  Priya   Shah ", NEW_PASSWORD)
    assert (user.email, user.display_name, user.role) == (
        "new.colleague@example.test",
        "Priya Shah",
        Role.APPROVER,
    )
    assert user.organisation_id == admin.organisation_id
    with pytest.raises(LinkClosed, match="already been used"):
        members.accept_invitation(sent.token, "Someone else", NEW_PASSWORD)
    assert db.session.scalar(select(func.count(User.id)).where(User.email == user.email)) == 1


def test_an_expired_or_withdrawn_invitation_does_not_join(app):
    InvitationFactory(token="expired-token", expires_at=utcnow() - timedelta(minutes=1))
    with pytest.raises(LinkClosed, match="expired"):
        members.accept_invitation("expired-token", "Late", NEW_PASSWORD)
    pending = InvitationFactory(token="pending-token")
    assert members.revoke_invitation(pending.invited_by, pending.id) == pending.email
    with pytest.raises(LinkClosed, match="withdrawn"):
        members.accept_invitation("pending-token", "Too late", NEW_PASSWORD)
    with pytest.raises(Conflict):
        members.revoke_invitation(pending.invited_by, pending.id)
    with pytest.raises(NotFound):
        members.open_invitation("no-such-token")
    assert (
        db.session.scalar(select(func.count(User.id)).where(User.display_name.in_(["Late", "Too late"]))) == 0
    )


def test_inviting_an_address_again_replaces_the_earlier_link(app):
    admin = OrganisationAdminFactory()
    first = members.invite(admin, "twice@example.test", "buyer")
    second = members.invite(admin, "twice@example.test", "approver")
    with pytest.raises(LinkClosed, match="withdrawn"):
        members.open_invitation(first.token)
    assert members.accept_invitation(second.token, "Twice", NEW_PASSWORD).role == Role.APPROVER


def test_only_an_organisation_admin_invites_and_only_into_member_roles(app):
    admin = OrganisationAdminFactory()
    for role in (Role.BUYER, Role.APPROVER):
        with pytest.raises(Forbidden):
            members.invite(UserFactory(organisation=admin.organisation, role=role), "x@example.test", "buyer")
    for role in ("staff", "admin", "maker", ""):
        with pytest.raises(Invalid, match="Choose a role"):
            members.invite(admin, "x@example.test", role)
    with pytest.raises(Invalid, match="Enter your email address"):
        members.invite(admin, "not an address", "buyer")
    colleague = UserFactory(organisation=admin.organisation)
    with pytest.raises(Invalid, match="already a member"):
        members.invite(admin, colleague.email.upper(), "buyer")
    assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_an_address_with_an_account_elsewhere_cannot_join_and_only_its_owner_learns_why(app):
    elsewhere = UserFactory()
    admin = OrganisationAdminFactory()
    sent = members.invite(admin, elsewhere.email, "buyer")  # the admin is told nothing about it
    with pytest.raises(Conflict, match="already has a Gifts of Hope account"):
        members.accept_invitation(sent.token, "Someone", NEW_PASSWORD)
    assert _fresh(elsewhere).organisation_id != admin.organisation_id
    members.open_invitation(sent.token)  # still unused


def test_a_removed_colleague_invited_again_comes_back_as_the_same_account(app):
    admin = OrganisationAdminFactory()
    colleague = UserFactory(organisation=admin.organisation)
    design = DesignFactory(created_by=colleague)
    members.remove_member(admin, colleague.id, "buyer")
    sent = members.invite(admin, colleague.email, "approver")
    back = members.accept_invitation(sent.token, "Back Again", NEW_PASSWORD)
    assert back.id == colleague.id and back.active and back.role == Role.APPROVER
    assert design.created_by_id == back.id


def test_joining_needs_a_name_and_a_real_password(app):
    sent = members.invite(OrganisationAdminFactory(), "new@example.test", "buyer")
    with pytest.raises(Invalid) as short:
        members.accept_invitation(sent.token, "Name", "short")
    assert "password" in short.value.violations
    with pytest.raises(Invalid) as hidden:
        members.accept_invitation(sent.token, "Evil\u202ename", NEW_PASSWORD)
    assert "display_name" in hidden.value.violations
    members.open_invitation(sent.token)  # a refused form spends nothing


# --- Roles and removal -----------------------------------------------------------------------------


def test_an_admin_changes_roles_and_the_change_is_audited(app):
    admin = OrganisationAdminFactory()
    colleague = UserFactory(organisation=admin.organisation)
    assert members.change_role(admin, colleague.id, "buyer", "approver").role == Role.APPROVER
    with pytest.raises(Conflict, match="someone changed it"):
        members.change_role(admin, colleague.id, "buyer", "organisation_admin")  # a stale page
    assert _fresh(colleague).role == Role.APPROVER
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.role_changed"))
    assert (event.actor_id, event.detail) == (admin.id, {"before": "buyer", "after": "approver"})


def test_the_last_admin_cannot_step_down_or_leave_but_one_of_two_can(app):
    admin = OrganisationAdminFactory()
    for act in (
        lambda: members.change_role(admin, admin.id, "organisation_admin", "buyer"),
        lambda: members.remove_member(admin, admin.id, "organisation_admin"),
    ):
        with pytest.raises(Invalid, match="only admin"):
            act()
    assert _fresh(admin).role == Role.ORGANISATION_ADMIN and _fresh(admin).active
    second = UserFactory(organisation=admin.organisation, role=Role.ORGANISATION_ADMIN)
    members.change_role(admin, admin.id, "organisation_admin", "approver")
    assert _fresh(admin).role == Role.APPROVER
    with pytest.raises(Forbidden):
        members.change_role(_fresh(admin), second.id, "organisation_admin", "buyer")  # no longer an admin


def test_an_admin_of_another_organisation_sees_no_member(app):
    admin, stranger = OrganisationAdminFactory(), UserFactory()
    with pytest.raises(NotFound):
        members.remove_member(admin, stranger.id, "buyer")
    with pytest.raises(NotFound):
        members.change_role(admin, stranger.id, "buyer", "approver")
    assert _fresh(stranger).active


def test_a_removed_member_is_logged_out_at_once_and_cannot_log_in(app):
    admin = OrganisationAdminFactory()
    colleague = UserFactory(organisation=admin.organisation)
    laptop = Browser(app.test_client())
    laptop.login(colleague.email)
    assert laptop.get("/designs").status_code == 200

    members.remove_member(admin, colleague.id, "buyer")

    gone = laptop.get("/designs")
    assert gone.status_code == 302 and gone.headers["Location"].startswith("/login")
    retry = app.test_client()
    page = retry.get("/login")
    refused = retry.post(
        "/login", data={"email": colleague.email, "password": PASSWORD, "csrf_token": csrf(page.text)}
    )
    assert refused.status_code == 200 and "do not match an account" in refused.text


# --- The settings page -----------------------------------------------------------------------------


def test_the_settings_page_is_linked_for_admins_only_and_others_are_refused(app):
    admin = OrganisationAdminFactory(display_name="Olu Admin")
    approver = UserFactory(organisation=admin.organisation, role=Role.APPROVER, display_name="Ravi")
    InvitationFactory(invited_by=admin, email="waiting@example.test")
    browser = Browser(app.test_client())
    browser.login(admin.email)
    assert 'href="/organisation/settings"' in browser.get("/designs").text
    page = browser.get("/organisation/settings").text
    for shown in (
        "Olu Admin",
        "Ravi",
        "waiting@example.test",
        "Approval rule",
        "Paper size",
        "the only admin",
    ):
        assert shown in page, shown

    other = Browser(app.test_client())
    other.login(approver.email)
    assert 'href="/organisation/settings"' not in other.get("/designs").text
    assert other.get("/organisation/settings").status_code == 403
    assert (
        other.post(
            f"/organisation/members/{admin.id}/remove", {"seen_role": "organisation_admin"}
        ).status_code
        == 403
    )
    assert _fresh(admin).active


def test_an_admin_invites_changes_a_role_and_removes_from_the_page(app):
    admin = OrganisationAdminFactory()
    colleague = UserFactory(organisation=admin.organisation, display_name="Kim")
    browser = Browser(app.test_client())
    browser.login(admin.email)

    refused = invite(browser, "nope", "buyer")
    assert refused.status_code == 422 and "Enter your email address" in refused.text
    sent = invite(browser, "new@example.test", "approver")
    assert sent.status_code == 302
    assert "Invitation sent to new@example.test as approver" in browser.get("/organisation/settings").text

    browser.post(f"/organisation/members/{colleague.id}/role", {"seen_role": "buyer", "role": "approver"})
    assert _fresh(colleague).role == Role.APPROVER
    stale = browser.post(
        f"/organisation/members/{colleague.id}/role",
        {"seen_role": "buyer", "role": "buyer"},
        follow_redirects=True,
    )
    assert "Kim is now approver: someone changed it a moment ago" in stale.text
    browser.post(f"/organisation/members/{colleague.id}/remove", {"seen_role": "approver"})
    assert not _fresh(colleague).active

    mine = browser.post(
        f"/organisation/members/{admin.id}/remove", {"seen_role": "organisation_admin"}, follow_redirects=True
    )
    assert "only admin" in mine.text and _fresh(admin).active


# --- The journey ------------------------------------------------------------------------------------


def test_an_admin_invites_a_colleague_who_joins_and_sees_the_organisations_designs(app):
    admin = OrganisationAdminFactory()
    design = DesignFactory(created_by=UserFactory(organisation=admin.organisation), name="Winter thank-you")
    DesignFactory(name="Someone else's box")  # another organisation's
    browser = Browser(app.test_client())
    browser.login(admin.email)
    assert invite(browser, "Colleague@Example.test", "buyer").status_code == 302

    link = link_in_mail("colleague@example.test", "/join/")
    fresh = app.test_client()  # the colleague's own browser, never logged in
    joined = join(fresh, link, "Casey Colleague", NEW_PASSWORD)
    assert joined.status_code == 302 and joined.headers["Location"] == "/designs"

    designs = fresh.get("/designs").text
    assert "Welcome to" in designs and "Casey Colleague" in designs
    assert "Winter thank-you" in designs and "Someone else" not in designs
    assert fresh.get(f"/designs/{design.id}").status_code == 200
    assert fresh.get("/organisation/settings").status_code == 403  # a buyer, as invited

    again = app.test_client().get(link)
    assert again.status_code == 410 and "already been used" in again.text
    listed = browser.get("/organisation/settings").text
    assert "Casey Colleague" in listed and "No invitation is waiting" in listed
