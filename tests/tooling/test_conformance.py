"""Conformance with GNU msgfmt on GNU gettext's own test inputs, msgfmt run live on every file.

The inputs are ../shared/testdata/gnu-gettext-tests/suite (685 PO files from gettext-tools/tests; see its
README), or the directory GNU_GETTEXT_TESTS names; without them the module is skipped with the reason.
`make conformance` runs it verbosely: it prints the figures and every disagreement; README.md ("Conformance
with GNU msgfmt") explains each disagreement left.

What is compared, per file:
- the verdict: `msgfmt --statistics -o /dev/null FILE` fails ⇔ `check` finds what msgfmt without --check
  finds fatal: a file it cannot read (exit 2: syntax-error, encoding-error, duplicate) or a message whose
  msgid and msgstr do not both begin (end) with a newline (msgfmt always checks that; `check` reports a
  whitespace-mismatch error);
- the counts (translated, fuzzy, untranslated) on every file both read;
- the line of the first error, on every file both reject;
- `msgfmt --check` rejects ⇒ `check` does not exit 0 (the gate never passes what msgfmt -c refuses).
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.tooling.check import run_check
from app.tooling.findings import ERROR
from app.tooling.pofile import CatalogError, read_po_file
from app.tooling.report import exit_status
from app.tooling.stats import catalog_stats

pytestmark = pytest.mark.conformance


def suite_dir() -> Path:
    base = os.environ.get("GNU_GETTEXT_TESTS") or Path(PROJECT_ROOT).parent / "shared" / "testdata" / "gnu-gettext-tests"
    return Path(base) / "suite"


SUITE = suite_dir()
FILES = sorted(SUITE.glob("*.po")) if SUITE.is_dir() else []
ENV = {"LC_ALL": "C", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
_LOCATION_RE = re.compile(r"^(?:msgfmt: )?(.*?):(\d+):", re.MULTILINE)
# Findings `check` reports where msgfmt (without --check) stops with a fatal error.
READ_FATAL = {"syntax-error", "encoding-error", "duplicate", "unreadable"}
NEWLINE_WORDS = ("newline", "\\n")


@dataclass
class Msgfmt:
    status: int
    counts: tuple[int, int, int]
    first_line: int | None
    checked_status: int  # of `msgfmt -c`
    output: str


def run_msgfmt(path: Path) -> Msgfmt:
    plain = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(path)], capture_output=True,
                           text=True, errors="replace", env=ENV, timeout=60)
    checked = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, env=ENV,
                             timeout=60)
    output = plain.stderr

    def count(word: str) -> int:
        match = re.search(rf"(\d+) {word}", output)
        return int(match.group(1)) if match else 0

    first = next((int(m.group(2)) for m in _LOCATION_RE.finditer(output) if m.group(1) == str(path)), None)
    return Msgfmt(plain.returncode, (count("translated"), count("fuzzy"), count("untranslated")), first,
                  checked.returncode, output)


@dataclass
class Ours:
    rejects: bool
    counts: tuple[int, int, int] | None
    first_line: int | None
    exit: int
    first: str


def is_newline_finding(finding) -> bool:
    return (finding.code == "whitespace-mismatch" and finding.severity == ERROR
            and any(word in finding.message for word in NEWLINE_WORDS))


def run_ours(path: Path) -> Ours:
    result = run_check([path])
    exit_code = exit_status(result)
    try:
        pofile = read_po_file(path)
    except CatalogError as err:
        first = err.findings[0]
        return Ours(True, None, first.line, exit_code, f"{first.line}: {first.code}: {first.message}")
    newline = sorted(f.line for f in result.findings if is_newline_finding(f))
    stats = catalog_stats(pofile.catalog, pofile)
    return Ours(bool(newline), (stats.translated, stats.fuzzy, stats.untranslated),
                newline[0] if newline else None, exit_code, f"{newline[0]}: newline mismatch" if newline else "")


def compare(files: list[Path]) -> dict:
    """Every file's verdicts, and the figures over them."""
    rows = [(path, run_msgfmt(path), run_ours(path)) for path in files]
    verdict_diff = [(p, m, o) for p, m, o in rows if (m.status != 0) != o.rejects]
    both_read = [(p, m, o) for p, m, o in rows if m.status == 0 and not o.rejects]
    count_diff = [(p, m, o) for p, m, o in both_read if m.counts != o.counts]
    both_reject = [(p, m, o) for p, m, o in rows if m.status != 0 and o.rejects]
    line_diff = [(p, m, o) for p, m, o in both_reject if m.first_line != o.first_line]
    gate_diff = [(p, m, o) for p, m, o in rows if m.checked_status != 0 and o.exit == 0
                 and not rejected_only_for_an_unchecked_format(p)]
    unchecked = [(p, m, o) for p, m, o in rows if m.checked_status != 0 and o.exit == 0
                 and rejected_only_for_an_unchecked_format(p)]
    return {"rows": rows, "verdict_diff": verdict_diff, "both_read": both_read, "count_diff": count_diff,
            "both_reject": both_reject, "line_diff": line_diff, "gate_diff": gate_diff, "unchecked": unchecked}


CHECKED_FORMATS = {"c-format", "python-format", "python-brace-format"}


def rejected_only_for_an_unchecked_format(path: Path) -> bool:
    """msgfmt -c rejects `path` only for format strings of a language `check` does not check (lisp-format,
    scheme-format, lua-format...; README: "Conformance with GNU msgfmt"): every error is on an entry
    flagged with such a format."""
    output = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True,
                            errors="replace", env=ENV, timeout=60).stderr
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    errors = [int(m.group(2)) for m in _LOCATION_RE.finditer(output) if m.group(1) == str(path)
              and "warning:" not in output[m.end():m.end() + 10]]
    if not errors or "fatal error" not in output:
        return False
    for line in errors:
        start = line - 1
        while start > 0 and lines[start - 1].strip():
            start -= 1
        flags = {flag.strip() for text in lines[start:line] if text.startswith("#,") for flag in text[2:].split(",")}
        formats = {flag for flag in flags if flag.endswith("-format") and not flag.startswith("no-")}
        if not formats or formats & CHECKED_FORMATS:
            return False
    return True


def describe(path: Path, msgfmt: Msgfmt, ours: Ours) -> str:
    said = msgfmt.output.strip().splitlines()[0] if msgfmt.output.strip() else ""
    return (f"  {path.name}: msgfmt exit {msgfmt.status} (first error line {msgfmt.first_line}; {said[:110]}) / "
            f"check exit {ours.exit}, {'rejects' if ours.rejects else 'reads'}"
            f"{f' ({ours.first[:110]})' if ours.first else ''}")


@pytest.fixture(scope="module")
def figures():
    if not FILES:
        pytest.skip(f"GNU gettext's test inputs not found at {SUITE} (set GNU_GETTEXT_TESTS to the directory "
                    "holding suite/)")
    return compare(FILES)


def test_suite_is_the_documented_one():
    if not FILES:
        pytest.skip(f"GNU gettext's test inputs not found at {SUITE}")
    assert len(FILES) == 685


def test_conformance_with_msgfmt(figures):
    total = len(figures["rows"])
    agree = total - len(figures["verdict_diff"])
    both_reject = len(figures["both_reject"])
    same_line = both_reject - len(figures["line_diff"])
    lines = [
        f"GNU gettext test inputs: {total} files ({SUITE})",
        f"valid/invalid agreement with msgfmt --statistics: {agree}/{total} = {100 * agree / total:.1f}%",
        f"counts identical on files both read: {len(figures['both_read']) - len(figures['count_diff'])}"
        f"/{len(figures['both_read'])}",
        f"same first error line on files both reject: {same_line}/{both_reject} = "
        f"{100 * same_line / max(both_reject, 1):.1f}%",
        f"msgfmt -c rejects but check exits 0: {len(figures['gate_diff'])}, and {len(figures['unchecked'])} "
        "rejected only for format strings of languages check does not check",
    ]
    for name, title in (("verdict_diff", "verdict differs"), ("count_diff", "counts differ"),
                        ("line_diff", "first error line differs"), ("gate_diff", "msgfmt -c rejects, check passes"),
                        ("unchecked", "msgfmt -c rejects a format check does not check")):
        lines.append(f"{title} ({len(figures[name])}):")
        lines.extend(describe(*row) for row in figures[name])
        if name == "count_diff":
            lines.extend(f"    msgfmt {m.counts} / ours {o.counts}" for _, m, o in figures[name])
    print("\n" + "\n".join(lines))
    assert agree / total >= 0.99
    assert figures["count_diff"] == []
    assert same_line / both_reject >= 0.95
    assert figures["gate_diff"] == []
