"""The caseload import: a file uploaded and sealed, its columns mapped, every row checked and
the duplicates shown, then the households brought in one by one (each all or nothing), by any
process that claims the job. Services add and flush; the request, command or job commits."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import delete, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from casework.accounts.models import User
from casework.accounts.services import program_case_managers
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.cases import services as case_services
from casework.cases.models import Case
from casework.crypto import field_keys, open_file, rewrap_file_key, seal_file
from casework.errors import CaseworkError, Conflict, ValidationError
from casework.exports import csv_lines
from casework.families import services as family_services
from casework.families.identifiers import fold
from casework.families.models import ConsentKind, Family, Relationship
from casework.i18n import lazy_gettext as _l
from casework.releases.services import ReleaseData, create_releases
from casework.uploads import copy_limited
from imports import columns
from imports.models import (
    RUNNING,
    WAITING,
    DuplicateDecision,
    ImportDecision,
    ImportedHousehold,
    ImportFailure,
    ImportFile,
    ImportJob,
    ImportMapping,
    ImportStatus,
)
from imports.reading import Table, open_table
from imports.rows import DateRow, Household, Lookups, PersonRow, Problem, check_household, group_households, read_person
from imports.values import date_orders_of
from scheduling import api as scheduling
from scheduling.api import OFFICE_FOR_KIND, AppointmentData, AppointmentKind

FILE_CONTEXT = "import_files.sealed"
DEFAULT_MAPPING = "default"
LEASE = timedelta(minutes=5)
KEPT = timedelta(days=30)  # failed rows after the end, and files of imports never started
MAX_ATTEMPTS = 5  # a job that fails this often stops, rather than fail every few minutes forever
BATCH = 25  # households per transaction while importing
SHOWN_PROBLEMS = 200


# The file -------------------------------------------------------------------------------------


def upload(session: Session, user: User, source: BinaryIO, filename: str, max_bytes: int) -> ImportJob:
    """Keep the file sealed, read its header row and guess the columns (the program's saved
    mapping first). A file too large, empty or unreadable is refused before anything is kept."""
    with tempfile.TemporaryDirectory(prefix="casework-import-") as folder:
        path = Path(folder) / "upload"
        size = copy_limited(
            source,
            path,
            max_bytes,
            str(_l("The file is larger than %(mb)d MB; split it in parts.", mb=max_bytes // 1_000_000)),
        )
        table = open_table(path, filename)
        job = ImportJob(
            program_id=user.organization_id,
            created_by_id=user.id,
            status=ImportStatus.MAPPING,
            filename=filename[:200],
            encoding=table.encoding,
            delimiter=table.delimiter,
            headers=table.headers,
        )
        sealed = io.BytesIO()
        with path.open("rb") as plain:
            wrapped = seal_file(plain, sealed, FILE_CONTEXT)
        job.file = ImportFile(wrapped_key=wrapped, sealed=sealed.getvalue(), size=size)
    saved = saved_mapping(session, user.organization_id)
    job.mapping = {str(i): key for i, key in guess(table.headers, saved).items()}
    job.date_order = saved.date_order if saved else None
    session.add(job)
    session.flush()
    record(session, user, AuditAction.CREATE, "import", job.id, detail=f"{size} bytes")
    return job


@contextmanager
def opened(job: ImportJob) -> Iterator[Table]:
    """The job's file, opened into a temporary file that is gone when the block ends."""
    if job.file is None:
        raise Conflict(str(_l("This import's file is no longer kept; upload it again.")))
    with tempfile.TemporaryDirectory(prefix="casework-import-") as folder:
        path = Path(folder) / "file"
        with path.open("wb") as plain:
            open_file(io.BytesIO(job.file.sealed), plain, job.file.wrapped_key, FILE_CONTEXT)
        yield open_table(path, "")


def first_rows(job: ImportJob, count: int = 2) -> list[list[str]]:
    """The file's first rows, shown beside the columns while the person maps them."""
    with opened(job) as table:
        return [cells for _n, cells in islice(table.rows(), count)]


def _drop_file(job: ImportJob) -> None:
    """The import has ended: its file and its preview (what was typed) are no longer kept."""
    job.file = None
    job.preview = None


def stored_preview(job: ImportJob) -> Preview:
    """What the check found, as it was when the mapping was last saved."""
    if job.preview is None:
        raise Conflict(str(_l("Check the file before importing it.")))
    return Preview.from_json(job.preview)


# The mapping ----------------------------------------------------------------------------------


def saved_mapping(session: Session, program_id: int) -> ImportMapping | None:
    return session.scalars(
        select(ImportMapping).where(ImportMapping.program_id == program_id, ImportMapping.name == DEFAULT_MAPPING)
    ).first()


def guess(headers: list[str], saved: ImportMapping | None) -> dict[int, str]:
    """The program's earlier choice for a header it has seen, the headers' usual names for the rest."""
    found = columns.guess_mapping(headers)
    if saved is None:
        return found
    chosen = {i: saved.fields[fold(h).strip()] for i, h in enumerate(headers) if fold(h).strip() in saved.fields}
    for index, key in found.items():
        if index not in chosen and key not in chosen.values():
            chosen[index] = key
    return chosen


def set_mapping(
    session: Session,
    user: User,
    job: ImportJob,
    mapping: dict[int, str],
    date_order: str | None,
    today: date | None = None,
    name: str = DEFAULT_MAPPING,
) -> Preview | None:
    """The person's mapping, checked and kept for the program's next file under `name`; with
    `today`, every row is then checked (see `check`) and the job waits for its start. Refused
    when the file's dates could be read two ways and `date_order` does not say which."""
    _check_waiting(job)
    columns.check_mapping(mapping, len(job.headers))
    if date_order not in (None, "dmy", "mdy"):
        raise ValidationError(str(_l("Choose how the dates are written.")), "date_order")
    job.mapping = {str(i): key for i, key in sorted(mapping.items())}
    job.date_order = date_order
    job.status = ImportStatus.MAPPING
    name = name.strip() or DEFAULT_MAPPING
    saved = session.scalars(
        select(ImportMapping).where(ImportMapping.program_id == job.program_id, ImportMapping.name == name)
    ).first()
    if saved is None:
        saved = ImportMapping(program_id=job.program_id, name=name, fields={})
        session.add(saved)
    saved.fields = {**saved.fields, **{fold(job.headers[i]).strip(): key for i, key in mapping.items()}}
    saved.date_order = date_order
    session.flush()
    if today is None:
        return None
    preview = check(session, job, today)
    if preview.asks_date_order:
        raise ValidationError(
            str(_l("Some dates could be day/month or month/day: say how the file writes them.")), "date_order"
        )
    job.date_order = preview.date_order
    job.rows_total, job.households_total = preview.rows, preview.households
    job.preview = preview.to_json()
    job.status = ImportStatus.CHECKED
    session.flush()
    return preview


def _check_waiting(job: ImportJob) -> None:
    if job.status not in WAITING:
        raise Conflict(str(_l("This import has already started or ended.")))


# Checking: the preview ------------------------------------------------------------------------


@dataclass
class Duplicate:
    household: int
    label: str
    rows: list[int]
    family_id: int | None  # the family already here; None for a person twice in the file
    family_name: str
    reason: str


@dataclass
class Preview:
    rows: int = 0
    households: int = 0
    failing_households: int = 0
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    already_imported: int = 0
    past_dates: int = 0
    dates: int = 0
    date_orders: set[str] = field(default_factory=set)
    date_order: str | None = None  # as said, or as the file's dates decide it

    @property
    def asks_date_order(self) -> bool:
        return len(self.date_orders) > 1

    @property
    def ready(self) -> int:
        return self.households - self.failing_households - self.already_imported

    def to_json(self) -> str:
        facts = asdict(self)
        facts["date_orders"] = sorted(self.date_orders)
        return json.dumps(facts, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Preview:
        facts = json.loads(text)
        facts["problems"] = [Problem(**p) for p in facts["problems"]]
        facts["duplicates"] = [Duplicate(**d) for d in facts["duplicates"]]
        facts["date_orders"] = set(facts["date_orders"])
        return cls(**facts)


def lookups_for(session: Session, job: ImportJob, today: date) -> Lookups:
    offices = [
        (o.id, o.name)
        for o in scheduling.program_offices(session, job.program_id)
        if o.active and o.kind is OFFICE_FOR_KIND[AppointmentKind.ICE_CHECK_IN]
    ]
    return Lookups(
        today=today,
        date_order=job.date_order,
        courts=[(c.id, c.name, c.city) for c in scheduling.active_courts(session)],
        check_in_offices=offices,
        staff_by_email={u.email.lower(): u.id for u in program_case_managers(session, job.program_id)},
    )


def households_of(table: Table, job: ImportJob, lookups: Lookups) -> Iterator[Household]:
    mapping = job.mapped()
    for household in group_households(read_person(n, cells, mapping, lookups) for n, cells in table.rows()):
        check_household(household)
        yield household


DATE_FIELDS = ("date_of_birth", "released_on", "hearing_date", "check_in_date")


def _date_texts(table: Table, job: ImportJob) -> Iterator[str]:
    indexes = [i for i, key in job.mapped().items() if key in DATE_FIELDS]
    for _n, cells in table.rows():
        for i in indexes:
            if i < len(cells) and cells[i]:
                yield cells[i]


def check(session: Session, job: ImportJob, today: date) -> Preview:
    """Every row read as the import will read it: problems by row and column, households that
    match a family already here (or each other), households a past import brought in already.
    When the file's dates could be day/month or month/day and nothing says which, it stops there
    (`asks_date_order`). Reads only: the preview may be shown as often as wanted."""
    preview = Preview(date_order=job.date_order)
    lookups = lookups_for(session, job, today)
    blind = field_keys().blind_index
    with opened(job) as table:
        if job.date_order is None:
            preview.date_orders = date_orders_of(_date_texts(table, job))
            if preview.asks_date_order:
                return preview
            if len(preview.date_orders) == 1:
                preview.date_order = lookups.date_order = next(iter(preview.date_orders))
        seen = _SeenPeople()
        batch: list[Household] = []
        for household in households_of(table, job, lookups):
            preview.households += 1
            preview.rows += len(household.people)
            problems = household.problems
            dates = {d for person in household.people for d in person.dates}  # shared dates once
            preview.dates += sum(1 for d in dates if not d.past)
            preview.past_dates += sum(1 for d in dates if d.past)
            if problems:
                preview.failing_households += 1
                room = max(SHOWN_PROBLEMS - len(preview.problems), 0)
                preview.problems.extend(problems[:room])
                preview.more_problems += max(len(problems) - room, 0)
                continue
            twice = seen.add(household)
            if twice is not None:
                preview.duplicates.append(twice)
            batch.append(household)
            if len(batch) >= 500:
                _against_existing(session, job, batch, blind, preview)
                batch = []
        _against_existing(session, job, batch, blind, preview)
    return preview


class _SeenPeople:
    """People already met in the file, by A-number and by folded name and birth date. Held as
    8-byte digests, with each household's name once: memory for a 100,000-row file stays small,
    and no one's identifiers sit in clear in the process."""

    def __init__(self) -> None:
        self.households: dict[int, int] = {}  # digest of a person's key -> their household
        self.labels: dict[int, str] = {}

    def add(self, household: Household) -> Duplicate | None:
        found = None
        for person in household.people:
            for key in _person_keys(person):
                earlier = self.households.setdefault(key, household.index)
                if earlier != household.index and found is None:
                    found = Duplicate(
                        household.index,
                        household.label,
                        [p.row for p in household.people],
                        None,
                        self.labels[earlier],
                        str(_l("the same person is in an earlier household of the file")),
                    )
        self.labels[household.index] = household.label
        return found


def _person_keys(person: PersonRow) -> list[int]:
    m = person.member
    keys = []
    if m.a_number:
        keys.append("a:" + m.a_number)
    if m.date_of_birth:
        keys.append(f"n:{fold(m.given_names).split()[:1]}|{fold(m.first_surname)}|{m.date_of_birth.isoformat()}")
    return [int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") for key in keys]


def _against_existing(
    session: Session, job: ImportJob, households: list[Household], blind: Callable[[str], str], preview: Preview
) -> None:
    if not households:
        return
    prints = {household.fingerprint(blind): household for household in households}
    done = set(
        session.scalars(
            select(ImportedHousehold.fingerprint).where(
                ImportedHousehold.program_id == job.program_id, ImportedHousehold.fingerprint.in_(list(prints))
            )
        )
    )
    preview.already_imported += len(done)
    waiting = [h for fp, h in prints.items() if fp not in done]
    for household, matches in family_services.existing_duplicates(
        session, job.program_id, [(h, [p.member for p in h.people]) for h in waiting]
    ):
        family, reason = matches[0]
        preview.duplicates.append(
            Duplicate(
                household.index,
                household.label,
                [p.row for p in household.people],
                family.id,
                family.display_name,
                reason,
            )
        )


# Starting, cancelling --------------------------------------------------------------------------


def start(
    session: Session, user: User, job: ImportJob, decisions: dict[int, tuple[DuplicateDecision, int | None]]
) -> None:
    """The person's choice for each duplicate (skip when none was made); the job waits for a worker."""
    if job.status is not ImportStatus.CHECKED:
        raise Conflict(str(_l("Check the file before importing it.")))
    session.execute(delete(ImportDecision).where(ImportDecision.job_id == job.id))
    for household, (decision, family_id) in decisions.items():
        if decision is DuplicateDecision.MERGE:
            family = session.get(Family, family_id) if family_id else None
            if family is None or family.program_id != job.program_id or family.anonymized_at is not None:
                raise ValidationError(str(_l("Choose a family of your program to merge into.")), "decisions")
        session.add(
            ImportDecision(
                job_id=job.id,
                household=household,
                decision=decision,
                family_id=family_id if decision is DuplicateDecision.MERGE else None,
            )
        )
    job.status = ImportStatus.QUEUED
    job.claimed_until = None
    record(session, user, AuditAction.CHANGE, "import", job.id, detail="started")
    session.flush()


def cancel(session: Session, user: User, job: ImportJob, now: datetime) -> None:
    """Stop an import: what was brought in stays (each household is whole); the file is deleted."""
    if job.status in (ImportStatus.DONE, ImportStatus.CANCELLED):
        raise Conflict(str(_l("This import has already ended.")))
    job.status = ImportStatus.CANCELLED
    job.finished_at = now
    job.claim_token = None
    _drop_file(job)
    record(session, user, AuditAction.CHANGE, "import", job.id, detail="cancelled")
    session.flush()


# Importing ------------------------------------------------------------------------------------


def claim(session: Session, now: datetime) -> ImportJob | None:
    """Take a queued import, or one whose worker's lease ran out, under a fresh lease."""
    due = (
        select(ImportJob.id)
        .where(
            ImportJob.status.in_(RUNNING),
            (ImportJob.claimed_until.is_(None)) | (ImportJob.claimed_until < now),
        )
        .order_by(ImportJob.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    job_id = session.scalars(due).first()
    if job_id is None:
        return None
    return take(session, session.get(ImportJob, job_id), now)


def take(session: Session, job: ImportJob | None, now: datetime) -> ImportJob | None:
    """Work `job` in this process, under a fresh lease, unless another process holds it."""
    if job is None:
        return None
    token = secrets.token_hex(16)
    taken = session.execute(
        update(ImportJob)
        .where(
            ImportJob.id == job.id,
            ImportJob.status.in_(RUNNING),
            (ImportJob.claimed_until.is_(None)) | (ImportJob.claimed_until < now),
        )
        .values(
            status=ImportStatus.IMPORTING, claim_token=token, claimed_until=now + LEASE, attempts=ImportJob.attempts + 1
        )
        .execution_options(synchronize_session=False)
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        return None
    session.refresh(job)
    if job.started_at is None:
        job.started_at = now
    return job


@dataclass
class BatchResult:
    households: int = 0
    finished: bool = False


NextBatch = Callable[[datetime], BatchResult]


@contextmanager
def import_run(session: Session, job: ImportJob, today: date, size: int | None = None) -> Iterator[NextBatch]:
    """The households after `job.position`, in batches: each call imports the next `size`. The new
    ones of a batch are written together in a savepoint; should that fail, one by one, each in
    its own, so that a household with a problem, or one refused while written, leaves nothing and
    is recorded as failed. The caller commits after each batch, with the job's new position, so a
    crash repeats at most a batch, and a repeated household is found by its fingerprint and not
    created again. The file is read once for the whole run."""
    if job.status is not ImportStatus.IMPORTING:
        raise Conflict(str(_l("This import is not running.")))
    actor = session.get(User, job.created_by_id)
    assert actor is not None
    lookups = lookups_for(session, job, today)
    decisions = {
        d.household: (d.decision, d.family_id)
        for d in session.scalars(select(ImportDecision).where(ImportDecision.job_id == job.id))
    }
    blind = field_keys().blind_index
    size = size or BATCH
    with opened(job) as table:
        start_at = job.position
        households = (h for h in households_of(table, job, lookups) if h.index >= start_at)

        def next_batch(now: datetime) -> BatchResult:
            result = BatchResult()
            batch = list(islice(households, size))
            prints = {h.index: h.fingerprint(blind) for h in batch if not h.problems}
            done = set(
                session.scalars(
                    select(ImportedHousehold.fingerprint).where(
                        ImportedHousehold.program_id == job.program_id,
                        ImportedHousehold.fingerprint.in_(list(prints.values())),
                    )
                )
            )
            creating: list[tuple[Household, str]] = []
            for household in batch:
                fingerprint = prints.get(household.index, "")
                decision = decisions.get(household.index)
                if household.problems or fingerprint in done or decision is not None:
                    _import_one(session, actor, job, household, decision, fingerprint, fingerprint in done, now, today)
                else:
                    creating.append((household, fingerprint))
            _create_together(session, actor, job, creating, now, today)
            if batch:
                job.position = batch[-1].index + 1
            result.households = len(batch)
            if len(batch) < size:
                result.finished = True
                _finish(session, actor, job, now)
            job.claimed_until = now + LEASE
            session.flush()
            return result

        yield next_batch


def _finish(session: Session, actor: User, job: ImportJob, now: datetime) -> None:
    job.status = ImportStatus.DONE
    job.finished_at = now
    job.claim_token = None
    _drop_file(job)
    record(
        session,
        actor,
        AuditAction.CHANGE,
        "import",
        job.id,
        detail=f"done: {job.created_count} created, {job.merged_count} merged, "
        f"{job.skipped_count} skipped, {job.failed_count} failed",
    )


def _import_one(
    session: Session,
    actor: User,
    job: ImportJob,
    household: Household,
    decision: tuple[DuplicateDecision, int | None] | None,
    fingerprint: str,
    already: bool,
    now: datetime,
    today: date,
) -> None:
    if household.problems:
        _fail(session, job, household, household.problems)
        return
    chosen, merge_into = decision if decision is not None else (None, None)
    if already or chosen is DuplicateDecision.SKIP:
        job.skipped_count += 1
        return
    merging = chosen is DuplicateDecision.MERGE and merge_into is not None
    try:
        with session.begin_nested():  # the household whole, or nothing of it
            if merging and merge_into is not None:
                family = _merge(session, actor, household, merge_into, today)
                dates = _add_dates(session, actor, [(household, _current_case(session, family))])
                _remember(session, actor, job, [(household, fingerprint, family)], now)
            else:
                dates = _write(session, actor, job, [(household, fingerprint)], now, today)
    except CaseworkError as error:
        _fail(session, job, household, [Problem(_row_of(household, today), error.field or "", "", error.message)])
        return
    except (IntegrityError, DataError):
        _fail(
            session,
            job,
            household,
            [Problem(household.head.row, "", "", str(_l("The database refused this household.")))],
        )
        return
    job.appointments_count += dates
    if merging:
        job.merged_count += 1
    else:
        job.created_count += 1


def _create_together(
    session: Session,
    actor: User,
    job: ImportJob,
    households: list[tuple[Household, str]],
    now: datetime,
    today: date,
) -> None:
    """New households of a batch written together; should a service refuse one of them, they are
    taken again one by one, so that only that household fails."""
    if not households:
        return
    try:
        with session.begin_nested():
            dates = _write(session, actor, job, households, now, today)
    except (CaseworkError, IntegrityError, DataError):
        for household, fingerprint in households:
            _import_one(session, actor, job, household, None, fingerprint, False, now, today)
        return
    job.created_count += len(households)
    job.appointments_count += dates


def _write(
    session: Session,
    actor: User,
    job: ImportJob,
    households: list[tuple[Household, str]],
    now: datetime,
    today: date,
) -> int:
    """New households with their members, consents, addresses, cases, releases and dates; returns
    how many dates were added."""
    made = family_services.create_households(
        session, actor, [_new_household(household) for household, _fingerprint in households], today
    )
    for (household, _fingerprint), (family, _case) in zip(households, made, strict=True):
        for person, member in zip(_head_first(household), family.members, strict=True):
            person.member_id = member.id
    releases = [
        (family, release)
        for (household, _fingerprint), (family, _case) in zip(households, made, strict=True)
        if (release := _release_of(household)) is not None
    ]
    create_releases(session, actor, releases, today)
    dates = _add_dates(
        session, actor, [(household, case) for (household, _fp), (_f, case) in zip(households, made, strict=True)]
    )
    _remember(
        session, actor, job, [(h, fp, family) for (h, fp), (family, _case) in zip(households, made, strict=True)], now
    )
    return dates


def _head_first(household: Household) -> list[PersonRow]:
    head = household.head
    return [head, *(p for p in household.people if p is not head)]


def _new_household(household: Household) -> family_services.NewHousehold:
    people = _head_first(household)
    return family_services.NewHousehold(
        people=[p.member for p in people],
        consents=[_consents_of(p) for p in people],
        address=next((p.address for p in people if p.address), None),
        assign_to_id=next((p.case_manager_id for p in people if p.case_manager_id), None),
    )


def _row_of(household: Household, today: date) -> int:
    """The row a refusal of the whole household most likely came from: the first person the
    member rules refuse, else the head's."""
    for person in _head_first(household):
        try:
            family_services.check_member(person.member, today)
        except CaseworkError:
            return person.row
    return household.head.row


def _remember(
    session: Session, actor: User, job: ImportJob, households: list[tuple[Household, str, Family]], now: datetime
) -> None:
    """The households now here, by fingerprint, so that no later run brings them in again."""
    for _household, fingerprint, family in households:
        session.add(
            ImportedHousehold(
                program_id=job.program_id, fingerprint=fingerprint, family_id=family.id, job_id=job.id, imported_at=now
            )
        )
        record(session, actor, AuditAction.CREATE, "imported_household", job.id, family.id)
    session.flush()


CONSENTS = (("sms_consent", ConsentKind.SMS_REMINDERS), ("email_consent", ConsentKind.EMAIL_REMINDERS))


def _consents_of(person: PersonRow) -> list[ConsentKind]:
    return [kind for attr, kind in CONSENTS if getattr(person, attr)]


def _add_person(session: Session, actor: User, family: Family, person: PersonRow, today: date) -> None:
    member = family_services.add_member(session, actor, family, person.member, today)
    person.member_id = member.id
    for kind in _consents_of(person):
        family_services.record_consent(session, actor, member, kind, today, today)


def _merge(session: Session, actor: User, household: Household, family_id: int, today: date) -> Family:
    """New people join the existing household; people already in it are left as they are."""
    family = session.get(Family, family_id)
    if family is None:
        raise ValidationError(str(_l("The family to merge into no longer exists.")), "decisions")
    for person in household.people:
        existing = family_services.same_member(family, person.member)
        if existing is not None:
            person.member_id = existing.id
            continue
        if person.member.relationship_to_head is Relationship.HEAD:
            person.member.relationship_to_head = Relationship.OTHER_RELATIVE
        _add_person(session, actor, family, person, today)
    if case_services.current_case(session, family) is None:
        manager = next((p.case_manager_id for p in household.people if p.case_manager_id), None)
        case_services.open_case(session, actor, family, today, manager)
    return family


def _release_of(household: Household) -> ReleaseData | None:
    """The household's release record: the earliest release its rows give with agency and kind."""
    released = [p for p in household.people if p.released_on and p.release_agency and p.release_type]
    if not released:
        return None
    first = min(released, key=lambda p: p.released_on or date.max)
    assert first.released_on and first.release_agency and first.release_type
    return ReleaseData(released_on=first.released_on, agency=first.release_agency, release_type=first.release_type)


def _current_case(session: Session, family: Family) -> Case:
    case = case_services.current_case(session, family)
    assert case is not None  # _merge opens one when there is none
    return case


def _add_dates(session: Session, actor: User, households: list[tuple[Household, Case]]) -> int:
    """The upcoming dates of the households' rows, one appointment for the people sharing one."""
    dates: list[tuple[Case, AppointmentData]] = []
    for household, case in households:
        people: dict[DateRow, list[int]] = {}
        for person in household.people:
            for row in person.dates:
                if not row.past and person.member_id is not None:
                    people.setdefault(row, []).append(person.member_id)
        dates.extend(
            (
                case,
                AppointmentData(
                    kind=row.kind,
                    member_ids=member_ids,
                    local_date=row.local_date,
                    local_time=row.local_time,
                    court_id=row.court_id,
                    office_id=row.office_id,
                ),
            )
            for row, member_ids in people.items()
        )
    if dates:
        scheduling.create_appointments(session, actor, dates)
    return len(dates)


def _fail(session: Session, job: ImportJob, household: Household, problems: list[Problem]) -> None:
    job.failed_count += 1
    by_row: dict[int, list[str]] = {}
    for problem in problems:
        label = str(columns.LABELS.get(problem.field, problem.field))
        by_row.setdefault(problem.row, []).append(f"{label}: {problem.message}" if label else problem.message)
    for person in household.people:
        session.add(
            ImportFailure(
                job_id=job.id,
                row_number=person.row,
                cells=json.dumps(person.cells, ensure_ascii=False),
                errors="; ".join(by_row.get(person.row, [str(_l("another row of this household has a problem"))])),
            )
        )
    session.flush()


# The end: summary and failed rows ----------------------------------------------------------------


def failed_rows_csv(session: Session, job: ImportJob) -> Iterator[str]:
    """The failed rows as they were typed, with their errors in a last column, ready to fix and
    upload again (UTF-8 with BOM, formula-safe)."""
    stmt = select(ImportFailure).where(ImportFailure.job_id == job.id).order_by(ImportFailure.row_number)
    failures = session.scalars(stmt.execution_options(yield_per=500))
    yield "\ufeff"
    yield from csv_lines(
        [*job.headers, str(_l("Errors"))], ([*failure.cell_values(), failure.errors] for failure in failures)
    )


def note_failure(session: Session, job_id: int, error: BaseException, now: datetime) -> None:
    """A worker failed on this job (its batch rolled back): say so on the job and, after
    MAX_ATTEMPTS claims, stop it. The message names the kind of fault only, never row data."""
    job = session.get(ImportJob, job_id)
    if job is None or job.status is not ImportStatus.IMPORTING:
        return
    job.error = type(error).__name__
    if job.attempts >= MAX_ATTEMPTS:
        job.status = ImportStatus.STOPPED
        job.finished_at = now
        job.claim_token = None
        _drop_file(job)
        record(session, None, AuditAction.CHANGE, "import", job.id, detail=f"stopped: {job.error}")
    session.flush()


def prune(session: Session, now: datetime) -> int:
    """Personal data the import no longer needs: the failed rows of imports ended over KEPT ago,
    and imports left waiting that long (cancelled, their files deleted). Returns how many."""
    cutoff = now - KEPT
    ended = select(ImportJob.id).where(ImportJob.status.not_in([*WAITING, *RUNNING]), ImportJob.finished_at < cutoff)
    failures = session.execute(delete(ImportFailure).where(ImportFailure.job_id.in_(ended)))
    abandoned = list(
        session.scalars(select(ImportJob).where(ImportJob.status.in_(WAITING), ImportJob.updated_at < cutoff))
    )
    for job in abandoned:
        job.status = ImportStatus.CANCELLED
        job.finished_at = now
        _drop_file(job)
        record(session, None, AuditAction.CHANGE, "import", job.id, detail="cancelled: left waiting")
    session.flush()
    return int(failures.rowcount or 0) + len(abandoned)  # type: ignore[attr-defined]


def rotate_keys(session: Session) -> str:
    """Under the current field key: the waiting files' keys re-wrapped (the files stay as they
    are), the file names and the failed rows re-encrypted."""
    files = jobs = failures = 0
    for sealed in session.scalars(select(ImportFile)):
        sealed.wrapped_key = rewrap_file_key(sealed.wrapped_key, FILE_CONTEXT)
        files += 1
    for job in session.scalars(select(ImportJob)):
        flag_modified(job, "filename")  # read with whichever key sealed it, written under the current one
        if job.preview is not None:
            flag_modified(job, "preview")
        jobs += 1
    for failure in session.scalars(select(ImportFailure).execution_options(yield_per=500)):
        flag_modified(failure, "cells")
        failures += 1
    session.flush()
    record(session, None, AuditAction.CHANGE, "import", None, detail=f"keys rotated: {files} files")
    return f"Caseload imports: {files} file keys re-wrapped, {jobs} file names and {failures} failed rows re-encrypted."


def forget_household(session: Session, family_id: int, case_ids: list[int]) -> None:
    """Retention anonymizes a household: nothing keyed on who they were stays (the fingerprint)."""
    session.execute(delete(ImportedHousehold).where(ImportedHousehold.family_id == family_id))
    session.execute(update(ImportDecision).where(ImportDecision.family_id == family_id).values(family_id=None))


def jobs_of(session: Session, program_id: int, limit: int = 20) -> list[ImportJob]:
    return list(
        session.scalars(
            select(ImportJob)
            .where(ImportJob.program_id == program_id)
            .order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
            .limit(limit)
        )
    )
