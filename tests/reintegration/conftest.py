from datetime import date, timedelta

import pytest

from casework.accounts.models import OrganizationKind, Role
from casework.timeutil import today_in
from tests.factories import make_organization, make_user
from tests.scheduling.conftest import family_case, manager, program  # noqa: F401  (shared fixtures)


@pytest.fixture()
def center(db_session):
    """A reception center in Guatemala with a worker (who chose English) and an admin."""
    org = make_organization(
        db_session, OrganizationKind.REINTEGRATION, name="Centro Demo de Recepción", timezone="America/Guatemala"
    )
    worker = make_user(db_session, org, Role.CASE_MANAGER, email="worker@center.example.org")
    admin = make_user(db_session, org, Role.ADMIN, email="admin@center.example.org")
    worker.locale = admin.locale = "en"
    db_session.commit()
    return {"org": org, "worker": worker, "admin": admin, "today": today_in(org.timezone)}


@pytest.fixture()
def receive(db_session, center):
    """Receive someone returned `days_ago`, to a destination, with or without reminders."""
    from reintegration import services
    from reintegration.models import ReturnMethod

    def make(
        days_ago: int = 0,
        phone: str | None = None,
        reminders: bool = False,
        language: str = "spa",
        division: str | None = "GT-13",
        municipality: str | None = "Chiantla",
    ):
        today: date = center["today"]
        return services.receive(
            db_session,
            center["worker"],
            {
                "given_names": "Ana Lucía",
                "first_surname": "Cux",
                "preferred_language": language,
                "reminders_consent": reminders,
            },
            services.ReturnData(
                country="GT",
                returned_on=today - timedelta(days=days_ago),
                method=ReturnMethod.FLIGHT,
                division=division,
                municipality=municipality,
                phone=phone,
            ),
            today,
        )

    return make


@pytest.fixture()
def run_retention(app, db_session):
    """Close a returnee's case long enough ago, then let retention list it and, 30 days on, anonymize it."""
    from casework.cases.models import Case, CaseStatus, ClosedReason
    from casework.extensions import registry
    from casework.retention import services as retention
    from casework.timeutil import add_years

    def run(returnee, today: date) -> None:
        case = db_session.get(Case, returnee.case_id)
        case.status, case.closed_on, case.closed_reason = (
            CaseStatus.CLOSED,
            add_years(today, -3) - timedelta(days=1),
            ClosedReason.MOVED_AWAY,
        )
        db_session.commit()
        policy = retention.RetentionPolicy(years=3, warning_days=30)
        with app.app_context():
            retention.run(db_session, today, policy, registry(app).anonymizers)
            retention.run(db_session, today + timedelta(days=30), policy, registry(app).anonymizers)
        db_session.expire_all()

    return run
