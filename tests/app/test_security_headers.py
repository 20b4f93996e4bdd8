"""Security headers: HSTS in production only (a development server on plain HTTP must stay reachable)."""

from __future__ import annotations

from app import create_app
from app.extensions import db


def test_production_sends_hsts(app, tmp_path):
    env = {"INSTANCE_PATH": str(tmp_path), "APP_ENV": "production", "SECRET_KEY": "x" * 40}
    production = create_app({**app.config, "APP_ENV": "production"}, env=env)
    response = production.test_client().get("/login")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert production.test_client().get("/no-such-page").headers["Strict-Transport-Security"]
    with production.app_context():
        db.engine.dispose()


def test_development_sends_no_hsts(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"
