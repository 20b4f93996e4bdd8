"""Flask-WTF forms, one per action; each field's rules live next to it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from configurator.rules import MAX_BOXES, MESSAGE_MAX_CHARS, MIN_BOXES, SIGN_OFF_MAX_CHARS


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    next = HiddenField()


class StartForm(FlaskForm):
    classic = HiddenField(validators=[DataRequired()])


class CardForm(FlaskForm):
    revision = HiddenField(validators=[DataRequired()])
    message = TextAreaField("Message on the card")
    sign_off = StringField(
        "Sign-off",
        validators=[
            Length(max=SIGN_OFF_MAX_CHARS, message=f"Keep the sign-off to {SIGN_OFF_MAX_CHARS} characters.")
        ],
    )
    quantity = IntegerField(
        "Number of boxes",
        validators=[
            InputRequired("Enter how many boxes you need."),
            NumberRange(MIN_BOXES, MAX_BOXES, f"Choose between {MIN_BOXES} and {MAX_BOXES} boxes."),
        ],
    )

    def validate_message(self, field: TextAreaField) -> None:
        if field.data and len(field.data) > MESSAGE_MAX_CHARS:
            over = len(field.data) - MESSAGE_MAX_CHARS
            raise ValidationError(
                f"Your message is {over} characters too long; cards hold {MESSAGE_MAX_CHARS} characters."
            )


class SubmitForm(FlaskForm):
    revision = HiddenField(validators=[DataRequired()])


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
    quantity_done = IntegerField("How many are done?", validators=[Optional(), NumberRange(min=0)])
    problem = StringField("What is the problem?", validators=[Length(max=1000)])
