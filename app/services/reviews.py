"""Proof decisions by the buyer's side and by staff; both approvals make an order.

Also the things around a decision: the comment thread, the organisation's approval rule, the
share-link guest's approval, the staff queue with the logo preflight, and the approval record.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import AuditEvent, Design, Order, Organisation, Proof, Review, Role, User, utcnow
from app.models.review import Comment, GuestReview, ShareLink
from app.services import audit, notifications, orders
from app.services.designs import get_design
from app.services.errors import Conflict, Forbidden, Invalid, NotFound
from configurator.catalog import load_catalog
from configurator.pricing import quote
from configurator.spec import BoxSpec
from configurator.states import DESIGN

log = logging.getLogger(__name__)

DECISIONS = ("approve", "request_changes")
COMMENT_MAX = 2000
COLLEAGUE = "colleague"
"""The side of a buyer-side approval that does not count on its own (above the approval threshold)."""


def side_of(user: User) -> str:
    return "staff" if user.is_staff else "buyer"


def get_proof(user: User, proof_id: int) -> Proof:
    proof = db.session.get(Proof, proof_id)
    if proof is None:
        raise NotFound("We could not find that proof.")
    get_design(user, proof.design_id)  # raises NotFound across organisations
    return proof


def approvals(proof: Proof) -> set[str]:
    """The sides whose approval counts: a subset of {"buyer", "staff"}."""
    return {r.side for r in proof.reviews if r.decision == "approve" and r.side in ("buyer", "staff")}


# --- The organisation's approval rule -------------------------------------------------------


def proof_total(proof: Proof) -> Decimal:
    """The order total this proof would become: the quote frozen at submission when there is one."""
    frozen = getattr(proof, "quote", None)
    if frozen and "total" in frozen:
        return Decimal(str(frozen["total"]))
    return quote(BoxSpec.from_dict(proof.spec), load_catalog()).total


def needs_approver(proof: Proof) -> bool:
    threshold = proof.design.organisation.approval_threshold
    return threshold is not None and proof_total(proof) > threshold


def may_approve_for_buyer(user: User, proof: Proof) -> bool:
    """Whether this user's approval is the buyer side's approval of this proof."""
    if not user.is_buyer_side and user.role != Role.ADMIN:
        return False
    return not needs_approver(proof) or user.role in (Role.APPROVER, Role.ADMIN)


def parse_threshold(raw: str) -> Decimal | None:
    text = raw.strip().replace(",", "").removeprefix("$").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Invalid("Enter an amount in dollars, such as 2500.", {"threshold": "Not an amount."}) from None
    if not value.is_finite() or value < 0 or value >= Decimal("10000000000"):
        raise Invalid("Enter an amount from $0 up.", {"threshold": "Out of range."})
    return value.quantize(Decimal("0.01"))


def set_threshold(user: User, organisation: Organisation, value: Decimal | None) -> None:
    """Only the organisation's approver sets its rule. Commits."""
    if user.role not in (Role.APPROVER, Role.ADMIN) or (
        user.role == Role.APPROVER and user.organisation_id != organisation.id
    ):
        raise Forbidden("Only your organisation's approver can change this rule.")
    before = organisation.approval_threshold
    organisation.approval_threshold = value
    audit.record(
        user,
        "organisation.approval_threshold",
        f"organisation:{organisation.id}",
        organisation.id,
        before=None if before is None else str(before),
        after=None if value is None else str(value),
    )
    db.session.commit()


# --- Decisions -------------------------------------------------------------------------------


def _check_open(proof: Proof, version: int, decision: str) -> None:
    design = proof.design
    latest = design.latest_proof
    if decision not in DECISIONS:
        raise Invalid("Choose approve or request changes.")
    if version != proof.version or latest is None or latest.id != proof.id:
        raise Conflict(
            f"You were looking at proof v{version}, but the latest is v{latest.version if latest else '?'}. "
            "Please review the latest version."
        )
    if design.status != "submitted" or proof.status != "ready":
        raise Conflict("This proof is not waiting for a decision any more.")


def _clean_comment(comment: str, *, required: bool) -> str:
    comment = comment.replace("\r\n", "\n").strip()
    if required and not comment:
        raise Invalid("Please say what should change.", {"comment": "Please say what should change."})
    if len(comment) > COMMENT_MAX:
        raise Invalid(f"Keep comments under {COMMENT_MAX} characters.", {"comment": "Too long."})
    return comment


def _conclude(proof: Proof, review: Review, actor: User | None, guest_name: str = "") -> Order | None:
    """After a decision: move the design, queue the emails, make the order when both sides agree."""
    design = proof.design
    db.session.flush()
    ids: dict[str, Any] = {
        "proof_id": proof.id,
        "actor_id": actor.id if actor else None,
        "review_id": review.id,
        "reason": review.comment,
        "side": review.side,
        "guest_name": guest_name,
    }
    if review.decision == "request_changes":
        design.status = DESIGN.next(design.status, "request_changes")
        notifications.notify("changes_requested", **ids)
        return None
    if review.side == COLLEAGUE:
        notifications.notify("approval_needed", **ids)
        return None
    if approvals(proof) >= {"buyer", "staff"}:
        design.status = DESIGN.next(design.status, "approve")
        order = orders.create_from(actor, proof)  # type: ignore[arg-type] - None: a guest's approval
        db.session.flush()
        notifications.notify("order_confirmed", order_id=order.id)
        return order
    notifications.notify("approved", **ids)
    return None


SIMULTANEOUS = "Someone else decided on this proof at the same moment. Please check where it stands now."


def _serialised(attempt: Any, proof: Proof) -> Any:
    """Run a decision so that two at the same moment on one design cannot both act on stale state.

    Every decision touches its design row, whose ``revision`` is an optimistic lock: of two
    concurrent decisions (a double-clicked approve, buyer and staff approving together) the
    second fails its update, is rolled back and is tried once more on fresh data, where it sees
    the first (so a double click does nothing, and two sides approving together make one order).
    """
    proof_id = proof.id
    for last in (False, True):
        try:
            return attempt(proof)
        except (StaleDataError, IntegrityError):
            db.session.rollback()
            if last:
                raise Conflict(SIMULTANEOUS) from None
            db.session.expire_all()
            proof = db.session.get(Proof, proof_id)
    raise AssertionError("unreachable")


def _touch(design: Design) -> None:
    design.updated_at = utcnow()  # an UPDATE guarded by the revision: see _serialised


def decide(user: User, proof: Proof, version: int, decision: str, comment: str) -> Order | None:
    """Record a decision on the version the user saw; returns the order once both sides approved.

    A buyer-side approval above the organisation's threshold by someone who is not its
    approver is recorded (the approver sees it) but does not count; the approver is emailed.
    """
    return _serialised(lambda fresh: _decide(user, fresh, version, decision, comment), proof)


def _decide(user: User, proof: Proof, version: int, decision: str, comment: str) -> Order | None:
    _check_open(proof, version, decision)
    comment = _clean_comment(comment, required=decision == "request_changes")
    side = side_of(user)
    if decision == "approve" and side == "buyer" and not may_approve_for_buyer(user, proof):
        side = COLLEAGUE
    if decision == "approve" and (
        side in approvals(proof)
        or any(r.user_id == user.id and r.side == side and r.decision == "approve" for r in proof.reviews)
    ):
        return None  # a double click: already approved by this side
    review = Review(proof=proof, user_id=user.id, side=side, decision=decision, comment=comment)
    db.session.add(review)
    audit.record(
        user,
        f"proof.{decision}",
        f"proof:{proof.id}",
        proof.design.organisation_id,
        version=proof.version,
        side=side,
        comment=comment[:500],
        total=str(proof_total(proof)),
        counts=side != COLLEAGUE,
    )
    _touch(proof.design)
    order = _conclude(proof, review, user)
    db.session.commit()
    return order


@dataclass(frozen=True)
class Guest:
    name: str
    email: str


def clean_guest(name: str, email: str) -> Guest:
    name = " ".join(name.split())
    problems = {}
    if not name:
        problems["name"] = "Enter your name."
    elif len(name) > 120:
        problems["name"] = "Keep your name under 120 characters."
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        problems["email"] = "Enter your email address, such as name@example.com."
    if problems:
        raise Invalid("Please tell us who you are.", problems)
    return Guest(name, email.lower())


def guest_may_approve(link: ShareLink) -> bool:
    proof = link.proof
    return link.can_approve and not needs_approver(proof)


def guest_approve(link: ShareLink, guest: Guest, comment: str) -> Order | None:
    """A colleague without an account approves through a share link. Commits.

    Their approval counts as the buyer side's when the link allows it and the order is not
    above the approval threshold; otherwise it is recorded for the buyer and approver to see.
    """
    link_id = link.id
    return _serialised(
        lambda _fresh: _guest_approve(db.session.get(ShareLink, link_id), guest, comment), link.proof
    )


def _guest_approve(link: ShareLink, guest: Guest, comment: str) -> Order | None:
    proof = link.proof
    _check_open(proof, proof.version, "approve")
    comment = _clean_comment(comment, required=False)
    side = "buyer" if guest_may_approve(link) else COLLEAGUE
    already = db.session.scalar(
        select(GuestReview.review_id)
        .join(Review)
        .where(
            GuestReview.share_link_id == link.id,
            GuestReview.email == guest.email,
            Review.proof_id == proof.id,
        )
        .limit(1)
    )
    if already is not None or (side == "buyer" and "buyer" in approvals(proof)):
        return None
    review = Review(proof=proof, user_id=link.created_by_id, side=side, decision="approve", comment=comment)
    db.session.add(review)
    db.session.flush()
    db.session.add(
        GuestReview(review_id=review.id, share_link_id=link.id, name=guest.name, email=guest.email)
    )
    from app.services.share_links import record_guest

    record_guest(
        "proof.approve",
        link,
        guest.name,
        guest.email,
        version=proof.version,
        side=side,
        comment=comment[:500],
        total=str(proof_total(proof)),
        counts=side != COLLEAGUE,
        on_behalf_of=link.created_by_id,
    )
    _touch(proof.design)
    order = _conclude(proof, review, None, guest_name=guest.name)
    db.session.commit()
    return order


# --- Comments and the thread ---------------------------------------------------------------


def add_comment(user: User, design: Design, body: str, version: int | None) -> Comment:
    """A comment in the design's thread, on the version the author was looking at. Commits."""
    body = _clean_comment(body, required=False)
    if not body:
        raise Invalid("Write a comment first.", {"body": "Write a comment first."})
    versions = {p.version for p in design.proofs}
    comment = Comment(
        design=design,
        proof_version=version if version in versions else None,
        author_id=user.id,
        body=body,
    )
    db.session.add(comment)
    db.session.flush()
    audit.record(
        user,
        "comment.added",
        f"design:{design.id}",
        design.organisation_id,
        comment=comment.id,
        version=version,
    )
    db.session.commit()
    return comment


def add_guest_comment(link: ShareLink, guest: Guest, body: str) -> Comment:
    from app.services.share_links import record_guest

    body = _clean_comment(body, required=False)
    if not body:
        raise Invalid("Write a comment first.", {"body": "Write a comment first."})
    design = link.proof.design
    comment = Comment(
        design=design,
        proof_version=link.proof.version,
        share_link_id=link.id,
        guest_name=guest.name,
        guest_email=guest.email,
        body=body,
    )
    db.session.add(comment)
    db.session.flush()
    record_guest(
        "comment.added", link, guest.name, guest.email, comment=comment.id, version=link.proof.version
    )
    db.session.commit()
    return comment


@dataclass(frozen=True)
class ThreadEntry:
    at: datetime
    version: int | None
    who: str
    role: str
    """A short label after the name: "approver", "Gifts of Hope", "guest via shared link"…"""
    kind: str  # "comment", "approve", "request_changes", "colleague_approve"
    body: str

    @property
    def verb(self) -> str:
        return {
            "approve": "approved",
            "colleague_approve": "approved (waiting for the approver)",
            "request_changes": "asked for changes",
            "comment": "commented",
        }[self.kind]


def _role_label(user: User) -> str:
    if user.is_staff:
        return "Gifts of Hope"
    return "approver" if user.role == Role.APPROVER else "buyer"


def _who(user: User) -> str:
    return "Gifts of Hope staff" if user.is_staff else user.display_name


def thread(design: Design, *, version: int | None = None) -> list[ThreadEntry]:
    """Comments and decisions of a design, oldest first; only one version's when ``version`` is set."""
    entries: list[ThreadEntry] = []
    for proof in design.proofs:
        if version is not None and proof.version != version:
            continue
        for r in proof.reviews:
            kind = "colleague_approve" if r.side == COLLEAGUE else r.decision
            guest = r.guest
            if guest is not None:
                who = guest.name
                role = f"guest via a link from {r.user.display_name}"
            else:
                who, role = _who(r.user), _role_label(r.user)
            entries.append(ThreadEntry(r.created_at, proof.version, who, role, kind, r.comment))
    query = select(Comment).where(Comment.design_id == design.id)
    if version is not None:
        query = query.where(Comment.proof_version == version)
    for c in db.session.scalars(query):
        if c.author is not None:
            who, role = _who(c.author), _role_label(c.author)
        else:
            who, role = c.guest_name or "Guest", "guest via a shared link"
        entries.append(ThreadEntry(c.created_at, c.proof_version, who, role, "comment", c.body))
    return sorted(entries, key=lambda e: e.at)


# --- Where a design stands -----------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    tone: str  # "wait", "act", "done", "problem"
    text: str


def standing(design: Design, user: User) -> Standing:
    """One sentence that tells this person where the design stands and whose move it is."""
    proof = design.latest_proof
    if proof is None:
        return Standing("wait", "No proof yet: submit the design to get one.")
    if proof.status in ("queued", "rendering"):
        return Standing("wait", f"Proof v{proof.version} is being drawn. This takes a few seconds.")
    if proof.status == "failed":
        return Standing("problem", f"Proof v{proof.version} could not be drawn. Our team has been told.")
    order = db.session.scalar(select(Order).where(Order.design_id == design.id))
    if order is not None:
        return Standing("done", f"Approved by both sides. Order {order.reference} is confirmed.")
    if design.status == "draft":
        return Standing(
            "act", f"Changes were requested on proof v{proof.version}. Edit the design and submit it again."
        )
    got = approvals(proof)
    threshold = design.organisation.approval_threshold
    staff_done = "staff" in got
    if "buyer" not in got:
        if needs_approver(proof):
            limit = f"${threshold:,.2f}"
            if user.role in (Role.APPROVER, Role.ADMIN):
                return Standing(
                    "act",
                    f"Waiting for your approval: this order is above your organisation's limit of {limit}.",
                )
            if user.is_buyer_side:
                endorsed = [r for r in proof.reviews if r.side == COLLEAGUE and r.decision == "approve"]
                if any(r.user_id == user.id and r.guest is None for r in endorsed):
                    return Standing(
                        "wait",
                        f"You approved it. Waiting for your approver: orders above {limit} need their approval.",
                    )
                if endorsed:
                    return Standing(
                        "wait", f"Waiting for your approver: orders above {limit} need their approval."
                    )
                return Standing(
                    "act",
                    f"Proof v{proof.version} is ready. Orders above {limit} need your approver: "
                    "approve it to send it to them, or ask for changes.",
                )
            return Standing("wait", "Waiting for the buyer's approver.")
        if user.is_buyer_side:
            return Standing("act", f"Waiting for your approval of proof v{proof.version}.")
        return Standing(
            "wait",
            "Waiting for the buyer's approval."
            if staff_done
            else "Waiting for the buyer's approval; you can check the print details now.",
        )
    if not staff_done:
        if user.is_staff:
            return Standing("act", "The buyer approved. Waiting for your check.")
        return Standing("wait", "You approved. Waiting for Gifts of Hope to check the print details.")
    return Standing("done", "Approved by both sides.")


# --- Staff ---------------------------------------------------------------------------------


def pending_staff_review() -> list[Proof]:
    """Ready proofs of submitted designs that staff have not approved yet."""
    candidates = db.session.scalars(
        select(Proof).where(Proof.status.in_(("ready", "failed"))).order_by(Proof.updated_at)
    ).all()
    return [
        p
        for p in candidates
        if p.design.status == "submitted" and p.design.latest_proof is p and "staff" not in approvals(p)
    ]


def preflight(proof: Proof) -> list[str]:
    """The logo preflight findings for a proof's spec, or a note that it could not run."""
    try:
        from app.services.branding import preflight as branding_preflight
    except ImportError:
        return []
    try:
        return list(branding_preflight(dict(proof.spec)))
    except Exception:  # the queue must still load when one design's logo check breaks
        log.exception("preflight failed for proof %s", proof.id)
        return ["The logo check could not run for this proof; please look at the logo yourself."]


def logo_facts(proof: Proof) -> dict[str, Any] | None:
    """Format, pixel size and main colours of the proof's logo, when it has one."""
    logo_id = proof.spec.get("logo_id")
    if not logo_id:
        return None
    try:
        from app.models.branding import Logo
    except ImportError:
        return None
    logo = db.session.scalar(
        select(Logo)
        .where(Logo.sha256 == logo_id, Logo.organisation_id == proof.design.organisation_id)
        .limit(1)
    )
    if logo is None:
        return {"missing": True}
    width_in = float(proof.spec.get("logo_width_in", 2.0)) or 2.0
    return {
        "missing": False,
        "format": logo.original_format.upper(),
        "pixels": f"{logo.width_px} × {logo.height_px} px",
        "dpi": round(logo.width_px / width_in),
        "width_in": width_in,
        "colours": [c for c in (logo.colours or []) if isinstance(c, str) and _is_hex(c)][:6],
    }


def _is_hex(value: str) -> bool:
    return (
        len(value) == 7 and value.startswith("#") and all(ch in "0123456789abcdefABCDEF" for ch in value[1:])
    )


def staff_queue() -> list[dict[str, Any]]:
    return [
        {
            "proof": p,
            "buyer_approved": "buyer" in approvals(p),
            "waiting_for_approver": "buyer" not in approvals(p) and needs_approver(p),
            "preflight": preflight(p) if p.status == "ready" else [],
        }
        for p in pending_staff_review()
    ]


# --- The approval record ---------------------------------------------------------------------


def approval_record(order: Order) -> dict[str, Any]:
    """Everything the approval record PDF shows, as plain strings (no models leave here)."""
    from app.services.proofs import proof_reference

    design = order.design
    proof_ids = [p.id for p in design.proofs]
    subjects = [f"proof:{i}" for i in proof_ids] + [f"order:{order.id}", f"design:{design.id}"]
    events = db.session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.subject.in_(subjects)))
        .where(or_(AuditEvent.organisation_id == order.organisation_id, AuditEvent.organisation_id.is_(None)))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    users = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_({e.actor_id for e in events if e.actor_id}))
        )
    }

    def actor(e: AuditEvent) -> str:
        if e.actor_role == "guest":
            return f"{e.detail.get('guest_name', 'Guest')} <{e.detail.get('guest_email', '')}> (guest via shared link)"
        user = users.get(e.actor_id) if e.actor_id else None
        if user is None:
            return "System"
        if in_workshop(e):
            return "Gifts of Hope workshop"  # buyers never see makers, not even a pseudonym
        return f"{user.display_name} <{user.email}> ({e.actor_role})"

    def in_workshop(e: AuditEvent) -> bool:
        user = users.get(e.actor_id) if e.actor_id else None
        return user is not None and user.role in (Role.MAKER, Role.WORKSHOP)

    decisions = []
    for proof in design.proofs:
        for r in proof.reviews:
            guest = r.guest
            decisions.append(
                {
                    "at": f"{r.created_at:%Y-%m-%d %H:%M} UTC",
                    "version": proof.version,
                    "who": f"{guest.name} <{guest.email}>"
                    if guest
                    else f"{r.user.display_name} <{r.user.email}>",
                    "role": (
                        f"guest via link from {r.user.display_name}"
                        if guest
                        else ("Gifts of Hope staff" if r.user.is_staff else str(r.user.role))
                    ),
                    "decision": {
                        "approve": "Approved" if r.side != COLLEAGUE else "Approved (needed approver)",
                        "request_changes": "Asked for changes",
                    }[r.decision],
                    "comment": r.comment,
                }
            )
    q = order.quote
    spec = BoxSpec.from_dict(order.spec)
    catalog = load_catalog()
    contents = [
        f"{line.quantity} × {catalog.products[line.product_id].name if line.product_id in catalog.products else line.product_id}, "
        f"{catalog.colour_name(line.colour).lower()}"
        for line in spec.items
    ]
    box = catalog.box_sizes.get(spec.box_size)
    return {
        "reference": order.reference,
        "organisation": order.organisation.name,
        "design_name": design.name,
        "proof_reference": proof_reference(order.proof),
        "version": order.proof.version,
        "ordered_at": f"{order.created_at:%Y-%m-%d %H:%M} UTC",
        "threshold": (
            f"${order.organisation.approval_threshold:,.2f}"
            if order.organisation.approval_threshold is not None
            else ""
        ),
        "spec": [
            ("Box", f"{box.name if box else spec.box_size}, {catalog.colour_name(spec.box_colour).lower()}"),
            ("Ribbon", catalog.colour_name(spec.ribbon_colour)),
            ("Tissue paper", catalog.colour_name(spec.tissue_colour)),
            ("In every box", "; ".join(contents)),
            ("Card message", spec.message or "(blank)"),
            ("Sign-off", spec.sign_off or "(none)"),
            ("Boxes", f"{spec.quantity:,}"),
        ],
        "quote": {
            "lines": [
                {
                    "label": line["label"],
                    "quantity": line["quantity"],
                    "unit_price": f"${Decimal(line['unit_price']):,.2f}",
                    "amount": f"${Decimal(line['amount']):,.2f}",
                }
                for line in q.get("lines", [])
            ],
            "discount": f"−${Decimal(q['discount']):,.2f}" if Decimal(q.get("discount", "0")) else "",
            "discount_label": q.get("discount_label", ""),
            "total": f"${Decimal(q['total']):,.2f}",
        },
        "decisions": decisions,
        "events": [
            {
                "at": f"{e.at:%Y-%m-%d %H:%M:%S} UTC",
                "who": actor(e),
                "action": e.action,
                "subject": e.subject,
                "address": "" if in_workshop(e) else (e.address or ""),
                "detail": ", ".join(
                    f"{k}={v}" for k, v in sorted(e.detail.items()) if k not in ("guest_name", "guest_email")
                )[:300],
            }
            for e in events
        ],
    }


PAGE_SIZES = ("Letter", "A4")


def set_page_size(user: User, organisation: Organisation, page_size: str) -> None:
    """An approver chooses the paper of the organisation's proofs; the next proof uses it."""
    if page_size not in PAGE_SIZES:
        raise Invalid("Choose Letter or A4.")
    audit.record(
        user,
        "organisation.page_size",
        f"organisation:{organisation.id}",
        organisation.id,
        before=organisation.page_size,
        after=page_size,
    )
    organisation.page_size = page_size
    db.session.commit()
