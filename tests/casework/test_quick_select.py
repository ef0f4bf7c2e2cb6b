"""The quick select (report filters, the family page's staff lists) writes the same HTML as WTForms' own."""

import warnings

import pytest
from wtforms import Form, SelectField
from wtforms.widgets import Select

from casework.forms_common import QuickSelect


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
