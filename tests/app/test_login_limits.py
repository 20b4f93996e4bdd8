"""Wrong passwords are limited per account and, much more loosely, per address."""

from __future__ import annotations

import re

import pytest
import redis
from flask.testing import FlaskClient

from app import create_app
from app.config import _ratelimit_storage, build_config
from app.extensions import db
from tests.app.factories import PASSWORD, UserFactory, WorkshopFactory
from tests.app.journeys import IsolatedClient, csrf
from tests.services import require_redis

OFFICE = {"REMOTE_ADDR": "203.0.113.7"}


def attempt(client: FlaskClient, email: str, password: str, address: dict[str, str] = OFFICE):
    token = csrf(client.get("/login", environ_base=address).text)
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, environ_base=address
    )


def test_thirty_wrong_passwords_are_refused_with_429_and_a_time_to_wait(app):
    buyer = UserFactory()
    statuses = [attempt(app.test_client(), buyer.email, "wrong guess").status_code for _ in range(30)]
    assert statuses == [200] * 10 + [429] * 20

    refused = attempt(app.test_client(), buyer.email, "wrong guess")
    assert refused.status_code == 429
    assert re.search(r"Too many attempts for this account\. Try again in \d+ minutes?\.", refused.text)
    assert 'name="password"' in refused.text and 'name="email"' in refused.text  # the form is still there
    assert f'value="{buyer.email}"' in refused.text  # nothing typed is lost but the password
    assert "Retry-After" in refused.headers
    # Even the right password waits: the limit is on the account, not the guess.
    assert attempt(app.test_client(), buyer.email, PASSWORD).status_code == 429


def test_a_locked_account_does_not_lock_out_the_office(app):
    """The workshop tablet and a buyer share one office address; one's lockout is not the other's."""
    tablet = WorkshopFactory()
    buyer = UserFactory()
    for _ in range(30):
        attempt(app.test_client(), tablet.email, "wrong guess")
    assert attempt(app.test_client(), tablet.email, PASSWORD).status_code == 429

    logged_in = attempt(app.test_client(), buyer.email, PASSWORD)
    assert logged_in.status_code == 302
    assert logged_in.headers["Location"] == "/designs"


def test_successful_logins_use_up_no_attempts(app):
    buyer = UserFactory()
    client = app.test_client()
    for _ in range(15):
        assert attempt(client, buyer.email, PASSWORD).status_code == 302
        client.post("/logout", data={"csrf_token": csrf(client.get("/designs", environ_base=OFFICE).text)})
    assert attempt(client, buyer.email, PASSWORD).status_code == 302


def test_many_accounts_guessed_from_one_address_hit_the_address_limit(app):
    assert app.config["RATELIMIT_LOGIN_ADDRESS"] == "50 per 15 minutes"
    app.config["RATELIMIT_LOGIN_ADDRESS"] = "12 per 15 minutes"  # the same rule, fewer slow hashes
    victims = UserFactory.create_batch(3)
    statuses = [
        attempt(app.test_client(), victim.email, f"guess {n}").status_code
        for n in range(5)
        for victim in victims
    ]
    assert statuses == [200] * 12 + [429] * 3
    refused = attempt(app.test_client(), victims[0].email, "guess")
    assert re.search(r"Too many attempts from your network\. Try again in \d+ minutes?\.", refused.text)
    # Another address is not affected.
    elsewhere = attempt(app.test_client(), victims[0].email, PASSWORD, {"REMOTE_ADDR": "198.51.100.1"})
    assert elsewhere.status_code == 302


@pytest.mark.real_commits  # each web process has an engine of its own
def test_counters_in_redis_are_shared_by_every_web_process(app, tmp_path):
    """A second web process (a fresh limiter) still sees the first one's failures through Redis."""
    url = require_redis()
    with redis.Redis.from_url(url) as server:
        server.flushdb()
    email = UserFactory().email
    config = {**app.config, "RATELIMIT_STORAGE_URI": url}
    for process in range(2):
        web = create_app(config, env={"INSTANCE_PATH": str(tmp_path), "CELERY_EAGER": "1"})
        web.test_client_class = IsolatedClient
        with web.app_context():
            expected = [200] * 5 if process == 0 else [200] * 5 + [429]
            got = [attempt(web.test_client(), email, "wrong").status_code for _ in expected]
            assert got == expected
            db.session.remove()
            db.engine.dispose()
    with redis.Redis.from_url(url) as server:
        assert server.keys("*goh-limit/account:*login-account*")


def test_the_app_uses_redis_for_counters_when_it_has_one(tmp_path):
    env = {"INSTANCE_PATH": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/4"}
    assert build_config(env)["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/4"


@pytest.mark.parametrize(
    ("broker", "storage"),
    [
        ("redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3"),
        ("redis+socket:///tmp/x/redis.sock?virtual_host=2", "redis+unix:///tmp/x/redis.sock?db=2"),
        ("unix:///tmp/x/redis.sock", "redis+unix:///tmp/x/redis.sock?db=0"),
        ("filesystem://", "memory://"),
    ],
)
def test_the_storage_follows_the_broker(broker, storage):
    assert _ratelimit_storage(broker) == storage
