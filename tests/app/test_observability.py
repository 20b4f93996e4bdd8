"""Request ids on responses, Prometheus metrics at /metrics and who may read them."""

from __future__ import annotations

import logging

from prometheus_client.parser import text_string_to_metric_families

from app import observability
from tests.app.factories import UserFactory
from tests.app.journeys import latest_proof, set_quantity, start_classic, submit, write_card


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the exposition (which must parse) by name and labels."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_every_response_carries_a_request_id_and_a_proxy_one_is_kept_only_if_plain(client):
    made = client.get("/login").headers["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/login").headers["X-Request-ID"]
    assert (
        client.get("/login", headers={"X-Request-ID": "edge-1234abcd"}).headers["X-Request-ID"]
        == "edge-1234abcd"
    )
    for hostile in ("<script>alert(1)</script>", "a" * 65, "short", "id; drop"):
        given = client.get("/login", headers={"X-Request-ID": hostile}).headers["X-Request-ID"]
        assert given != hostile and given.isalnum()


def test_log_lines_of_a_request_carry_its_id(client, app, caplog):
    @app.get("/_log_something")
    def _log_something() -> str:
        logging.getLogger("app.test").warning("something happened")
        return "ok"

    caplog.handler.addFilter(observability.RequestIdFilter())
    client.get("/_log_something", headers={"X-Request-ID": "trace-0000feed"})
    [record] = [r for r in caplog.records if r.getMessage() == "something happened"]
    assert record.request_id == "trace-0000feed"


def test_metrics_count_requests_by_route_and_proofs_by_state(browser, client):
    before = samples(client.get("/metrics").text)
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    write_card(browser, design_id, "Welcome!")
    set_quantity(browser, design_id, 25)
    submit(browser, design_id)
    assert latest_proof(design_id).status == "ready"
    after = samples(client.get("/metrics").text)

    assert after[("goh_proofs", (("status", "ready"),))] >= 1
    rendered = ("goh_render_duration_seconds_count", (("kind", "proof"), ("outcome", "done")))
    assert after[rendered] == before.get(rendered, 0) + 1
    login = (
        "goh_http_request_duration_seconds_count",
        (("endpoint", "auth.login"), ("method", "POST"), ("status", "302")),
    )
    assert after[login] == before.get(login, 0) + 1
    assert ("goh_outbox_backlog", ()) in after and ("goh_worker_heartbeat_age_seconds", ()) in after
    # A route name, never a raw path: unknown URLs cannot grow the label set.
    client.get("/no/such/page/12345")
    names = {dict(labels).get("endpoint") for _, labels in samples(client.get("/metrics").text)}
    assert "unmatched" in names and not any(n and "/" in n for n in names)


def test_metrics_are_for_this_machine_or_the_token_holder(app, client):
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 404
    app.config["METRICS_TOKEN"] = "s3cret-token"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    allowed = client.get(
        "/metrics",
        headers={"Authorization": "Bearer s3cret-token"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert allowed.status_code == 200 and "goh_proofs" in allowed.text
