""".github/workflows/ci.yml: valid for GitHub Actions (actionlint, with ShellCheck on its `run:` steps), and
running what the README says CI runs."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT

WORKFLOW = PROJECT_ROOT / ".github" / "workflows" / "ci.yml"
BIN = Path(sys.executable).parent  # actionlint and shellcheck come with the test extra


def actionlint(path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([str(BIN / "actionlint"), "-no-color", "-shellcheck", str(BIN / "shellcheck"),
                           str(path)], capture_output=True, text=True, env=env, cwd=path.parent)


def test_workflow_passes_actionlint():
    result = actionlint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("old, new, expected", [
    ('>> "$GITHUB_STEP_SUMMARY"', ">> $GITHUB_STEP_SUMMARY", "SC2086"),  # shellcheck on run: steps
    ('"origin/$BASE_REF"', '"origin/${{ github.head_ref }}"', "potentially untrusted"),  # script injection
    ("runs-on: ubuntu-latest", "runs-on: ubuntu-lateest", "label"),
])
def test_actionlint_would_catch_a_broken_workflow(tmp_path, old, new, expected):
    """The linter really runs, ShellCheck included: the same file with one mistake fails."""
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    text = WORKFLOW.read_text(encoding="utf-8")
    assert old in text
    workflow.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = actionlint(workflow)
    assert result.returncode == 1 and expected in result.stdout, result.stdout + result.stderr


def test_workflow_runs_the_tests_the_gate_with_annotations_and_the_summary():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "run: make test" in text
    assert "run: .venv/bin/flask --app app i18n check --format github\n" in text
    assert '--format markdown >> "$GITHUB_STEP_SUMMARY"' in text
    assert '--since "origin/$BASE_REF" --format markdown' in text
