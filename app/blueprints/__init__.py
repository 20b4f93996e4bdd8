"""Blueprints: thin views that validate forms, call services and render templates."""

from flask import Flask

from app.blueprints import (
    api_tokens,
    auth,
    designs,
    health,
    orders,
    organisation,
    production,
    proofs,
    recipients,
    review,
    staff,
    webhooks,
    wizard,
)


def register_blueprints(app: Flask) -> None:
    for module in (
        api_tokens,
        auth,
        designs,
        health,
        orders,
        organisation,
        production,
        proofs,
        recipients,
        staff,
        webhooks,
        wizard,
        review,
    ):
        app.register_blueprint(module.bp)
