"""Casework: case management for post-release and reintegration services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from casework.config import ROOT, load_settings


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application. No side effects beyond configuring it: no scheduler, no schema."""
    instance_path = Path((overrides or {}).get("INSTANCE_PATH", ROOT / "instance"))
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_settings(instance_path))
    if overrides:
        app.config.update(overrides)

    from casework import crypto, web
    from casework.db import db

    crypto.install(
        app,
        crypto.load_field_keys(
            instance_path, app.config["PRODUCTION"], app.config["FIELD_ENCRYPTION_KEYS"], app.config["BLIND_INDEX_KEY"]
        ),
    )
    db.init_app(app)
    web.init_app(app)
    return app
