"""Reintegration pages run a fixed number of SQL statements however many returnees, providers,
plan lines, referrals and situations there are."""

from __future__ import annotations

from datetime import timedelta

from casework.families.models import Member, MemberLanguage, MemberVulnerability, Relationship, Vulnerability
from reintegration import directory, outcomes, plans, services
from reintegration.models import PlanStatus, ProviderKind, Service, WorkStatus
from tests.casework.test_query_counts import statements_for
from tests.factories import PASSWORD


def _returnee(db_session, center, receive, providers, index: int, rich: bool):
    worker, today = center["worker"], center["today"]
    returnee = receive(days_ago=40 + index, phone=f"5555 {index:04d}", reminders=True)
    assessment = services.save_assessment(
        db_session,
        worker,
        returnee,
        {"has_shelter": "no", "has_national_id": "no", "cash_needs": "yes", "work_skills": "Albañil"},
    )
    plans.build_plan(db_session, worker, returnee, assessment)
    for n, item in enumerate(plans.plan_of(db_session, returnee)[: 4 if rich else 1]):
        provider = next(p for p in providers if item.service in p.offered)
        plans.refer(db_session, worker, returnee, provider, item.service, item, f"Nota {n}", assessment, today)
    if rich:
        returnee.family.members.extend(
            Member(
                given_names=given,
                first_surname="Cux",
                relationship_to_head=Relationship.CHILD,
                languages=[MemberLanguage(code="spa"), MemberLanguage(code="mam")],
                vulnerabilities=[MemberVulnerability(flag=Vulnerability.INDIGENOUS, confidential=False)],
            )
            for given in ("Sofía", "Matías", "Ximena")
        )
        db_session.commit()
        plans.save_plan_item(
            db_session, worker, returnee, None, Service.EDUCATION, "Inscribir", PlanStatus.OPEN, None, today
        )
    for n in range(4 if rich else 1):
        outcomes.record_outcome(
            db_session,
            worker,
            returnee,
            outcomes.OutcomeData(
                recorded_on=returnee.returned_on + timedelta(days=7 * (n + 1)), work=WorkStatus.LOOKING
            ),
            today,
        )
    return returnee


def test_the_list_directory_and_case_page_do_not_grow_with_the_data(app, client, db_session, center, receive):
    providers = [
        directory.save_provider(
            db_session,
            center["worker"],
            None,
            directory.ProviderData(
                name=f"Proveedor Demo {n}",
                kind=ProviderKind.NGO,
                country="GT",
                division="GT-13",
                municipality="Chiantla",
                services=[Service.SHELTER, Service.IDENTITY_DOCUMENTS, Service.CASH, Service.EMPLOYMENT],
                languages=["spa"],
            ),
        )
        for n in range(2)
    ]
    small = _returnee(db_session, center, receive, providers, 0, rich=False)
    _returnee(db_session, center, receive, providers, 1, rich=False)
    client.sign_in(center["worker"].email, PASSWORD)
    pages = {
        "list": "/reintegration",
        "directory": "/reintegration/providers",
        "referral form": f"/reintegration/cases/{small.id}/referrals/new?service=shelter",
    }
    before = {name: statements_for(app, client, url) for name, url in pages.items()}
    small_case = statements_for(app, client, f"/reintegration/cases/{small.id}")
    for n in range(12):
        providers.append(
            directory.save_provider(
                db_session,
                center["worker"],
                None,
                directory.ProviderData(
                    name=f"Otro Proveedor Demo {n}",
                    kind=ProviderKind.NGO,
                    country="GT",
                    services=[Service.SHELTER],
                    languages=["spa", "mam"],
                ),
            )
        )
    rich = [_returnee(db_session, center, receive, providers, index, rich=True) for index in range(2, 14)]
    after = {name: statements_for(app, client, url) for name, url in pages.items()}
    assert after == before
    assert statements_for(app, client, f"/reintegration/cases/{rich[0].id}") == small_case
