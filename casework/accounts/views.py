from __future__ import annotations

import time

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from casework.access import requires
from casework.accounts import services, two_factor
from casework.accounts.forms import (
    ROLE_LABELS,
    ChangePasswordForm,
    CodeForm,
    DisableTwoFactorForm,
    EnableTwoFactorForm,
    LanguageForm,
    SignInForm,
    TwoFactorPolicyForm,
    UserForm,
)
from casework.accounts.models import Role, User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.db import db
from casework.errors import SignInRefused, ValidationError
from casework.extensions import registry
from casework.form_actions import submitted
from casework.forms_common import filled
from casework.i18n import SUPPORTED_LOCALES
from casework.i18n import gettext as _
from casework.pagination import page_number
from casework.security import session_policy
from casework.urls import safe_next_url

bp = Blueprint("accounts", __name__)


def _throttle() -> services.Throttle:
    config = current_app.config
    return services.Throttle(
        config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"],
        config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"],
        config["SIGN_IN_WINDOW_MINUTES"],
    )


def home_for(user) -> str:
    if user.in_program:
        return url_for("dashboard.index")
    endpoint = next((e for applies, e in registry(current_app).homes if applies(user)), "accounts.account")
    return url_for(endpoint)


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("accounts.sign_in"))


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = services.sign_in(
                db.session,
                filled(form.email.data),
                filled(form.password.data),
                request.remote_addr or "unknown",
                _throttle(),
            )
        except SignInRefused as refused:
            # Caught here on purpose, without the rollback of `submitted`: the failed attempt that
            # services.sign_in recorded must be committed with this request, since throttling counts it.
            form.password.errors = [*form.password.errors, refused.message]
        else:
            if two_factor.enabled(user):
                locale = session.get("locale")
                session.clear()
                session["pending_sign_in"] = {"user_id": user.id, "at": time.time()}
                if locale:
                    session["locale"] = locale
                return redirect(url_for("accounts.sign_in_code", next=request.args.get("next")))
            return _complete_sign_in(user)
    return render_template("accounts/sign_in.html", form=form)


PENDING_SECONDS = 300


def _complete_sign_in(user):
    locale = session.get("locale")
    session.clear()  # a new session at sign-in
    session["sid"] = services.start_session(db.session, user, request.remote_addr or "unknown", session_policy())
    if locale:
        session["locale"] = locale
    login_user(user)
    if locale and not user.locale:
        services.set_locale(db.session, user, locale)
    return redirect(safe_next_url(request.args.get("next")) or home_for(user))


@bp.route("/sign-in/code", methods=["GET", "POST"])
def sign_in_code():
    """The second step of sign-in, for accounts with two-factor sign-in."""
    pending = session.get("pending_sign_in")
    user = db.session.get(User, pending["user_id"]) if pending else None
    if not pending or user is None or not user.active or time.time() - pending["at"] > PENDING_SECONDS:
        session.pop("pending_sign_in", None)
        return redirect(url_for("accounts.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        if services.throttled(db.session, user.email, address, _throttle()):
            form.code.errors = [
                *form.code.errors,
                _(
                    "Too many failed sign-ins. Wait %(minutes)d minutes, then try again.",
                    minutes=current_app.config["SIGN_IN_WINDOW_MINUTES"],
                ),
            ]
        elif two_factor.verify(db.session, user, filled(form.code.data)):
            return _complete_sign_in(user)
        else:
            services.record_failed_attempt(db.session, user, address)
            form.code.errors = [*form.code.errors, _("This code is not right, or was already used.")]
    return render_template("accounts/sign_in_code.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@requires("own_account")
def sign_out():
    record(db.session, current_user, AuditAction.SIGN_OUT, "user", current_user.id)
    services.end_session(db.session, session.get("sid"))
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    if form.validate_on_submit() and form.locale.data in SUPPORTED_LOCALES:
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            services.set_locale(db.session, current_user, form.locale.data)
    return redirect(safe_next_url(request.form.get("next")) or url_for("accounts.index"))


@bp.route("/account", methods=["GET", "POST"])
@requires("own_account")
def account():
    form = ChangePasswordForm()
    if submitted(
        form,
        lambda: services.change_password(
            db.session,
            current_user,
            filled(form.current_password.data),
            filled(form.new_password.data),
            keep_token=session.get("sid"),
        ),
        "new_password",
    ):
        flash(_("Your password is changed."), "success")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form, role_labels=ROLE_LABELS)


@bp.route("/admin/users")
@requires("manage_users")
def users():
    page = page_number()
    users, has_next = services.managed_users(db.session, current_user, page, current_app.config["PAGE_SIZE"])
    return render_template("accounts/users.html", users=users, page=page, has_next=has_next, role_labels=ROLE_LABELS)


def _user_form(form: UserForm) -> UserForm:
    form.organization_id.choices = [(o.id, o.name) for o in services.organizations_for(db.session, current_user)]
    return form


@bp.route("/admin/users/new", methods=["GET", "POST"])
@requires("manage_users")
def new_user():
    form = _user_form(UserForm(organization_id=current_user.organization_id))
    if submitted(
        form,
        lambda: services.create_user(
            db.session,
            current_user,
            email=filled(form.email.data),
            full_name=filled(form.full_name.data),
            role=Role(form.role.data),
            organization_id=form.organization_id.data,
            password=_new_password(form),
        ),
        "email",
    ):
        flash(_("The account is created."), "success")
        return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None)


def _new_password(form: UserForm) -> str:
    if not form.new_password.data:
        raise ValidationError(_("Give the new account a password."), "new_password")
    return form.new_password.data


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires("manage_users")
def edit_user(user_id: int):
    from flask import abort

    user = services.get_managed_user(db.session, current_user, user_id)
    if user is None:
        abort(404)
    form = _user_form(UserForm(obj=user, role=user.role.value))
    form.email.render_kw = {"readonly": True}
    if request.method == "POST":
        form.email.data = user.email
    if submitted(
        form,
        lambda: services.update_user(
            db.session,
            current_user,
            user,
            full_name=filled(form.full_name.data),
            role=Role(form.role.data),
            organization_id=form.organization_id.data,
            active=form.active.data,
            new_password=form.new_password.data or None,
            manages_organization=form.manages_organization.data,
        ),
        "full_name",
    ):
        flash(_("The account is saved."), "success")
        return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=user)


def _two_factor_required(user) -> bool:
    return two_factor.required_for(db.session, user, required_by_settings())


def required_by_settings() -> frozenset[Role]:
    names = current_app.config["TWO_FACTOR_REQUIRED_ROLES"]
    return frozenset(Role(name.strip()) for name in names.split(",") if name.strip())


@bp.route("/account/two-factor", methods=["GET", "POST"])
@requires("own_account")
def two_factor_settings():
    required = _two_factor_required(current_user)
    enable_form, disable_form = EnableTwoFactorForm(prefix="enable"), DisableTwoFactorForm(prefix="disable")
    if not two_factor.enabled(current_user):
        secret = session.get("totp_enrolment") or two_factor.new_secret()
        session["totp_enrolment"] = secret
        enabled = submitted(
            enable_form,
            lambda: two_factor.enable(
                db.session, current_user, filled(enable_form.password.data), secret, filled(enable_form.code.data)
            ),
            "code",
        )
        if enabled:
            session.pop("totp_enrolment", None)
            return render_template("accounts/recovery_codes.html", codes=enabled.value)
        uri = two_factor.provisioning_uri(current_user, secret)
        return render_template(
            "accounts/two_factor.html",
            enable_form=enable_form,
            secret=secret,
            qr=segno.make(uri, error="m").svg_data_uri(scale=4),
            required=required,
        )
    if submitted(
        disable_form,
        lambda: two_factor.disable(db.session, current_user, filled(disable_form.password.data), required),
        "password",
    ):
        flash(_("Two-factor sign-in is turned off."), "success")
        return redirect(url_for("accounts.account"))
    return render_template(
        "accounts/two_factor.html",
        disable_form=disable_form,
        required=required,
        codes_left=two_factor.recovery_codes_left(db.session, current_user),
    )


@bp.route("/admin/security", methods=["GET", "POST"])
@requires("manage_users")
def security():
    current = two_factor.required_roles(db.session, required_by_settings())
    form = TwoFactorPolicyForm(data={role.value: value for role, value in current.items()})
    if form.validate_on_submit():
        two_factor.set_required(db.session, current_user, {role: form[role.value].data for role in Role})
        flash(_("The sign-in rules are saved."), "success")
        return redirect(url_for("accounts.security"))
    return render_template("accounts/security.html", form=form)


ALLOWED_BEFORE_ENROLMENT = {"accounts.two_factor_settings", "accounts.sign_out", "accounts.set_language", "static"}


@bp.before_app_request
def _enforce_two_factor():
    """Someone whose role requires two-factor sign-in sets it up before anything else."""
    if (
        request.endpoint in ALLOWED_BEFORE_ENROLMENT
        or not current_user.is_authenticated
        or two_factor.enabled(current_user)
        or not _two_factor_required(current_user)
    ):
        return None
    flash(_("Your role requires two-factor sign-in: set it up to continue."), "warning")
    return redirect(url_for("accounts.two_factor_settings"))
