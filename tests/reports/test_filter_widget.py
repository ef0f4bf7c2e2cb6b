"""The filters' quick select writes the same HTML as WTForms' own."""

from wtforms import Form, SelectField
from wtforms.widgets import Select

from reports.forms import QuickSelect


class _Form(Form):
    grouped = SelectField()  # its groups are set on the form, as the report views do
    plain = SelectField(choices=[("", "All"), ("spa", "Español"), ('q"', "<x>")])


def test_the_quick_select_writes_what_wtforms_writes():
    form = _Form(data={"grouped": "court-1", "plain": 'q"'})
    form.grouped.choices = {"": [("", "All")], "Courts <1>": [("court-1", "A & B"), ("court-2", "C")]}
    for name in ("grouped", "plain"):
        assert QuickSelect()(form[name]) == Select()(form[name])
    assert 'selected value="court-1"' in QuickSelect()(form["grouped"])
