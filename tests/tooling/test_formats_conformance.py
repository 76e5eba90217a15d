"""Format checks against GNU msgfmt, live, on GNU gettext's own format test cases.

The cases are `fmt/` of the shared conformance data (`format-c-2`, `format-python-2`,
`format-python-brace-2` of gettext's test suite, one entry a file). For each, `msgfmt --check-format`
is run and its verdict (exit 0: valid, else invalid) compared with `check`'s placeholder-mismatch
verdict on the same file. Figures and every disagreement are printed (`pytest -s` or -rA to see them).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.tooling.checks import PLACEHOLDER_MISMATCH, check_catalog
from app.tooling.pofile import read_po_file

pytestmark = pytest.mark.conformance

KINDS = {"f-c-2": "c-format", "f-p-2": "python-format", "f-pyb-2": "python-brace-format"}
REQUIRED = {"c-format": 0.97, "python-format": 1.0, "python-brace-format": 1.0}


def gnu_tests_dir() -> Path | None:
    candidate = os.environ.get("GNU_GETTEXT_TESTS")
    path = Path(candidate) if candidate else PROJECT_ROOT.parent / "shared" / "testdata" / "gnu-gettext-tests"
    return path if (path / "fmt").is_dir() else None


@pytest.fixture(scope="module")
def verdicts() -> dict[str, list[tuple[str, bool, bool, str]]]:
    """kind → [(file, msgfmt says valid, we say valid, our finding)] for every case."""
    root = gnu_tests_dir()
    if root is None:
        pytest.skip("GNU gettext's test inputs not found: set GNU_GETTEXT_TESTS to the gnu-gettext-tests "
                    "directory (default: PROJECT_ROOT/../shared/testdata/gnu-gettext-tests)")
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU msgfmt is not installed (apt-get install gettext)")
    found: dict[str, list] = {kind: [] for kind in KINDS.values()}
    for path in sorted((root / "fmt").glob("f-*.po"), key=lambda p: (p.name.rsplit("-", 1)[0],
                                                                    int(p.stem.rsplit("-", 1)[1]))):
        kind = KINDS[path.name.rsplit("-", 1)[0]]
        msgfmt_valid = subprocess.run(["msgfmt", "--check-format", "-o", os.devnull, str(path)],
                                      capture_output=True).returncode == 0
        pofile = read_po_file(path)
        problems = [f.message for f in check_catalog(pofile.catalog, path, pofile=pofile)
                    if f.code == PLACEHOLDER_MISMATCH]
        found[kind].append((path.name, msgfmt_valid, not problems, "; ".join(problems)))
    return found


@pytest.mark.parametrize("kind", list(REQUIRED))
def test_format_verdicts_are_msgfmts(verdicts, kind):
    cases = verdicts[kind]
    agree = sum(msgfmt == ours for _, msgfmt, ours, _ in cases)
    print(f"\n{kind}: check agrees with msgfmt --check-format on {agree} of {len(cases)} "
          f"({100 * agree / len(cases):.1f}%)")
    for name, msgfmt, ours, problem in cases:
        if msgfmt != ours:
            text = " ".join(line for line in (gnu_tests_dir() / "fmt" / name).read_text().splitlines()
                            if not line.startswith("#"))
            print(f"  DISAGREE {name}: msgfmt {'valid' if msgfmt else 'invalid'}, check "
                  f"{'valid' if ours else 'invalid: ' + problem} | {text}")
    assert len(cases) > 5
    assert agree / len(cases) >= REQUIRED[kind]
