"""Webhooks: recorded with the change they tell about, signed, retried, and never sent inside our network."""

from __future__ import annotations

import json
import socket
import ssl
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook

from app.extensions import db
from app.models import Order, WebhookDelivery, WebhookEndpoint, utcnow
from app.services import orders, production, reviews
from app.services.errors import Invalid
from app.services.webhooks import deliveries, endpoints, targets
from configurator.vocabulary import WebhookEvent
from configurator.webhooks import MAX_ATTEMPTS, retry_delay
from tests.app.factories import (
    DesignFactory,
    OrganisationAdminFactory,
    StaffFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
    make_order,
    ready_proof,
)
from tests.app.racing import race, racing_app

PUBLIC_IP = "93.184.215.14"
"""What the fake DNS answers for names of the public internet (no test reaches the real one)."""


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Names the test resolves itself (name -> IP); every other name and literal resolves as usual."""
    names: dict[str, str] = {"hooks.example.com": PUBLIC_IP}
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list:
        if host in names:
            family = socket.AF_INET6 if ":" in names[host] else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (names[host], port))]
        return real(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


class Receiver:
    """A receiver on 127.0.0.1 in a thread: answers each request with the next of ``answers``."""

    def __init__(self, *answers: tuple[int, dict[str, str], bytes]) -> None:
        self.answers = list(answers) or [(200, {}, b"thanks")]
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append((dict(self.headers.items()), body))
                status, headers, payload = receiver.answers[
                    min(len(receiver.requests), len(receiver.answers)) - 1
                ]
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hooks?source=goh"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def loopback(app):
    """This test runs its own receiver on 127.0.0.1: let webhooks reach this machine, for it only."""
    app.config["WEBHOOKS_ALLOW_LOOPBACK"] = True
    return app


def _deliveries(**where: object) -> list[WebhookDelivery]:
    db.session.expire_all()
    query = select(WebhookDelivery).filter_by(**where).order_by(WebhookDelivery.id)
    return list(db.session.scalars(query))


def _delivery(delivery_id: int) -> WebhookDelivery:
    db.session.expire_all()
    found = db.session.get(WebhookDelivery, delivery_id)
    assert found is not None
    return found


# Events: one delivery per subscribed, enabled endpoint of the same organisation.


def test_an_event_is_queued_for_each_subscribed_enabled_endpoint_of_its_organisation(app, broker):
    admin = OrganisationAdminFactory()
    subscribed = WebhookEndpointFactory(created_by=admin, events=["order.created", "proof.ready"])
    WebhookEndpointFactory(created_by=admin, events=["proof.ready"])  # not this event
    WebhookEndpointFactory(created_by=admin, enabled=False)  # switched off
    WebhookEndpointFactory()  # another organisation
    design = DesignFactory(created_by=admin)
    proof = ready_proof(design)
    proof.design.status = "approved"
    order = orders.create_from(admin, proof)
    db.session.commit()

    made = _deliveries(event="order.created")
    assert [d.endpoint_id for d in made] == [subscribed.id]
    assert broker[deliveries.SEND_TASK_NAME] == [made[0].id]  # sent to a worker once committed
    body = json.loads(made[0].body)
    assert body["type"] == "order.created"
    assert body["data"] == {"order_id": order.id, "design_id": design.id, "status": "confirmed"}


def test_the_service_functions_record_their_events(app, broker):
    """Proof ready and changes asked for, order created and moved on, parcel shipped: each hook fires."""
    admin = OrganisationAdminFactory()
    WebhookEndpointFactory(created_by=admin)  # every event
    design = DesignFactory(created_by=admin)
    proof = ready_proof(design, real=True)
    reviews.decide(admin, proof, 1, "request_changes", "A warmer message, please")
    db.session.commit()
    assert [d.event for d in _deliveries()] == ["proof.ready", "proof.changes_requested"]

    order = make_order()
    WebhookEndpointFactory(created_by=order.design.created_by)
    staff = StaffFactory()
    for action in ("start_production", "send_to_qa", "pack"):
        orders.advance(order, action, staff)
    db.session.commit()
    production.ship(staff, db.session.get(Order, order.id), "UPS", "1Z999")
    events = [(d.event, json.loads(d.body)["data"]) for d in _deliveries()][2:]
    assert [e for e, _ in events] == ["order.status_changed"] * 4 + ["shipment.created"]
    assert [d["status"] for _, d in events[:4]] == ["in_production", "quality_check", "packed", "shipped"]
    assert events[0][1]["previous_status"] == "confirmed"
    shipment = events[4][1]
    assert set(shipment) == {"shipment_id", "order_id", "order_status"}  # no address, no name


def test_a_failed_render_is_an_event(app, broker, monkeypatch):
    from app.services import proofs as proof_service
    from proofs.sandbox import RenderFailed

    admin = OrganisationAdminFactory()
    WebhookEndpointFactory(created_by=admin, events=["proof.failed"])
    monkeypatch.setattr(proof_service, "render_files", lambda _r: (_ for _ in ()).throw(RenderFailed("x")))
    with pytest.raises(AssertionError):
        ready_proof(DesignFactory(created_by=admin), real=True)
    [failed] = _deliveries()
    assert failed.event == "proof.failed" and json.loads(failed.body)["data"]["status"] == "failed"


# Sending: signed, retried with backoff, failed after the last attempt, never redirected.


def test_a_receiver_gets_the_delivery_and_verifies_its_signature(loopback):
    with Receiver() as receiver:
        delivery = WebhookDeliveryFactory(endpoint__url=receiver.url)
        assert deliveries.send(delivery.id) is True
    [(headers, body)] = receiver.requests
    payload = Webhook(delivery.endpoint.secret).verify(body, headers)
    assert payload["type"] == "proof.ready" and payload["data"] == {"proof_id": 1}
    assert headers["webhook-id"] == delivery.message_id
    sent = _delivery(delivery.id)
    assert (sent.status, sent.attempts, sent.response_status, sent.response_excerpt) == (
        "delivered",
        1,
        200,
        "thanks",
    )
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 32).verify(body, headers)  # another secret does not verify


def test_a_refused_delivery_is_retried_on_the_schedule_and_fails_after_the_last_attempt(loopback):
    error = (500, {}, b"<html>" + b"x" * 100_000)
    with Receiver(error) as receiver:
        delivery = WebhookDeliveryFactory(endpoint__url=receiver.url)
        for attempt in (1, 2):
            assert deliveries.send(delivery.id) is False
            row = _delivery(delivery.id)
            assert (row.status, row.attempts, row.response_status) == ("pending", attempt, 500)
            assert row.next_attempt_at - row.last_attempt_at == retry_delay(attempt)
            assert deliveries.send(delivery.id) is False  # not due yet: nothing is sent
            assert len(receiver.requests) == attempt
            row.next_attempt_at = utcnow()  # its time comes
            db.session.commit()
        row.attempts = MAX_ATTEMPTS - 1
        db.session.commit()
        assert deliveries.send(delivery.id) is False
    row = _delivery(delivery.id)
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    assert row.failure_reason == "Your server answered 500; we wait for an answer from 200 to 299."
    assert row.response_excerpt is not None and len(row.response_excerpt) <= targets.EXCERPT_CHARS


def test_a_redirect_is_not_followed(loopback):
    with Receiver() as elsewhere, Receiver((302, {"Location": elsewhere.url}, b"")) as receiver:
        delivery = WebhookDeliveryFactory(endpoint__url=receiver.url)
        assert deliveries.send(delivery.id) is False
    assert len(receiver.requests) == 1 and elsewhere.requests == []
    row = _delivery(delivery.id)
    assert (row.status, row.response_status) == ("pending", 302)
    assert "we do not follow redirects" in row.failure_reason


def test_only_so_much_of_an_answer_is_read(loopback):
    with Receiver((200, {}, b"y" * (targets.RESPONSE_LIMIT * 4))) as receiver:
        target = targets.check(receiver.url, allow_http=True, allow_loopback=True)
        answer = targets.post(target, b"{}", {}, timeout=5)
    assert answer.status == 200 and len(answer.excerpt) == targets.EXCERPT_CHARS


def test_the_reconciler_sends_what_is_due_once_a_period_and_recovers_a_dead_senders_delivery(app, broker):
    due = WebhookDeliveryFactory(next_attempt_at=utcnow() - timedelta(seconds=1), attempts=1)
    due.updated_at = due.next_attempt_at - timedelta(seconds=30)  # it failed 30 s before its time came
    later = WebhookDeliveryFactory(next_attempt_at=utcnow() + timedelta(hours=1), attempts=3)
    WebhookDeliveryFactory(endpoint__enabled=False, next_attempt_at=utcnow() - timedelta(hours=1))
    lost = WebhookDeliveryFactory(
        status="sending", lease_token="t" * 32, lease_expires_at=utcnow() - timedelta(seconds=1)
    )
    db.session.commit()
    assert deliveries.reconcile() == sorted([due.id, lost.id])
    assert deliveries.reconcile() == []  # sent a moment ago: its message is on its way
    assert broker[deliveries.SEND_TASK_NAME] == sorted([due.id, lost.id])
    recovered = _delivery(lost.id)
    assert (recovered.status, recovered.lost_attempts, recovered.attempts) == ("pending", 1, 0)
    assert _delivery(later.id).status == "pending"


@pytest.mark.real_commits  # two senders on connections of their own
def test_two_workers_sending_one_delivery_at_once_send_it_once(app):
    with Receiver() as receiver:
        delivery_id = WebhookDeliveryFactory(endpoint__url=receiver.url).id
        db.session.commit()
        with racing_app(app, threads=2) as racers:
            racers.config["WEBHOOKS_ALLOW_LOOPBACK"] = True
            results = race(racers, *(lambda: deliveries.send(delivery_id) for _ in range(2)))
    assert sorted(results, key=str) == [False, True]
    assert len(receiver.requests) == 1
    assert _delivery(delivery_id).status == "delivered"


# Server-side request forgery: refused at registration and again at each send.

UNSAFE = [
    "https://127.0.0.1/hooks",
    "https://10.1.2.3/hooks",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/hooks",
    "https://[::ffff:127.0.0.1]/hooks",
    "https://localhost/hooks",
    "https://rebind.example.com/hooks",  # a public-looking name that resolves to 127.0.0.1 (below)
    "https://multicast.example.com/hooks",
]


@pytest.mark.parametrize("url", UNSAFE)
def test_an_address_inside_a_private_network_is_refused_at_registration(app, dns, url):
    dns.update({"rebind.example.com": "127.0.0.1", "multicast.example.com": "224.0.0.1"})
    with pytest.raises(Invalid) as refused:
        endpoints.create(OrganisationAdminFactory(), url, ["proof.ready"])
    assert "private, local or reserved network address" in refused.value.violations["url"]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://hooks.example.com/", "starts with https://"),
        ("https://user:pw@hooks.example.com/", "Leave the user name and password out"),
        ("https://no-such-host.invalid/", "We could not find the server no-such-host.invalid"),
        ("https://", "Enter a web address"),
    ],
)
def test_other_addresses_are_refused_with_a_sentence(app, dns, url, words):
    with pytest.raises(Invalid) as refused:
        endpoints.create(OrganisationAdminFactory(), url, ["proof.ready"])
    assert words in refused.value.violations["url"]


def test_http_is_refused_in_production(app, dns):
    app.config["WEBHOOKS_ALLOW_HTTP"] = False
    with pytest.raises(Invalid, match="correct") as refused:
        endpoints.create(OrganisationAdminFactory(), "http://hooks.example.com/", ["proof.ready"])
    assert "https://" in refused.value.violations["url"]
    app.config["WEBHOOKS_ALLOW_HTTP"] = True
    assert endpoints.create(OrganisationAdminFactory(), "http://hooks.example.com/", ["proof.ready"])


def test_the_loopback_flag_is_off_unless_a_test_turns_it_on(app):
    assert app.config["WEBHOOKS_ALLOW_LOOPBACK"] is False
    from app.config import build_config

    assert (
        build_config({"APP_ENV": "production", "SECRET_KEY": "x", "WEBHOOKS_ALLOW_HTTP": "1"})[
            "WEBHOOKS_ALLOW_HTTP"
        ]
        is False
    )


def test_a_name_that_turns_private_after_registration_is_refused_at_send(app, dns):
    """DNS can change between registration and send (rebinding): every send checks again."""
    with Receiver() as receiver:
        port = receiver.server.server_port
        endpoint = endpoints.create(
            OrganisationAdminFactory(), f"http://hooks.example.com:{port}/", ["proof.ready"]
        ).endpoint
        dns["hooks.example.com"] = "127.0.0.1"  # now it points at this machine, where the receiver is
        delivery = WebhookDeliveryFactory(endpoint=endpoint)
        assert deliveries.send(delivery.id) is False
    assert receiver.requests == []
    row = _delivery(delivery.id)
    assert (row.status, row.attempts, row.response_status) == ("pending", 1, None)
    assert "private, local or reserved network address" in row.failure_reason


def test_this_machine_is_refused_at_send_without_the_test_flag(app):
    with Receiver() as receiver:
        delivery = WebhookDeliveryFactory(endpoint__url=receiver.url)
        assert deliveries.send(delivery.id) is False
    assert receiver.requests == []


def test_the_connection_goes_to_the_checked_address_with_the_name_in_the_host_header(loopback, dns):
    dns["hooks.example.com"] = "127.0.0.1"
    with Receiver() as receiver:
        port = receiver.server.server_port
        target = targets.check(f"http://hooks.example.com:{port}/in", allow_http=True, allow_loopback=True)
        assert targets.post(target, b"{}", {}, timeout=5).status == 200
    [(headers, _body)] = receiver.requests
    assert headers["Host"] == f"hooks.example.com:{port}"


# The settings page: register (secret once), switch off, delete, resend.


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(browser, dns):
    admin = OrganisationAdminFactory()
    browser.login(admin.email)
    assert "Webhooks" in browser.get("/organisation/settings").text
    made = browser.post(
        "/organisation/webhooks",
        {"url": "https://hooks.example.com/gifts", "events": ["proof.ready", "order.created"]},
    )
    assert made.status_code == 201
    [endpoint] = endpoints.webhooks_page(admin).endpoints
    row = db.session.get(WebhookEndpoint, endpoint.id)
    assert row.secret.startswith("whsec_") and row.secret in made.text
    assert row.secret not in browser.get("/organisation/webhooks").text
    assert [e.value for e in endpoint.events] == ["proof.ready", "order.created"]


def test_a_refused_address_is_explained_at_the_field(browser):
    admin = OrganisationAdminFactory()
    browser.login(admin.email)
    page = browser.post(
        "/organisation/webhooks", {"url": "https://169.254.169.254/", "events": ["proof.ready"]}
    )
    assert page.status_code == 422
    assert 'id="url-error"' in page.text and "private, local or reserved" in page.text
    assert endpoints.webhooks_page(admin).endpoints == ()


def test_an_admin_switches_off_deletes_and_resends(browser, broker):
    admin = OrganisationAdminFactory()
    endpoint = WebhookEndpointFactory(created_by=admin)
    failed = WebhookDeliveryFactory(endpoint=endpoint, status="failed", attempts=MAX_ATTEMPTS)
    browser.login(admin.email)
    log = browser.get("/organisation/webhooks").text
    assert "Failed: no retry left" in log and "Send again" in log
    assert browser.post(f"/organisation/webhooks/deliveries/{failed.id}/resend").status_code == 302
    row = _delivery(failed.id)
    assert (row.status, row.attempts) == ("pending", 0)
    assert broker[deliveries.SEND_TASK_NAME] == [failed.id]
    again = browser.post(f"/organisation/webhooks/deliveries/{failed.id}/resend", follow_redirects=True)
    assert "being sent already" in again.text

    browser.post(f"/organisation/webhooks/{endpoint.id}/switch", {"enabled": "off"})
    db.session.expire_all()
    assert endpoints.webhooks_page(admin).endpoints[0].enabled is False
    assert deliveries.record(WebhookEvent.PROOF_READY, admin.organisation_id, {}) == 0
    browser.post(f"/organisation/webhooks/{endpoint.id}/delete")
    assert endpoints.webhooks_page(admin).endpoints == () and _deliveries() == []


def test_another_organisations_endpoint_and_delivery_are_not_found(browser):
    other = WebhookDeliveryFactory(status="failed")
    admin = OrganisationAdminFactory()
    browser.login(admin.email)
    assert browser.post(f"/organisation/webhooks/deliveries/{other.id}/resend").status_code == 404
    assert browser.post(f"/organisation/webhooks/{other.endpoint_id}/delete").status_code == 404
    assert _delivery(other.id).status == "failed"


# TLS: the connection goes to the checked address, and the certificate is checked against the name.


def _certificates(folder: Path, name: str) -> tuple[Path, Path, Path]:
    """A certificate authority of the test's own, and a certificate it signed for ``name``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def subject(common_name: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])

    now = datetime.now(UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(subject("Test CA"))
        .issuer_name(subject("Test CA"))
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(subject(name))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca_file, cert_file, key_file


@pytest.mark.parametrize(
    ("certified", "sent"), [("hooks.example.com", True), ("someone-else.example.com", False)]
)
def test_https_goes_to_the_checked_address_and_verifies_the_name(
    loopback, dns, tmp_path, monkeypatch, certified, sent
):
    ca_file, cert_file, key_file = _certificates(tmp_path, certified)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # our test CA is the one trusted
    dns["hooks.example.com"] = "127.0.0.1"
    with Receiver() as receiver:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_file, key_file)
        receiver.server.socket = context.wrap_socket(receiver.server.socket, server_side=True)
        port = receiver.server.server_port
        delivery = WebhookDeliveryFactory(endpoint__url=f"https://hooks.example.com:{port}/in")
        assert deliveries.send(delivery.id) is sent
    row = _delivery(delivery.id)
    if sent:
        [(headers, body)] = receiver.requests
        assert headers["Host"] == f"hooks.example.com:{port}"
        assert Webhook(delivery.endpoint.secret).verify(body, headers)["type"] == "proof.ready"
    else:
        assert receiver.requests == []
        assert row.failure_reason == "The TLS certificate of hooks.example.com could not be verified."


def test_failed_deliveries_show_in_the_metrics(app, client):
    WebhookDeliveryFactory(status="failed", attempts=MAX_ATTEMPTS)
    WebhookDeliveryFactory()
    text = client.get("/metrics").text
    assert 'goh_webhook_deliveries{status="failed"} 1.0' in text
    assert 'goh_webhook_deliveries{status="pending"} 1.0' in text
