"""Organisation API tokens: made once and shown once, stored hashed, revoked at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import ApiToken, Role, utcnow
from app.services import api_tokens
from app.services.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.tokens import hash_token
from tests.app.factories import ApiTokenFactory, OrganisationAdminFactory, UserFactory
from tests.app.journeys import Browser, csrf


def test_a_token_is_shown_once_and_only_its_hash_is_kept(app):
    admin = OrganisationAdminFactory()
    made = api_tokens.create(admin, "  HR   portal ", ["read", "design"])
    assert made.secret.startswith("goh_") and len(made.secret) > 40
    row = db.session.get(ApiToken, made.token.id)
    assert row.token_hash == hash_token(made.secret) and made.secret not in row.token_hash
    assert (row.name, row.scopes, row.prefix) == ("HR portal", ["read", "design"], made.secret[:12])
    caller = api_tokens.authenticate(made.secret)
    assert caller is not None and caller.organisation_id == admin.organisation_id
    assert {str(s) for s in caller.scopes} == {"read", "design"} and caller.user.id == admin.id


def test_a_token_needs_a_name_and_known_scopes_and_an_admin(app):
    admin = OrganisationAdminFactory()
    with pytest.raises(Invalid) as no_name:
        api_tokens.create(admin, "   ", ["read"])
    assert "name" in no_name.value.violations
    for scopes in ([], ["write"], ["read", "everything"]):
        with pytest.raises(Invalid) as bad:
            api_tokens.create(admin, "Portal", scopes)
        assert "scopes" in bad.value.violations
    with pytest.raises(Forbidden):
        api_tokens.create(UserFactory(organisation=admin.organisation), "Portal", ["read"])


def test_a_revoked_or_unknown_token_authenticates_nobody(app):
    token = ApiTokenFactory()
    assert api_tokens.authenticate(token.secret) is not None
    assert api_tokens.revoke(token.created_by, token.id) == token.name
    assert api_tokens.authenticate(token.secret) is None
    with pytest.raises(Conflict):
        api_tokens.revoke(token.created_by, token.id)
    for junk in ("", "goh_", "goh_nope", "x" * 500, token.secret[:-1]):
        assert api_tokens.authenticate(junk) is None


def test_another_organisations_token_cannot_be_revoked(app):
    token = ApiTokenFactory()
    with pytest.raises(NotFound):
        api_tokens.revoke(OrganisationAdminFactory(), token.id)


def test_a_token_of_an_admin_who_left_stops_working(app):
    token = ApiTokenFactory()
    token.created_by.active = False
    db.session.commit()
    assert api_tokens.authenticate(token.secret) is None


def test_last_used_is_written_at_most_once_a_minute(app):
    token = ApiTokenFactory()
    api_tokens.authenticate(token.secret)
    db.session.refresh(token)
    first = token.last_used_at
    assert first is not None
    api_tokens.authenticate(token.secret)
    db.session.refresh(token)
    assert token.last_used_at == first
    earlier = utcnow() - timedelta(minutes=2)
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=earlier))
    db.session.commit()
    api_tokens.authenticate(token.secret)
    db.session.refresh(token)
    assert token.last_used_at > earlier


def test_the_admin_makes_sees_and_revokes_tokens_on_their_page(app, client):
    admin = OrganisationAdminFactory()
    browser = Browser(client)
    browser.login(admin.email)
    settings = client.get("/organisation/settings")
    assert "/organisation/api-tokens" in settings.text
    page = client.get("/organisation/api-tokens")
    assert page.status_code == 200 and "No token yet" in page.text
    made = client.post(
        "/organisation/api-tokens", data={"csrf_token": csrf(page.text), "name": "HR", "scopes": ["read"]}
    )
    assert made.status_code == 201 and "Copy it now" in made.text
    token = db.session.query(ApiToken).one()
    secret = made.text.split('id="secret" type="text" readonly value="')[1].split('"')[0]
    assert hash_token(secret) == token.token_hash
    again = client.get("/organisation/api-tokens")
    assert secret not in again.text and token.prefix in again.text
    refused = client.post("/organisation/api-tokens", data={"csrf_token": csrf(page.text), "name": "HR"})
    assert refused.status_code == 422 and "Choose at least one" in refused.text
    revoked = client.post(f"/organisation/api-tokens/{token.id}/revoke", data={"csrf_token": csrf(page.text)})
    assert revoked.status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None


def test_only_admins_reach_the_page(app, client):
    Browser(client).login(UserFactory(role=Role.APPROVER).email)
    assert client.get("/organisation/api-tokens").status_code == 403
