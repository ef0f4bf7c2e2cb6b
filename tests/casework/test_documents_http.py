"""Documents over HTTP with CSRF on, on both storages: kept sealed, downloaded as attachments and
audited, refused clearly when they are not what they claim, and never half-saved."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import func, select, text

from casework.accounts.models import OrganizationKind, Role
from casework.audit.models import AuditAction, AuditEvent
from casework.documents import services as document_services
from casework.documents.models import Document
from casework.releases.models import Release, ReleaseType, ReleasingAgency
from legal import services as legal_services
from tests.casework.documents_fixtures import photo_with_location, s3_server, s3_storage, store, stored_keys  # noqa: F401
from tests.factories import MINIMAL_PDF, PASSWORD, make_document, make_family, make_organization, make_user, member_data


@pytest.fixture()
def program(db_session):
    return make_organization(db_session, name="Chicago Families Program", timezone="America/Chicago")


@pytest.fixture()
def manager(db_session, program):
    return make_user(db_session, program, Role.CASE_MANAGER, email="gestora@example.org", name="Gabriela Gestora")


@pytest.fixture()
def family(db_session, manager):
    made = make_family(db_session, manager, member_data(given="María José", first="Pérez", a_number=None))
    db_session.commit()
    return made


def _form(family, **overrides):
    data = {
        "file": (io.BytesIO(MINIMAL_PDF), "Aviso de María José.pdf"),
        "document_type": "notice_to_appear",
        "attached": f"family:{family.id}",
        "member_id": "0",
        "document_date": "2026-10-02",
        "expires_on": "",
    }
    data.update(overrides)
    return data


def _upload(client, family, **overrides):
    return client.post(
        f"/families/{family.id}/documents/new", _form(family, **overrides), content_type="multipart/form-data"
    )


def _documents(db_session, family):
    db_session.expire_all()
    return list(db_session.scalars(select(Document).where(Document.family_id == family.id)))


def test_a_pdf_is_kept_sealed_and_downloads_as_an_attachment(client, db_session, manager, family, store):
    client.sign_in(manager.email, PASSWORD)
    response = _upload(client, family)
    assert response.status_code == 302, response.get_data(as_text=True)
    [document] = _documents(db_session, family)
    assert (document.content_type, document.size, document.file_name) == (
        "application/pdf",
        len(MINIMAL_PDF),
        "Aviso de María José.pdf",
    )
    # Neither the name nor the content is stored in clear.
    raw_name = db_session.execute(text("SELECT file_name FROM documents WHERE id = :id"), {"id": document.id}).scalar()
    assert "María" not in raw_name and "Aviso" not in raw_name
    assert stored_keys(store) == {document.storage_key}
    with store.open(document.storage_key) as sealed:
        assert b"%PDF" not in sealed.read()

    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "Notice to Appear (I-862)" in page and "Aviso de María José.pdf" in page

    download = client.get(f"/files/{document.id}/download")
    assert download.status_code == 200
    assert download.get_data() == MINIMAL_PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Aviso%20de%20Mar%C3%ADa%20Jos%C3%A9.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    audited = db_session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "document", AuditEvent.action == AuditAction.VIEW)
    ).all()
    assert [(e.object_id, e.user_id, e.family_id) for e in audited] == [(document.id, manager.id, family.id)]
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "Downloaded 1 time" in page and "by Gabriela Gestora" in page
    history = client.get(f"/files/{document.id}/downloads").get_data(as_text=True)
    assert "Gabriela Gestora" in history.split("<tbody>")[1]


def test_a_photograph_loses_its_location(client, db_session, manager, family, store):
    client.sign_in(manager.email, PASSWORD)
    response = _upload(client, family, file=(io.BytesIO(photo_with_location()), "IMG_0042.JPG"))
    assert response.status_code == 302
    [document] = _documents(db_session, family)
    assert (document.content_type, document.file_name) == ("image/jpeg", "IMG_0042.jpg")
    photo = Image.open(io.BytesIO(client.get(f"/files/{document.id}/download").get_data()))
    assert photo.size == (64, 48) and 0x8825 not in photo.getexif()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ((b"", "empty.pdf"), "The file is empty."),
        ((b"MZ\x90\x00" + b"\x00" * 500, "scan.pdf"), "This type of file is not accepted."),
        ((b"Dear judge, ...", "letter.pdf"), "This type of file is not accepted."),
        ((photo_with_location()[:300], "cut.jpg"), "The file could not be opened"),
    ],
)
def test_bad_files_are_refused_next_to_the_field_with_the_rest_kept(
    client, db_session, manager, family, store, file, message
):
    client.sign_in(manager.email, PASSWORD)
    content, name = file
    response = _upload(
        client, family, file=(io.BytesIO(content), name), document_type="work_permit", expires_on="2027-03-01"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page.split('id="file-error"')[1].split("</p>")[0]
    assert '<option selected value="work_permit">' in page and 'value="2027-03-01"' in page
    assert _documents(db_session, family) == [] and stored_keys(store) == set()


def test_a_file_over_the_limit_is_refused(app, client, db_session, manager, family, store):
    client.sign_in(manager.email, PASSWORD)
    limit = app.config["DOCUMENT_MAX_BYTES"]
    app.config["DOCUMENT_MAX_BYTES"] = 1000
    try:
        response = _upload(client, family, file=(io.BytesIO(MINIMAL_PDF + b"%" * 2000), "big.pdf"))
    finally:
        app.config["DOCUMENT_MAX_BYTES"] = limit
    assert "The file is larger than 0.001 MB." in response.get_data(as_text=True)
    assert _documents(db_session, family) == [] and stored_keys(store) == set()


def test_a_storage_outage_saves_nothing_and_says_so(app, client, db_session, manager, family, s3_server):
    from casework.documents import files
    from tests.fake_servers import free_port

    original = app.extensions["casework.documents.storage"]
    files.install(
        app,
        type(s3_storage(s3_server))(
            "nowhere", f"http://127.0.0.1:{free_port()}", "testing", "testing", "us-east-1", max_attempts=1
        ),
    )
    try:
        client.sign_in(manager.email, PASSWORD)
        response = _upload(client, family)
    finally:
        files.install(app, original)
    assert "could not be stored just now, and nothing was saved" in response.get_data(as_text=True)
    assert _documents(db_session, family) == []


def test_a_fault_after_the_file_is_stored_takes_the_file_back(client, db_session, manager, family, store, monkeypatch):
    """The row cannot be written (here the audit line fails): the request rolls back, and the file
    already in the storage is deleted with it; no file without its row."""
    client.sign_in(manager.email, PASSWORD)

    def broken_record(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(document_services, "record", broken_record)
    with pytest.raises(RuntimeError):
        _upload(client, family)
    assert _documents(db_session, family) == [] and stored_keys(store) == set()


def test_removing_deletes_the_file_once_the_row_is_gone(client, db_session, manager, family, store):
    client.sign_in(manager.email, PASSWORD)
    _upload(client, family)
    [document] = _documents(db_session, family)
    document_id = document.id
    response = client.post(f"/files/{document_id}/remove", page=f"/families/{family.id}")
    assert response.status_code == 302
    assert _documents(db_session, family) == [] and stored_keys(store) == set()
    assert client.get(f"/files/{document_id}/download").status_code == 404


def test_a_missing_file_is_a_message_not_a_500(client, db_session, manager, family, store):
    client.sign_in(manager.email, PASSWORD)
    _upload(client, family)
    [document] = _documents(db_session, family)
    store.delete(document.storage_key)
    response = client.get(f"/files/{document.id}/download", headers={"Referer": f"/families/{family.id}"})
    assert response.status_code in (302, 409)
    followed = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "cannot be opened" in followed or "cannot be opened" in response.get_data(as_text=True)


def test_attaching_to_a_release_or_to_another_familys_record(app, client, db_session, manager, family, store):
    release = Release(
        family_id=family.id,
        released_on=date(2026, 10, 2),
        agency=ReleasingAgency.ICE,
        release_type=ReleaseType.RECOGNIZANCE,
    )
    other = make_family(db_session, manager, member_data(given="Juan", first="Núñez", a_number=None))
    other_release = Release(
        family_id=other.id, released_on=date(2026, 9, 1), agency=ReleasingAgency.CBP, release_type=ReleaseType.PAROLE
    )
    db_session.add_all([release, other_release])
    db_session.commit()
    client.sign_in(manager.email, PASSWORD)
    family_page = client.get(f"/families/{family.id}").get_data(as_text=True).replace("%3A", ":")
    assert f"/families/{family.id}/documents/new?about=release:{release.id}" in family_page  # from the release
    form = client.get(f"/families/{family.id}/documents/new").get_data(as_text=True)
    assert f'value="release:{release.id}"' in form and f'value="release:{other_release.id}"' not in form
    assert "returnee_case:" not in form  # in-country organizations' subject, not the program's

    refused = _upload(client, family, attached=f"release:{other_release.id}")
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    assert _upload(client, family, attached=f"release:{release.id}", document_type="release_order").status_code == 302
    [document] = _documents(db_session, family)
    assert (document.attached_to, document.attached_id) == ("release", release.id)
    assert "Release from custody on" in client.get(f"/families/{family.id}").get_data(as_text=True)


def test_partners_download_only_what_is_shared_on_their_referred_cases(
    app, client, other_client, db_session, manager, program, store
):
    from casework.cases import services as case_services
    from casework.families.models import ConsentKind

    family = make_family(
        db_session,
        manager,
        member_data(given="Rosa", first="Tzul", a_number=None),
        consents=(ConsentKind.LEGAL_SHARING,),
    )
    partner_org = make_organization(db_session, OrganizationKind.LEGAL_PARTNER, name="Derechos Legal Aid")
    partner = make_user(db_session, partner_org, Role.LEGAL_PARTNER, email="abogada@example.org")
    other_org = make_organization(db_session, OrganizationKind.LEGAL_PARTNER, name="Other Legal Aid")
    other_partner = make_user(db_session, other_org, Role.LEGAL_PARTNER, email="otro@example.org")
    case = case_services.current_case(db_session, family)
    head = [m.id for m in family.members]
    mine = legal_services.refer(db_session, manager, case, partner_org.id, head, "Asylum", "http://127.0.0.1")
    theirs = legal_services.refer(db_session, manager, case, other_org.id, head, "Second opinion", "http://127.0.0.1")
    legal_services.accept(db_session, partner, mine, "http://127.0.0.1")
    legal_services.accept(db_session, other_partner, theirs, "http://127.0.0.1")
    kept = make_document(app, db_session, family, manager, name="not-shared.pdf")
    shared = make_document(app, db_session, family, manager, name="shared.pdf", shared=True)
    on_mine = make_document(app, db_session, family, manager, "legal_referral", mine.id, name="for-derechos.pdf")
    on_theirs = make_document(app, db_session, family, manager, "legal_referral", theirs.id, name="for-other.pdf")
    db_session.commit()
    client.sign_in(manager.email, PASSWORD)
    referral_page = client.get(f"/legal-referrals/{mine.id}").get_data(as_text=True)
    assert f"about=legal_referral:{mine.id}" in referral_page.replace("%3A", ":")
    form = client.get(f"/families/{family.id}/documents/new?about=legal_referral:{mine.id}").get_data(as_text=True)
    assert f'<option selected value="legal_referral:{mine.id}">' in form
    checkbox = re.search(r"<input[^>]*shared_with_partners[^>]*>", form).group(0)
    assert "checked" in checkbox  # a referral's papers are for the partner: the box starts ticked
    plain = client.get(f"/families/{family.id}/documents/new").get_data(as_text=True)
    assert "checked" not in re.search(r"<input[^>]*shared_with_partners[^>]*>", plain).group(0)
    client.post("/sign-out", page="/account")

    for document in (on_mine, on_theirs):
        document.shared_with_partners = True
    db_session.commit()
    client.sign_in(partner.email, PASSWORD)
    assert client.get(f"/files/{shared.id}/download").get_data() == MINIMAL_PDF
    assert client.get(f"/files/{on_mine.id}/download").status_code == 200
    assert client.get(f"/files/{kept.id}/download").status_code == 404
    assert client.get(f"/files/{on_theirs.id}/download").status_code == 404
    portal = client.get(f"/partner/referrals/{mine.id}").get_data(as_text=True)
    assert "shared.pdf" in portal and "for-derechos.pdf" in portal
    assert "not-shared.pdf" not in portal and "for-other.pdf" not in portal and "Other Legal Aid" not in portal
    assert client.get(f"/families/{family.id}/documents/new").status_code == 403
    assert client.post(f"/files/{shared.id}/remove", page=f"/partner/referrals/{mine.id}").status_code == 403

    other_client.sign_in(other_partner.email, PASSWORD)
    assert other_client.get(f"/files/{on_theirs.id}/download").status_code == 200
    assert other_client.get(f"/files/{on_mine.id}/download").status_code == 404


def test_sharing_is_the_case_managers_choice(client, db_session, manager, family, store):
    client.sign_in(manager.email, PASSWORD)
    _upload(client, family)
    [document] = _documents(db_session, family)
    client.post(f"/files/{document.id}/share", {"shared_with_partners": "y"}, page=f"/families/{family.id}")
    assert _documents(db_session, family)[0].shared_with_partners is True
    client.post(f"/files/{document.id}/share", {}, page=f"/families/{family.id}")
    assert _documents(db_session, family)[0].shared_with_partners is False


def test_other_programs_and_in_country_staff_reach_nothing(app, client, db_session, manager, family, store):
    kept = make_document(app, db_session, family, manager)
    stranger = make_user(db_session, make_organization(db_session, name="Program B"), Role.ADMIN)
    reception = make_organization(db_session, OrganizationKind.REINTEGRATION, name="Reception center")
    worker = make_user(db_session, reception, Role.CASE_MANAGER)
    db_session.commit()
    for person in (stranger, worker):
        client.sign_in(person.email, PASSWORD)
        assert client.get(f"/files/{kept.id}/download").status_code == 404
        assert client.get(f"/families/{family.id}/documents/new").status_code == 404
        client.post("/sign-out", page="/account")
    assert db_session.scalar(select(func.count()).select_from(Document)) == 1


def test_in_country_staff_keep_a_returnees_papers(app, client, db_session, store):
    from reintegration import services as reintegration_services
    from reintegration.models import ReturnMethod

    reception = make_organization(db_session, OrganizationKind.REINTEGRATION, name="Reception center")
    worker = make_user(db_session, reception, Role.CASE_MANAGER, email="recepcion@example.org")
    returnee = reintegration_services.receive(
        db_session,
        worker,
        {"given_names": "Rigoberta", "first_surname": "Ixcoy"},
        reintegration_services.ReturnData(country="GT", returned_on=date(2026, 11, 20), method=ReturnMethod.FLIGHT),
        date(2026, 11, 20),
    )
    db_session.commit()
    client.sign_in(worker.email, PASSWORD)
    here = f"/reintegration/cases/{returnee.id}"
    form = client.get(f"/families/{returnee.family_id}/documents/new?about=returnee_case:{returnee.id}&next={here}")
    page = form.get_data(as_text=True)
    assert form.status_code == 200 and f'<option selected value="returnee_case:{returnee.id}">' in page
    assert "family:" not in page and "Legal partners" not in page
    response = client.post(
        f"/families/{returnee.family_id}/documents/new?next={here}",
        {
            "file": (io.BytesIO(photo_with_location()), "dui.jpg"),
            "document_type": "national_id",
            "attached": f"returnee_case:{returnee.id}",
            "member_id": "0",
        },
        page=f"/families/{returnee.family_id}/documents/new",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.headers["Location"] == here
    case_page = client.get(here).get_data(as_text=True)
    assert "National identity card" in case_page and f"Returnee case {returnee.reference}" in case_page
