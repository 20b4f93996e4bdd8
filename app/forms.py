"""Flask-WTF forms, one per action; each field's rules live next to it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
)

MAX_ID = 2**31 - 1
"""The largest id or number a request may carry: INTEGER on PostgreSQL; larger is a 404 or a message, never a 500."""


def parse_id(text: str | None) -> int | None:
    """A positive whole number written in ASCII digits and within range, else None.

    ``str.isdigit`` also accepts "²" or "٣", on which ``int()`` fails or surprises.
    """
    text = (text or "").strip()
    if not text or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    next = HiddenField()


class DecisionForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])
    decision = HiddenField(validators=[DataRequired()])
    comment = TextAreaField(
        "Comment", validators=[Length(max=2000, message="Keep comments under 2000 characters.")]
    )


class ActionForm(FlaskForm):
    """A bare button form: CSRF only."""


class JobForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
    quantity_done = IntegerField(
        "How many are done?", validators=[Optional(), NumberRange(min=0, max=MAX_ID)]
    )
    problem = StringField("What is the problem?", validators=[Length(max=1000)])
