"""One error path: a service's refusal (a CaseworkError) leaves nothing of the operation saved and
reaches the person as a message: next to the field in a form, as a flash for a button, and, when a
view lets it escape, through the app's handler (back to the page, or a page with the message and a
fitting status), never a 500. Every request here is HTTP with CSRF on."""

from __future__ import annotations

from sqlalchemy import func, select

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.cases import services as case_services
from casework.cases.models import Case, Note, Task
from casework.errors import Conflict, NotAllowed, ValidationError
from casework.families import services as family_services
from casework.releases import services as release_services
from casework.releases.models import DocumentKind, Release, ReleaseDocument, ReleaseType, ReleasingAgency
from casework.timeutil import today_in
from tests.factories import PASSWORD, make_family, make_organization, make_user


def _signed_in(client, db_session):
    program = make_organization(db_session)
    user = make_user(db_session, program, Role.CASE_MANAGER)
    family = make_family(db_session, user)
    db_session.commit()
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    case = db_session.scalars(select(Case).where(Case.family_id == family.id)).one()
    return user, family, case


def _count(db_session, model, *where) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _audited(db_session, object_type: str) -> int:
    return _count(db_session, AuditEvent, AuditEvent.object_type == object_type)


def refuse_after(monkeypatch, module, name: str, error) -> list[int]:
    """Make `module.name` do its work (its rows are flushed), then refuse with `error`."""
    original = getattr(module, name)
    calls: list[int] = []

    def refusing(*args, **kwargs):
        original(*args, **kwargs)
        calls.append(1)
        raise error

    monkeypatch.setattr(module, name, refusing)
    return calls


def _document(db_session, user, family):
    today = today_in(user.organization.timezone)
    release = Release(
        family_id=family.id, released_on=today, agency=ReleasingAgency.CBP, release_type=ReleaseType.PAROLE
    )
    db_session.add(release)
    db_session.flush()
    document = release_services.add_document(db_session, user, release, next(iter(DocumentKind)), today, today)
    db_session.commit()
    return release, document


# The helper, in a form: the message next to the field, what was typed kept, nothing saved -----------


def test_a_refused_form_shows_the_message_next_to_the_field_keeps_what_was_typed_and_saves_nothing(
    monkeypatch, client, db_session
):
    _user, family, case = _signed_in(client, db_session)
    calls = refuse_after(
        monkeypatch, case_services, "add_note", ValidationError("This note cannot be kept as written.", "body")
    )
    notes, events = _count(db_session, Note), _audited(db_session, "note")
    response = client.post(
        f"/cases/{case.id}/notes", {"body": "Called the sponsor about the hearing"}, page=f"/families/{family.id}"
    )
    page = response.get_data(as_text=True)
    assert calls == [1], "the note and its audit event were flushed before the refusal"
    assert response.status_code == 200
    assert 'id="body-error">' in page and "This note cannot be kept as written." in page.split('id="body-error">')[1]
    assert "Called the sponsor about the hearing" in page
    assert (_count(db_session, Note), _audited(db_session, "note")) == (notes, events)


# The helper, for a button: a flash, the same page as before, nothing saved --------------------------


def test_a_refused_button_flashes_the_message_and_saves_nothing(monkeypatch, client, db_session):
    user, family, case = _signed_in(client, db_session)
    task = case_services.add_task(db_session, user, case, "Call the school", today_in("UTC"), user.id)
    db_session.commit()
    events = _audited(db_session, "task")
    calls = refuse_after(monkeypatch, case_services, "complete_task", Conflict("Someone else changed this task."))
    response = client.post(f"/tasks/{task.id}/complete", page=f"/families/{family.id}")
    assert calls == [1]
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/families/{family.id}")
    assert "Someone else changed this task." in client.get(response.headers["Location"]).get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Task, task.id).completed_at is None
    assert _audited(db_session, "task") == events


# The app's handler: a domain error a view lets escape ------------------------------------------------


def test_an_escaped_refusal_of_a_button_goes_back_to_the_page_with_the_message_and_saves_nothing(
    monkeypatch, client, db_session
):
    user, family, _case = _signed_in(client, db_session)
    release, document = _document(db_session, user, family)
    events = _audited(db_session, "release")
    calls = refuse_after(monkeypatch, release_services, "remove_document", Conflict("The document changed meanwhile."))
    page = f"/releases/{release.id}/edit"
    response = client.post(
        f"/documents/{document.id}/remove", page=page, headers={"Referer": f"http://localhost{page}?tab=documents"}
    )
    assert calls == [1], "the document was deleted and the deletion audited before the refusal"
    assert response.status_code == 302 and response.headers["Location"] == f"{page}?tab=documents"
    assert "The document changed meanwhile." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db_session.get(ReleaseDocument, document.id) is not None
    assert _audited(db_session, "release") == events


def test_an_escaped_refusal_without_a_page_of_this_site_answers_with_a_page_and_its_status(
    monkeypatch, client, db_session
):
    user, family, _case = _signed_in(client, db_session)
    release, document = _document(db_session, user, family)
    refuse_after(monkeypatch, release_services, "remove_document", Conflict("The document changed meanwhile."))
    for referrer in (None, "https://elsewhere.example/releases/1/edit", "//elsewhere.example/x"):
        headers = {"Referer": referrer} if referrer else {}
        response = client.post(f"/documents/{document.id}/remove", page=f"/releases/{release.id}/edit", headers=headers)
        assert response.status_code == 409, referrer
        page = response.get_data(as_text=True)
        assert "The document changed meanwhile." in page and "Nothing of it was saved." in page
        assert db_session.get(ReleaseDocument, document.id) is not None


def test_an_escaped_refusal_of_a_page_answers_with_its_status_and_saves_nothing(monkeypatch, client, db_session):
    _user, family, _case = _signed_in(client, db_session)
    events = _count(db_session, AuditEvent)
    for error, status in (
        (NotAllowed("Not for this account."), 403),
        (ValidationError("Not like this."), 400),
        (Conflict("Changed meanwhile."), 409),
    ):
        monkeypatch.undo()
        calls = refuse_after(monkeypatch, family_services, "record_view", error)
        response = client.get(f"/families/{family.id}", headers={"Referer": "http://localhost/families"})
        assert calls == [1], "the view was audited before the refusal"
        assert response.status_code == status
        assert error.message in response.get_data(as_text=True)
    assert _count(db_session, AuditEvent) == events


def test_sign_in_keeps_the_failed_attempt_it_refuses(client, db_session):
    """The one view that catches its domain error without rolling back: throttling counts the attempt."""
    from casework.accounts.models import SignInAttempt

    program = make_organization(db_session)
    user = make_user(db_session, program, Role.CASE_MANAGER)
    db_session.commit()
    response = client.sign_in(user.email, "not the password")
    assert response.status_code == 200 and "The email or password is not right" in response.get_data(as_text=True)
    db_session.expire_all()
    attempts = db_session.scalars(select(SignInAttempt).where(SignInAttempt.email == user.email)).all()
    assert [a.succeeded for a in attempts] == [False]
