"""``Idempotency-Key``: a repeat returns the first answer, never creates twice, even at once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Design, IdempotentRequest
from tests.app.factories import ApiTokenFactory, DesignFactory
from tests.app.racing import race, racing_app

CLASSIC = {"classic_id": "warm-welcome"}


def headers(secret: str, key: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **({"Idempotency-Key": key} if key else {})}


def designs() -> int:
    return db.session.scalar(select(func.count(Design.id)))


def test_a_repeated_post_returns_the_first_answer_and_creates_once(app, client):
    token = ApiTokenFactory()
    first = client.post("/api/v1/designs", json=CLASSIC, headers=headers(token.secret, "order-7"))
    again = client.post("/api/v1/designs", json=CLASSIC, headers=headers(token.secret, "order-7"))
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert (
        again.headers["Location"] == first.headers["Location"]
        and again.headers["ETag"] == first.headers["ETag"]
    )
    assert designs() == 1
    other = client.post("/api/v1/designs", json=CLASSIC, headers=headers(token.secret, "order-8"))
    assert other.get_json()["id"] != first.get_json()["id"] and designs() == 2
    plain = client.post("/api/v1/designs", json=CLASSIC, headers=headers(token.secret))
    assert plain.status_code == 201 and designs() == 3


def test_the_same_key_with_another_body_is_422(app, client):
    token = ApiTokenFactory()
    client.post("/api/v1/designs", json=CLASSIC, headers=headers(token.secret, "k"))
    refused = client.post(
        "/api/v1/designs", json={**CLASSIC, "name": "Other"}, headers=headers(token.secret, "k")
    )
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["errors"][0]["field"] == "Idempotency-Key"
    spaced = client.post(
        "/api/v1/designs",
        data='{ "classic_id" :  "warm-welcome" }',
        content_type="application/json",
        headers=headers(token.secret, "k"),
    )
    assert spaced.status_code == 201 and designs() == 1  # the same JSON, spaced otherwise


def test_keys_belong_to_their_token(app, client):
    mine, theirs = ApiTokenFactory(), ApiTokenFactory()
    a = client.post("/api/v1/designs", json=CLASSIC, headers=headers(mine.secret, "shared"))
    b = client.post("/api/v1/designs", json=CLASSIC, headers=headers(theirs.secret, "shared"))
    assert a.get_json()["id"] != b.get_json()["id"]


def test_a_failed_request_gives_its_key_back(app, client):
    token = ApiTokenFactory()
    refused = client.post("/api/v1/designs", json={"classic_id": "nope"}, headers=headers(token.secret, "k"))
    assert refused.status_code == 404
    assert db.session.scalar(select(func.count(IdempotentRequest.id))) == 0
    bad = client.post("/api/v1/designs", json=CLASSIC, headers=headers(token.secret, "x" * 256))
    assert bad.status_code == 422


def test_submit_repeated_with_its_key_makes_one_proof(app, client, broker):
    token = ApiTokenFactory()
    design = DesignFactory(created_by=token.created_by)
    url = f"/api/v1/designs/{design.id}/submit"
    first = client.post(url, headers=headers(token.secret, "submit-1"))
    again = client.post(url, headers=headers(token.secret, "submit-1"))
    assert first.status_code == again.status_code == 202 and first.get_json() == again.get_json()
    unkeyed = client.post(url, headers=headers(token.secret))
    assert unkeyed.status_code == 409  # already submitted: the key is what makes a retry safe


@pytest.mark.real_commits  # racers on connections of their own
def test_concurrent_repeats_with_one_key_create_one_design(app):
    threads = 4
    with racing_app(app, threads) as racers:
        token = ApiTokenFactory()
        secret = token.secret
        db.session.remove()

        def post():
            response = racers.test_client().post(
                "/api/v1/designs", json=CLASSIC, headers=headers(secret, "at-once")
            )
            return response.status_code, response.get_json()

        results = race(racers, *[post for _ in range(threads)])
        assert not [r for r in results if isinstance(r, Exception)], results
        statuses = sorted(status for status, _ in results)
        assert 201 in statuses and set(statuses) <= {201, 409}, results
        assert len({body["id"] for status, body in results if status == 201}) == 1
        assert designs() == 1
