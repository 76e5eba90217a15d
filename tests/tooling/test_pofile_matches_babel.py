"""The strict reader gives, on every valid catalog, what Babel's `read_po` gives.

`app.tooling.pofile` tokenizes PO files itself (msgfmt-level validation in one pass) but must stay a drop-in
for `babel.messages.pofile.read_po`. These tests read real public catalogs (tests/fixtures/po/corpus, see
its README for provenance) and the project's own catalogs both ways and compare every message field, the
obsolete entries and the header. The deliberate differences, and only those, are allowed:

- flags are the file's own: Babel's `Message()` adds or removes `python-format`/`python-brace-format` by
  looking at the msgid; msgfmt trusts the `#,` line, and so does our reader;
- `#~|` lines (an obsolete entry's previous msgid): Babel has no grammar for them (it warns "Unknown or
  misformatted keyword"), so they are blanked out of Babel's input;
- `#|` lines (previous msgid): Babel keeps them as translator comments ("| msgid ..."; Babel issue #206),
  which `write_po` would then write back as `# | msgid ...`; our reader reads them into `previous_id` (the
  status page shows the old English beside the new). They are blanked out of Babel's input too, so
  previous_id is not compared, and `test_babel_reads_previous_msgids_as_translator_comments` pins the difference.

Lines are blanked rather than removed so that line numbers (`Message.lineno`) still compare.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from app.config import PROJECT_ROOT
from app.tooling.pofile import messages, read_catalog

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "po" / "corpus"
CATALOGS = [*sorted(CORPUS.glob("*.po")),
            PROJECT_ROOT / "translations" / "ja" / "LC_MESSAGES" / "messages.po",
            PROJECT_ROOT / "translations" / "messages.pot"]
GUESSED_FLAGS = frozenset({"python-format", "python-brace-format"})
HEADER_FIELDS = ["mime_headers", "locale", "locale_identifier", "plural_forms", "num_plurals", "fuzzy",
                 "header_comment", "charset"]


def blank_lines(data: bytes, *prefixes: bytes) -> bytes:
    lines = data.split(b"\n")
    return b"\n".join(b"" if line.lstrip().startswith(prefixes) else line for line in lines)


def by_key(catalog: Catalog) -> dict:
    """Every entry but the header, by (msgid, msgctxt), in file order: Babel's public view of a catalog."""
    return {(m.id[0] if isinstance(m.id, tuple) else m.id, m.context): m for m in messages(catalog)}


def babel_read(data: bytes, capsys) -> Catalog:
    catalog = read_po(io.BytesIO(data), abort_invalid=False)
    warnings = capsys.readouterr().out  # Babel prints its warnings to stdout
    assert warnings == "", f"Babel could not read all of its input:\n{warnings}"
    return catalog


def fields(message: Message) -> dict:
    return {"id": message.id, "string": message.string, "context": message.context,
            "locations": message.locations, "auto_comments": message.auto_comments,
            "user_comments": message.user_comments,
            "fuzzy": message.fuzzy, "lineno": message.lineno,
            "flags": message.flags - GUESSED_FLAGS}


def mismatches(babel: dict, ours: dict) -> list:
    """The first few (key, field, Babel's value, ours) that differ, for a readable failure."""
    found = []
    for key, message in babel.items():
        expected, actual = fields(message), fields(ours[key])
        found += [(key, name, value, actual[name]) for name, value in expected.items() if actual[name] != value]
    return found[:5]


def written_flags(lines: list[str], lineno: int) -> set[str]:
    """The flags on the `#,` lines of the entry whose msgid is on line `lineno` (1-based): every `#,` line
    between the previous entry's msgstr and this msgid."""
    flags = set()
    for line in reversed(lines[:lineno - 1]):
        if line.lstrip("#~ ").startswith("msgstr"):
            break
        if line.startswith("#,"):
            flags.update(flag.strip() for flag in line[2:].split(","))
    flags.discard("")
    return flags


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.name)
def test_strict_reader_gives_what_babel_gives(path, capsys):
    ours = read_catalog(path)
    babel = babel_read(blank_lines(path.read_bytes(), b"#~|", b"#|"), capsys)

    ours_messages, babel_messages = by_key(ours), by_key(babel)
    assert list(ours_messages) == list(babel_messages)  # same keys, same order
    assert len(ours_messages) > 40
    assert mismatches(babel_messages, ours_messages) == []
    assert list(ours.obsolete) == list(babel.obsolete)
    assert mismatches(babel.obsolete, ours.obsolete) == []
    for name in HEADER_FIELDS:
        assert getattr(ours, name) == getattr(babel, name), name


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.name)
def test_flags_are_the_files_own(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    catalog = read_catalog(path)
    for message in [*messages(catalog), *catalog.obsolete.values()]:
        assert message.flags == written_flags(lines, message.lineno), (message.lineno, message.id)


@pytest.mark.parametrize(("name", "msgid", "context", "file_flags", "babel_flags"), [
    ("geeqie_ja.po", 'Configure "%s"', None, {"c-format"}, {"c-format", "python-format"}),  # C source
    ("django_humanize_ja.po", "{}th", "ordinal 0", set(), {"python-brace-format"}),
])
def test_babel_guesses_format_flags_the_file_does_not_have(name, msgid, context, file_flags, babel_flags,
                                                           capsys):
    # The one difference the comparison above allows is real on the corpus (202 messages in 4 files).
    path = CORPUS / name
    assert read_catalog(path).get(msgid, context).flags == file_flags
    assert babel_read(blank_lines(path.read_bytes(), b"#~|"), capsys).get(msgid, context).flags == babel_flags


def test_babel_reads_previous_msgids_as_translator_comments(capsys):
    path = CORPUS / "bleachbit_ja.po"
    ours = read_catalog(path)
    babel = babel_read(blank_lines(path.read_bytes(), b"#~|"), capsys)
    previous = 0
    ours_messages = by_key(ours)
    for key, message in by_key(babel).items():
        comments = [comment for comment in message.user_comments if not comment.startswith("|")]
        previous += len(message.user_comments) - len(comments)
        assert comments == ours_messages[key].user_comments
        assert message.previous_id == []
    assert previous == path.read_text(encoding="utf-8").count("\n#|")
    with_previous = [m for m in ours_messages.values() if m.previous_id]
    assert len(with_previous) == path.read_text(encoding="utf-8").count("\n#| msgid ") > 40
    assert all(m.fuzzy for m in with_previous)
