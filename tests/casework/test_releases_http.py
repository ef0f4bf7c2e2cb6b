from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.accounts.models import Role
from casework.audit.models import AuditAction, AuditEvent
from casework.errors import ValidationError
from casework.families import services as family_services
from casework.families.models import Relationship
from casework.releases import services
from casework.releases.models import DocumentKind, Release, ReleaseDocument, ReleaseType, ReleasingAgency
from casework.timeutil import today_in
from tests.factories import PASSWORD, make_family, make_organization, make_user, member_data


def _setup(client, db_session):
    program = make_organization(db_session)
    user = make_user(db_session, program, Role.CASE_MANAGER)
    family = make_family(db_session, user)
    db_session.commit()
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    return user, family, today_in(program.timezone)


def _release(db_session, family, today, **values):
    release = Release(
        family_id=family.id,
        released_on=values.pop("released_on", today - timedelta(days=10)),
        agency=ReleasingAgency.CBP,
        release_type=ReleaseType.PAROLE,
        **values,
    )
    db_session.add(release)
    db_session.commit()
    return release


def _form(today, **overrides):
    data = {
        "member_id": "0",
        "arrived_on": (today - timedelta(days=14)).isoformat(),
        "released_on": (today - timedelta(days=12)).isoformat(),
        "agency": "ice",
        "release_type": "recognizance",
        "facility": "Port Isabel Service Processing Center",
        "destination": "Chicago, IL",
        "sponsor_name": "Rosa Pérez",
        "sponsor_relationship": "Aunt",
        "notes": "Arrived by bus",
    }
    data.update(overrides)
    return data


def _errors(page: str, field: str) -> str:
    """The text of the error paragraph of one field, or '' when there is none."""
    marker = f'id="{field}-error">'
    return page.split(marker, 1)[1].split("</p>", 1)[0] if marker in page else ""


def test_household_release_is_recorded_audited_and_shown(client, db_session):
    _user, family, today = _setup(client, db_session)
    response = client.post(f"/families/{family.id}/releases/new", _form(today))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/families/{family.id}#releases-h")

    release = db_session.scalars(select(Release).where(Release.family_id == family.id)).one()
    assert release.member_id is None
    assert release.agency is ReleasingAgency.ICE and release.release_type is ReleaseType.RECOGNIZANCE
    assert release.released_on == today - timedelta(days=12)
    assert release.sponsor_relationship == "Aunt"
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.object_type == "release")).one()
    assert event.action is AuditAction.CREATE and event.object_id == release.id and event.family_id == family.id
    assert "Rosa" not in event.detail

    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    section = page.split('id="releases-h"')[1].split("</section>")[0]
    assert "Order of recognizance" in section and "ICE" in section
    assert "Port Isabel Service Processing Center" in section and "Rosa Pérez (Aunt)" in section
    assert "The whole household" in section
    assert f"/releases/{release.id}/edit" in section


def test_release_of_one_member_names_that_member(client, db_session):
    user, family, today = _setup(client, db_session)
    child = family_services.add_member(
        db_session,
        user,
        family,
        member_data(given="Camila", first="García", a_number=None, phones=[], relationship_to_head=Relationship.CHILD),
        today,
    )
    db_session.commit()
    page = client.get(f"/families/{family.id}/releases/new").get_data(as_text=True)
    assert f'value="{child.id}"' in page and "The whole household" in page
    response = client.post(
        f"/families/{family.id}/releases/new",
        _form(today, member_id=str(child.id), agency="orr", release_type="parole"),
    )
    assert response.status_code == 302
    release = db_session.scalars(select(Release)).one()
    assert release.member_id == child.id
    section = client.get(f"/families/{family.id}").get_data(as_text=True).split('id="releases-h"')[1]
    assert "Camila García" in section.split("</section>")[0]


def test_arrival_after_release_is_refused_next_to_the_field_with_input_kept(client, db_session):
    _user, family, today = _setup(client, db_session)
    response = client.post(
        f"/families/{family.id}/releases/new",
        _form(
            today,
            arrived_on=(today - timedelta(days=1)).isoformat(),
            released_on=(today - timedelta(days=3)).isoformat(),
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Arrival comes before release." in _errors(page, "arrived_on")
    assert 'value="Port Isabel Service Processing Center"' in page and "Arrived by bus" in page
    assert db_session.scalars(select(Release)).first() is None


def test_release_date_in_the_future_is_refused(client, db_session):
    _user, family, today = _setup(client, db_session)
    response = client.post(
        f"/families/{family.id}/releases/new",
        _form(today, arrived_on="", released_on=(today + timedelta(days=1)).isoformat()),
    )
    assert "cannot be in the future" in _errors(response.get_data(as_text=True), "released_on")
    assert db_session.scalars(select(Release)).first() is None
    # today itself is accepted
    assert (
        client.post(
            f"/families/{family.id}/releases/new", _form(today, arrived_on="", released_on=today.isoformat())
        ).status_code
        == 302
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"released_on": ""},
        {"released_on": "not a date"},
        {"arrived_on": "2026-02-31"},
        {"agency": "fbi"},
        {"release_type": "escape"},
        {"member_id": "abc"},
        {"facility": "x" * 201},
    ],
)
def test_bad_input_is_a_form_error_not_a_crash(client, db_session, overrides):
    _user, family, today = _setup(client, db_session)
    response = client.post(f"/families/{family.id}/releases/new", _form(today, **overrides))
    assert response.status_code == 200
    assert 'class="error"' in response.get_data(as_text=True)
    assert db_session.scalars(select(Release)).first() is None


def test_member_of_another_family_is_refused_on_create_and_edit(client, db_session):
    user, family, today = _setup(client, db_session)
    other = make_family(db_session, user, member_data(given="Otra", first="Persona", a_number=None, phones=[]))
    db_session.commit()
    stranger_id = str(other.members[0].id)

    response = client.post(f"/families/{family.id}/releases/new", _form(today, member_id=stranger_id))
    assert response.status_code == 200
    assert _errors(response.get_data(as_text=True), "member_id")
    assert db_session.scalars(select(Release)).first() is None

    release = _release(db_session, family, today, facility="El Paso")
    response = client.post(f"/releases/{release.id}/edit", _form(today, member_id=stranger_id, facility="Changed"))
    assert response.status_code == 200 and _errors(response.get_data(as_text=True), "member_id")
    db_session.expire_all()
    release = db_session.get(Release, release.id)
    assert release.member_id is None and release.facility == "El Paso"


def test_service_refuses_a_member_of_another_family(db_session):
    program = make_organization(db_session)
    user = make_user(db_session, program)
    family = make_family(db_session, user)
    other = make_family(db_session, user, member_data(given="Otra", first="Persona", a_number=None, phones=[]))
    today = today_in(program.timezone)
    data = services.ReleaseData(
        released_on=today, agency=ReleasingAgency.CBP, release_type=ReleaseType.PAROLE, member_id=other.members[0].id
    )
    with pytest.raises(ValidationError) as raised:
        services.create_release(db_session, user, family, data, today)
    assert raised.value.field == "member_id"


def test_edit_shows_recorded_values_and_saves_changes(client, db_session):
    _user, family, today = _setup(client, db_session)
    member = family.members[0]
    release = _release(db_session, family, today, member_id=member.id, facility="El Paso", sponsor_name="Luis")
    page = client.get(f"/releases/{release.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{member.id}">' in page and '<option selected value="cbp">' in page
    assert 'value="El Paso"' in page

    response = client.post(f"/releases/{release.id}/edit", _form(today, facility="Dilley", sponsor_name=""))
    assert response.status_code == 302
    db_session.expire_all()
    release = db_session.get(Release, release.id)
    assert release.facility == "Dilley" and release.sponsor_name is None and release.member_id is None
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "release", AuditEvent.action == AuditAction.CHANGE)
    ).one()
    assert "facility" in event.detail and "Dilley" not in event.detail


def test_documents_are_added_with_dates_and_removed(client, db_session):
    _user, family, today = _setup(client, db_session)
    release = _release(db_session, family, today)
    edit = f"/releases/{release.id}/edit"
    received = today - timedelta(days=9)
    response = client.post(
        f"/releases/{release.id}/documents",
        {"kind": "notice_to_appear", "received_on": received.isoformat()},
        page=edit,
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(edit)
    assert (
        client.post(f"/releases/{release.id}/documents", {"kind": "i94", "received_on": ""}, page=edit).status_code
        == 302
    )

    future = client.post(
        f"/releases/{release.id}/documents",
        {"kind": "parole_document", "received_on": (today + timedelta(days=2)).isoformat()},
        page=edit,
    )
    assert future.status_code == 200
    assert "cannot be in the future" in _errors(future.get_data(as_text=True), "received_on")
    bad_kind = client.post(f"/releases/{release.id}/documents", {"kind": "passport"}, page=edit)
    assert bad_kind.status_code == 200 and _errors(bad_kind.get_data(as_text=True), "kind")

    documents = db_session.scalars(select(ReleaseDocument).order_by(ReleaseDocument.id)).all()
    assert [(d.kind, d.received_on) for d in documents] == [
        (DocumentKind.NOTICE_TO_APPEAR, received),
        (DocumentKind.I94, None),
    ]
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "Notice to Appear (I-862)" in page and "I-94 arrival record" in page
    assert "none recorded" not in page.split('id="releases-h"')[1].split("</section>")[0]

    response = client.post(f"/documents/{documents[0].id}/remove", page=edit)
    assert response.status_code == 302
    db_session.expire_all()
    assert [d.kind for d in db_session.scalars(select(ReleaseDocument))] == [DocumentKind.I94]
    section = client.get(f"/families/{family.id}").get_data(as_text=True).split('id="releases-h"')[1]
    assert "Notice to Appear (I-862)" not in section.split("</section>")[0]


def test_case_manager_of_another_program_gets_404_and_changes_nothing(client, db_session, other_client):
    _user, family, today = _setup(client, db_session)
    release = _release(db_session, family, today, facility="El Paso")
    document = ReleaseDocument(release_id=release.id, kind=DocumentKind.I94, received_on=today)
    db_session.add(document)
    stranger = make_user(db_session, make_organization(db_session))
    db_session.commit()
    other_client.sign_in(stranger.email, PASSWORD)
    token = other_client.token("/dashboard")

    assert other_client.get(f"/families/{family.id}/releases/new").status_code == 404
    assert other_client.get(f"/releases/{release.id}/edit").status_code == 404
    posts = [
        (f"/families/{family.id}/releases/new", _form(today)),
        (f"/releases/{release.id}/edit", _form(today, facility="Hijacked")),
        (f"/releases/{release.id}/documents", {"kind": "other", "received_on": today.isoformat()}),
        (f"/documents/{document.id}/remove", {}),
    ]
    for url, data in posts:
        assert other_client.raw.post(url, data={**data, "csrf_token": token}).status_code == 404, url
    db_session.expire_all()
    assert db_session.scalars(select(Release)).one().facility == "El Paso"
    assert [d.id for d in db_session.scalars(select(ReleaseDocument))] == [document.id]
