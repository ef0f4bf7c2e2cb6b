"""A form field with its label, hint and errors, and a one-button form that posts: written in Python
because every form of the application calls them, several times a page (a Jinja macro call costs
more than what it writes). Templates reach them as `field` and `post_button` from macros/forms.html."""

from __future__ import annotations

from typing import Any

from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape


def field(f: Any) -> Markup:
    """The field in its wrapper: the label (and a star when required), the control, its hint, and
    its errors next to it, the control described by both and marked invalid while it has errors."""
    described = []
    if f.description:
        described.append(f"{f.id}-hint")
    if f.errors:
        described.append(f"{f.id}-error")
    checkbox = f.type == "BooleanField"
    classes = "field" + (" has-error" if f.errors else "") + (" checkbox" if checkbox else "")
    html = [f'<div class="{classes}">']
    if checkbox:
        attributes = {"aria-describedby": " ".join(described)} if described else {}
        html.append(f"{f(**attributes)} {f.label}")
    else:
        required = ' <span class="required" aria-hidden="true">*</span>' if f.flags.required else ""
        html.append(f'<label for="{escape(f.id)}">{escape(f.label.text)}{required}</label>')
        attributes = (
            {"aria-describedby": " ".join(described), "aria-invalid": "true" if f.errors else "false"}
            if described
            else {}
        )
        html.append(str(f(**attributes)))
    if f.description:
        html.append(f'<p class="hint" id="{escape(f.id)}-hint">{escape(f.description)}</p>')
    if f.errors:
        errors = " ".join(str(escape(e)) for e in f.errors)
        html.append(f'<p class="error" id="{escape(f.id)}-error">{errors}</p>')
    html.append("</div>")
    return Markup("\n".join(html))  # noqa: S704 - every text above is escaped; controls are WTForms' Markup


def post_button(action: str, label: Any, class_: str = "button") -> Markup:
    """A form of one button that posts to `action` with the request's CSRF token."""
    return Markup(  # noqa: S704 - escaped
        f'<form class="inline" method="post" action="{escape(action)}">'
        f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">'
        f'<button type="submit" class="{escape(class_)}">{escape(label)}</button></form>'
    )
