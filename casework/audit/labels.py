from casework.audit.models import AuditAction
from casework.i18n import lazy_gettext as _l

AUDIT_ACTION_LABELS = {
    AuditAction.CREATE: _l("created"),
    AuditAction.CHANGE: _l("changed"),
    AuditAction.VIEW: _l("viewed"),
    AuditAction.SIGN_IN: _l("signed in"),
    AuditAction.SIGN_IN_FAILED: _l("failed sign-in"),
    AuditAction.SIGN_OUT: _l("signed out"),
    AuditAction.REFUSED: _l("refused access"),
}

OBJECT_TYPE_LABELS = {
    "address": _l("address"),
    "case": _l("case"),
    "consent": _l("consent"),
    "family": _l("family"),
    "member": _l("household member"),
    "note": _l("note"),
    "organization": _l("organization"),
    "release": _l("release"),
    "school_enrollment": _l("school enrollment"),
    "service_referral": _l("service referral"),
    "task": _l("task"),
    "user": _l("account"),
}
