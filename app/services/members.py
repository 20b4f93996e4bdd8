"""An organisation's members: invitations by e-mail, roles, removal, and the settings page.

Every change to a membership is one conditional UPDATE on what the admin saw (the member's
role, still a member) that also keeps at least one organisation admin, so two admins acting at
once never leave the organisation without one. On PostgreSQL the organisation's row is locked
first: two admins demoting each other change two different rows, which a condition on each
row alone would let through (write skew). SQLite runs one writer at a time anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import Invitation, Organisation, Role, User, utcnow
from app.services import audit
from app.services.access import require_admin
from app.services.accounts import checked_name, checked_password, hash_password
from app.services.billing import Billing, billing_of
from app.services.email_address import NotAnEmail, clean_email
from app.services.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.notifications import external_url, send_to_address
from app.services.share_links import LinkClosed
from app.services.tokens import hash_token, new_token, plausible
from app.services.transaction import commits
from configurator.vocabulary import APPROVING_ROLES, MEMBER_ROLE_RIGHTS, MEMBER_ROLES, PageSize

INVITE_DAYS = 7
"""An invitation link works this long, once."""

LAST_ADMIN = (
    "You are the organisation's only admin. Make a colleague an organisation admin first, "
    "then you can change your own role or leave."
)


# --- The settings page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    email: str
    role: Role
    joined: datetime
    is_you: bool


@dataclass(frozen=True)
class PendingInvitation:
    id: int
    email: str
    role: Role
    invited_by: str
    expires_at: datetime


@dataclass(frozen=True)
class SettingsPage:
    """Everything the organisation settings page shows; only its admins see it."""

    organisation_id: int
    name: str
    approval_threshold: Decimal | None
    page_size: PageSize
    approvers: tuple[str, ...]
    members: tuple[Member, ...]
    invitations: tuple[PendingInvitation, ...]
    roles: tuple[Role, ...] = MEMBER_ROLES
    rights: tuple[tuple[Role, str], ...] = tuple(MEMBER_ROLE_RIGHTS.items())
    invite_days: int = INVITE_DAYS
    billing: Billing | None = None

    @property
    def admins(self) -> int:
        return sum(1 for m in self.members if m.role == Role.ORGANISATION_ADMIN)


def organisation_of_admin(user: User) -> Organisation:
    """The organisation ``user`` administers; none -> NotFound, not its admin -> Forbidden."""
    organisation = user.organisation
    if organisation is None:
        raise NotFound("We could not find that page.")
    require_admin(user, organisation)
    return organisation


def settings_page(user: User) -> SettingsPage:
    organisation = organisation_of_admin(user)
    people = db.session.scalars(
        select(User)
        .where(User.organisation_id == organisation.id, User.active.is_(True))
        .order_by(func.lower(User.display_name), User.id)
    ).all()
    inviter = aliased(User)
    pending = db.session.execute(
        select(Invitation, inviter.display_name)
        .join(inviter, Invitation.invited_by_id == inviter.id)
        .where(Invitation.organisation_id == organisation.id, _pending(utcnow()))
        .order_by(Invitation.id.desc())
    ).all()
    members = tuple(
        Member(p.id, p.display_name, p.email or "", p.role, p.created_at, p.id == user.id) for p in people
    )
    return SettingsPage(
        organisation_id=organisation.id,
        name=organisation.name,
        approval_threshold=organisation.approval_threshold,
        page_size=PageSize(organisation.page_size),
        approvers=tuple(m.name for m in members if m.role in APPROVING_ROLES),
        members=members,
        invitations=tuple(
            PendingInvitation(i.id, i.email, i.role, name, i.expires_at) for i, name in pending
        ),
        billing=billing_of(organisation),
    )


# --- Invitations -----------------------------------------------------------------------------


def _pending(now: datetime):
    return and_(
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None), Invitation.expires_at > now
    )


def _member_role(raw: str) -> Role:
    role = next((r for r in MEMBER_ROLES if r.value == raw), None)
    if role is None:
        raise Invalid("Choose a role.", {"role": "Choose buyer, approver or organisation admin."})
    return role


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str
    """Only in the e-mail (and here, for the tests): the database keeps its hash."""


@commits
def invite(admin: User, email: str, role: str) -> NewInvitation:
    """Invite a colleague by e-mail with ``role``: a link through the outbox, single use, expiring.

    Inviting an address again replaces its earlier invitation (the old link stops working).
    """
    organisation = organisation_of_admin(admin)
    chosen = _member_role(role)
    try:
        address = clean_email(email)
    except NotAnEmail as exc:
        raise Invalid(str(exc), {"email": str(exc)}) from None
    member = db.session.scalar(
        select(User.display_name).where(
            func.lower(User.email) == address, User.organisation_id == organisation.id, User.active.is_(True)
        )
    )
    if member is not None:
        message = f"{address} is already a member ({member})."
        raise Invalid(message, {"email": message})
    now = utcnow()
    db.session.execute(
        update(Invitation)
        .where(Invitation.organisation_id == organisation.id, Invitation.email == address, _pending(now))
        .values(revoked_at=now)
    )
    token, token_hash = new_token()
    invitation = Invitation(
        organisation_id=organisation.id,
        email=address,
        role=chosen,
        token_hash=token_hash,
        invited_by_id=admin.id,
        expires_at=now + timedelta(days=INVITE_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    send_to_address(
        "invitation",
        address,
        f"invitation:{invitation.id}",
        inviter=admin.display_name,
        organisation=organisation.name,
        role=chosen,
        url=external_url("auth.join", token=token),
        expires=f"{invitation.expires_at:%d %B %Y, %H:%M}",
    )
    audit.record(
        admin,
        "invitation.sent",
        f"organisation:{organisation.id}",
        organisation.id,
        invitation=invitation.id,
        email=address,
        role=str(chosen),
    )
    return NewInvitation(invitation, token)


@commits
def revoke_invitation(admin: User, invitation_id: int) -> str:
    """Withdraw a pending invitation; returns its address. Already used or withdrawn -> Conflict."""
    organisation = organisation_of_admin(admin)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        raise NotFound("We could not find that invitation.")
    withdrawn = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None)
        )
        .values(revoked_at=utcnow())
    )
    if withdrawn.rowcount != 1:
        raise Conflict(
            f"The invitation to {invitation.email} was already used or withdrawn; nothing was changed."
        )
    audit.record(
        admin,
        "invitation.revoked",
        f"organisation:{organisation.id}",
        organisation.id,
        invitation=invitation.id,
    )
    return invitation.email


def open_invitation(token: str) -> Invitation:
    """The usable invitation for ``token``: unknown -> NotFound; used, withdrawn, expired -> LinkClosed."""
    invitation = None
    if plausible(token):
        invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None:
        raise NotFound("This invitation link is not valid. Please check that you copied all of it.")
    if invitation.accepted_at is not None:
        raise LinkClosed(
            "This invitation has already been used. Log in with the password chosen then.", "used"
        )
    if invitation.revoked_at is not None:
        raise LinkClosed(
            "This invitation was withdrawn. Ask your organisation's admin for a new one.", "revoked"
        )
    if invitation.expires_at <= utcnow():
        raise LinkClosed(
            f"This invitation expired on {invitation.expires_at:%d %B %Y}. Ask your organisation's admin "
            "for a new one.",
            "expired",
        )
    return invitation


@commits
def accept_invitation(token: str, display_name: str, password: str) -> User:
    """Join the organisation with the invited role; the link is spent.

    Spending it is one conditional UPDATE, so an invitation accepted twice at once makes one
    account and the second is told the link was used. A colleague removed earlier comes back
    as the same account (their designs stay theirs). An address that already has an account
    elsewhere cannot join; only its owner, who opened the link, is told so.
    """
    invitation = open_invitation(token)
    name = checked_name(display_name)
    password_hash = hash_password(checked_password(password, "password"))
    existing = db.session.scalar(select(User).where(func.lower(User.email) == invitation.email))
    if existing is not None and (existing.active or existing.organisation_id != invitation.organisation_id):
        raise Conflict(
            "This address already has a Gifts of Hope account. Log in with it (or reset its password); "
            "an account belongs to one organisation, so ask us if it should move."
        )
    now = utcnow()
    spent = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, _pending(now)).values(accepted_at=now)
    )
    if spent.rowcount != 1:
        raise LinkClosed("This invitation has just been used. Log in with the password chosen then.", "used")
    user = existing or User(email=invitation.email, organisation_id=invitation.organisation_id)
    user.display_name, user.password_hash, user.role, user.active = name, password_hash, invitation.role, True
    if existing is not None:
        user.session_generation = existing.session_generation + 1
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict("This address joined a moment ago. Log in with the password chosen then.") from None
    invitation.accepted_by_id = user.id
    audit.record(
        user,
        "invitation.accepted",
        f"organisation:{invitation.organisation_id}",
        invitation.organisation_id,
        invitation=invitation.id,
        role=str(invitation.role),
    )
    return user


# --- Roles and removal -----------------------------------------------------------------------


def _lock(organisation_id: int) -> None:
    """Serialise membership changes of one organisation (a no-op on SQLite: one writer at a time)."""
    db.session.execute(select(Organisation.id).where(Organisation.id == organisation_id).with_for_update())


def _still_admin(actor_id: int, organisation_id: int):
    actor = aliased(User)
    return exists().where(
        actor.id == actor_id,
        actor.organisation_id == organisation_id,
        actor.role == Role.ORGANISATION_ADMIN,
        actor.active.is_(True),
    )


def _another_admin(member_id: int, organisation_id: int):
    other = aliased(User)
    return exists().where(
        other.id != member_id,
        other.organisation_id == organisation_id,
        other.role == Role.ORGANISATION_ADMIN,
        other.active.is_(True),
    )


def _member(organisation_id: int, member_id: int) -> User:
    member = db.session.get(User, member_id)
    if member is None or member.organisation_id != organisation_id:
        raise NotFound("We could not find that member.")
    return member


def _change(admin: User, member_id: int, seen_role: str, leaves_admins: bool, **values: object) -> User:
    """One conditional UPDATE of a member, on the role the admin saw; explains a refusal."""
    organisation = organisation_of_admin(admin)
    seen = _member_role(seen_role)
    _lock(organisation.id)
    member = _member(organisation.id, member_id)
    conditions = [
        User.id == member.id,
        User.organisation_id == organisation.id,
        User.active.is_(True),
        User.role == seen,
        _still_admin(admin.id, organisation.id),
    ]
    if seen == Role.ORGANISATION_ADMIN and leaves_admins:
        conditions.append(_another_admin(member.id, organisation.id))
    changed = db.session.execute(
        update(User).where(*conditions).values(**values).execution_options(synchronize_session=False)
    )
    if changed.rowcount == 1:
        db.session.refresh(member)
        return member
    db.session.refresh(member)
    db.session.refresh(admin)
    if not admin.is_organisation_admin or not admin.active:
        raise Forbidden("You are no longer an admin of this organisation; nothing was changed.")
    if not member.active:
        raise Conflict(f"{member.display_name} was removed a moment ago; nothing was changed.")
    if member.role != seen:
        raise Conflict(
            f"{member.display_name} is now {member.role.label.lower()}: someone changed it a moment ago. "
            "Nothing was changed; check and try again."
        )
    raise Invalid(LAST_ADMIN if member.id == admin.id else "The organisation must keep at least one admin.")


@commits
def change_role(admin: User, member_id: int, seen_role: str, new_role: str) -> User:
    """Give a member another role. The last admin cannot step down."""
    role = _member_role(new_role)
    member = _change(admin, member_id, seen_role, role != Role.ORGANISATION_ADMIN, role=role)
    audit.record(
        admin,
        "member.role_changed",
        f"user:{member.id}",
        member.organisation_id,
        before=seen_role,
        after=str(role),
    )
    return member


@commits
def remove_member(admin: User, member_id: int, seen_role: str) -> User:
    """Remove a member: they cannot log in, and every session of theirs ends at once.

    The account stays (their designs and decisions keep their name); inviting the address
    again brings them back.
    """
    member = _change(
        admin,
        member_id,
        seen_role,
        True,
        active=False,
        session_generation=User.session_generation + 1,
    )
    audit.record(admin, "member.removed", f"user:{member.id}", member.organisation_id, role=seen_role)
    return member
