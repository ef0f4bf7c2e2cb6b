"""Retention reaches what reintegration wrote about a person in free text."""

from __future__ import annotations

from reintegration import directory, outcomes, plans, services
from reintegration.models import (
    Assessment,
    OutcomeRecord,
    PlanItem,
    PlanStatus,
    ProviderKind,
    Referral,
    ReferralStatus,
    Service,
)


def test_retention_erases_threats_health_plans_referral_notes_and_outcome_notes(
    db_session, center, receive, run_retention
):
    worker, today = center["worker"], center["today"]
    returnee = receive(days_ago=5)
    assessment = services.save_assessment(
        db_session,
        worker,
        returnee,
        {
            "safe_at_destination": "no",
            "threatened_by": "Policía de la aldea",
            "persecutors_are_officials": "y",
            "health_needs": "Diabetes",
            "separation_or_custody": "Hijo en Houston",
            "work_skills": "Albañil",
            "legal_remedies": "Revisar orden",
        },
    )
    provider = directory.save_provider(
        db_session,
        worker,
        None,
        directory.ProviderData(name="Casa Demo", kind=ProviderKind.NGO, country="GT", services=[Service.SHELTER]),
    )
    item = plans.save_plan_item(
        db_session,
        worker,
        returnee,
        None,
        Service.SHELTER,
        "Buscar albergue lejos de la aldea",
        PlanStatus.OPEN,
        None,
        today,
    )
    referral = plans.refer(
        db_session, worker, returnee, provider, Service.SHELTER, item, "Huye de la policía", assessment, today
    )
    plans.update_referral(db_session, worker, returnee, referral, ReferralStatus.DECLINED, "Sin cupo", today)
    outcomes.record_outcome(
        db_session, worker, returnee, outcomes.OutcomeData(recorded_on=today, note="Amenazado"), today
    )
    run_retention(returnee, today)
    kept = db_session.get(Assessment, assessment.id)
    assert all(getattr(kept, name) is None for name in services.TEXT_FIELDS)
    assert kept.persecutors_are_officials is True  # the answers stay, for figures; the words go
    assert db_session.get(PlanItem, item.id).action is None
    gone = db_session.get(Referral, referral.id)
    assert (gone.note, gone.outcome, gone.service) == (None, None, Service.SHELTER)
    assert all(row.note is None for row in db_session.query(OutcomeRecord))
