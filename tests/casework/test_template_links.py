"""Templates' `url_for` (casework.urls.template_links) writes every link as Flask's `url_for` does."""

from flask import render_template_string, url_for
from werkzeug.routing import IntegerConverter

from casework.urls import template_links


def template_url_for(endpoint, **values):
    return template_links()["url_for"](endpoint, **values)


def _routes(app):
    """(endpoint, the name of its one whole-number argument or None) of every route that has at most that."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        if not rule.arguments:
            yield rule.endpoint, None
        elif len(rule.arguments) == 1 and isinstance(rule._converters[next(iter(rule.arguments))], IntegerConverter):
            yield rule.endpoint, next(iter(rule.arguments))


def test_every_route_link_is_written_as_flask_writes_it_mounted_or_not(app):
    routes = list(_routes(app))
    assert len(routes) > 100 and any(name for _, name in routes) and any(name is None for _, name in routes)
    for script_root in ("", "/casework"):
        with app.test_request_context("/", base_url=f"http://localhost{script_root}/"):
            assert url_for("families.index") == f"{script_root}/families"
            for endpoint, name in routes:
                for number in (1, 42, 1234567):
                    values = {name: number} if name else {}
                    assert template_url_for(endpoint, **values) == url_for(endpoint, **values), (endpoint, script_root)
                # A second argument, a query value, anchors: written by Flask's url_for.
                extra = {name: 7, "page": 2} if name else {"page": 2}
                assert template_url_for(endpoint, **extra) == url_for(endpoint, **extra)
                assert template_url_for(endpoint, _anchor="x", **({name: 7} if name else {})) == url_for(
                    endpoint, _anchor="x", **({name: 7} if name else {})
                )


def test_templates_use_it_and_a_number_written_otherwise_is_built_by_flask(app):
    with app.test_request_context("/", base_url="http://localhost/casework/"):
        assert render_template_string("{{ url_for('families.show', family_id=5) }}") == "/casework/families/5"
        assert render_template_string("{{ url_for('families.index') }}") == "/casework/families"
        assert template_url_for("families.show", family_id=True) == url_for("families.show", family_id=True)
        assert template_url_for("families.show", family_id="12") == "/casework/families/12"


def test_a_converter_with_fixed_digits_falls_back_to_flask():
    from flask import Flask

    other = Flask("fixed_digits")
    other.add_url_rule("/files/<int(fixed_digits=6):number>", "file", lambda number: "")
    with other.test_request_context("/"):
        assert template_url_for("file", number=42) == "/files/000042" == url_for("file", number=42)
        assert template_url_for("file", number=7) == "/files/000007"


def test_links_an_app_adds_values_to_are_built_by_flask_at_every_request():
    from flask import Flask, g

    other = Flask("url_defaults")
    other.add_url_rule("/<lang>/items/<int:number>", "items", lambda lang, number: "")

    @other.url_defaults
    def _language(endpoint, values):
        values.setdefault("lang", g.lang)

    for code in ("es", "fr"):
        with other.test_request_context("/"):
            g.lang = code
            assert template_url_for("items", number=5) == f"/{code}/items/5" == url_for("items", number=5)
