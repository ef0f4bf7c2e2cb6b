"""The interface is complete in Spanish and in French: every string in the code and templates has a translation.

The strings are extracted afresh from the source (not read from translations/messages.pot, which may be stale),
so a new user-facing string without a Spanish translation fails here with its msgid in the message.
Fix: `make messages`, then translate the new entries in translations/{es,fr}/LC_MESSAGES/messages.po.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ("es", "fr")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    with pot.open("rb") as handle:
        return [m for m in read_po(handle) if m.id]


@pytest.fixture(scope="module", params=CATALOGS)
def catalog(request):
    """Each shipped catalog in turn."""
    with (ROOT / f"translations/{request.param}/LC_MESSAGES/messages.po").open("rb") as handle:
        return read_po(handle, locale=request.param)


def _forms(value) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _placeholders(text) -> set:
    return set(PLACEHOLDER.findall(text or ""))


def test_strings_are_extracted(extracted):
    assert len(extracted) > 100  # guards against an extraction that silently finds nothing


def test_every_string_has_a_spanish_translation(extracted, catalog):
    missing = []
    for source in extracted:
        message = catalog.get(source.id)
        expected_forms = catalog.num_plurals if source.pluralizable else 1
        if (
            message is None
            or message.fuzzy
            or len(_forms(message.string)) < expected_forms
            or not all(form.strip() for form in _forms(message.string))
        ):
            missing.append(source.id)
    assert not missing, (
        f"{len(missing)} string(s) without a {catalog.locale} translation "
        f"(run `make messages` and translate translations/{catalog.locale}/LC_MESSAGES/messages.po):\n"
        + "\n".join(repr(msgid) for msgid in missing)
    )


def test_translations_keep_their_placeholders(catalog):
    wrong = []
    for message in catalog:
        if not message.id or not any(_forms(message.string)):
            continue
        ids, strings = _forms(message.id), _forms(message.string)
        if message.pluralizable:
            # Spanish may drop the number from the singular ("Una tarea"), but never invent a placeholder,
            # and the plural forms carry the same placeholders as the English plural.
            allowed = set().union(*map(_placeholders, ids))
            ok = all(_placeholders(s) <= allowed for s in strings) and all(
                _placeholders(s) == _placeholders(ids[-1]) for s in strings[1:]
            )
        else:
            ok = sorted(PLACEHOLDER.findall(ids[0])) == sorted(PLACEHOLDER.findall(strings[0]))
        if not ok:
            wrong.append((message.id, message.string))
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(map(repr, wrong))


def test_catalog_passes_babels_checks(catalog):
    """The same checks `pybabel compile` runs (python-format, number of plural forms)."""
    problems = [(message.id, [str(error) for error in errors]) for message, errors in catalog.check()]
    assert not problems, problems
