"""The main pages run a fixed number of SQL statements, whatever the size of the caseload or household."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import event, select

from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.cases.models import CaseStatus, ClosedReason
from casework.community.models import ReferralStatus, ServiceCategory, ServiceReferral
from casework.db import Database
from casework.families import services as family_services
from casework.families.identifiers import format_a_number, format_phone
from casework.families.models import ConsentKind, Family, PhoneKind, Relationship, Vulnerability
from casework.families.services import search_token
from casework.releases.models import DocumentKind, Release, ReleaseDocument, ReleaseType, ReleasingAgency
from casework.schooling.models import Barrier, EnrollmentStatus, SchoolEnrollment
from casework.timeutil import add_years, today_in
from tests.factories import PASSWORD, make_document, make_family, make_organization, make_user, member_data

SURNAMES = ["García", "Tzoc", "Hernández", "Joseph", "Menjívar", "Rodríguez", "Xicará", "Pérez"]
GIVEN = ["José Luis", "María Ixchel", "Wilmer Josué", "Marie-Claude", "Reina Isabel", "Yusmary"]


@contextmanager
def counting(app) -> Iterator[list[str]]:
    """The SQL statements run inside the block, on the app's engine (and so the test's connection)."""
    statements: list[str] = []
    engine = Database.state(app).engine

    def seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            statements.append(statement)  # the savepoints are the test's transaction, not the page's

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def statements_for(app, client, url: str) -> int:
    client.get(url)  # first request of a URL may warm caches; count the second
    with counting(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    assert statements, "the listener saw no statement"
    return len(statements)


def _household(db_session, manager, supervisor, index: int, today, rich: bool, name_of: int | None = None) -> Family:
    """A household with one of each kind of record (a school-age child, a release with a document, a
    note, a task, a service referral); `rich` ones have many: more members and children, documents,
    notes, tasks, a move. `name_of`: give the head the same names as household number `name_of`.
    (A page may skip a statement when a kind of record is absent, e.g. no release, no documents to
    load: that is not growth, so both sizes hold at least one of each.)"""
    names = index if name_of is None else name_of
    surname = SURNAMES[names % len(SURNAMES)]
    head = member_data(
        given=GIVEN[names % len(GIVEN)],
        first=surname,
        second=SURNAMES[(names + 3) % len(SURNAMES)],
        a_number=f"{200_000_000 + index:09d}",
        phones=[(f"+1 312 555 01{index % 100:02d}", PhoneKind.MOBILE)],
        vulnerabilities=[Vulnerability.INDIGENOUS] if rich else [],
    )
    consents = (ConsentKind.SMS_REMINDERS,) if index % 4 else ()
    family = make_family(db_session, manager, head=head, consents=consents, today=today)
    case = case_services.current_case(db_session, family)
    if rich:
        family_services.add_member(
            db_session,
            manager,
            family,
            member_data(
                given="Ana Lucía",
                first=surname,
                second=None,
                a_number=f"{300_000_000 + index:09d}",
                relationship_to_head=Relationship.SPOUSE,
                phones=[("+502 5555 0123", PhoneKind.OTHER)],
            ),
            today,
        )
    for n, years in enumerate((7, 11, 15, 3) if rich else (9,)):
        child = family_services.add_member(
            db_session,
            manager,
            family,
            member_data(
                given=["Sofía", "Matías", "Ximena", "Dylan"][n],
                first=surname,
                second=None,
                a_number=None,
                phones=[],
                relationship_to_head=Relationship.CHILD,
                date_of_birth=add_years(today, -years),
            ),
            today,
        )
        if n == 0 and rich:
            db_session.add(
                SchoolEnrollment(
                    member_id=child.id,
                    status=EnrollmentStatus.ENROLLED,
                    district="Chicago Public Schools",
                    enrolled_on=today,
                )
            )
        elif n == 1:
            db_session.add(
                SchoolEnrollment(
                    member_id=child.id, status=EnrollmentStatus.BARRIER, barrier=Barrier.VACCINATION_RECORDS
                )
            )
    release = Release(
        family_id=family.id,
        released_on=today - timedelta(days=90),
        agency=ReleasingAgency.CBP,
        release_type=ReleaseType.PAROLE,
        facility="Yuma station",
    )
    release.documents = [ReleaseDocument(kind=DocumentKind.NOTICE_TO_APPEAR, received_on=today)]
    db_session.add(release)
    db_session.add(
        ServiceReferral(
            case_id=case.id,
            category=ServiceCategory.MEDICAL,
            provider="Erie Family Health",
            status=ReferralStatus.REFERRED,
            referred_on=today,
            status_changed_on=today,
        )
    )
    for n in range(3 if rich else 1):
        case_services.add_note(db_session, manager, case, f"Visit {n}: the family asked about school.")
        case_services.add_task(
            db_session, manager, case, f"Call the family ({n})", today + timedelta(days=n * 7 - 7), manager.id
        )
    if rich:
        release.documents.append(ReleaseDocument(kind=DocumentKind.PAROLE_DOCUMENT, received_on=today))
        db_session.add(
            Release(
                family_id=family.id,
                member_id=family.members[1].id,
                agency=ReleasingAgency.ICE,
                released_on=today - timedelta(days=60),
                release_type=ReleaseType.RECOGNIZANCE,
            )
        )
        family_services.change_address(
            db_session,
            manager,
            family,
            family_services.AddressData(
                line1="2500 S Pulaski Rd", city="Chicago", state="IL", postal_code="60623", moved_in_on=today
            ),
            today,
        )
        case.status = CaseStatus.ACTIVE
        if index % 6 == 5:
            case_services.change_status(db_session, supervisor, case, CaseStatus.CLOSED, ClosedReason.MOVED_AWAY, today)
    db_session.commit()
    return family


@pytest.fixture()
def program(client, db_session):
    organization = make_organization(db_session, timezone="America/Chicago")
    manager = make_user(db_session, organization, Role.CASE_MANAGER)
    supervisor = make_user(db_session, organization, Role.SUPERVISOR)
    today = today_in(organization.timezone)
    db_session.commit()
    return organization, manager, supervisor, today


def _search(query: str) -> str:
    return "/families?" + urlencode({"s": search_token(query)})


def _pages(first: Family) -> dict[str, str]:
    head = first.members[0]
    return {
        "dashboard": "/dashboard",
        "family list": "/families",
        "search name": _search(f"{head.first_surname} {head.given_names.split()[0]}"),
        "search a-number": _search(format_a_number(head.a_number)),
        "search phone": _search(format_phone(head.phones[0].number)),
    }


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.SUPERVISOR])
def test_list_pages_run_as_many_statements_for_2_families_as_for_25(app, client, db_session, program, role):
    _, manager, supervisor, today = program
    user = manager if role is Role.CASE_MANAGER else supervisor
    families = [_household(db_session, manager, supervisor, index, today, rich=False) for index in range(2)]
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    pages = _pages(families[0])
    if role is Role.SUPERVISOR:
        pages["whole-program dashboard"] = "/dashboard?view=program"
    small = {name: statements_for(app, client, url) for name, url in pages.items()}

    # 24 more, with more members, children, tasks, notes, releases and moves; some with the same
    # surname and given name as the first, so the searches find several households.
    for index in range(2, 26):
        _household(db_session, manager, supervisor, index, today, rich=True, name_of=0 if index % 8 == 0 else None)
    big = {name: statements_for(app, client, url) for name, url in pages.items()}
    assert big == small


def test_search_finds_several_households_with_the_same_statements(app, client, db_session, program):
    _, manager, supervisor, today = program
    first = _household(db_session, manager, supervisor, 0, today, rich=False)
    assert client.sign_in(manager.email, PASSWORD).status_code == 302
    url = _pages(first)["search name"]
    one = statements_for(app, client, url)
    for index in (8, 16, 24):  # same surname and given name as the first household
        _household(db_session, manager, supervisor, index, today, rich=True, name_of=0)
    page = client.get(url).get_data(as_text=True)
    assert page.count('href="/families/') >= 4
    assert statements_for(app, client, url) == one


def test_family_page_reads_no_list_of_what_the_household_has_none_of(app, client, db_session, program):
    """One statement asks which kinds of records the household has; a list it has none of costs
    no statement, and the page still says there is nothing."""
    _, manager, supervisor, today = program
    listed = _household(db_session, manager, supervisor, 1, today, rich=False)  # a task, a note, a referral
    make_document(app, db_session, listed, manager)
    bare = make_family(db_session, manager, today=today)
    db_session.commit()
    assert client.sign_in(manager.email, PASSWORD).status_code == 302
    page = client.get(f"/families/{bare.id}").get_data(as_text=True)
    assert "No tasks." in page and "No notes yet." in page
    shown = client.get(f"/families/{listed.id}").get_data(as_text=True)
    assert "No tasks." not in shown and "No notes yet." not in shown
    # The tasks, the notes, the service referrals and the documents: four lists not read.
    assert (
        statements_for(app, client, f"/families/{bare.id}") == statements_for(app, client, f"/families/{listed.id}") - 4
    )


def large_family_documents(db_session, family):
    from casework.documents.models import Document

    return db_session.scalars(select(Document).where(Document.family_id == family.id)).all()


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.SUPERVISOR])
def test_family_page_runs_as_many_statements_for_a_small_household_as_for_a_large_one(
    app, client, db_session, program, role
):
    _, manager, supervisor, today = program
    small_family = _household(db_session, manager, supervisor, 1, today, rich=False)
    large_family = _household(db_session, manager, supervisor, 2, today, rich=True)
    for index in range(3, 8):
        _household(db_session, manager, supervisor, index, today, rich=True)
    # Documents on both, more on the large one, downloaded (the card counts downloads).
    make_document(app, db_session, small_family, manager)
    for name in ("nta.pdf", "ead.pdf", "i589.pdf"):
        make_document(app, db_session, large_family, manager, name=name)
    db_session.commit()
    user = manager if role is Role.CASE_MANAGER else supervisor
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    for document in large_family_documents(db_session, large_family):
        assert client.get(f"/files/{document.id}/download").status_code == 200
    small = statements_for(app, client, f"/families/{small_family.id}")
    large = statements_for(app, client, f"/families/{large_family.id}")
    assert len(large_family.members) == 6
    assert large == small
    assert large <= 15  # the budget (issue 17): every section of the page, whatever the household
