"""Figure 7: an in-country organization's follow-ups, returnees' situation, provider referrals and
hand-overs; its supervisors see the organization, its case managers their own returnees, no one else."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from casework.accounts.models import OrganizationKind, Role
from casework.cases.models import Task
from reintegration import directory
from reintegration import services as reintegration_services
from reintegration.models import (
    Answer,
    OutcomeRecord,
    ProviderKind,
    Referral,
    ReferralStatus,
    ReturnMethod,
    SafetyStatus,
    Service,
    WorkStatus,
)
from reports import services
from reports.services import Filters
from scheduling.models import Appointment
from tests.factories import PASSWORD, make_organization, make_user
from tests.http import Client
from tests.reports.conftest import household, legal_partner_user

GT = "America/Guatemala"


def _at(day, hour) -> datetime:
    return datetime.combine(day, time(hour), ZoneInfo(GT)).astimezone(UTC)


def _follow_up(db_session, returnee, days):
    task_ids = select(Appointment.follow_up_task_id).where(Appointment.case_id == returnee.case_id)
    return next(
        t
        for t in db_session.scalars(select(Task).where(Task.id.in_(task_ids)))
        if t.due_on == returnee.returned_on + timedelta(days=days)
    )


@pytest.fixture()
def in_country(db_session, program):
    p = program
    org = make_organization(db_session, OrganizationKind.REINTEGRATION, name="Centro de Retornados", timezone=GT)
    supervisor = make_user(db_session, org, Role.SUPERVISOR, name="Rosa Supervisora")
    worker = make_user(db_session, org, Role.CASE_MANAGER, name="Wendy Trabajadora")
    other = make_user(db_session, org, Role.CASE_MANAGER, name="Otto Trabajador")

    def receive(user, given, returned_on):
        return reintegration_services.receive(
            db_session,
            user,
            {"given_names": given, "first_surname": "Xiloj"},
            reintegration_services.ReturnData(country="GT", returned_on=returned_on, method=ReturnMethod.FLIGHT),
            p.today,
        )

    first = receive(worker, "María Elena", p.start - timedelta(days=7))  # 7 days: on time; 30: not done
    second = receive(other, "Juan Carlos", p.start - timedelta(days=29))  # 30 days: done 3 days late
    third = receive(worker, "Pedro", p.day(5))  # handed over from a US case
    seven = _follow_up(db_session, first, 7)
    seven.completed_at = _at(seven.due_on, 22)  # the evening of its day in Guatemala, the next day in UTC
    late = _follow_up(db_session, second, 30)
    late.completed_at = _at(late.due_on + timedelta(days=3), 10)
    _family, us_case = household(db_session, p.manager, given="Pedro", surname="Xiloj")
    third.us_case_id = us_case.id
    for returnee, day, documents, work, safety, again in (
        (first, p.day(2), Answer.NO, WorkStatus.LOOKING, SafetyStatus.AT_RISK, Answer.NO),
        (first, p.day(20), Answer.YES, WorkStatus.EMPLOYED, SafetyStatus.SAFE, Answer.NO),
        (second, p.day(10), Answer.YES, WorkStatus.IN_TRAINING, SafetyStatus.DISPLACED, Answer.YES),
        (second, p.end + timedelta(days=5), Answer.YES, WorkStatus.EMPLOYED, SafetyStatus.SAFE, Answer.NO),
    ):
        db_session.add(
            OutcomeRecord(
                returnee_case_id=returnee.id,
                recorded_on=day,
                documents_obtained=documents,
                work=work,
                safety=safety,
                migrated_again=again,
            )
        )
    provider = directory.save_provider(
        db_session,
        supervisor,
        None,
        directory.ProviderData(
            name="Albergue", kind=ProviderKind.NGO, country="GT", services=[Service.SHELTER, Service.EMPLOYMENT]
        ),
    )
    for returnee, service, status, day in (
        (first, Service.SHELTER, ReferralStatus.COMPLETED, p.day(3)),
        (second, Service.EMPLOYMENT, ReferralStatus.REFERRED, p.day(8)),
        (second, Service.SHELTER, ReferralStatus.DECLINED, p.start - timedelta(days=2)),
    ):
        db_session.add(
            Referral(
                returnee_case_id=returnee.id,
                provider_id=provider.id,
                service=service,
                status=status,
                referred_on=day,
                status_changed_on=day,
            )
        )
    db_session.commit()
    return {"p": p, "org": org, "supervisor": supervisor, "worker": worker, "other": other}


def test_follow_ups_situation_referrals_and_hand_overs(db_session, in_country):
    p, supervisor = in_country["p"], in_country["supervisor"]
    figure = services.reintegration(db_session, supervisor, Filters(p.start, p.end), GT, p.today)
    rows = {r.days: (r.on_time, r.late, r.missed, r.pending) for r in figure.follow_ups}
    assert rows == {7: (1, 0, 1, 0), 30: (0, 1, 1, 0)}  # the third returnee's 7-day follow-up was not done
    assert figure.situation == {
        "total": 2,
        "documents_obtained": 2,
        "children_in_school": 0,
        "working_or_training": 2,
        "safe": 1,
        "at_risk": 0,
        "displaced": 1,
        "migrated_again": 1,
    }
    assert figure.referrals == {"shelter": {"completed": 1}, "employment": {"referred": 1}}
    assert (figure.received, figure.handed_over) == (1, 1)
    own = services.reintegration(db_session, in_country["worker"], Filters(p.start, p.end), GT, p.today)
    assert {r.days: r.total for r in own.follow_ups} == {7: 2, 30: 1} and own.situation["total"] == 1


def test_the_page_for_its_supervisor_and_no_one_else(app, client, other_client, db_session, in_country):
    p = in_country["p"]
    query = urlencode({"start": p.start.isoformat(), "end": p.end.isoformat()})
    client.sign_in(in_country["supervisor"].email, PASSWORD)
    page = client.get("/reintegration/reports?" + query).get_data(as_text=True)
    assert 'href="/reintegration/reports"' in page  # the menu link
    assert "Situation at the latest follow-up" in page or "Situación" in page
    body = client.get(f"/reports/export?table=reintegration-follow-ups&format=csv&{query}").get_data()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[1][1:5] == ["1", "0", "1", "0"]
    assert client.get(f"/reports/export?table=appearance-summary&format=csv&{query}").status_code == 403
    assert client.get("/reports").status_code == 403

    other_client.sign_in(p.supervisor.email, PASSWORD)
    assert other_client.get("/reintegration/reports").status_code == 403
    assert other_client.get(f"/reports/export?table=reintegration-follow-ups&format=csv&{query}").status_code == 403
    partner = legal_partner_user(db_session)
    db_session.commit()
    third = Client(app.test_client())
    third.sign_in(partner.email, PASSWORD)
    assert third.get("/reintegration/reports").status_code == 403


def test_an_in_country_case_manager_sees_their_own_returnees(client, in_country):
    p = in_country["p"]
    client.sign_in(in_country["other"].email, PASSWORD)
    query = urlencode({"start": p.start.isoformat(), "end": p.end.isoformat()})
    body = client.get(f"/reports/export?table=reintegration-follow-ups&format=csv&{query}").get_data()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][2] == "1"  # the 30-day follow-up of their returnee, done late


def test_the_page_runs_as_many_statements_for_many_returnees(app, client, db_session, in_country):
    from tests.reports.test_query_counts import _statements

    p = in_country["p"]
    url = "/reintegration/reports?" + urlencode({"start": p.start.isoformat(), "end": p.end.isoformat()})
    client.sign_in(in_country["supervisor"].email, PASSWORD)
    few = _statements(app, client, url)
    for n in range(8):
        returnee = reintegration_services.receive(
            db_session,
            in_country["worker"],
            {"given_names": f"Ana {n}", "first_surname": "Us"},
            reintegration_services.ReturnData(country="GT", returned_on=p.day(1 + n), method=ReturnMethod.LAND),
            p.today,
        )
        db_session.add(
            OutcomeRecord(returnee_case_id=returnee.id, recorded_on=p.day(10 + n), documents_obtained=Answer.YES)
        )
    db_session.commit()
    assert _statements(app, client, url) == few
