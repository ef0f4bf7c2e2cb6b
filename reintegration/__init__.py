"""Reintegration: people returned to their home countries, received and followed in-country.

`init_app` is what the app factory calls: the blueprint, the in-country organizations' reach in
the access scope, the hand-over section of the US family page, menu, landing page and demo data.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from casework.i18n import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from casework import access
    from casework.accounts.models import Role
    from casework.audit.labels import OBJECT_TYPE_LABELS
    from casework.cases.models import Case, Task
    from casework.db import AnySelect
    from casework.documents.models import Document
    from casework.extensions import FamilySection, NavLink, registry
    from casework.families.models import Family, Member
    from reintegration import cli, demo, documents, followups, services, settings
    from reintegration.forms import RETURN_METHODS
    from reintegration.models import OutcomeRecord, PlanItem, Referral, RelativeInUS, ReturneeCase
    from reintegration.views import bp, family_section

    app.register_blueprint(bp)
    app.cli.add_command(cli.reintegration_cli)
    access.register_path(ReturneeCase, lambda q: q.join(Family, ReturneeCase.family_id == Family.id))
    access.register_path(
        RelativeInUS,
        lambda q: q.join(ReturneeCase, RelativeInUS.returnee_case_id == ReturneeCase.id).join(
            Family, ReturneeCase.family_id == Family.id
        ),
    )

    def through_returnee_case(model: type[PlanItem | Referral | OutcomeRecord]) -> Callable[[AnySelect], AnySelect]:
        return lambda q: q.join(ReturneeCase, model.returnee_case_id == ReturneeCase.id).join(
            Family, ReturneeCase.family_id == Family.id
        )

    for model in (PlanItem, Referral, OutcomeRecord):
        access.register_path(model, through_returnee_case(model))
    access.register_grant(
        access.Grant(
            applies=services.is_reintegration_staff,
            families=access.organization_families,
            models=frozenset(
                {Family, Member, Case, Task, ReturneeCase, RelativeInUS, PlanItem, Referral, OutcomeRecord, Document}
            ),
        )
    )
    plugins = registry(app)
    plugins.document_subjects[documents.RETURNEE_CASE.name] = documents.RETURNEE_CASE
    plugins.family_sections.append(FamilySection("reintegration/_section.html", family_section))
    # An in-country organization's staff and its returnees; its admins and supervisors, its settings.
    access.register_capability("in_country_staff", services.is_reintegration_staff)
    access.register_capability(
        "manage_in_country_settings",
        lambda user: services.is_reintegration_staff(user) and user.role in (Role.ADMIN, Role.SUPERVISOR),
    )
    plugins.nav_links.append(NavLink("reintegration.index", _l("Returnees"), "in_country_staff"))
    plugins.nav_links.append(NavLink("reintegration.providers", _l("Service providers"), "in_country_staff"))
    plugins.default_locales.append(
        lambda session, user: settings.default_locale(session, user) if services.is_reintegration_staff(user) else None
    )
    plugins.homes.append((services.is_reintegration_staff, "reintegration.index"))
    plugins.demo_loaders.append(demo.load)
    plugins.anonymizers.append(services.anonymize_returnee)
    plugins.task_titles[followups.FOLLOW_UP.key] = followups.FOLLOW_UP
    OBJECT_TYPE_LABELS.update(
        {
            "returnee_case": _l("returnee case"),
            "returnee_referral": _l("returnee referral"),
            "returnee_outcome": _l("returnee's situation"),
            "provider": _l("service provider"),
        }
    )
    app.context_processor(lambda: {"return_methods": RETURN_METHODS})
