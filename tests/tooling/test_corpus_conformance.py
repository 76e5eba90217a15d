"""`check`'s policy against GNU msgfmt -c, live, on real catalogs of other projects in many languages.

The corpus: tests/fixtures/po/conformance (WTForms' 34 catalogs and 12 of BleachBit's: plurals from one form
to six, python-format, python-brace-format; see its README) and tests/fixtures/po/corpus (seven Japanese
catalogs: Django, Sphinx, Geeqie's c-format...). For every file:
- `msgfmt -c` rejects it ⇒ `check` reports an error and exits non-zero (never passes it);
- `msgfmt -c` accepts it ⇒ `check` reports no error but the work left in it (untranslated, fuzzy,
  obsolete: CI's rule that a catalog is finished, not a verdict on the file). What `check` says beyond
  msgfmt is a warning, and every warning code seen is one README's "Conformance with GNU msgfmt" lists.
`make conformance` runs it with -s: the figures and every disagreement are printed.
"""
from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.tooling.check import run_check
from app.tooling.findings import ERROR, WARNING
from app.tooling.report import exit_status

pytestmark = pytest.mark.conformance

FIXTURES = Path(PROJECT_ROOT) / "tests" / "fixtures" / "po"
CORPUS = sorted((FIXTURES / "conformance").glob("*.po")) + sorted((FIXTURES / "corpus").glob("*.po"))
WORK_LEFT = {"untranslated", "fuzzy", "obsolete"}
ENV = {"LC_ALL": "C", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def msgfmt_c_accepts(path: Path) -> bool:
    return subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, env=ENV,
                          timeout=60).returncode == 0


def documented_warning_codes() -> set[str]:
    readme = (Path(PROJECT_ROOT) / "README.md").read_text(encoding="utf-8")
    section = readme.split("#### Conformance with GNU msgfmt", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^- `([a-z-]+)` \(warning\)", section, re.MULTILINE))


@pytest.fixture(scope="module")
def verdicts():
    rows = []
    for path in CORPUS:
        result = run_check([path])
        errors = [f for f in result.findings if f.severity == ERROR and f.code not in WORK_LEFT]
        warnings = Counter(f.code for f in result.findings if f.severity == WARNING)
        rows.append((path, msgfmt_c_accepts(path), exit_status(result), errors, warnings))
    return rows


def test_the_corpus_is_many_languages_with_plurals_and_formats():
    text = "".join(path.read_text(encoding="utf-8", errors="replace") for path in CORPUS)
    languages = {m.lower() for m in re.findall(r'^"Language: ([A-Za-z_@-]+)', text, re.MULTILINE)}
    assert len(CORPUS) >= 50 and len(languages) >= 35
    assert {f"nplurals={n}" for n in range(1, 7)} <= set(re.findall(r"nplurals=\d", text))
    assert all(flag in text for flag in ("#, python-format", "#, python-brace-format", "c-format"))


def test_check_agrees_with_msgfmt_c_on_every_real_catalog(verdicts):
    rejected = [row for row in verdicts if not row[1]]
    false_errors = [(p.name, [(f.line, f.code, f.message[:100]) for f in errors[:3]])
                    for p, accepts, _, errors, _ in verdicts if accepts and errors]
    passed = [p.name for p, accepts, status, errors, _ in verdicts if not accepts and (status == 0 or not errors)]
    warnings = sum((row[4] for row in verdicts), Counter())
    print(f"\nreal catalogs: {len(verdicts)} ({len(rejected)} rejected by msgfmt -c)\n"
          f"errors where msgfmt -c accepts: {len(false_errors)} files {false_errors}\n"
          f"passes where msgfmt -c rejects: {len(passed)} files {passed}\n"
          f"warnings beyond msgfmt, by code: {dict(sorted(warnings.items()))}")
    assert len(rejected) >= 5
    assert false_errors == []
    assert passed == []


def test_every_warning_beyond_msgfmt_is_documented(verdicts):
    seen = set().union(*(row[4] for row in verdicts))
    assert seen and seen <= documented_warning_codes()
