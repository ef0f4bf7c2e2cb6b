"""The quick select (report filters, the family page's staff lists) writes the same HTML as WTForms' own."""

from wtforms import Form, SelectField
from wtforms.widgets import Select

from casework.forms_common import QuickSelect


class _Form(Form):
    grouped = SelectField()  # its groups are set on the form, as the report views do
    plain = SelectField(choices=[("", "All"), ("spa", "Español"), ('q"', "<x>")])
    staff = SelectField(coerce=int, choices=[(0, "Not assigned"), (7, "Ana <Gómez>"), (9, "Luis")])


def test_the_quick_select_writes_what_wtforms_writes():
    form = _Form(data={"grouped": "court-1", "plain": 'q"', "staff": 7})
    form.grouped.choices = {"": [("", "All")], "Courts <1>": [("court-1", "A & B"), ("court-2", "C")]}
    for name in ("grouped", "plain", "staff"):
        assert QuickSelect()(form[name]) == Select()(form[name])
    assert 'selected value="court-1"' in QuickSelect()(form["grouped"])
    assert '<option selected value="7">Ana &lt;Gómez&gt;</option>' in QuickSelect()(form["staff"])
