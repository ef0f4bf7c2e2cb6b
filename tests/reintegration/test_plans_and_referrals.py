"""From the assessment to a referral: the plan built from the needs, the directory's suggestions
nearest first, no public office when the persecutors are officials, and a referral's answers."""

from __future__ import annotations

from sqlalchemy import func, select

from reintegration import directory
from reintegration.models import PlanItem, PlanStatus, ProviderKind, Referral, ReferralStatus, Service
from tests.factories import PASSWORD

ASSESSMENT = {
    "has_national_id": "no",
    "children_birth_certificates": "unknown",
    "has_shelter": "no",
    "health_needs": "",
    "psychosocial_support": "unknown",
    "safe_at_destination": "yes",
    "threatened_by": "",
    "separation_or_custody": "",
    "children_enrolled": "unknown",
    "us_school_records": "unknown",
    "work_skills": "",
    "cash_needs": "yes",
    "legal_remedies": "",
}


def _provider(
    db_session,
    center,
    name,
    kind=ProviderKind.NGO,
    services=(Service.SHELTER,),
    division="GT-13",
    municipality="Chiantla",
    languages=("spa",),
    country="GT",
):
    return directory.save_provider(
        db_session,
        center["worker"],
        None,
        directory.ProviderData(
            name=name,
            kind=kind,
            country=country,
            services=list(services),
            division=division,
            municipality=municipality,
            languages=list(languages),
        ),
    )


def _assess(client, returnee, **answers):
    url = f"/reintegration/cases/{returnee.id}/assessment"
    assert client.post(url, {**ASSESSMENT, **answers}).status_code == 302


def test_the_plan_is_built_from_the_needs_once(client, db_session, center, receive):
    returnee = receive()
    client.sign_in(center["worker"].email, PASSWORD)
    url = f"/reintegration/cases/{returnee.id}"
    page = client.post(f"{url}/plan/build", {}, page=url, follow_redirects=True).get_data(as_text=True)
    assert "Do the reception assessment first" in page
    _assess(client, returnee)
    page = client.post(f"{url}/plan/build", {}, page=url, follow_redirects=True).get_data(as_text=True)
    assert "3 lines added to the plan." in page
    lines = list(db_session.scalars(select(PlanItem).where(PlanItem.returnee_case_id == returnee.id)))
    assert sorted(i.service.value for i in lines) == ["cash", "identity_documents", "shelter"]
    assert all(i.status is PlanStatus.OPEN for i in lines)
    page = client.post(f"{url}/plan/build", {}, page=url, follow_redirects=True).get_data(as_text=True)
    assert "already has a line for every need" in page
    assert db_session.scalar(select(func.count(PlanItem.id))) == 3


def test_a_plan_line_is_edited_with_bad_input_kept(client, db_session, center, receive):
    returnee = receive()
    client.sign_in(center["worker"].email, PASSWORD)
    new = f"/reintegration/cases/{returnee.id}/plan/new"
    page = client.post(
        new, {"service": "education", "action": "Inscribir a Sofía", "status": "open", "due_on": "2020-01-01"}
    ).get_data(as_text=True)
    assert 'id="due_on-error"' in page and "Inscribir a Sofía" in page
    assert (
        client.post(
            new, {"service": "education", "action": "Inscribir a Sofía", "status": "open", "due_on": ""}
        ).status_code
        == 302
    )
    item = db_session.scalars(select(PlanItem)).one()
    assert (
        client.post(
            f"/reintegration/plan/{item.id}",
            {"service": "education", "action": "Inscrita en 3.º", "status": "done", "due_on": ""},
        ).status_code
        == 302
    )
    db_session.expire_all()
    assert (item.action, item.status) == ("Inscrita en 3.º", PlanStatus.DONE)


def test_suggestions_put_the_persons_municipality_and_language_first(client, db_session, center, receive):
    returnee = receive(language="mam")
    _provider(db_session, center, "Albergue Demo Departamental", municipality=None)
    _provider(db_session, center, "Albergue Demo Nacional", division="GT-01", municipality=None)
    _provider(db_session, center, "Albergue Demo de Chiantla", municipality="chiantla", languages=("spa",))
    _provider(db_session, center, "Casa Demo Mam de Chiantla", municipality="Chiantla", languages=("spa", "mam"))
    _provider(db_session, center, "Albergue Demo en Honduras", country="HN", division="HN-CR", municipality=None)
    _provider(db_session, center, "Clínica Demo", services=(Service.HEALTH,))
    client.sign_in(center["worker"].email, PASSWORD)
    page = client.get(f"/reintegration/cases/{returnee.id}/referrals/new?service=shelter").get_data(as_text=True)
    order = [
        "Casa Demo Mam de Chiantla",
        "Albergue Demo de Chiantla",
        "Albergue Demo Departamental",
        "Albergue Demo Nacional",
    ]
    positions = [page.index(name) for name in order]
    assert positions == sorted(positions)
    assert "Honduras" not in page and "Clínica Demo" not in page


def test_no_public_office_receives_a_referral_when_officials_persecute(client, db_session, center, receive):
    returnee = receive()
    office = _provider(db_session, center, "Oficina Municipal Demo", kind=ProviderKind.MUNICIPAL_OFFICE)
    ngo = _provider(db_session, center, "Casa Demo de Acogida")
    client.sign_in(center["worker"].email, PASSWORD)
    _assess(
        client,
        returnee,
        safe_at_destination="no",
        persecutors_are_officials="y",
        threatened_by="Policía municipal de su aldea",
    )
    url = f"/reintegration/cases/{returnee.id}/referrals/new"
    page = client.get(f"{url}?service=shelter").get_data(as_text=True)
    assert "public offices are not offered" in page
    assert f'value="{ngo.id}"' in page and f'value="{office.id}"' not in page
    refused = client.post(
        url,
        {"service": "shelter", "provider_id": office.id, "plan_item_id": 0, "note": "Urgente"},
        page=f"{url}?service=shelter",
    ).get_data(as_text=True)
    assert 'id="provider_id-error"' in refused and "refer to no public office" in refused and "Urgente" in refused
    assert db_session.scalar(select(Referral.id)) is None


def test_a_referral_moves_from_referred_to_service_received_and_closes_its_plan_line(
    client, db_session, center, receive
):
    returnee = receive()
    ngo = _provider(db_session, center, "Casa Demo de Acogida")
    client.sign_in(center["worker"].email, PASSWORD)
    _assess(client, returnee)
    show = f"/reintegration/cases/{returnee.id}"
    client.post(f"{show}/plan/build", {}, page=show)
    shelter = db_session.scalars(select(PlanItem).where(PlanItem.service == Service.SHELTER)).one()
    url = f"{show}/referrals/new"
    form = {"service": "shelter", "provider_id": ngo.id, "plan_item_id": shelter.id, "note": "Con su hija"}
    assert client.post(url, form, page=f"{url}?plan_item={shelter.id}").status_code == 302
    again = client.post(url, form, page=f"{url}?plan_item={shelter.id}").get_data(as_text=True)
    assert "already referred to this provider" in again
    referral = db_session.scalars(select(Referral)).one()
    db_session.expire_all()
    assert referral.status is ReferralStatus.REFERRED and shelter.status is PlanStatus.IN_PROGRESS
    edit = f"/reintegration/referrals/{referral.id}"
    assert client.post(edit, {"status": "accepted", "outcome": ""}).status_code == 302
    page = client.post(edit, {"status": "completed", "outcome": ""}).get_data(as_text=True)
    assert 'id="outcome-error"' in page
    assert client.post(edit, {"status": "completed", "outcome": "Two weeks in the shelter"}).status_code == 302
    db_session.expire_all()
    assert referral.status is ReferralStatus.COMPLETED and shelter.status is PlanStatus.DONE
    page = client.post(edit, {"status": "referred", "outcome": "x"}).get_data(as_text=True)
    assert "cannot change its answer" in page
    assert "Two weeks in the shelter" in client.get(show).get_data(as_text=True)


def test_a_provider_that_does_not_offer_the_service_is_refused(client, db_session, center, receive):
    returnee = receive()
    clinic = _provider(db_session, center, "Clínica Demo", services=(Service.HEALTH,))
    client.sign_in(center["worker"].email, PASSWORD)
    url = f"/reintegration/cases/{returnee.id}/referrals/new"
    page = client.post(
        url,
        {"service": "shelter", "provider_id": clinic.id, "plan_item_id": 0, "note": ""},
        page=f"{url}?service=shelter",
    ).get_data(as_text=True)
    assert 'id="provider_id-error"' in page and "does not offer that service" in page
    assert db_session.scalar(select(Referral.id)) is None
