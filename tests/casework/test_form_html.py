"""The form field and the one-button form every page writes: label, control, hint and errors tied
together for screen readers, everything typed or translated escaped."""

from __future__ import annotations

import re

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired

PAGE = (
    '{% from "macros/forms.html" import field, post_button %}'
    "{{ field(form.name) }}{{ field(form.note) }}{{ field(form.agree) }}{{ post_button(action, label, 'link') }}"
    "{{ post_button(action, label) }}"
)


class _Form(FlaskForm):
    name = StringField("Name <given>", validators=[DataRequired(message="Say <who>.")])
    note = StringField("Note", description="As the family says it & no more.")
    agree = BooleanField("Agree", description="Once.")


def test_a_field_shows_its_label_hint_and_errors_next_to_it(app):
    with app.test_request_context("/", method="POST", data={"name": "", "note": '"quoted" <i>'}):
        form = _Form(meta={"csrf": False})
        assert not form.validate()
        html = render_template_string(PAGE, form=form, action="/x?a=1&b=2", label="Revoke <it>")
    name = html[html.index('<div class="field has-error">') : html.index("</div>") + 6]
    assert '<label for="name">Name &lt;given&gt; <span class="required" aria-hidden="true">*</span></label>' in name
    assert 'aria-describedby="name-error"' in name and 'aria-invalid="true"' in name
    assert '<p class="error" id="name-error">Say &lt;who&gt;.</p>' in name
    assert 'value="&#34;quoted&#34; &lt;i&gt;"' in html  # what was typed is kept, escaped
    assert '<p class="hint" id="note-hint">As the family says it &amp; no more.</p>' in html
    assert re.search(r'<input[^>]*aria-describedby="note-hint"[^>]*aria-invalid="false"', html)
    assert '<div class="field checkbox">' in html
    assert re.search(r'<input[^>]*aria-describedby="agree-hint"[^>]*type="checkbox"', html)
    assert '<label for="agree">Agree</label>' in html


def test_a_post_button_carries_the_requests_csrf_token(app):
    with app.test_request_context("/"):
        from flask_wtf.csrf import generate_csrf

        html = render_template_string(PAGE, form=_Form(meta={"csrf": False}), action="/x?a=1&b=2", label="Revoke <it>")
        expected = generate_csrf()
    assert html.count('<form class="inline" method="post" action="/x?a=1&amp;b=2">') == 2
    assert html.count(f'<input type="hidden" name="csrf_token" value="{expected}">') == 2
    assert '<button type="submit" class="link">Revoke &lt;it&gt;</button>' in html
    assert '<button type="submit" class="button">Revoke &lt;it&gt;</button>' in html
