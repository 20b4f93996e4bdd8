"""Blueprints: thin views that validate forms, call services and render templates."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from app.blueprints import auth, designs, health, orders, production, proofs, staff, wizard

    for module in (auth, designs, health, orders, production, proofs, staff, wizard):
        app.register_blueprint(module.bp)

    from app.blueprints import review

    app.register_blueprint(review.bp)
