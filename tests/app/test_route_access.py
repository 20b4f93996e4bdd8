"""Every route in the app, checked against every role, from one explicit table.

A route missing from ``TABLE`` fails the test, so a new page cannot ship without someone
deciding who may use it. To add a route: add one line with a rule below (``STAFF``,
``BOARD``, ``BUYER_SIDE`` …, or spell out an ``Expect``) and, if its URL needs a value the
world does not have yet, add it to ``WORLD_ARGS`` or give the line its own ``args``.

Outcomes, as a person would see them: ``ok`` (the page or action is served: any answer but
the ones below, and never a 5xx), ``login`` (sent to the login page), ``deny`` (403: not for
your role) and ``hide`` (404: another organisation's object, or nothing at that address).
POSTs carry a valid CSRF token and an empty or harmless form, so "ok" means "the view ran".
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace

import pytest
from flask import url_for
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import Order, Role
from app.services import production, reviews
from app.services.proofs import file_key
from app.storage import storage
from tests.app.factories import (
    CapacityExceptionFactory,
    DesignFactory,
    MakerFactory,
    ProofFactory,
    ShipmentFactory,
    StaffFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.app.journeys import Browser

ROLES = ("anonymous", "other_buyer", "buyer", "approver", "maker", "workshop", "staff", "org_admin")


@dataclass(frozen=True)
class Expect:
    anonymous: str = "login"
    other_buyer: str = "deny"
    buyer: str = "deny"
    approver: str = "deny"
    maker: str = "deny"
    workshop: str = "deny"
    staff: str = "deny"
    org_admin: str = "deny"
    args: dict[str, object] = field(default_factory=dict)

    def but(self, **changes: object) -> Expect:
        return replace(self, **changes)


PUBLIC = Expect(*(["ok"] * 8))
STAFF = Expect(staff="ok")
BOARD = Expect(maker="ok", workshop="ok")
BUYER_SIDE = Expect(other_buyer="ok", buyer="ok", approver="ok", org_admin="ok")
"""Buyer-side pages that are not about one object (lists scoped to the user's organisation)."""
ORG_OBJECT = Expect(other_buyer="hide", buyer="ok", approver="ok", staff="ok", org_admin="ok")
"""One object of the buyer's organisation: another organisation gets 404, staff see it."""
ORG_OBJECT_BUYERS = ORG_OBJECT.but(staff="deny")
DRAFT = ORG_OBJECT_BUYERS.but(args={"design_id": "draft"})
"""The wizard edits a draft (the world's other design is ordered, so frozen)."""
MISSING_ROW = DRAFT.but(buyer="hide", approver="hide", org_admin="hide")
"""A row of a draft's own that does not exist (a made-up id): 404 for those who may edit it."""
SIGNED_IN = Expect("login", *(["ok"] * 7))
GUEST_LINK = Expect(*(["hide"] * 8))
"""Signed review links work without an account; a made-up token is 404 for everyone."""
API_TOKEN = Expect(*(["login"] * 8))
"""The JSON API answers a bearer token only: a session cookie of any role is a 401 (tests/app/test_api.py)."""
ORGANISATION_ADMIN = Expect(org_admin="ok")
"""The organisation settings page and its forms: the organisation's admins only."""

TABLE: dict[str, Expect] = {
    # Public
    "static": PUBLIC.but(args={"filename": "style.css"}),
    "health.healthz": PUBLIC,
    "health.colours": PUBLIC,
    "health.metrics": PUBLIC,  # for this machine's Prometheus or a token; see test_observability.py
    "auth.login": PUBLIC,
    "auth.root": PUBLIC.but(anonymous="login"),
    "auth.logout": Expect(*(["login"] * 8)),
    "auth.forgot_password": PUBLIC,
    "auth.reset_sent": PUBLIC,
    "auth.reset_password": GUEST_LINK,
    "auth.join": GUEST_LINK,
    "auth.change_password": SIGNED_IN,
    "auth.notification_settings": BUYER_SIDE.but(staff="ok"),
    # The JSON API: its document and docs are public, every resource needs a token
    "api-docs.openapi_json": PUBLIC,
    "api_docs_page.docs": PUBLIC,
    "api_catalog.catalog": API_TOKEN,
    "api_designs.list_designs": API_TOKEN,
    "api_designs.create": API_TOKEN,
    "api_designs.show": API_TOKEN,
    "api_designs.update": PUBLIC,  # this test POSTs, which a PATCH route answers with 405
    "api_designs.validate": API_TOKEN,
    "api_designs.submit": API_TOKEN,
    "api_proofs.show": API_TOKEN,
    "api_proofs.pdf": API_TOKEN,
    "api_proofs.png": API_TOKEN,
    # The organisation's admins
    "organisation.settings": ORGANISATION_ADMIN,
    "organisation.approval_rule": ORGANISATION_ADMIN,
    "organisation.paper_size": ORGANISATION_ADMIN,
    "organisation.billing_details": ORGANISATION_ADMIN,
    "organisation.invite": ORGANISATION_ADMIN,
    "organisation.revoke": ORGANISATION_ADMIN.but(org_admin="hide", args={"invitation_id": 999_999}),
    "organisation.change_role": ORGANISATION_ADMIN,
    "organisation.remove": ORGANISATION_ADMIN,  # logs out, then shows the login page
    "api_tokens.index": ORGANISATION_ADMIN,
    "api_tokens.create": ORGANISATION_ADMIN,
    "api_tokens.revoke": ORGANISATION_ADMIN.but(org_admin="hide", args={"token_id": 999_999}),
    "webhooks.index": ORGANISATION_ADMIN,
    "webhooks.create": ORGANISATION_ADMIN,
    "webhooks.switch": ORGANISATION_ADMIN.but(args={"endpoint_id": 999_999}),
    "webhooks.delete": ORGANISATION_ADMIN.but(org_admin="hide", args={"endpoint_id": 999_999}),
    "webhooks.resend": ORGANISATION_ADMIN.but(org_admin="hide", args={"delivery_id": 999_999}),
    # Buyers: designs, wizard, proofs, review, orders
    "designs.index": BUYER_SIDE,
    "designs.show": ORG_OBJECT,
    "designs.status": ORG_OBJECT,
    "designs.quote_pdf": ORG_OBJECT,
    "designs.rename": ORG_OBJECT.but(staff="deny"),
    "designs.duplicate": ORG_OBJECT.but(staff="deny"),
    "designs.archive": ORG_OBJECT.but(staff="deny"),
    "designs.unarchive": ORG_OBJECT.but(staff="deny"),
    "wizard.start": BUYER_SIDE,
    "wizard.create": BUYER_SIDE,
    "wizard.resume": DRAFT,
    "wizard.edit": DRAFT.but(args={"design_id": "draft", "slug": "message"}),
    "wizard.live": DRAFT.but(args={"design_id": "draft", "step": "message"}),
    # A design's recipients: its organisation's buyers edit a draft's list, staff may read it
    "recipients.index": ORG_OBJECT.but(args={"design_id": "draft"}),
    "recipients.export": ORG_OBJECT.but(args={"design_id": "draft"}),
    "recipients.new": DRAFT,
    "recipients.upload": DRAFT,
    "recipients.edit": MISSING_ROW.but(args={"design_id": "draft", "recipient_id": 999_999}),
    "recipients.remove": MISSING_ROW.but(args={"design_id": "draft", "recipient_id": 999_999}),
    "recipients.mapping": MISSING_ROW.but(args={"design_id": "draft", "import_id": 999_999}),
    "recipients.problems": MISSING_ROW.but(args={"design_id": "draft", "import_id": 999_999}),
    "recipients.check": MISSING_ROW.but(args={"design_id": "draft", "import_id": 999_999}),
    "recipients.retry": MISSING_ROW.but(args={"design_id": "draft", "import_id": 999_999}),
    "recipients.discard": MISSING_ROW.but(args={"design_id": "draft", "import_id": 999_999}),
    "recipients.fix": MISSING_ROW.but(args={"design_id": "draft", "import_id": 999_999, "row_id": 999_999}),
    "recipients.drop": MISSING_ROW.but(args={"design_id": "draft", "import_id": 999_999, "row_id": 999_999}),
    "wizard.logo": ORG_OBJECT.but(
        buyer="hide", approver="hide", staff="hide", org_admin="hide"
    ),  # no logo uploaded
    "wizard.preview": ORG_OBJECT.but(
        buyer="hide", approver="hide", staff="hide", org_admin="hide", args={"key": "nothing"}
    ),
    "wizard.catalog_preview": BUYER_SIDE.but(
        other_buyer="hide", buyer="hide", approver="hide", org_admin="hide", args={"key": "nothing"}
    ),
    "wizard.product_picture": SIGNED_IN.but(
        workshop="deny", args={"product_id": "tote-bag", "colour_id": "navy"}
    ),
    "proofs.mockup": ORG_OBJECT,
    "proofs.pdf": ORG_OBJECT,
    "proofs.decide": ORG_OBJECT,
    "review.show": ORG_OBJECT,
    "review.compare": ORG_OBJECT.but(args={"a": 1, "b": 2}),
    "review.diff_png": ORG_OBJECT.but(args={"a": 1, "b": 2}),
    "review.comment": ORG_OBJECT,
    "review.create_link": ORG_OBJECT_BUYERS,
    "review.revoke_link": ORG_OBJECT_BUYERS.but(
        other_buyer="hide", buyer="hide", approver="hide", org_admin="hide"
    ),  # no such link
    "review.settings": PUBLIC,  # moved: redirects to the organisation settings page, which decides
    "review.paper_size": PUBLIC,
    "review.approval_record": ORG_OBJECT,
    "review.guest": GUEST_LINK,
    "review.guest_mockup": GUEST_LINK,
    "review.guest_pdf": GUEST_LINK,
    "review.guest_comment": GUEST_LINK,
    "review.guest_approve": GUEST_LINK,
    "review.staff_queue": STAFF,
    "review.dev_mail": STAFF,
    "orders.index": BUYER_SIDE.but(staff="ok"),
    "orders.show": ORG_OBJECT,
    "orders.invoice_pdf": ORG_OBJECT,
    "orders.credit_note_pdf": ORG_OBJECT.but(buyer="hide", approver="hide", org_admin="hide", staff="hide"),
    "orders.cancel": ORG_OBJECT_BUYERS,
    "orders.parcels_csv": ORG_OBJECT,
    # The maker board
    "production.board": BOARD,
    "production.claim": BOARD,
    "production.act": BOARD.but(args={"action": "start"}),
    "production.pick": Expect(workshop="ok"),
    "production.stop": BOARD,
    "production.language": BOARD,
    "production.avatar": BOARD,
    "production.leave": Expect(workshop="ok"),
    "production.picture": BOARD.but(staff="ok"),
    # Staff
    "staff.dashboard": STAFF,
    "staff.order_list": STAFF,
    "staff.order": STAFF,
    "staff.advance": STAFF.but(args={"action": "explode"}),
    "staff.order_first": STAFF,
    "staff.ship": STAFF,
    "staff.quality_check": STAFF,
    "staff.record_payment": STAFF,
    "staff.cancel": STAFF,
    "staff.packing_slip": STAFF,
    "staff.shipment_slip": STAFF,
    "staff.queue": STAFF,
    "staff.release": STAFF,
    "staff.assign": STAFF,
    "staff.priority": STAFF,
    "staff.capacity": STAFF,
    "staff.billing": STAFF,
    "staff.finance_export": STAFF,
    "staff.capacity_date": STAFF,
    "staff.capacity_date_delete": STAFF,
    "staff.makers": STAFF,
    "staff.pin": STAFF,
    "staff.maker_active": STAFF.but(args={"change": "activate"}),
    "staff.maker_week": STAFF,
    "staff.maker_days_off": STAFF,
    "staff.maker_day_off_delete": STAFF.but(staff="hide", args={"day_off_id": 999_999}),
    "staff.impact": STAFF,
}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), "teal").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def world(app):
    """Organisation A with a buyer, an approver, a design with two proofs and an order; plus everyone else."""
    buyer = UserFactory()
    approver = UserFactory(role=Role.APPROVER, organisation=buyer.organisation)
    design = DesignFactory(created_by=buyer, status="submitted")
    proofs = [ProofFactory(design=design), ProofFactory(design=design)]
    for proof in proofs:
        storage().put(file_key(proof, "png"), _png())
        storage().put(file_key(proof, "pdf"), b"%PDF-1.4\n%%EOF\n")
    staff = StaffFactory()
    for side in (buyer, staff):
        reviews.decide(side, proofs[1], 2, "approve", "")
    db.session.commit()
    order = db.session.scalar(select(Order))
    assert order is not None, "both approvals should have made an order"
    draft = DesignFactory(created_by=buyer)
    pseudonym = production.add_maker(None, "Sunflower")
    special = CapacityExceptionFactory(day=order.created_at.date())
    shipment = ShipmentFactory(order=order, shipped_by=staff)
    users = {
        "other_buyer": UserFactory(),
        "buyer": buyer,
        "approver": approver,
        "maker": MakerFactory(),
        "workshop": WorkshopFactory(),
        "staff": staff,
        "org_admin": UserFactory(role=Role.ORGANISATION_ADMIN, organisation=buyer.organisation),
    }
    args = {
        "design_id": design.id,
        "draft": draft.id,
        "proof_id": proofs[1].id,
        "order_id": order.id,
        "job_id": order.jobs[0].id,
        "maker_id": pseudonym.id,
        "exception_id": special.id,
        "shipment_id": shipment.id,
        "link_id": 999_999,
        "member_id": approver.id,
        "token": "not-a-real-token",
        "product_id": "infinity-scarf",
        "colour": "teal",
        "px": 96,
    }
    return users, args


def outcome(response) -> str:
    assert response.status_code < 500, f"server error {response.status_code}"
    if response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return "login"
    return {401: "login", 403: "deny", 404: "hide"}.get(response.status_code, "ok")


def routes(app) -> list[tuple[str, str, object]]:
    """(endpoint, method, rule) for every route, logout last (it ends the session)."""
    found = [
        (rule.endpoint, method, rule)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    return sorted(found, key=lambda r: (r[0] == "auth.logout", r[0], r[1]))


def test_every_route_has_an_entry(app):
    endpoints = {endpoint for endpoint, _, _ in routes(app)}
    assert sorted(endpoints - set(TABLE)) == [], "new routes need a line in TABLE"
    assert sorted(set(TABLE) - endpoints) == [], "TABLE lists routes the app no longer has"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_table_says(app, world, role):
    users, world_args = world
    client = app.test_client()
    browser = Browser(client)
    if role != "anonymous":
        browser.login(users[role].email)
    token = browser.token()
    mismatches = []
    for endpoint, method, rule in routes(app):
        expect = TABLE.get(endpoint)
        if expect is None:
            continue  # reported by test_every_route_has_an_entry
        values = {k: v for k, v in world_args.items() if k in rule.arguments}
        # A line's own args win; a string naming a world value ("draft") is looked up.
        values.update({k: world_args.get(v, v) if isinstance(v, str) else v for k, v in expect.args.items()})
        with app.test_request_context():
            url = url_for(endpoint, **values)
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        got = outcome(response)
        response.close()
        wanted = getattr(expect, role)
        if got != wanted:
            mismatches.append(
                f"{method} {url} ({endpoint}): expected {wanted}, got {got} [{response.status_code}]"
            )
    assert not mismatches, f"{role}:\n" + "\n".join(mismatches)
