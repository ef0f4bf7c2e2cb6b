from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from casework.accounts.models import Role
from casework.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from casework.forms_common import Form, SelectField
from casework.i18n import lazy_gettext as _l

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.CASE_MANAGER: _l("Case manager"),
    Role.LEGAL_PARTNER: _l("Legal partner"),
}


class SignInForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)],
        description=_l("At least 8 characters; a long phrase is best."),
    )
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
    )


class UserForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(
        _l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()], validators=[DataRequired()]
    )
    organization_id = SelectField(_l("Organization"), coerce=int, validators=[DataRequired()])
    active = BooleanField(_l("Active (can sign in)"), default=True)
    manages_organization = BooleanField(
        _l("Manages their organization's accounts"),
        description=_l("For a legal partner: this person adds and deactivates their colleagues' accounts."),
    )
    new_password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=MIN_LENGTH, max=MAX_LENGTH)],
        description=_l("Required for a new account. On an existing account, fill it only to reset the password."),
    )


class LanguageForm(Form):
    locale = SelectField(_l("Language"), choices=[("en", "English"), ("es", "Español")])


class CodeForm(Form):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code"},
    )


class EnableTwoFactorForm(Form):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    code = StringField(
        _l("The 6-digit code the app shows"),
        validators=[DataRequired(), Length(max=10)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class DisableTwoFactorForm(Form):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


class TwoFactorPolicyForm(Form):
    admin = BooleanField(_l("Administrators"))
    supervisor = BooleanField(_l("Supervisors"))
    case_manager = BooleanField(_l("Case managers"))
    legal_partner = BooleanField(_l("Legal partners"))
