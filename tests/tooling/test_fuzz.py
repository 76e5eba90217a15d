"""Mutated real catalogs never give a traceback, a hang or an exit outside {0, 1, 2}, and never pass `check`
where GNU `msgfmt --check` rejects them.

Seeds: the public catalogs in tests/fixtures/po/corpus and the project's own translations/ja catalog.
Mutations (seeded, so a failure reproduces): byte flips, truncation, a UTF-8 BOM, NUL bytes, CRLF line ends,
a huge line, numbers of thousands of digits where a line number, a plural index and nplurals go, junk
between tokens. Every mutant is checked in process (`run_check`, and the reader's verdict and first error line compared with
`msgfmt --statistics`, as tests/tooling/test_conformance.py compares them) and by `msgfmt -c`; then all of
them at once through the real CLI, `flask --app app i18n check FILE...`, whose report must name every file.
"""
from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.tooling.check import run_check
from app.tooling.report import exit_status
from tests.tooling.test_conformance import describe, run_msgfmt, run_ours

ROOT = Path(PROJECT_ROOT)
MSGFMT_ENV = {"LC_ALL": "C", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
SEEDS = [*sorted((ROOT / "tests" / "fixtures" / "po" / "corpus").glob("*.po")),
         ROOT / "translations" / "ja" / "LC_MESSAGES" / "messages.po"]
MUTANTS_PER_SEED = 10  # 80 mutants: well under 30 s with msgfmt run twice on each
HUGE = b"9" * 5000  # over Python's 4,300-digit int() limit


def _lines(data: bytes, rng: random.Random) -> tuple[list[bytes], int]:
    lines = data.split(b"\n")
    return lines, rng.randrange(len(lines))


def flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(len(data))]


def bom(data: bytes, rng: random.Random) -> bytes:
    return b"\xef\xbb\xbf" + data


def nul(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + b"\x00" + data[at:]


def crlf(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\n", b"\r\n")


def huge_line(data: bytes, rng: random.Random) -> bytes:
    lines, at = _lines(data, rng)
    lines.insert(at, b'"' + b"x" * 2_000_000 + b'"')
    return b"\n".join(lines)


def huge_location(data: bytes, rng: random.Random) -> bytes:
    return re.sub(rb"^#: (\S+):\d+", rb"#: \1:" + HUGE, data, count=3, flags=re.MULTILINE)


def huge_plural_index(data: bytes, rng: random.Random) -> bytes:
    if b"msgstr[" in data:
        return data.replace(b"msgstr[0]", b"msgstr[" + HUGE + b"]", 1)
    return data.replace(b'msgstr "', b'msgstr[' + HUGE + b'] "', 1)


def huge_nplurals(data: bytes, rng: random.Random) -> bytes:
    return re.sub(rb"nplurals=\d+", b"nplurals=" + HUGE, data, count=1)


def junk(data: bytes, rng: random.Random) -> bytes:
    lines, at = _lines(data, rng)
    token = rng.choice(["\u00a0", "\u2028", "\\004", "\u0660", "#|", "#~", "domain", "[", "\x04"]).encode()
    line = lines[at]
    cut = rng.randrange(len(line) + 1)
    lines[at] = line[:cut] + token + line[cut:]
    return b"\n".join(lines)


def delete_line(data: bytes, rng: random.Random) -> bytes:
    lines, at = _lines(data, rng)
    del lines[at]
    return b"\n".join(lines)


MUTATIONS = [flip, truncate, bom, nul, crlf, huge_line, huge_location, huge_plural_index, huge_nplurals, junk,
             delete_line, flip]


def mutants(tmp_path: Path) -> list[Path]:
    paths = []
    for seed_number, seed in enumerate(SEEDS):
        data = seed.read_bytes()
        for n in range(MUTANTS_PER_SEED):
            rng = random.Random(seed_number * 1000 + n)
            mutate = MUTATIONS[(seed_number + n) % len(MUTATIONS)]  # every mutation on several seeds
            path = tmp_path / f"{seed.stem}-{n:02d}-{mutate.__name__}.po"
            path.write_bytes(mutate(data, rng))
            paths.append(path)
    return paths


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return mutants(tmp_path_factory.mktemp("fuzz"))


def test_every_mutant_is_checked_as_msgfmt_reads_it_and_never_passes_what_msgfmt_rejects(files):
    """No traceback (run_check raising fails the test), exit 0/1/2, the reader's verdict and first error line
    are msgfmt's (the comparison test_conformance makes), and exit 0 never where `msgfmt -c` rejects (format
    strings included: formats.py)."""
    passed_but_rejected, verdicts_differ = [], []
    for path in files:
        msgfmt, ours = run_msgfmt(path), run_ours(path)
        assert ours.exit in (0, 1, 2), path.name
        if ours.exit == 0 and msgfmt.checked_status != 0:
            passed_but_rejected.append(path)
        if (msgfmt.status != 0) != ours.rejects or msgfmt.status != 0 and msgfmt.first_line != ours.first_line:
            verdicts_differ.append(describe(path, msgfmt, ours))
    assert verdicts_differ == []
    assert [path.name for path in passed_but_rejected] == []


def test_the_cli_on_all_mutants_at_once_reports_every_file(files):
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run([str(flask), "--app", "app", "i18n", "check", "--format", "json", *map(str, files)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode in (0, 1, 2)
    assert "Traceback (most recent call last)" not in result.stdout + result.stderr
    report = json.loads(result.stdout)
    named = {entry["path"] for entry in report["catalogs"]} | {entry["path"] for entry in report["findings"]}
    assert {str(path) for path in files} <= named


# Small catalogs built from entries of every shape (context, plural, `#~`, `#|`, fuzzy), then broken in the
# places the grammar cares about: a line dropped, doubled, made obsolete, a keyword swapped, a string
# unterminated, a plural index skipped. The reader must reject exactly what msgfmt rejects, at its line.
def _entry(rng: random.Random, number: int) -> list[str]:
    lines = [line for line, chance in (("# comment", .3), ("#, fuzzy", .2), ("#, c-format", .1),
                                       ('#| msgid "old"', .2), (f'msgctxt "c{number}"', .2)) if rng.random() < chance]
    lines += [f'msgid "m{rng.randint(0, 6)}"'] + (['"more"'] if rng.random() < .3 else [])
    if rng.random() < .3:
        lines += ['msgid_plural "ms"'] + [f'msgstr[{n}] "{rng.choice(["", "t"])}"' for n in range(rng.randint(1, 3))]
    else:
        lines.append(f'msgstr "{rng.choice(["", "t"])}"')
    if rng.random() < .2:
        lines = [line if line.startswith(("# ", "#,")) else "#~ " + line for line in lines]
    return lines


_BREAKS = [lambda lines, at: lines.pop(at), lambda lines, at: lines.insert(at, lines[at]),
           lambda lines, at: lines.__setitem__(at, "#~ " + lines[at]),
           lambda lines, at: lines.__setitem__(at, lines[at].replace("msgstr", "msgid", 1)),
           lambda lines, at: lines.__setitem__(at, lines[at] + ' "x"'),
           lambda lines, at: lines.__setitem__(at, lines[at].rstrip('"')),
           lambda lines, at: lines.__setitem__(at, lines[at].replace("[1]", "[2]"))]


def test_broken_entries_are_rejected_exactly_where_msgfmt_rejects_them(tmp_path):
    differ = []
    for case in range(250):
        rng = random.Random(case)
        lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"',
                 '"Plural-Forms: nplurals=3; plural=n%3;\\n"', ""]
        for number in range(rng.randint(1, 6)):
            lines += _entry(rng, number) + [""]
        for _ in range(rng.choice([0, 1, 1, 2])):
            rng.choice(_BREAKS)(lines, rng.randrange(len(lines)))
        path = tmp_path / f"case{case}.po"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        msgfmt, ours = run_msgfmt(path), run_ours(path)
        if (msgfmt.status != 0) != ours.rejects or msgfmt.status != 0 and msgfmt.first_line != ours.first_line:
            differ.append(describe(path, msgfmt, ours))
    assert differ == []


# --- Fuzzing real catalogs of many languages against msgfmt -c (fixed seed, in CI) ----------------------
# Excerpts of the conformance corpus (tests/fixtures/po/conformance, corpus/ and the project's catalog: the
# header and a run of real entries, so a mutant is small and msgfmt and `check` take milliseconds), each
# broken one way. Every mutant: no traceback, exit 0/1/2, never exit 0 where `msgfmt -c` rejects, and no
# error where it accepts but the work left in a catalog (untranslated, fuzzy, obsolete: CI's rule).
FUZZ_SEED = 17
FUZZ_MUTANTS = 1210
CORPUS_SEEDS = [*sorted((ROOT / "tests" / "fixtures" / "po" / "conformance").glob("*.po")),
                *sorted((ROOT / "tests" / "fixtures" / "po" / "corpus").glob("*.po")),
                ROOT / "translations" / "ja" / "LC_MESSAGES" / "messages.po"]
WORK_LEFT = {"untranslated", "fuzzy", "obsolete"}
INVALID_UTF8 = [b"\xff", b"\xc3", b"\xc3(", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xe3\x81", b"\x80"]
ODD_ESCAPES = [b"\\q", b"\\x", b"\\xZZ", b"\\x41", b"\\777", b"\\0", b"\\u00e9", b"\\U0001F600", b"\\", b"\\\\",
               b"\\'", b"\\?", b"\\a\\b\\f\\v", b"\\e", b"\\8", b"\\x00"]
FIELDS = [b"msgctxt", b"msgid ", b"msgid_plural", b"msgstr ", b"msgstr[", b'"Language:', b'"Plural-Forms:',
          b'"Content-Type:', b'"Last-Translator:', b'"Language-Team:', b"#, ", b"#: ", b"# ", b"#. ", b'"']


def excerpt(data: bytes, rng: random.Random) -> bytes:
    blocks = data.split(b"\n\n")
    header = next((i for i, block in enumerate(blocks) if b'msgid ""' in block), 0)
    start = rng.randrange(header + 1, max(header + 2, len(blocks)))
    return b"\n\n".join(blocks[:header + 1] + blocks[start:start + rng.randint(3, 30)]) + b"\n"


def fuzz_lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def truncate_anywhere(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(len(data) + 1)]


def delete_a_line(data: bytes, rng: random.Random) -> bytes:
    lines = fuzz_lines(data)
    del lines[rng.randrange(len(lines))]
    return b"\n".join(lines)


def duplicate_a_line(data: bytes, rng: random.Random) -> bytes:
    lines = fuzz_lines(data)
    at = rng.randrange(len(lines))
    lines.insert(at, lines[at])
    return b"\n".join(lines)


def swap_two_lines(data: bytes, rng: random.Random) -> bytes:
    lines = fuzz_lines(data)
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return b"\n".join(lines)


def _in_field(data: bytes, rng: random.Random, insert: bytes) -> bytes:
    """`insert` inside a line of a field kind chosen at random (inside its string where it has one)."""
    lines = fuzz_lines(data)
    field = rng.choice(FIELDS)
    candidates = [i for i, line in enumerate(lines) if line.startswith(field)] or list(range(len(lines)))
    at = rng.choice(candidates)
    line = lines[at]
    quote = line.find(b'"')
    cut = rng.randrange(quote + 1, len(line)) if 0 <= quote < len(line) - 1 else rng.randrange(len(line) + 1)
    lines[at] = line[:cut] + insert + line[cut:]
    return b"\n".join(lines)


def invalid_utf8(data: bytes, rng: random.Random) -> bytes:
    return _in_field(data, rng, rng.choice(INVALID_UTF8))


def odd_escape(data: bytes, rng: random.Random) -> bytes:
    return _in_field(data, rng, rng.choice(ODD_ESCAPES))


def nonsense_plural_forms(data: bytes, rng: random.Random) -> bytes:
    from tests.tooling.test_plural_exp import expression
    nplurals = rng.choice(["0", "1", "2", "3", "6", "-1", "x", "", "99999999999999999999", "2; nplurals=3"])
    value = rng.choice([f"nplurals={nplurals}; plural={expression(rng)};", f"plural={expression(rng)}; nplurals={nplurals}",
                        f"nplurals={nplurals}", f"plural={expression(rng)}", "", f"nplurals={nplurals}; plural=" + "(" * 50])
    line = f'"Plural-Forms: {value}\\n"'.encode()
    if b'"Plural-Forms:' in data:
        return re.sub(rb'^"Plural-Forms:.*$', lambda _: line, data, count=1, flags=re.MULTILINE)
    return data.replace(b'msgstr ""\n', b'msgstr ""\n' + line + b"\n", 1)


def odd_charset(data: bytes, rng: random.Random) -> bytes:
    """Codecs Python has that are not character sets ("idna" raises UnicodeError, not UnicodeEncodeError,
    on an empty label: the tracebacks issue 17 reported), and names no codec has."""
    name = rng.choice([b"idna", b"punycode", b"utf-16", b"utf-7", b"base64", b"rot13", b"CHARSET", b"", b"x-\xff",
                       b"ISO-8859-1", b"latin1", b"ascii", b"EUC-TW", b"UTF-8 ; charset=idna"])
    return re.sub(rb"charset=[^\\\s;\"]*", lambda _: b"charset=" + name, data, count=1)


def very_long_line(data: bytes, rng: random.Random) -> bytes:
    lines = fuzz_lines(data)
    at = rng.randrange(len(lines))
    filler = rng.choice([b"x", "語".encode(), b"<b>", b"%s", b"{n}", b"\\n"]) * rng.choice([10_000, 100_000])
    lines.insert(at, rng.choice([b'"' + filler + b'"', b"# " + filler, b"msgid \"" + filler + b'"']))
    return b"\n".join(lines)


def crlf_line_ends(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\n", b"\r\n")


def cr_line_ends(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\n", b"\r")


FUZZ_MUTATIONS = [truncate_anywhere, delete_a_line, duplicate_a_line, swap_two_lines, invalid_utf8, odd_escape,
                  nonsense_plural_forms, odd_charset, very_long_line, crlf_line_ends, cr_line_ends]


def corpus_mutants(directory: Path) -> list[Path]:
    rng = random.Random(FUZZ_SEED)
    seeds = [path.read_bytes() for path in CORPUS_SEEDS]
    paths = []
    for number in range(FUZZ_MUTANTS):
        mutate = FUZZ_MUTATIONS[number % len(FUZZ_MUTATIONS)]
        seed = rng.randrange(len(seeds))
        data = mutate(excerpt(seeds[seed], rng), rng)
        path = directory / f"{number:04d}-{CORPUS_SEEDS[seed].stem}-{mutate.__name__}.po"
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_1210_mutants_of_real_catalogs_get_msgfmt_c_s_verdict_and_no_traceback(tmp_path):
    """The project's own mutants are checked a second time as the site's catalogs (its rules on top: never
    less strict than msgfmt -c)."""
    tracebacks, passed_but_rejected, false_errors, site_checked = [], [], [], 0
    for path in corpus_mutants(tmp_path):
        site = "-messages-" in path.name  # a mutant of translations/ja/LC_MESSAGES/messages.po
        try:
            result = run_check([path])
            site_result = run_check([path], site_translations=tmp_path) if site else None
        except Exception:  # the test's subject: any exception is a finding of this test
            tracebacks.append(f"{path.name}: {traceback.format_exc(limit=-3)}")
            continue
        status = exit_status(result)
        assert status in (0, 1, 2), path.name
        accepts = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True,
                                 env=MSGFMT_ENV, timeout=60).returncode == 0
        errors = [f for f in result.findings if f.severity == "error" and f.code not in WORK_LEFT]
        if not accepts and (status == 0 or site and exit_status(site_result) == 0):
            passed_but_rejected.append(path.name)
        site_checked += site
        if accepts and errors:
            false_errors.append(f"{path.name}:{errors[0].line}: {errors[0].code}: {errors[0].message[:120]}")
    assert tracebacks == []
    assert passed_but_rejected == []
    assert false_errors == []
    assert site_checked >= 10
