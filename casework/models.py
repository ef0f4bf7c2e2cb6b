"""Imports every model of the core so the metadata is complete (for Alembic and the mappers)."""

from casework.accounts.models import Organization, OrganizationKind, Role, SignInAttempt, User
from casework.audit.models import AuditAction, AuditEvent
from casework.cases.models import Case, CaseAssignment, CaseStatus, ClosedReason, Note, Task, TaskKind
from casework.community.models import ReferralStatus, ServiceCategory, ServiceReferral
from casework.db import Base
from casework.documents.models import Document, DocumentType
from casework.families.models import (
    Address,
    Consent,
    ConsentKind,
    Family,
    Member,
    MemberLanguage,
    MemberVulnerability,
    NameToken,
    Phone,
    PhoneKind,
    Relationship,
    Vulnerability,
)
from casework.monitoring.models import SchedulerRun
from casework.releases.models import DocumentKind, Release, ReleaseDocument, ReleaseType, ReleasingAgency
from casework.schooling.models import Barrier, EnrollmentStatus, SchoolEnrollment

__all__ = [
    "Address",
    "AuditAction",
    "AuditEvent",
    "Barrier",
    "Base",
    "Case",
    "CaseAssignment",
    "CaseStatus",
    "ClosedReason",
    "Consent",
    "ConsentKind",
    "Document",
    "DocumentKind",
    "DocumentType",
    "EnrollmentStatus",
    "Family",
    "Member",
    "MemberLanguage",
    "MemberVulnerability",
    "NameToken",
    "Note",
    "Organization",
    "OrganizationKind",
    "Phone",
    "PhoneKind",
    "ReferralStatus",
    "Relationship",
    "Release",
    "ReleaseDocument",
    "ReleaseType",
    "ReleasingAgency",
    "Role",
    "SchedulerRun",
    "SchoolEnrollment",
    "ServiceCategory",
    "ServiceReferral",
    "SignInAttempt",
    "Task",
    "TaskKind",
    "User",
    "Vulnerability",
]
