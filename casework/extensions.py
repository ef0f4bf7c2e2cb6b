"""Where domain packages plug into the core: sections of the family page, links in the main
menu, scheduled jobs, what closing a case does to their dates, the titles of their tasks. The
core renders what is registered and knows no domain by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask.sansio.app import App

# A kind of record a household may have, named, with a function that gives an EXISTS expression on
# the household bound as `family_id` (see casework.cases.services.of_family_cases).
RecordKind = tuple[str, Callable[[], Any]]


@dataclass(frozen=True)
class FamilySection:
    """A template included on the family page, with the context `load` returns for it as `section`.
    `load(session, user, family, case_ids, today, held)`. `kinds`: the records the section lists;
    the family page asks, in one statement with the others', which of them the household has, and
    gives `load` the names of those it has as `held`: a section reads only what is there."""

    template: str
    load: Callable[..., dict[str, Any]]
    kinds: tuple[RecordKind, ...] = ()


@dataclass(frozen=True)
class DashboardSection:
    """A template included on the dashboard with `load(session, user, whole_program, today)` as `section`."""

    template: str
    load: Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class NavLink:
    """A link of the main menu, shown to whoever holds `capability` (casework.access), the one
    the page at `endpoint` requires."""

    endpoint: str
    label: Any  # a lazy string
    capability: str


@dataclass(frozen=True)
class CaseClosing:
    """What a domain keeps dated for a case, and what becomes of it when the case closes or reopens.
    `name` keys this domain's facts in the case's history (casework.cases.models.CaseEvent).

    `ahead(session, case, now)`: what is still ahead, as casework.cases.closing.AheadItem rows.
    `close(session, user, case, choice, now)`: apply the staff's choice (casework.cases.closing
    .AheadChoice, or None when nothing was ahead); returns JSON-able facts of what was done.
    `again(session, case, facts, now)`: on reopening, what could be planned again, given the facts
    its `close` returned (an empty dict when the case was closed before these were recorded).
    `reopen(session, user, case, facts, now)`: plan those again; returns facts of what was done.
    `describe(facts)`: the facts as phrases in the reader's language.
    All of them add and flush; none commits."""

    name: str
    ahead: Callable[..., list]
    close: Callable[..., dict[str, Any]]
    again: Callable[..., list]
    reopen: Callable[..., dict[str, Any]]
    describe: Callable[[dict[str, Any]], list[str]]


@dataclass(frozen=True)
class DocumentSubject:
    """What a document can be about: the household itself, or a domain's record of the family (a
    release, a hearing, a legal referral, a returnee's case). `name` is stored on the document;
    `choices(session, family_id)` lists the family's records of this kind as (id, label) for the
    upload form, `labels(session, ids)` names some of them; whoever holds `capability` may attach
    documents to it. `shared` starts the "shared with partners" box ticked (a referral's papers)."""

    name: str
    label: Any  # a lazy string
    capability: str
    choices: Callable[..., list[tuple[int, str]]]
    labels: Callable[..., dict[int, str]]
    shared: bool = False


@dataclass
class Registry:
    family_sections: list[FamilySection] = field(default_factory=list)
    dashboard_sections: list[DashboardSection] = field(default_factory=list)
    nav_links: list[NavLink] = field(default_factory=list)
    # Links beside "New family" on the family list (a domain's way to bring families in).
    family_list_links: list[NavLink] = field(default_factory=list)
    # (job id, function run inside an app context, APScheduler trigger arguments)
    jobs: list[tuple[str, Callable[[], object], dict]] = field(default_factory=list)
    # Where people outside a program land after signing in: (applies to user, endpoint).
    homes: list[tuple[Callable[..., bool], str]] = field(default_factory=list)
    # Run when retention anonymizes a household: (session, family_id, case_ids) -> None.
    anonymizers: list[Callable[..., None]] = field(default_factory=list)
    # The interface language of a signed-in user who has not chosen one: (session, user) -> locale or None.
    default_locales: list[Callable[..., str | None]] = field(default_factory=list)
    # Run by `casework demo` after the core's demo program exists: (session, program) -> summary line.
    demo_loaders: list[Callable[..., str]] = field(default_factory=list)
    # What closing or reopening a case does to a domain's dates (see CaseClosing).
    case_closing: list[CaseClosing] = field(default_factory=list)
    # Figures for /metrics, read from the database at each scrape: (session, now) -> prometheus_client
    # metric families (casework/monitoring).
    metrics: list[Callable[..., Any]] = field(default_factory=list)
    # Run by `casework keys rotate` after the core's own columns: (session) -> summary line. A domain
    # that seals values or files re-encrypts (or re-wraps) them under the current key here.
    key_rotations: list[Callable[..., str]] = field(default_factory=list)
    # What documents can be attached to, by name (see DocumentSubject); the core adds the household and releases.
    document_subjects: dict[str, DocumentSubject] = field(default_factory=dict)
    # Titles the system gives tasks, by key: casework.cases.titles.TaskTitle, rendered for the reader.
    task_titles: dict[str, Any] = field(default_factory=dict)


def registry(app: App) -> Registry:
    return app.extensions.setdefault("casework.registry", Registry())
