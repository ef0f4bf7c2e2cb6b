"""Sign-in sessions and CSRF: the extensions every blueprint relies on, apart from the app's wiring
(casework/web.py) so that views and domains import them without importing the wiring."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from flask import current_app, session
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from casework.db import db

if TYPE_CHECKING:
    from casework.accounts.models import User
    from casework.accounts.services import SessionPolicy

login_manager = LoginManager()
csrf = CSRFProtect()


def session_policy() -> SessionPolicy:
    from casework.accounts.services import SessionPolicy

    return SessionPolicy(
        idle=timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]),
        lifetime=timedelta(hours=current_app.config["SESSION_MAX_HOURS"]),
    )


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """Only a live server-side session signs a request in; a copied cookie of an ended one does not."""
    from casework.accounts.services import resume_session

    user = resume_session(db.session, session.get("sid"), session_policy())
    if user is None or str(user.id) != user_id:
        session.clear()
        return None
    return user
