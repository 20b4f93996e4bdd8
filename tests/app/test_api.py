"""JSON API v1: tokens, problem details, isolation, designs with ETags, cursors and proofs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.api import designs as api_designs
from app.api.docs import code_spans
from app.api.problems import schema_errors
from app.extensions import db
from app.models import Design
from app.services import api_tokens
from tests.app.factories import (
    ApiTokenFactory,
    DesignFactory,
    UserFactory,
    box_spec,
    ready_proof,
)
from tests.app.journeys import Browser

PROBLEM = "application/problem+json"


def bearer(token) -> dict[str, str]:
    return {"Authorization": f"Bearer {token.secret}"}


@pytest.fixture
def token(app):
    return ApiTokenFactory()


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert {"type", "title", "status", "detail", "errors"} <= set(body) and body["status"] == status
    return body


# --- Authentication and errors -------------------------------------------------------------------


def test_the_openapi_document_and_the_docs_need_no_token(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0" and "/api/v1/designs/{design_id}/submit" in document["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "POST /api/v1/designs" in docs.text and 'src="http' not in docs.text
    assert "`" not in docs.text, "a code span in a description is set as code, not shown as backticks"


def test_the_docs_set_code_spans_as_code_and_escape_the_rest():
    assert str(code_spans("Send ``If-Match`` or `*` <b>")) == (
        "Send <code>If-Match</code> or <code>*</code> &lt;b&gt;"
    )


def test_no_unknown_or_revoked_token_gets_in(app, client, token):
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer goh_nope"}):
        body = assert_problem(client.get("/api/v1/catalog", headers=headers), 401)
        assert "Bearer" in body["detail"]
    assert client.get("/api/v1/catalog", headers=bearer(token)).status_code == 200
    api_tokens.revoke(token.created_by, token.id)
    assert_problem(client.get("/api/v1/catalog", headers=bearer(token)), 401)


def test_a_session_cookie_does_not_authenticate_the_api(app, client):
    user = UserFactory()
    Browser(client).login(user.email)
    assert_problem(client.get("/api/v1/designs"), 401)
    assert_problem(client.post("/api/v1/designs", json={"classic_id": "warm-welcome"}), 401)


def test_a_missing_scope_is_403(app, client):
    reader = ApiTokenFactory(scopes=["read"])
    body = assert_problem(
        client.post("/api/v1/designs", json={"classic_id": "warm-welcome"}, headers=bearer(reader)), 403
    )
    assert "design" in body["detail"]
    writer = ApiTokenFactory(scopes=["design"])
    assert_problem(client.get("/api/v1/catalog", headers=bearer(writer)), 403)


def test_errors_under_the_api_are_problems(app, client, token):
    assert_problem(client.get("/api/v1/nothing-here", headers=bearer(token)), 404)
    assert_problem(client.delete("/api/v1/catalog", headers=bearer(token)), 405)
    assert_problem(client.get("/api/v1/designs/99999999999999", headers=bearer(token)), 404)
    body = assert_problem(
        client.post(
            "/api/v1/designs",
            json={"spec": {"box_size": 3, "items": [{"colour": "x"}]}},
            headers=bearer(token),
        ),
        422,
    )
    fields = {e["field"] for e in body["errors"]}
    assert {"spec.box_size", "spec.box_colour", "spec.items.0.product_id"} <= fields


def test_a_server_error_is_a_problem_too(app, client, token, monkeypatch):
    from app.api import catalog

    def boom():
        raise RuntimeError("kaput")

    monkeypatch.setattr(catalog, "load_catalog", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    body = assert_problem(client.get("/api/v1/catalog", headers=bearer(token)), 500)
    assert "kaput" not in body["detail"]


# --- Resources -----------------------------------------------------------------------------------


def test_the_catalog_lists_products_colours_boxes_classics_and_prices(app, client, token):
    catalog = client.get("/api/v1/catalog", headers=bearer(token)).get_json()
    assert catalog["products"] and catalog["colours"] and catalog["box_sizes"]
    assert any(c["id"] == "warm-welcome" for c in catalog["classics"])
    assert all("." in p["unit_price"] for p in catalog["products"])


def test_a_design_is_created_from_a_classic_or_a_spec(app, client, token):
    made = client.post("/api/v1/designs", json={"classic_id": "warm-welcome"}, headers=bearer(token))
    assert made.status_code == 201, made.text
    design = made.get_json()
    assert design["status"] == "draft" and made.headers["ETag"] == f'"{design["revision"]}"'
    assert made.headers["Location"].endswith(f"/api/v1/designs/{design['id']}")
    spec = {
        k: v
        for k, v in box_spec().items()
        if k in ("box_size", "box_colour", "ribbon_colour", "tissue_colour", "items", "message")
    }
    own = client.post("/api/v1/designs", json={"name": "Ours", "spec": spec}, headers=bearer(token))
    assert own.status_code == 201, own.text
    assert own.get_json()["spec"]["items"] == spec["items"]
    stored = db.session.get(Design, own.get_json()["id"])
    assert stored.organisation_id == token.organisation_id and stored.name == "Ours"


def test_a_spec_that_breaks_rules_names_every_field(app, client, token):
    spec = {"box_size": "enormous", "box_colour": "plaid", "ribbon_colour": "kraft", "tissue_colour": "white"}
    body = assert_problem(client.post("/api/v1/designs", json={"spec": spec}, headers=bearer(token)), 422)
    assert {"spec.box_size", "spec.box_colour"} <= {e["field"] for e in body["errors"]}
    unknown = assert_problem(
        client.post("/api/v1/designs", json={"classic_id": "nope"}, headers=bearer(token)), 404
    )
    assert "classic" in unknown["detail"]


def test_another_organisations_design_and_proof_are_404(app, client, token):
    theirs = DesignFactory()
    proof = ready_proof(theirs)
    db.session.commit()
    for url in (
        f"/api/v1/designs/{theirs.id}",
        f"/api/v1/proofs/{proof.id}",
        f"/api/v1/proofs/{proof.id}/proof.pdf",
    ):
        assert_problem(client.get(url, headers=bearer(token)), 404)
    assert_problem(client.post(f"/api/v1/designs/{theirs.id}/submit", headers=bearer(token)), 404)
    listed = client.get("/api/v1/designs", headers=bearer(token)).get_json()
    assert listed["items"] == []


def test_patch_needs_the_current_etag(app, client, token):
    design = DesignFactory(created_by=token.created_by)
    url = f"/api/v1/designs/{design.id}"
    etag = client.get(url, headers=bearer(token)).headers["ETag"]
    assert_problem(client.patch(url, json={"name": "New"}, headers=bearer(token)), 428)
    changed = client.patch(url, json={"spec": {"quantity": 40}}, headers={**bearer(token), "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.get_json()["spec"]["quantity"] == 40 and changed.headers["ETag"] != etag
    assert changed.get_json()["spec"]["message"] == "Welcome aboard!"  # the rest of the spec stays
    stale = assert_problem(
        client.patch(url, json={"spec": {"quantity": 50}}, headers={**bearer(token), "If-Match": etag}), 412
    )
    assert "changed" in stale["detail"]
    renamed = client.patch(
        url, json={"name": "Welcome 2027"}, headers={**bearer(token), "If-Match": changed.headers["ETag"]}
    )
    assert renamed.get_json()["name"] == "Welcome 2027"
    bad = client.patch(url, json={"spec": {"quantity": 1}}, headers={**bearer(token), "If-Match": "*"})
    assert [e["field"] for e in assert_problem(bad, 422)["errors"]] == ["spec.quantity"]


def test_the_list_pages_by_an_opaque_cursor(app, client, token):
    made = [DesignFactory(created_by=token.created_by) for _ in range(5)]
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/designs", query_string=query, headers=bearer(token)).get_json()
        seen += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert not cursor.isdigit()  # opaque: not an id a client could do arithmetic on
    assert seen == sorted((d.id for d in made), reverse=True)
    body = assert_problem(
        client.get("/api/v1/designs", query_string={"cursor": "forged"}, headers=bearer(token)), 422
    )
    assert body["errors"][0]["field"] == "cursor"


def test_validate_returns_every_violation_and_submit_makes_a_proof(app, client, token, broker):
    spec = box_spec(message="", quantity=1)
    design = DesignFactory(created_by=token.created_by, spec=spec)
    result = client.post(f"/api/v1/designs/{design.id}/validate", headers=bearer(token)).get_json()
    assert result["valid"] is False and {"message", "quantity"} <= {v["field"] for v in result["violations"]}
    refused = assert_problem(client.post(f"/api/v1/designs/{design.id}/submit", headers=bearer(token)), 422)
    assert {"message", "quantity"} <= {e["field"] for e in refused["errors"]}

    good = DesignFactory(created_by=token.created_by)
    stale = {**bearer(token), "If-Match": f'"{good.revision - 1}"'}
    assert_problem(client.post(f"/api/v1/designs/{good.id}/submit", headers=stale), 412)
    assert client.post(f"/api/v1/designs/{good.id}/validate", headers=bearer(token)).get_json() == {
        "valid": True,
        "violations": [],
    }
    submitted = client.post(f"/api/v1/designs/{good.id}/submit", headers=bearer(token))
    assert submitted.status_code == 202, submitted.text
    proof = submitted.get_json()
    assert proof["status"] == "queued" and proof["pdf"] is None
    assert client.get(submitted.headers["Location"], headers=bearer(token)).get_json()["id"] == proof["id"]


def test_a_ready_proof_links_its_files_served_with_the_token(app, client, token):
    design = DesignFactory(created_by=token.created_by)
    proof = ready_proof(design)
    db.session.commit()
    status = client.get(f"/api/v1/proofs/{proof.id}", headers=bearer(token)).get_json()
    assert status["status"] == "ready" and status["pdf"].endswith(f"/api/v1/proofs/{proof.id}/proof.pdf")
    pdf = client.get(status["pdf"], headers=bearer(token))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    png = client.get(status["png"], headers=bearer(token))
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert_problem(client.get(status["pdf"]), 401)


def test_each_token_has_its_own_rate_limit_with_ratelimit_headers(app, client):
    app.config["RATELIMIT_API"] = "3 per minute"
    token, other = ApiTokenFactory(), ApiTokenFactory()
    answers = [client.get("/api/v1/catalog", headers=bearer(token)) for _ in range(3)]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert answers[0].headers["RateLimit-Limit"] == "3" and answers[0].headers["RateLimit-Policy"] == "3;w=60"
    assert 0 <= int(answers[0].headers["RateLimit-Reset"]) <= 60
    refused = assert_problem(client.get("/api/v1/catalog", headers=bearer(token)), 429)
    assert "3 per 1 minute" in refused["detail"]
    assert client.get("/api/v1/catalog", headers=bearer(other)).status_code == 200


@given(st.integers(min_value=1, max_value=2**31 - 1))
def test_a_cursor_reads_back_as_the_id_it_was_made_from(design_id):
    cursor = api_designs._encode(design_id)
    assert api_designs._decode(cursor) == design_id


@given(st.text(max_size=100))
def test_any_other_cursor_is_refused_without_an_error(text):
    found = api_designs._decode(text)  # never raises: a forged cursor is a 422, not a 500
    assert found is None or 0 <= found < 10**10


@given(
    st.recursive(
        st.lists(st.text(), min_size=1), lambda inner: st.dictionaries(st.text(min_size=1), inner, min_size=1)
    )
)
def test_every_schema_message_becomes_one_error_entry(messages):
    errors = schema_errors({"json": messages})
    leaves = 0

    def count(node):
        nonlocal leaves
        if isinstance(node, dict):
            for value in node.values():
                count(value)
        else:
            leaves += 1

    count(messages)
    assert len(errors) == leaves and all(e["in"] == "body" for e in errors)
