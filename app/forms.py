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
    quantity_done = IntegerField("How many are done?", validators=[Optional(), NumberRange(min=0)])
    problem = StringField("What is the problem?", validators=[Length(max=1000)])
