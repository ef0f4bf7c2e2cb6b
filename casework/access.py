"""Who may see what. Every view loads personal records through this module, nowhere else.

`family_clause(user)` is the one rule, as SQL; the loaders apply it to a single record and
answer 404 for anything outside the user's reach, so that ids of other programs' records
cannot be told apart from ids that do not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache, wraps
from typing import Any, NoReturn, TypeVar, cast

from flask import abort, has_request_context
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, bindparam, false, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from casework.accounts.models import PROGRAM_ROLES, Role, User
from casework.cases.models import Case, Note, Task
from casework.community.models import ServiceReferral
from casework.families.models import Address, Consent, Family, Member
from casework.releases.models import Release, ReleaseDocument
from casework.schooling.models import SchoolEnrollment
from casework.security import login_manager

T = TypeVar("T")


@dataclass(frozen=True)
class Grant:
    """How people outside a program reach some of its families, as a domain defines it (a legal
    partner: the families of the cases referred to it). `models` are the kinds of record the
    reach includes; `narrow` adds conditions per kind (a partner sees its own referrals only)."""

    applies: Callable[[User], bool]
    families: Callable[[User], ColumnElement[bool]]
    models: frozenset[type]
    narrow: dict[type, Callable[[User], ColumnElement[bool]]] = field(default_factory=dict)


_GRANTS: list[Grant] = []


def register_grant(grant: Grant) -> None:
    _GRANTS.append(grant)


def grant_for(user: User) -> Grant | None:
    if not (user.is_authenticated and user.active) or user.in_program:
        return None
    return next((g for g in _GRANTS if g.applies(user)), None)


def family_clause(user: User) -> ColumnElement[bool]:
    """SQL condition on `Family` true for the families `user` may see."""
    if in_program(user):
        return organization_families(user)
    grant = grant_for(user)
    return grant.families(user) if grant is not None else false()


def organization_families(user: User) -> ColumnElement[bool]:
    """A grant's reach when it is the families of the user's own organization (an in-country
    organization's staff: the households it received). Such a reach is a program's, as SQL: the
    statements of `program_scoped` serve it (`organization_scope`)."""
    return Family.program_id == user.organization_id


def scoped_families(user: User) -> Select[Family]:
    return select(Family).where(family_clause(user))


# How each kind of record reaches its family, as joins added to `select(model)`.
_PATHS: dict[type, Callable[[Select[Any]], Select[Any]]] = {
    Family: lambda q: q,
    Member: lambda q: q.join(Family, Member.family_id == Family.id),
    Address: lambda q: q.join(Family, Address.family_id == Family.id),
    Release: lambda q: q.join(Family, Release.family_id == Family.id),
    ReleaseDocument: lambda q: q.join(Release, ReleaseDocument.release_id == Release.id).join(
        Family, Release.family_id == Family.id
    ),
    Case: lambda q: q.join(Family, Case.family_id == Family.id),
    Consent: lambda q: q.join(Member, Consent.member_id == Member.id).join(Family, Member.family_id == Family.id),
    SchoolEnrollment: lambda q: q.join(Member, SchoolEnrollment.member_id == Member.id).join(
        Family, Member.family_id == Family.id
    ),
    Note: lambda q: q.join(Case, Note.case_id == Case.id).join(Family, Case.family_id == Family.id),
    Task: lambda q: q.join(Case, Task.case_id == Case.id).join(Family, Case.family_id == Family.id),
    ServiceReferral: lambda q: q.join(Case, ServiceReferral.case_id == Case.id).join(
        Family, Case.family_id == Family.id
    ),
}


def register_path(model: type, path: Callable[[Select[Any]], Select[Any]]) -> None:
    """A domain package says how its family-bound records reach their family."""
    _PATHS[model] = path


def scoped(model: type[T], user: User) -> Select[T]:
    """`select(model)` narrowed to the records `user` may see."""
    query = _PATHS[model](select(model))
    grant = grant_for(user)
    if grant is None:
        return query.where(family_clause(user))
    if model not in grant.models:
        return query.where(false())
    query = query.where(grant.families(user))
    if model in grant.narrow:
        query = query.where(grant.narrow[model](user))
    return query


# The same rule for a program's own staff, with the program as a bound value: a statement built on
# it once can be kept and run for every reader of any program (the report pages build theirs once).
PROGRAM_SCOPE = "scope_program_id"


@cache
def program_scoped(model: type[T]) -> Select[T]:
    """`select(model)` narrowed to one program's records, the program bound at execution: run it
    with `program_scope(user)` for a program's staff, or `organization_scope(user, model)` where
    that is not None (`scoped` for anyone else)."""
    return _PATHS[model](select(model)).where(Family.program_id == bindparam(PROGRAM_SCOPE))


def program_scope(user: User) -> dict[str, int]:
    """The bound value of `program_scoped` for `user`: their program, as `family_clause` says."""
    if not in_program(user):
        raise PermissionError("program_scoped statements are for a program's own staff")
    return {PROGRAM_SCOPE: user.organization_id}


def organization_scope(user: User, model: type) -> dict[str, int] | None:
    """The bound value with which `program_scoped(model)` is exactly `scoped(model, user)`: for a
    program's staff, and for people whose grant reaches their own organization's families (and
    `model` without narrowing); None for anyone else, whom `scoped` serves."""
    if in_program(user):
        return program_scope(user)
    grant = grant_for(user)
    if grant is not None and grant.families is organization_families and model in grant.models:
        return None if model in grant.narrow else {PROGRAM_SCOPE: user.organization_id}
    return None


def reach(user: User, model: type[T]) -> tuple[Select[T], dict[str, int]]:
    """`scoped(model, user)` as a statement kept from one request to the next and its bound
    values: `program_scoped(model)` where `organization_scope` serves `user`, else `scoped` itself
    (a new statement) with none."""
    values = organization_scope(user, model)
    return (program_scoped(cast(Any, model)), values) if values is not None else (scoped(model, user), {})


def get_or_404(session: Session, user: User, model: type[T], record_id: int, *options: ORMOption) -> T:
    """The record if `user` may see it, loaded with `options` (what the page shows of it, in the same
    statements); else 404, and a refusal of an existing record audited."""
    scope = organization_scope(user, model)
    if scope is not None:
        query: Select[Any] = _program_record(cast(Any, model), options)
        values = {**scope, "record_id": record_id}
    else:
        query, values = scoped(model, user).where(model.id == record_id).options(*options), {}  # type: ignore[attr-defined]
    record = cast("T | None", session.scalars(query, values).unique().first())
    if record is None:
        if session.scalar(select(model.id).where(model.id == record_id)) is not None:  # type: ignore[attr-defined]
            _audit_refusal(session, user, model.__tablename__, record_id)  # type: ignore[attr-defined]
        abort(404)
    return record


def in_program(user: User) -> bool:
    """Whether `user` is a program's own staff, whom `program_scoped` statements are for."""
    return bool(user.is_authenticated and user.active and user.in_program)


@lru_cache(maxsize=256)  # the same options each time (a page's are built once): one statement per page
def _program_record(model: Any, options: tuple[ORMOption, ...]) -> Select[Any]:
    """`get_or_404`'s statement for a program's staff, built once and run with the record's id and
    the reader's program, rather than built and keyed again at every request."""
    return program_scoped(model).where(model.id == bindparam("record_id")).options(*options)


def _audit_refusal(session: Session, user: User, object_type: str, object_id: int | None) -> None:
    """A refused access is written at once, on its own: the request that caused it changes nothing."""
    from casework.audit.models import AuditAction
    from casework.audit.services import record

    session.rollback()
    record(session, user, AuditAction.REFUSED, object_type, object_id)
    session.commit()


def get_program_record_or_404(session: Session, user: User, model: type[T], record_id: int) -> T:
    """Records a program owns rather than a family (its offices, its settings)."""
    record = session.get(model, record_id)
    in_reach = in_program(user)
    if record is None or not in_reach or record.program_id != user.organization_id:  # type: ignore[attr-defined]
        if record is not None:
            _audit_refusal(session, user, model.__tablename__, record_id)  # type: ignore[attr-defined]
        abort(404)
    return record


def scoped_owned(model: type[T], user: User) -> Select[T]:
    """Records an organization owns rather than a family (an in-country organization's directory):
    its own staff's, whatever the organization's kind."""
    if not (user.is_authenticated and user.active) or user.role not in PROGRAM_ROLES:
        return select(model).where(false())
    return select(model).where(model.organization_id == user.organization_id)  # type: ignore[attr-defined]


def get_owned_or_404(session: Session, user: User, model: type[T], record_id: int) -> T:
    record = session.scalars(scoped_owned(model, user).where(model.id == record_id)).first()  # type: ignore[attr-defined]
    if record is None:
        if session.get(model, record_id) is not None:
            _audit_refusal(session, user, model.__tablename__, record_id)  # type: ignore[attr-defined]
        abort(404)
    return record


def get_family_or_404(session: Session, user: User, family_id: int, *options: ORMOption) -> Family:
    return get_or_404(session, user, Family, family_id, *options)


def get_member_or_404(session: Session, user: User, member_id: int) -> Member:
    return get_or_404(session, user, Member, member_id)


def get_case_or_404(session: Session, user: User, case_id: int) -> Case:
    return get_or_404(session, user, Case, case_id)


# Capabilities: what a person may do, by name, each a predicate on the user defined once. The core
# defines its own here; each domain registers its own from its init_app. Routes declare theirs with
# `@requires(name)`, templates ask `can(name)`, and the menu shows a link when its capability holds.

_CAPABILITIES: dict[str, Callable[[User], bool]] = {}


def register_capability(name: str, allows: Callable[[User], bool]) -> None:
    """Name what `allows` lets a signed-in, active user do. Registering a name again replaces it
    (each app made, in tests, registers its domains' capabilities again)."""
    _CAPABILITIES[name] = allows


def capability_names() -> frozenset[str]:
    return frozenset(_CAPABILITIES)


def has(user: User, capability: str) -> bool:
    """Whether `user` (possibly anonymous) holds `capability`; an unknown name is an error, not a no."""
    try:
        allows = _CAPABILITIES[capability]
    except KeyError:
        raise LookupError(f"no capability is registered as {capability!r}") from None
    return bool(user.is_authenticated and user.active and allows(user))


def can(capability: str) -> bool:
    """The template helper (`can("manage_users")`): whether the person making the request holds it."""
    return has(current_user._get_current_object(), capability)  # the account itself: read several times


def template_permissions() -> dict[str, Any]:
    """A context processor: a page's `can`, each capability asked of the account making the
    request once per render (the menu and a page's sections ask a dozen, some twice). Templates
    imported without context, and those rendered outside a request, use `can`."""
    if not has_request_context():
        return {}
    answers: dict[str, bool] = {}

    def holds(capability: str) -> bool:
        if capability not in answers:
            answers[capability] = has(current_user._get_current_object(), capability)
        return answers[capability]

    return {"can": holds}


def refuse(user: User) -> NoReturn:
    """A page refused: the refusal is audited at once, on its own, and the answer is 403."""
    from casework.db import db

    _audit_refusal(db.session, user, "page", None)
    abort(403)


V = TypeVar("V", bound=Callable[..., Any])


def requires(capability: str) -> Callable[[V], V]:
    """The one route decorator. Not signed in: the sign-in page. Signed in without the capability:
    the refusal is audited at once and the answer is 403. The view records what it requires
    (`view.required_capability`), which tests/test_access_matrix.py reads."""

    def decorate(view: V) -> V:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not has(current_user, capability):
                refuse(current_user)
            return view(*args, **kwargs)

        wrapper.required_capability = capability  # type: ignore[attr-defined]
        return cast(V, wrapper)

    return decorate


def _signed_in(user: User) -> bool:
    return True


def _program_staff(user: User) -> bool:
    return user.in_program


def _program_admin(user: User) -> bool:
    return user.in_program and user.role is Role.ADMIN


def _program_admin_or_supervisor(user: User) -> bool:
    return user.in_program and user.role in (Role.ADMIN, Role.SUPERVISOR)


def _reaches_families(user: User) -> bool:
    return user.in_program or grant_for(user) is not None


# Their own account: the account page, two-factor sign-in, signing out.
register_capability("own_account", _signed_in)
# The program's own casework: families, cases, tasks, releases, school, services, dates, offices.
register_capability("program_staff", _program_staff)
# Anyone who reaches some families: program staff, or people a domain grants reach (calendar feed).
register_capability("reach_families", _reaches_families)
# The program's user accounts and sign-in security.
register_capability("manage_users", _program_admin)
# Reference data every program shares: the immigration courts, the legal partners' profiles.
register_capability("edit_reference_data", _program_admin)
# The audit log of a family, the export of every family, the retention list.
register_capability("read_audit", _program_admin_or_supervisor)
# The whole program's view: its reminder policy, its dashboard, the dates to move from closed courts.
register_capability("supervise_program", _program_admin_or_supervisor)
