"""The request's catalogue is read once and follows every change of locale: a text written in
another language inside `force_locale` (an email in the family's language), and `refresh` after
the reader changes language."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import render_template_string, session
from flask_babel import force_locale, format_date, format_datetime, get_locale, refresh

from casework.i18n import catalogue, gettext, language_name, lazy_gettext, ngettext, reader_locale

TEMPLATE = "{{ _('Nothing here.') }}|{{ ngettext('%(num)s date', '%(num)s dates', 2) }}"


def test_templates_and_code_read_the_locale_of_the_moment(app):
    later = lazy_gettext("Nothing here.")
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        assert render_template_string(TEMPLATE) == "Nada por aquí.|2 fechas"
        assert gettext("Nothing here.") == str(later) == "Nada por aquí."
        with force_locale("en"):
            assert render_template_string(TEMPLATE) == "Nothing here.|2 dates"
            assert gettext("Nothing here.") == str(later) == "Nothing here."
            assert ngettext("%(num)s date", "%(num)s dates", 1) == "1 date"
        assert render_template_string(TEMPLATE) == "Nada por aquí.|2 fechas"
        assert ngettext("%(num)s date", "%(num)s dates", 1) == "1 fecha"


def test_refresh_reads_the_new_language(app):
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        assert gettext("Nothing here.") == "Nada por aquí."
        session["locale"] = "fr"
        refresh()
        assert gettext("Nothing here.") == render_template_string("{{ _('Nothing here.') }}") == "Rien ici."
        assert catalogue() is catalogue()


def test_the_readers_locale_is_flask_babels_at_every_moment(app):
    """`reader_locale` (the dates' and countries' look-up) answers what Flask-Babel's `get_locale`
    does: before the request chose, once chosen, inside `force_locale`, after it and after `refresh`."""
    assert reader_locale() is None and get_locale() is None
    with app.app_context():
        assert reader_locale() == get_locale()
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        assert str(reader_locale()) == "es" and reader_locale() is get_locale()
        with force_locale("fr"):
            assert str(reader_locale()) == "fr" == str(get_locale())
            assert render_template_string("{{ d|dateformat('long') }}", d=date(2026, 3, 8)) == "8 mars 2026"
        assert str(reader_locale()) == "es" == str(get_locale())
        session["locale"] = "en"
        refresh()
        assert str(reader_locale()) == "en" == str(get_locale())
        assert render_template_string("{{ d|dateformat('long') }}", d=date(2026, 3, 8)) == "March 8, 2026"
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        with force_locale("fr"):  # before the request chose: Flask-Babel leaves None behind
            assert str(reader_locale()) == "fr"
        assert str(reader_locale()) == "es" == str(get_locale())


def test_language_names_are_written_in_the_language_of_the_moment(app):
    assert language_name("spa") == "Spanish" and language_name("xyz") == "xyz" and language_name(None) == ""
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        assert language_name("spa") == "Español" and language_name("eng") == "Inglés"
        with force_locale("fr"):
            assert language_name("spa") == "Espagnol"
        assert language_name("spa") == "Español"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert language_name("spa") == "Spanish"


def test_outside_a_request_texts_stay_in_english(app):
    assert gettext("Nothing here.") == "Nothing here."
    with app.app_context():
        assert gettext("Page %(n)d", n=2) == "Page 2"


def test_dates_are_written_as_flask_babel_writes_them(app):
    days = [date(2026, 1, 1), date(2026, 3, 8), date(2026, 11, 1), date(2027, 12, 31)]
    formats = ["short", "medium", "long", "full", "EEEE d MMMM", "MMMM y", "EEE"]
    for language in ("en", "es", "fr"):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            for day in days:
                for pattern in formats:
                    written = render_template_string("{{ day|dateformat(pattern) }}", day=day, pattern=pattern)
                    assert written == format_date(day, pattern), (language, day, pattern)
            assert render_template_string("{{ day|dateformat }}", day=days[1]) == format_date(days[1], "medium")
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        assert render_template_string("{{ d|dateformat('long') }}", d=date(2026, 3, 8)) == "8 de marzo de 2026"
        # A datetime goes to Flask-Babel, which writes its date in the reader's zone (New York here).
        late = datetime(2026, 3, 9, 2, 30, tzinfo=UTC)
        assert render_template_string("{{ d|dateformat('long') }}", d=late) == "8 de marzo de 2026"


def test_instants_are_written_as_flask_babel_writes_them(app):
    """At the reader's zone (New York here), across both changes of clock, in each language and
    length; a naive datetime and a pattern of one's own are Flask-Babel's own."""
    from datetime import timedelta

    instants = [
        datetime(2026, 1, 1, 4, 59, tzinfo=UTC),  # still the last day of 2025 in New York
        datetime(2026, 3, 8, 6, 59, tzinfo=UTC),  # 01:59 EST, a minute before the clocks go forward
        datetime(2026, 3, 8, 7, 0, tzinfo=UTC),  # 03:00 EDT
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # 01:30 EDT
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # 01:30 EST, the hour read twice
        datetime(2026, 7, 4, 16, 5, tzinfo=UTC) + timedelta(microseconds=5),
    ]
    for language in ("en", "es", "fr"):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            for instant in instants:
                for length in ("short", "medium", "long", "full"):
                    written = render_template_string("{{ t|datetimeformat(length) }}", t=instant, length=length)
                    assert written == format_datetime(instant, length), (language, instant, length)
            assert render_template_string("{{ t|datetimeformat }}", t=instants[4]) == format_datetime(instants[4])
            naive = instants[4].replace(tzinfo=None)
            assert render_template_string("{{ t|datetimeformat('short') }}", t=naive) == format_datetime(naive, "short")
            own = render_template_string("{{ t|datetimeformat('d MMM HH:mm') }}", t=instants[3])
            assert own == format_datetime(instants[3], "d MMM HH:mm")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string("{{ t|datetimeformat('short') }}", t=instants[0]).startswith("12/31/25, 11:59")


def test_template_strings_come_out_as_jinjas_newstyle_gettext_writes_them(app):
    """`_`, `gettext`, `ngettext` and `{% trans %}` in templates: the translation is markup, its
    variables are escaped, `%%` is a percent sign, and a template that does not escape (a text
    message) gets the text as it is."""
    from jinja2 import Environment

    reference = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    reference.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        newstyle=True,
    )
    plain = reference.overlay(autoescape=False)
    sources = [
        "{{ _('Nothing here.') }}",
        "{{ _('Page %(n)d', n=3) }}",
        "{{ _('by %(name)s', name=name) }}",
        "{{ gettext('by %(name)s', name=name) }}",
        "{{ _('100%% of <b>them</b>') }}",
        "{{ ngettext('%(num)s date', '%(num)s dates', 1) }}|{{ ngettext('%(num)s date', '%(num)s dates', 3) }}",
        "{% trans %}Nothing here.{% endtrans %}",
        "{% trans name=name %}by {{ name }}{% endtrans %}",
        "{% trans count=2 %}{{ count }} date{% pluralize %}{{ count }} dates{% endtrans %}",
    ]
    context = {"name": "Ana <Gómez> & co"}
    for language in ("en", "es"):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            for source in sources:
                ours = app.jinja_env.from_string(source).render(context)
                assert ours == reference.from_string(source).render(context), (language, source)
                # A page's `_` and `gettext`, given by casework.i18n.template_translations.
                assert render_template_string(source, **context) == ours, (language, source)
                unescaped = app.jinja_env.overlay(autoescape=False).from_string(source).render(context)
                assert unescaped == plain.from_string(source).render(context), (language, source)
            assert "&lt;Gómez&gt;" in app.jinja_env.from_string(sources[2]).render(context)
            assert "<Gómez>" in app.jinja_env.overlay(autoescape=False).from_string(sources[2]).render(context)
        assert app.jinja_env.from_string(sources[4]).render() == "100% of <b>them</b>"
