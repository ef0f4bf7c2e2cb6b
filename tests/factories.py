"""Realistic fictional records for tests."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from itertools import count

from sqlalchemy.orm import Session

from casework.accounts.models import Organization, OrganizationKind, Role, User
from casework.accounts.passwords import hash_password
from casework.families import services as family_services
from casework.families.models import ConsentKind, Family, PhoneKind, Relationship

PASSWORD = "a long test passphrase"
_sequence = count(1)


@lru_cache(maxsize=1)
def _password_hash() -> str:
    return hash_password(PASSWORD)


def make_organization(
    session: Session,
    kind: OrganizationKind = OrganizationKind.PROGRAM,
    name: str | None = None,
    timezone: str = "America/New_York",
) -> Organization:
    organization = Organization(name=name or f"Organization {next(_sequence)}", kind=kind, timezone=timezone)
    session.add(organization)
    session.flush()
    return organization


def make_user(
    session: Session,
    organization: Organization,
    role: Role = Role.CASE_MANAGER,
    email: str | None = None,
    active: bool = True,
    name: str | None = None,
) -> User:
    n = next(_sequence)
    user = User(
        email=email or f"user{n}@example.org",
        full_name=name or f"Test User {n}",
        role=role,
        organization_id=organization.id,
        password_hash=_password_hash(),
        active=active,
    )
    session.add(user)
    session.flush()
    return user


def member_data(
    given: str = "José Luis", first: str = "García", second: str | None = "López", **overrides
) -> family_services.MemberData:
    values = {
        "given_names": given,
        "first_surname": first,
        "second_surname": second,
        "date_of_birth": date(1988, 3, 14),
        "country_of_birth": "GT",
        "preferred_language": "spa",
        "languages": ["spa", "quc"],
        "phones": [("(312) 555-0143", PhoneKind.MOBILE)],
        "relationship_to_head": Relationship.HEAD,
    }
    values.update(overrides)
    return family_services.MemberData(**values)


def make_family(
    session: Session,
    user: User,
    head: family_services.MemberData | None = None,
    consents=(ConsentKind.SMS_REMINDERS,),
    address: bool = True,
    today: date = date(2026, 11, 2),
    assign_to: User | None = None,
) -> Family:
    address_data = (
        family_services.AddressData(
            line1="1450 W Cermak Rd",
            line2="Apt 3",
            city="Chicago",
            state="IL",
            postal_code="60608",
            moved_in_on=date(2026, 10, 1),
        )
        if address
        else None
    )
    return family_services.create_family(
        session, user, head or member_data(), address_data, consents, today, (assign_to or user).id
    )


def make_court(session: Session, slug: str = "test-chicago", name: str = "Chicago Immigration Court"):
    """An immigration court in Chicago (the shipped list's courts are loaded by the command, not here)."""
    from scheduling.models import Court

    court = Court(
        slug=slug,
        name=name,
        street="525 West Van Buren Street",
        city="Chicago",
        state="IL",
        postal_code="60607",
        timezone="America/Chicago",
    )
    session.add(court)
    session.flush()
    return court


def make_ice_office(session: Session, program: Organization, name: str = "Chicago ICE field office"):
    """The program's ICE field office in Chicago, where its families check in."""
    from scheduling.models import Office, OfficeKind

    office = Office(
        program_id=program.id,
        kind=OfficeKind.ICE,
        name=name,
        street="101 West Congress Parkway",
        city="Chicago",
        state="IL",
        postal_code="60605",
        timezone="America/Chicago",
    )
    session.add(office)
    session.flush()
    return office


# The smallest file the documents' content check takes as a PDF.
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def make_document(
    app,
    session: Session,
    family: Family,
    user: User,
    subject: str = "family",
    attached_id: int | None = None,
    content: bytes = MINIMAL_PDF,
    name: str = "notice.pdf",
    document_type=None,
    shared: bool = False,
    expires_on: date | None = None,
    today: date = date(2026, 11, 2),
):
    """A document kept through the service, as the upload form keeps it (the file in the app's storage)."""
    import io

    from casework.documents import services as document_services
    from casework.documents.models import DocumentType
    from casework.extensions import registry

    with app.test_request_context():
        return document_services.add_document(
            session,
            user,
            family,
            document_services.NewDocument(
                document_type=document_type or DocumentType.NOTICE_TO_APPEAR,
                subject=subject,
                attached_id=attached_id if attached_id is not None else family.id,
                member_id=None,
                document_date=None,
                expires_on=expires_on,
                shared_with_partners=shared,
                file_name=name,
            ),
            io.BytesIO(content),
            20_000_000,
            registry(app).document_subjects,
            today,
        )
