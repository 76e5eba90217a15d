"""Output formats and exit status of `check`."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


from app.tooling.check import CatalogReport, CheckResult, run_check
from app.tooling.findings import Finding
from app.tooling.report import exit_status, render_github, render_json, render_text
from app.tooling.stats import CatalogStats

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "po"


def sample() -> CheckResult:
    return CheckResult(
        catalogs=[CatalogReport("translations/ja/LC_MESSAGES/messages.po", "ja", CatalogStats(8, 6, 1, 1, 2)),
                  CatalogReport("translations/en/LC_MESSAGES/messages.po", "en", CatalogStats(8, 0, 0, 8, 0),
                                source=True)],
        findings=[Finding("translations/ja/LC_MESSAGES/messages.po", 12, "placeholder-mismatch",
                          "msgstr lacks %(name)s", "Hello %(name)s"),
                  Finding("translations/ja/LC_MESSAGES/messages.po", 20, "fuzzy", "marked fuzzy", "Bye",
                          "warning")],
    )


def test_text_has_a_table_then_findings_then_a_summary():
    lines = render_text(sample()).splitlines()
    assert lines[0].split() == ["locale", "total", "translated", "fuzzy", "untranslated", "obsolete", "coverage",
                                "path"]
    assert lines[1].split() == ["ja", "8", "6", "1", "1", "2", "75.0%", "translations/ja/LC_MESSAGES/messages.po"]
    assert lines[2].split()[-2] == "source"
    assert lines[4] == ('translations/ja/LC_MESSAGES/messages.po:12: placeholder-mismatch: msgstr lacks %(name)s '
                        '(msgid "Hello %(name)s")')
    assert lines[5].endswith("[warning]")
    assert lines[-1] == "2 catalogs, 1 error, 1 warning"


def test_json_schema():
    document = json.loads(render_json(sample()))
    assert set(document) == {"catalogs", "findings"}
    assert document["catalogs"][0] == {
        "path": "translations/ja/LC_MESSAGES/messages.po", "locale": "ja", "total": 8, "translated": 6,
        "fuzzy": 1, "untranslated": 1, "obsolete": 2, "coverage": 75.0, "source": False}
    assert document["catalogs"][1]["coverage"] == 100.0 and document["catalogs"][1]["source"] is True
    assert document["findings"][0] == {
        "code": "placeholder-mismatch", "severity": "error", "path": "translations/ja/LC_MESSAGES/messages.po",
        "line": 12, "msgid": "Hello %(name)s", "message": "msgstr lacks %(name)s"}


def test_json_keeps_non_ascii_readable_and_is_the_whole_stdout_of_a_real_run():
    text = render_json(CheckResult(findings=[Finding("ja.po", 1, "fuzzy", "m", "日本語", "warning")]))
    assert '"msgid": "日本語"' in text
    document = json.loads(render_json(run_check([FIXTURES / "state_ja.po"])))
    assert document["catalogs"][0]["translated"] == 2


def test_github_annotations_escape_per_the_runner_rules():
    result = CheckResult(findings=[
        Finding("dir,with:odd%/x.po", 3, "whitespace-mismatch", "50% done\r\nnext: a, b", "Hi", "warning"),
        Finding("x.po", 0, "header", "no header"),
    ])
    lines = render_github(result).splitlines()
    assert lines[0] == ("::warning file=dir%2Cwith%3Aodd%25/x.po,line=3,title=whitespace-mismatch::"
                        '50%25 done%0D%0Anext: a, b (msgid "Hi")')
    assert lines[1] == "::error file=x.po,title=header::no header"


def test_exit_status():
    assert exit_status(CheckResult()) == 0
    assert exit_status(CheckResult(findings=[Finding("x.po", 1, "fuzzy", "m", severity="warning")])) == 0
    assert exit_status(sample()) == 1
    assert exit_status(CheckResult(unreadable=["x.po"])) == 2


def run_cli(*args: str):
    flask = Path(sys.executable).with_name("flask")
    return subprocess.run([str(flask), "--app", "app", "i18n", "check", *args], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2])


def test_cli_as_a_user_runs_it_json_on_real_catalog():
    geeqie = Path(__file__).resolve().parent.parent / "fixtures" / "po" / "corpus" / "geeqie_ja.po"
    result = run_cli("--format", "json", str(geeqie))
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["catalogs"][0]["translated"] == 1058
    quality = [f for f in document["findings"] if f["severity"] == "error"
               and f["code"] not in ("untranslated", "fuzzy", "obsolete")]
    assert [(f["code"], f["line"]) for f in quality] == [("placeholder-mismatch", 4997)]


def test_cli_on_malformed_files_exits_2_without_traceback():
    paths = sorted(str(p) for p in (FIXTURES / "malformed").glob("*.po"))
    result = run_cli(*paths)
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    # line 14: msgfmt reports an unterminated string on the line after it (tests/tooling/test_pofile.py)
    assert f"{FIXTURES / 'malformed' / 'unterminated.po'}:14: syntax-error: end-of-line within string" \
        in result.stdout
