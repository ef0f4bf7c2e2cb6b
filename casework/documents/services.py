"""Documents kept for families: added, listed, downloaded, removed, watched for expiry, forgotten.

Every function adds and flushes; the request, command or job commits (casework/transactions.py).
The bytes go through `files`: stored before the row, deleted after its deletion commits.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, BinaryIO

from flask_babel import format_decimal
from sqlalchemy import ColumnElement, Date, Exists, Integer, Select, and_, bindparam, delete, func, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import flag_modified

from casework import access
from casework.accounts.models import User
from casework.audit.models import AuditAction, AuditEvent
from casework.audit.services import events_page, record
from casework.cases.models import Case, CaseStatus, Task
from casework.cases.services import add_follow_up_task, current_cases
from casework.crypto import rewrap_file_key
from casework.db import AnySelect
from casework.documents import files
from casework.documents.content import prepare
from casework.documents.models import EXPIRING_TYPES, Document, DocumentType
from casework.documents.storage import StorageUnavailable
from casework.documents.titles import DOCUMENT_EXPIRING
from casework.errors import NotAllowed, ValidationError
from casework.extensions import DocumentSubject
from casework.families.models import Family, Member, joined_name
from casework.i18n import lazy_gettext as _l
from casework.uploads import copy_limited

OBJECT_TYPE = "document"
# A file in the storage with no row this long after it was written is an orphan, not an upload under way.
ORPHAN_AFTER = timedelta(hours=6)


@dataclass(frozen=True)
class NewDocument:
    document_type: DocumentType
    subject: str  # a DocumentSubject's name
    attached_id: int
    member_id: int | None
    document_date: date | None
    expires_on: date | None
    shared_with_partners: bool
    file_name: str


def subjects_for(user: User, subjects: Sequence[DocumentSubject]) -> list[DocumentSubject]:
    """What this person may attach documents to."""
    return [s for s in subjects if access.has(user, s.capability)]


def attach_choices(
    session: Session, user: User, family: Family, subjects: Sequence[DocumentSubject]
) -> list[tuple[str, str]]:
    """The upload form's "about" list: each record of the family the person may attach to, as
    ("subject:id", label)."""
    choices = []
    for subject in subjects_for(user, subjects):
        for record_id, label in subject.choices(session, family.id):
            choices.append((f"{subject.name}:{record_id}", label))
    return choices


def add_document(
    session: Session,
    user: User,
    family: Family,
    data: NewDocument,
    source: BinaryIO,
    max_bytes: int,
    subjects: dict[str, DocumentSubject],
    today: date,
    alert_days: Sequence[int] = (90, 30),
) -> Document:
    """Keep a file for the family: checked, sealed into the storage, then its row; a permit that
    ends within the first of `alert_days` raises its task at once."""
    subject = subjects.get(data.subject)
    if subject is None or not access.has(user, subject.capability):
        raise NotAllowed(str(_l("You may not attach documents to this record.")), "attached")
    if data.attached_id not in {record_id for record_id, _label in subject.choices(session, family.id)}:
        raise ValidationError(str(_l("Choose one of this family's records.")), "attached")
    if data.member_id is not None and data.member_id not in {m.id for m in family.members}:
        raise ValidationError(str(_l("Choose a member of this household.")), "member_id")
    if data.document_date and data.expires_on and data.expires_on < data.document_date:
        raise ValidationError(str(_l("The expiry date is before the document's date.")), "expires_on")
    with files.work_folder() as folder:
        upload = folder / "upload"
        copy_limited(
            source,
            upload,
            max_bytes,
            str(_l("The file is larger than %(mb)s MB.", mb=format_decimal(max_bytes / 1_000_000, "#,##0.###"))),
        )
        ready = prepare(upload, folder)
        try:
            storage_key, wrapped_key = files.keep(session, ready.path, folder)
        except StorageUnavailable as error:
            raise ValidationError(
                str(_l("The file could not be stored just now, and nothing was saved. Try again in a few minutes.")),
                "file",
            ) from error
        size = ready.path.stat().st_size
    document = Document(
        family_id=family.id,
        member_id=data.member_id,
        attached_to=subject.name,
        attached_id=data.attached_id,
        document_type=data.document_type,
        document_date=data.document_date,
        expires_on=data.expires_on,
        file_name=_file_name(data.file_name, ready.extension),
        content_type=ready.content_type,
        size=size,
        storage_key=storage_key,
        wrapped_key=wrapped_key,
        shared_with_partners=data.shared_with_partners,
        uploaded_by_id=user.id,
    )
    session.add(document)
    session.flush()
    record(session, user, AuditAction.CREATE, OBJECT_TYPE, document.id, family.id, detail=data.document_type.value)
    raise_expiry_tasks(session, today, alert_days, document_ids=[document.id])
    return document


def _file_name(typed: str, extension: str) -> str:
    """The uploader's name for the file, with the extension of what it now is (a HEIC photograph
    is kept as JPEG)."""
    stem = typed.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].strip() or "document"
    base, dot, old = stem.rpartition(".")
    if dot and base and len(old) <= 5:
        stem = base
    return (stem[:150] + extension).replace('"', "'")


def _family_documents(user: User, family_id: int) -> Select[Any]:
    return _as_listed(access.scoped(Document, user).where(Document.family_id == family_id))


def _as_listed(documents: Select[Any]) -> Select[Any]:
    """A family's documents as its page lists them: newest first, with who uploaded each and whom it names."""
    return documents.options(joinedload(Document.uploaded_by), joinedload(Document.member)).order_by(
        Document.uploaded_at.desc(), Document.id.desc()
    )


def family_documents(session: Session, user: User, family_id: int) -> list[Document]:
    """The family's documents this person may reach (a partner: those shared), newest first."""
    return list(session.scalars(_family_documents(user, family_id)).unique())


def about_labels(
    session: Session, documents: Sequence[Document], subjects: dict[str, DocumentSubject]
) -> dict[tuple[str, int], str]:
    """What each document is about, named: one statement per kind of record among them."""
    wanted: dict[str, list[int]] = {}
    for document in documents:
        wanted.setdefault(document.attached_to, []).append(document.attached_id)
    labels = {}
    for name, ids in wanted.items():
        subject = subjects.get(name)
        if subject is not None:
            for record_id, label in subject.labels(session, sorted(set(ids))).items():
                labels[(name, record_id)] = label
    return labels


@dataclass(frozen=True)
class Downloads:
    count: int
    last_at: datetime | None
    last_by: str | None


@dataclass(frozen=True)
class FamilyDocuments:
    files: list[Document]
    about: dict[tuple[str, int], str]
    downloads: dict[int, Downloads]


def _downloads_of_document() -> ColumnElement[bool]:
    return and_(
        AuditEvent.family_id == Document.family_id,  # the audit log's index on the family finds them
        AuditEvent.object_type == OBJECT_TYPE,
        AuditEvent.object_id == Document.id,
        AuditEvent.action == AuditAction.VIEW,
    )


def family_has_documents() -> Exists:
    return select(Document.id).where(Document.family_id == bindparam("family_id")).exists()


def no_documents() -> FamilyDocuments:
    """The family page's documents when the household has none."""
    return FamilyDocuments([], {}, {})


def family_section(
    session: Session, user: User, family_id: int, subjects: dict[str, DocumentSubject]
) -> FamilyDocuments:
    """The family page's documents: the files, what each is about, and how often and by whom
    last each was downloaded, in the files' own statement (built once for a program's staff and
    an in-country organization's)."""
    scope = access.organization_scope(user, Document)
    if scope is not None:
        query, values = _program_family_section(), {**scope, "family_id": family_id}
    else:
        query, values = _with_downloads(_family_documents(user, family_id)), {}
    rows = session.execute(query, values).unique().all()
    found = [row[0] for row in rows]
    return FamilyDocuments(
        found,
        about_labels(session, found, subjects),
        {row[0].id: Downloads(row[1] or 0, row[2], row[3]) for row in rows},
    )


@cache
def _program_family_section() -> AnySelect:
    return _with_downloads(
        _as_listed(access.program_scoped(Document).where(Document.family_id == bindparam("family_id")))
    )


def _with_downloads(documents: AnySelect) -> AnySelect:
    """The files with how often each was downloaded, when last and by whom."""
    downloaded = _downloads_of_document()
    count = select(func.count(AuditEvent.id)).where(downloaded).correlate(Document).scalar_subquery()
    last_at = select(func.max(AuditEvent.at)).where(downloaded).correlate(Document).scalar_subquery()
    last_by = (
        select(User.full_name)
        .join(AuditEvent, AuditEvent.user_id == User.id)
        .where(downloaded)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
        .correlate(Document)
        .scalar_subquery()
    )
    return documents.add_columns(count, last_at, last_by)


def download_history(session: Session, document: Document, page: int, per_page: int) -> tuple[list[AuditEvent], bool]:
    """Everyone who downloaded the document, most recent first, a page at a time."""
    return events_page(
        session,
        [
            AuditEvent.family_id == document.family_id,
            AuditEvent.object_type == OBJECT_TYPE,
            AuditEvent.object_id == document.id,
            AuditEvent.action == AuditAction.VIEW,
        ],
        page,
        per_page,
    )


def download(session: Session, user: User, document: Document) -> Iterator[bytes]:
    """The plain bytes to send, the download audited. Raises StoredFileMissing or
    StorageUnavailable before anything is sent."""
    chunks = files.plain_chunks(document.storage_key, document.wrapped_key)
    record(session, user, AuditAction.VIEW, OBJECT_TYPE, document.id, document.family_id, detail="download")
    return chunks


def remove(session: Session, user: User, document: Document, subjects: dict[str, DocumentSubject]) -> None:
    subject = subjects.get(document.attached_to)
    if subject is None or not access.has(user, subject.capability):
        raise NotAllowed(str(_l("You may not remove this document.")))
    record(session, user, AuditAction.CHANGE, OBJECT_TYPE, document.id, document.family_id, detail="removed")
    files.discard_after_commit(session, document.storage_key)
    session.delete(document)
    session.flush()


def set_shared(session: Session, user: User, document: Document, shared: bool) -> None:
    document.shared_with_partners = shared
    record(session, user, AuditAction.CHANGE, OBJECT_TYPE, document.id, document.family_id, detail=f"shared={shared}")
    session.flush()


# Expiry: a task for the case manager some days before a permit, parole or TPS document ends.


def _expiring(today: date, alert_days: Sequence[int]) -> ColumnElement[bool]:
    return _ending_between(today, today + timedelta(days=max(alert_days)))


def _ending_between(first: date | ColumnElement[date], last: date | ColumnElement[date]) -> ColumnElement[bool]:
    """Papers that expire (permits, parole, TPS) ending from `first` to `last`, dates or bound values."""
    return Document.document_type.in_(EXPIRING_TYPES) & (Document.expires_on >= first) & (Document.expires_on <= last)


def raise_expiry_tasks(
    session: Session, today: date, alert_days: Sequence[int] = (90, 30), document_ids: list[int] | None = None
) -> int:
    """For each document ending within the first alert, the task of the nearest alert reached
    (a permit uploaded 20 days before its end gets the 30-day task only), once; the task is due on
    the alert's day, or today when that day has passed. Returns the tasks raised."""
    stmt = select(Document).where(_expiring(today, alert_days)).order_by(Document.id)
    if document_ids is not None:
        stmt = stmt.where(Document.id.in_(document_ids))
    raised = 0
    for batch in _batches(list(session.scalars(stmt)), 500):
        cases = current_cases(session, sorted({d.family_id for d in batch}))
        raised_before = _expiry_tasks_of(session, [c.id for c in cases.values()])
        for document in batch:
            case = cases.get(document.family_id)
            if case is None or case.status is CaseStatus.CLOSED or document.expires_on is None:
                continue
            left = (document.expires_on - today).days
            days = min(d for d in alert_days if d >= left)
            values = {
                "document": document.id,
                "days": days,
                "type": document.document_type.value,
                "expires": document.expires_on.isoformat(),
            }
            if (case.id, _values_key(values)) in raised_before:
                continue
            add_follow_up_task(
                session, case, DOCUMENT_EXPIRING, values, max(today, document.expires_on - timedelta(days=days))
            )
            raised += 1
    return raised


def _values_key(values: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(values.items()))


def _expiry_tasks_of(session: Session, case_ids: list[int]) -> set[tuple[int, tuple[tuple[str, Any], ...]]]:
    """The expiry tasks these cases already have, open or done, as (case, values): one look-up a batch."""
    stmt = select(Task.case_id, Task.title_values).where(
        Task.case_id.in_(case_ids), Task.title_key == DOCUMENT_EXPIRING.key
    )
    return {(case_id, _values_key(values or {})) for case_id, values in session.execute(stmt)}


def _batches(items: list[Document], size: int) -> Iterator[list[Document]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class ExpiringPaper:
    family_id: int
    name: str  # the member's whom it names, or the household's
    document_type: DocumentType
    expires_on: date


def expiring_for_dashboard(
    session: Session, user: User, whole_program: bool, today: date, within_days: int, limit: int
) -> list[ExpiringPaper]:
    """Papers of open cases ending within the first alert, soonest first (a dashboard alert), as the
    columns its lines show: `user`'s caseload, or with `whole_program` their program's."""
    values = {
        **access.program_scope(user),
        "user_id": user.id,
        "first": today,
        "last": today + timedelta(days=within_days),
        "limit": limit,
    }
    return [
        ExpiringPaper(
            row.family_id,
            joined_name(row.given_names, row.first_surname, row.second_surname) if row.member_id else row.display_name,
            row.document_type,
            row.expires_on,
        )
        for row in session.execute(_expiring_for_dashboard(whole_program), values)
    ]


@cache  # built once, for a caseload and for the whole program, and run with the reader's values
def _expiring_for_dashboard(whole_program: bool) -> AnySelect:
    stmt = (
        access.program_scoped(Document)
        .join(Case, Case.family_id == Family.id)
        .outerjoin(Member, Member.id == Document.member_id)
        .where(
            Case.status != CaseStatus.CLOSED,
            _ending_between(bindparam("first", type_=Date), bindparam("last", type_=Date)),
        )
        .with_only_columns(
            Document.family_id,
            Document.document_type,
            Document.expires_on,
            Document.member_id,
            Family.display_name,
            Member.given_names,
            Member.first_surname,
            Member.second_surname,
        )
        .order_by(Document.expires_on, Document.id)
        .limit(bindparam("limit", type_=Integer))
    )
    return stmt if whole_program else stmt.where(Case.assigned_to_id == bindparam("user_id"))


# Housekeeping: retention, key rotation and orphans.


def forget_family(session: Session, family_id: int, case_ids: list[int]) -> None:
    """Retention anonymizes the household: its documents go, their files once that commits."""
    for key in session.scalars(select(Document.storage_key).where(Document.family_id == family_id)):
        files.discard_after_commit(session, key)
    session.execute(delete(Document).where(Document.family_id == family_id))


def rotate_keys(session: Session) -> str:
    """Under the current field key: every file key re-wrapped (the files stay as they are) and the
    file names re-encrypted."""
    ids = list(session.scalars(select(Document.id).order_by(Document.id)))
    for start in range(0, len(ids), 500):
        for document in session.scalars(select(Document).where(Document.id.in_(ids[start : start + 500]))):
            document.wrapped_key = rewrap_file_key(document.wrapped_key, files.context_of(document.storage_key))
            flag_modified(document, "file_name")  # read with whichever key sealed it, written under the current one
        session.flush()
    record(session, None, AuditAction.CHANGE, OBJECT_TYPE, None, detail=f"keys rotated: {len(ids)} files")
    return f"Documents: {len(ids)} file keys re-wrapped and file names re-encrypted."


def sweep_orphans(session: Session, now: datetime) -> int:
    """Delete stored files that no document row names (an upload whose request died before its
    commit, a deletion the storage refused); files younger than ORPHAN_AFTER may be uploads under way."""
    store = files.storage()
    candidates = [key for key, modified in store.stored() if modified < now - ORPHAN_AFTER]
    removed = 0
    for start in range(0, len(candidates), 500):
        batch = candidates[start : start + 500]
        known = set(session.scalars(select(Document.storage_key).where(Document.storage_key.in_(batch))))
        for key in batch:
            if key not in known:
                store.delete(key)
                removed += 1
    return removed
