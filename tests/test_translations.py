"""The interface is complete in Spanish: every string in the code and templates has a translation."""
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _extracted(tmp_path) -> list[str]:
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "lazy_gettext", "-k", "_l",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return [m.id for m in read_po(handle) if m.id]


def _spanish():
    with (ROOT / "translations/es/LC_MESSAGES/messages.po").open("rb") as handle:
        return read_po(handle, locale="es")


def test_every_string_has_a_spanish_translation(tmp_path):
    catalog = _spanish()
    missing = []
    for msgid in _extracted(tmp_path):
        message = catalog.get(msgid)
        if message is None or not message.string or message.fuzzy:
            missing.append(msgid)
    assert not missing, "untranslated (run `make messages` and translate translations/es): " + repr(missing)


def test_translations_keep_their_placeholders():
    wrong = [m.id for m in _spanish() if m.id and m.string
             and sorted(PLACEHOLDER.findall(str(m.id))) != sorted(PLACEHOLDER.findall(str(m.string)))]
    assert not wrong, wrong
