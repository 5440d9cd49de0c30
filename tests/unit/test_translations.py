"""The English catalogue stays complete: every string the code marks for
translation has an English translation, the compiled .mo matches the .po, and
no translation loses (or invents) a %(name)s placeholder.

When a test here fails after you added or changed a string, refresh the
catalogue and translate what is new:

    .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location \
        --sort-output -o dms/translations/messages.pot .
    .venv/bin/pybabel update -i dms/translations/messages.pot -d dms/translations \
        -l en --no-fuzzy-matching
    (edit dms/translations/en/LC_MESSAGES/messages.po)
    .venv/bin/pybabel compile -d dms/translations -l en --statistics
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "dms" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
# The same keywords as the documented extract command (see the module docstring).
KEYWORDS = ("_l", "lazy_gettext")
# A printf-style named placeholder: %(name)s, %(num)d, %(x).2f ...
PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _read_po(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale="en")


def _forms(value) -> tuple[str, ...]:
    """A message's id or string as a tuple of forms (read_mo gives lists)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _key(message) -> tuple[str, str | None]:
    return _forms(message.id)[0], message.context


def _messages(catalog: Catalog) -> dict:
    """{(msgid, context): (msgid forms, msgstr forms)} without the header."""
    return {_key(m): (_forms(m.id), _forms(m.string)) for m in catalog if m.id}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Catalog:
    """The messages the code marks for translation now, by a fresh extraction."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    keywords = [arg for kw in KEYWORDS for arg in ("-k", kw)]
    done = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract",
         "-F", "babel.cfg", *keywords, "--no-location", "--sort-output",
         "-o", str(pot), "."],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, f"pybabel extract failed:\n{done.stderr[-2000:]}"
    with pot.open("rb") as f:
        catalog = read_po(f)
    assert len(catalog) > 100, "the extraction found almost nothing: babel.cfg?"
    return catalog


@pytest.fixture(scope="module")
def english() -> Catalog:
    return _read_po(PO)


def test_every_extracted_message_has_an_english_translation(fresh, english):
    problems = []
    for message in fresh:
        if not message.id:
            continue
        found = english.get(*_key(message))
        if found is None:
            problems.append(f"missing from en .po: {_key(message)[0]!r}")
        elif _forms(found.id) != _forms(message.id):
            problems.append(f"plural form changed: {_key(message)[0]!r}")
        elif found.fuzzy:
            problems.append(f"fuzzy: {_key(message)[0]!r}")
        elif not all(s.strip() for s in _forms(found.string)):
            problems.append(f"untranslated: {_key(message)[0]!r}")
    assert not problems, (
        f"{len(problems)} message(s) need an English translation "
        "(run pybabel extract + update, translate, compile; see this file):\n"
        + "\n".join(problems)
    )


def test_every_translation_is_complete_and_not_fuzzy(english):
    """Also the entries no extraction produces any more, while they stay."""
    bad = [
        _key(m)[0]
        for m in english
        if m.id and (m.fuzzy or not all(s.strip() for s in _forms(m.string)))
    ]
    assert not bad, f"untranslated or fuzzy in {PO.name}: {bad}"


def test_committed_mo_matches_the_po(english):
    compiled = io.BytesIO()
    write_mo(compiled, english)
    compiled.seek(0)
    with MO.open("rb") as f:
        committed = _messages(read_mo(f))
    expected = _messages(read_mo(compiled))
    stale = sorted(
        key[0] for key in expected.keys() | committed.keys()
        if expected.get(key) != committed.get(key)
    )  # fmt: skip
    assert not stale, (
        f"{MO.relative_to(ROOT)} is out of date; run "
        "`pybabel compile -d dms/translations -l en`. Differing: " + repr(stale)
    )


def test_translations_keep_the_placeholders(english):
    problems = []
    for message in english:
        if not message.id:
            continue
        wanted = set()
        for msgid in _forms(message.id):
            wanted |= set(PLACEHOLDER.findall(msgid))
        for msgstr in _forms(message.string):
            found = set(PLACEHOLDER.findall(msgstr))
            if msgstr and found != wanted:
                problems.append(
                    f"{_key(message)[0]!r} -> {msgstr!r}: "
                    f"lost {sorted(wanted - found)}, added {sorted(found - wanted)}"
                )
    assert not problems, "placeholders differ:\n" + "\n".join(problems)
