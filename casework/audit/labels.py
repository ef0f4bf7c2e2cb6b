from flask_babel import lazy_gettext as _l

from casework.audit.models import AuditAction

AUDIT_ACTION_LABELS = {
    AuditAction.CREATE: _l("created"),
    AuditAction.CHANGE: _l("changed"),
    AuditAction.VIEW: _l("viewed"),
    AuditAction.SIGN_IN: _l("signed in"),
    AuditAction.SIGN_IN_FAILED: _l("failed sign-in"),
    AuditAction.SIGN_OUT: _l("signed out"),
    AuditAction.REFUSED: _l("refused access"),
}
