"""pofile.py reads most entries in one step (`_Parser.blocks`, one regex match an entry) and falls back to
its token-by-token path anywhere else. Both must read the same: the same entries, errors (line and message),
notes and everything else the reader records, on real catalogs, GNU's test inputs and mutants of them."""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.tooling import pofile


# GNU gettext's test inputs, as tests/tooling/test_conformance.py finds them (GNU_GETTEXT_TESTS, else
# ../shared/testdata/gnu-gettext-tests beside the project).
SUITE = Path(os.environ.get("GNU_GETTEXT_TESTS")
             or Path(PROJECT_ROOT).parent / "shared" / "testdata" / "gnu-gettext-tests") / "suite"
FILES = sorted(SUITE.glob("*.po")) if SUITE.is_dir() else []

FIXTURES = sorted((PROJECT_ROOT / "tests" / "fixtures" / "po").rglob("*.po"))
INSERTS = [b'"', b"\\", b"\n", b"#~ ", b"#| ", b"msgid ", b"msgstr ", b"msgctxt \"a\"\n", b"\x04", b"\x00",
           b"\r\n", b"\\\n", b"\n\n", b"  ", b"\xff", b"\\x41", b"\\777", b"\\q", b"\f"]


class _NoBlocks:
    @staticmethod
    def match(*args):
        return None


def read(data: bytes, blocks: bool, monkeypatch) -> tuple:
    with monkeypatch.context() as patch:
        if not blocks:
            patch.setattr(pofile, "_BLOCK_RE", _NoBlocks)
        try:
            parser = pofile._read(data, "x.po")
        except Exception as exc:  # noqa: BLE001 (compared, not hidden: both paths must raise alike)
            return ("raised", type(exc).__name__, str(exc))
    return (parser.entries, [(f.line, f.code, f.message) for f in parser.errors],
            [(f.line, f.message) for f in parser.notes], parser.bad_comment_lines, parser.bad_string_lines,
            parser.domains, parser.previous_by_line, parser.codec)


def mutants(data: bytes, rng: random.Random, count: int) -> list[bytes]:
    result = [data]
    for _ in range(count):
        lines = data.split(b"\n")
        kind, index = rng.randrange(6), rng.randrange(len(lines))
        if kind == 0:
            del lines[index]
        elif kind == 1:
            lines.insert(index, lines[index])
        elif kind == 2:
            lines[index] = b"#~ " + lines[index]
        elif kind == 3:
            lines = [data[:rng.randrange(len(data) + 1)]]
        else:
            at = rng.randrange(len(lines[index]) + 1)
            lines[index] = lines[index][:at] + rng.choice(INSERTS) + lines[index][at + (kind == 5):]
        result.append(b"\n".join(lines))
    return result


@pytest.mark.parametrize("path", FIXTURES + [PROJECT_ROOT / "translations" / "ja" / "LC_MESSAGES" / "messages.po"],
                         ids=lambda p: p.name)
def test_blocks_read_what_tokens_read(path, monkeypatch):
    rng = random.Random(path.name)
    for data in mutants(path.read_bytes(), rng, 40):
        assert read(data, True, monkeypatch) == read(data, False, monkeypatch)


@pytest.mark.skipif(not FILES, reason="GNU gettext's test inputs not found (set GNU_GETTEXT_TESTS)")
def test_blocks_read_what_tokens_read_on_gnus_suite(monkeypatch):
    rng = random.Random(17)
    differing = [path.name for path in FILES for data in mutants(path.read_bytes(), rng, 3)
                 if read(data, True, monkeypatch) != read(data, False, monkeypatch)]
    assert differing == []


def test_the_blocks_are_taken(monkeypatch):
    """Not a dead path: on a real catalog the block reader takes every simple entry."""
    calls = []
    original = pofile._Parser.blocks

    def counting(self, *args):
        following = original(self, *args)
        calls.append(following - args[-1])
        return following

    monkeypatch.setattr(pofile._Parser, "blocks", counting)
    path = PROJECT_ROOT / "tests" / "fixtures" / "po" / "corpus" / "django_core_ja.po"
    pofile._read(path.read_bytes(), str(path))
    assert sum(calls) > 0.8 * path.read_bytes().count(b"\n")  # all but plurals and the header (84%)
