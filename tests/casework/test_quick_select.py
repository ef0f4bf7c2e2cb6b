"""The quick select (report filters, the family page's staff lists) writes the same HTML as WTForms' own."""

import sys
import warnings

import pytest
from wtforms import Form, SelectField
from wtforms import SelectField as WTFormsSelectField
from wtforms.widgets import Select

from casework.forms_common import QuickSelect
from casework.forms_common import SelectField as QuickSelectField


class _Form(Form):
    grouped = SelectField()  # its groups are set on the form, as the report views do
    plain = SelectField(choices=[("", "All"), ("spa", "Español"), ('q"', "<x>")])
    staff = SelectField(coerce=int, choices=[(0, "Not assigned"), (7, "Ana <Gómez>"), (9, "Luis")])


def test_the_quick_select_writes_what_wtforms_writes():
    form = _Form(data={"grouped": "court-1", "plain": 'q"', "staff": 7})
    form.grouped.choices = {"": [("", "All")], "Courts <1>": [("court-1", "A & B"), ("court-2", "C")], "None": []}
    for name in ("grouped", "plain", "staff"):
        assert QuickSelect()(form[name]) == Select()(form[name])
        assert QuickSelect()(form[name], **{"aria-invalid": "true", "class": "wide"}) == Select()(
            form[name], **{"aria-invalid": "true", "class": "wide"}
        )
    assert "None" not in QuickSelect()(form["grouped"])
    assert 'selected value="court-1"' in QuickSelect()(form["grouped"])
    assert '<option selected value="7">Ana &lt;Gómez&gt;</option>' in QuickSelect()(form["staff"])


@pytest.mark.parametrize(
    "choices",
    [
        [("", "All"), ("x", "")],  # an empty label shows the value
        [("a", "A"), ("b", "B", {"disabled": True})],  # options with attributes go through WTForms
        ["a", "b"],  # values alone
        [(True, "Yes"), (False, "No")],
        {"One": {"a": "A"}},  # WTForms' shorthand dict
        {"A": [("a", "A")], "B": [("b", "B")]},
        [],
    ],
)
def test_other_shapes_of_choices_are_written_as_wtforms_writes_them(choices):
    form = _Form(data={"plain": "b"})
    form.plain.choices = choices
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert QuickSelect()(form["plain"]) == Select()(form["plain"])


def test_a_required_field_is_written_required():
    form = _Form(data={"staff": 9})
    form.staff.flags.required = True
    written = QuickSelect()(form["staff"])
    assert written == Select()(form["staff"]) and " required" in written


class _Checked(Form):
    plain = QuickSelectField(choices=[("", "All"), ("spa", "Español")])
    grouped = QuickSelectField()
    staff = QuickSelectField(coerce=int, choices=[(0, "Not assigned"), (7, "Ana")])


@pytest.mark.parametrize(
    ("name", "value", "valid"),
    [
        ("plain", "spa", True),
        ("plain", "", True),
        ("plain", "eng", False),
        ("grouped", "court-2", True),
        ("grouped", "", True),
        ("grouped", "court-9", False),
        ("staff", "7", True),
        ("staff", "8", False),
        ("staff", "seven", False),  # not a number: WTForms' own coerce error
    ],
)
def test_the_choice_check_answers_as_wtforms_does(name, value, valid):
    mine, theirs = _Checked(DummyPost({name: value})), _Checked(DummyPost({name: value}))
    for form in (mine, theirs):
        form.grouped.choices = {"": [("", "All")], "Courts": [("court-1", "A"), ("court-2", "B")]}
    for field in theirs:
        field.pre_validate = WTFormsSelectField.pre_validate.__get__(field)  # type: ignore[method-assign]
    assert mine[name].validate(mine) is valid
    assert theirs[name].validate(theirs) is valid
    assert mine[name].errors == theirs[name].errors


class DummyPost(dict):
    def getlist(self, key):
        return [self[key]] if key in self else []


def test_every_form_of_the_application_reads_wtforms_messages_in_the_readers_language(app):
    """Each form derives from casework's Form, whose WTForms messages come from a catalogue read
    once per language; in Spanish, WTForms' own "Not a valid choice." is Spanish."""
    from flask_babel import force_locale
    from flask_wtf import FlaskForm

    from casework.forms_common import Form as CaseworkForm

    packages = ("casework", "scheduling", "legal", "reintegration", "reports", "imports")
    for package in packages:  # the app imported every domain's views, and so their forms
        assert any(name.startswith(f"{package}.") and name.endswith(".forms") for name in sys.modules)
    forms = [f for f in _subclasses(FlaskForm) if f.__module__.split(".")[0] in packages]
    assert len(forms) > 40
    assert [f for f in forms if not issubclass(f, CaseworkForm)] == []

    class Choosing(CaseworkForm):
        pick = QuickSelectField(choices=[("a", "A")])

    for locale, expected in (("en", "Not a valid choice."), ("es", "Opción inválida."), ("en", "Not a valid choice.")):
        with app.test_request_context("/"), force_locale(locale):
            form = Choosing(DummyPost({"pick": "b"}), meta={"csrf": False})
            assert not form.validate()
            assert form.pick.errors == [expected]


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_options_kept_once_written_are_those_of_the_choices_and_value_of_each_request(app):
    from casework.i18n import lazy_gettext

    form = _Form(data={"staff": 7})
    for data in (7, 9, 0, 7, None):
        form.staff.data = data
        assert QuickSelect()(form["staff"]) == Select()(form["staff"])
    form.staff.data = 7
    form.staff.choices = [(0, "Not assigned"), (7, "Ana Gómez")]  # a name corrected: written anew
    assert QuickSelect()(form["staff"]) == Select()(form["staff"]) and "Ana Gómez" in QuickSelect()(form["staff"])
    # Lazy labels are written in the language of each request, never kept in another's.
    form.plain.choices = [("spa", lazy_gettext("Spanish")), ("eng", lazy_gettext("English"))]
    form.plain.data = "spa"
    for language, name in (("es", "Español"), ("en", "Spanish"), ("es", "Español")):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            written = QuickSelect()(form["plain"])
            assert written == Select()(form["plain"]) and f">{name}</option>" in written
