"""Legal partners: partner organizations, referrals, representation and the partner portal.

`init_app` is what the app factory calls: the blueprint, the partners' reach in the access
scope, the family page section, menu links, landing page and demo data.
"""

from __future__ import annotations

from flask import Flask

from casework.i18n import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from casework import access
    from casework.audit.labels import OBJECT_TYPE_LABELS
    from casework.cases.models import Case
    from casework.documents.models import Document
    from casework.extensions import FamilySection, NavLink, registry
    from casework.families.models import Address, Family, Member
    from casework.releases.models import ReleaseDocument
    from legal import cli, demo, documents, services
    from legal.forms import PARTNER_KINDS, REFERRAL_EVENTS, REFERRAL_STATUSES, REPRESENTATIONS
    from legal.models import LegalNote, Referral
    from legal.views import bp, family_section
    from scheduling.api import Appointment

    app.register_blueprint(bp)
    app.cli.add_command(cli.legal_cli)
    access.register_path(
        Referral, lambda q: q.join(Case, Referral.case_id == Case.id).join(Family, Case.family_id == Family.id)
    )
    access.register_path(
        LegalNote, lambda q: q.join(Case, LegalNote.case_id == Case.id).join(Family, Case.family_id == Family.id)
    )
    # What a partner's users see of a referred family: the household, contact, dates and legal
    # work; never case notes, tasks, service referrals, other partners' referrals or other families.
    access.register_grant(
        access.Grant(
            applies=services.is_partner,
            families=services.partner_families,
            models=frozenset(
                {Family, Member, Address, Case, Appointment, Referral, LegalNote, ReleaseDocument, Document}
            ),
            narrow={
                Referral: services.own_referrals,
                ReleaseDocument: lambda user: ReleaseDocument.shared_with_partners.is_(True),
                Document: services.shared_documents,
            },
        )
    )

    plugins = registry(app)
    plugins.document_subjects[documents.LEGAL_REFERRAL.name] = documents.LEGAL_REFERRAL
    plugins.family_sections.append(FamilySection("legal/_section.html", family_section, services.FAMILY_KINDS))
    # The program's side of legal work (refer, follow, the partners' figures); a partner's portal;
    # a partner's account manager adds and deactivates their colleagues.
    access.register_capability("refer_to_partner", lambda user: user.in_program)
    access.register_capability("use_partner_portal", services.is_partner)
    access.register_capability(
        "manage_partner_accounts", lambda user: services.is_partner(user) and user.manages_organization
    )
    plugins.nav_links.append(NavLink("legal.overview", _l("Legal"), "refer_to_partner"))
    plugins.nav_links.append(NavLink("legal.portal", _l("Referred cases"), "use_partner_portal"))
    plugins.homes.append((services.is_partner, "legal.portal"))
    plugins.demo_loaders.append(demo.load)
    plugins.anonymizers.append(services.anonymize_legal_records)
    OBJECT_TYPE_LABELS.update(
        {
            "legal_referral": _l("legal referral"),
            "legal_note": _l("legal note"),
            "partner_profile": _l("partner profile"),
        }
    )
    app.context_processor(
        lambda: {
            "legal_partner_kinds": PARTNER_KINDS,
            "referral_statuses": REFERRAL_STATUSES,
            "representations": REPRESENTATIONS,
            "event_labels": REFERRAL_EVENTS,
        }
    )
