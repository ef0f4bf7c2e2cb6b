"""Settings from the environment, with safe defaults for the embedded SQLite mode."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DOMAINS = ("scheduling", "legal", "reintegration", "reports", "imports")


def load_settings(instance_path: Path) -> dict[str, Any]:
    production = os.environ.get("CASEWORK_ENV", "development") == "production"
    default_db = f"sqlite:///{instance_path / 'casework.sqlite3'}"
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL", default_db),
        # The largest request body accepted (a domain taking files raises it to what it needs).
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(2 * 1000 * 1000))),
        # "json": log lines as JSON objects (request id and user id in each), for a log collector.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "text"),
        # The bearer token Prometheus sends for /metrics; unset, /metrics answers 404.
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN"),
        # The domain packages the app loads, each after those it depends on; the core names none.
        "DOMAINS": tuple(os.environ.get("CASEWORK_DOMAINS", " ".join(DOMAINS)).split()),
        "SECRET_KEY": _secret_key(instance_path),
        "PRODUCTION": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "__Host-casework" if production else "casework",
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "30")),
        "SESSION_MAX_HOURS": int(os.environ.get("SESSION_MAX_HOURS", "12")),
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": production,
        "BABEL_DEFAULT_LOCALE": os.environ.get("BABEL_DEFAULT_LOCALE", "en"),
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "SCHEDULER_ENABLED": _flag("SCHEDULER_ENABLED", False),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", False),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "casework@example.org"),
        # "smtp" sends email through MAIL_SERVER; "outbox" (the development default) keeps it on the outbox page.
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "smtp" if production else "outbox"),
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", "20")),
        # "twilio" posts to a Twilio-compatible API at SMS_BASE_URL; "outbox" keeps texts on the outbox page.
        "SMS_BACKEND": os.environ.get("SMS_BACKEND", "twilio" if os.environ.get("SMS_BASE_URL") else "outbox"),
        "SMS_BASE_URL": os.environ.get("SMS_BASE_URL"),
        "SMS_FROM": os.environ.get("SMS_FROM"),
        "SMS_STATUS_CALLBACK_URL": os.environ.get("SMS_STATUS_CALLBACK_URL"),
        "SMS_TIMEOUT": float(os.environ.get("SMS_TIMEOUT", "15")),
        # The address families and calendar providers reach the app at: links in messages and
        # webhook signatures are built on it.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "DEFAULT_TIMEZONE": os.environ.get("DEFAULT_TIMEZONE", "America/New_York"),
        "REMINDER_SWEEP_SECONDS": int(os.environ.get("REMINDER_SWEEP_SECONDS", "60")),
        "SMS_ACCOUNT_SID": os.environ.get("SMS_ACCOUNT_SID"),
        "SMS_AUTH_TOKEN": os.environ.get("SMS_AUTH_TOKEN"),
        "SIGN_IN_MAX_FAILURES_PER_ACCOUNT": int(os.environ.get("SIGN_IN_MAX_FAILURES_PER_ACCOUNT", "5")),
        "SIGN_IN_MAX_FAILURES_PER_ADDRESS": int(os.environ.get("SIGN_IN_MAX_FAILURES_PER_ADDRESS", "20")),
        "SIGN_IN_WINDOW_MINUTES": int(os.environ.get("SIGN_IN_WINDOW_MINUTES", "15")),
        "PAGE_SIZE": int(os.environ.get("PAGE_SIZE", "50")),
        # Roles that must use two-factor sign-in unless an admin decides otherwise on /admin/security.
        "TWO_FACTOR_REQUIRED_ROLES": os.environ.get(
            "TWO_FACTOR_REQUIRED_ROLES", "admin,legal_partner" if production else ""
        ),
        "RETENTION_YEARS": int(os.environ.get("RETENTION_YEARS", "3")),
        "RETENTION_WARNING_DAYS": int(os.environ.get("RETENTION_WARNING_DAYS", "30")),
        "FIELD_ENCRYPTION_KEYS": os.environ.get("FIELD_ENCRYPTION_KEYS"),
        "BLIND_INDEX_KEY": os.environ.get("BLIND_INDEX_KEY"),
    }
