"""Output formats and exit status of `check`."""
from __future__ import annotations

import html
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path


from app.tooling.check import CatalogReport, CheckResult, run_check
from app.tooling.findings import Finding
from app.tooling.report import exit_status, render_github, render_json, render_markdown, render_text
from app.tooling.stats import CatalogStats

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "po"


def sample() -> CheckResult:
    return CheckResult(
        catalogs=[CatalogReport("translations/ja/LC_MESSAGES/messages.po", "ja", CatalogStats(8, 6, 1, 1, 2)),
                  CatalogReport("translations/en/LC_MESSAGES/messages.po", "en", CatalogStats(8, 0, 0, 8, 0),
                                source=True)],
        findings=[Finding("translations/ja/LC_MESSAGES/messages.po", 12, "placeholder-mismatch",
                          "msgstr lacks %(name)s", "Hello %(name)s", msgctxt="greeting"),
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
    assert set(document) == {"since", "catalogs", "source_questions", "findings"} and document["since"] is None
    assert document["catalogs"][0] == {
        "path": "translations/ja/LC_MESSAGES/messages.po", "locale": "ja", "total": 8, "translated": 6,
        "fuzzy": 1, "untranslated": 1, "obsolete": 2, "coverage": 75.0, "source": False, "awaiting_review": 0}
    assert document["source_questions"] == []
    assert document["catalogs"][1]["coverage"] == 100.0 and document["catalogs"][1]["source"] is True
    assert document["findings"][0] == {
        "code": "placeholder-mismatch", "severity": "error", "path": "translations/ja/LC_MESSAGES/messages.po",
        "line": 12, "msgid": "Hello %(name)s", "msgctxt": "greeting", "message": "msgstr lacks %(name)s"}


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


def test_json_findings_carry_msgctxt_from_a_real_catalog():
    """state_ja.po has `msgctxt "button"` on "Apply"; make it fuzzy and the finding names the context."""
    document = json.loads(render_json(run_check([FIXTURES / "state_ja.po"])))
    assert {f["msgid"]: f["msgctxt"] for f in document["findings"]} == {
        "About us": "", "Contact": "", "News": "", "Old page": ""}


def markdown_html(markdown: str) -> str:
    """GitHub's own Markdown (cmark-gfm with its extensions), raw HTML allowed so an injection would show."""
    import cmarkgfm
    from cmarkgfm.cmark import Options

    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


class _Cells(HTMLParser):
    """Rows of <td> texts of every table, and every element name seen."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.tags, self._cell = [], set(), None

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def cells(markdown: str) -> _Cells:
    parser = _Cells()
    parser.feed(markdown_html(markdown))
    return parser


HOSTILE = ('a | b\\| <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) '
           '**bold** `code` &amp; http://evil.example\nsecond line\r\n| --- |')


def test_markdown_has_a_verdict_a_catalog_table_and_a_findings_table():
    markdown = render_markdown(sample())
    assert markdown.startswith("### Translation check failed\n")
    parsed = cells(markdown)
    assert parsed.rows[0] == ["locale", "total", "translated", "fuzzy", "untranslated", "obsolete", "coverage",
                              "path"]
    assert parsed.rows[1] == ["ja", "8", "6", "1", "1", "2", "75.0%", "translations/ja/LC_MESSAGES/messages.po"]
    assert parsed.rows[2][6] == "source"
    assert parsed.rows[3] == ["severity", "code", "where", "msgctxt", "msgid", "message"]
    assert parsed.rows[4] == ["error", "placeholder-mismatch", "translations/ja/LC_MESSAGES/messages.po:12",
                              "greeting", "Hello %(name)s", "msgstr lacks %(name)s"]
    assert "1 error, 1 warning" in markdown_html(markdown)
    assert render_markdown(CheckResult()).startswith("### Translation check passed\n")


def test_markdown_escapes_a_hostile_msgid_message_and_path():
    """Nothing from a catalog can add a column, a row, an element, a link or a line break."""
    result = CheckResult(
        catalogs=[CatalogReport("<b>|x</b>.po", "ja|<i>", CatalogStats(1, 1, 0, 0, 0))],
        findings=[Finding("<b>|x</b>.po", 3, "unsafe-markup", HOSTILE, HOSTILE, msgctxt=HOSTILE)],
        since="main|<script>")
    markdown = render_markdown(result)
    parsed = cells(markdown)
    assert parsed.tags <= {"h3", "p", "strong", "table", "thead", "tbody", "tr", "th", "td"}, parsed.tags
    assert [len(row) for row in parsed.rows] == [8, 8, 6, 6]
    flat = HOSTILE.replace("\r\n", " ").replace("\n", " ")
    assert parsed.rows[3] == ["error", "unsafe-markup", "<b>|x</b>.po:3", flat,
                              HOSTILE.replace("\n", "\\n")[:59] + "…", flat]
    assert parsed.rows[1][0] == "ja|<i>"
    assert "(findings new since main|<script>)</h3>" in html.unescape(markdown_html(markdown))


def test_markdown_fits_a_pull_request_comment_and_says_how_many_findings_more():
    findings = [Finding("x.po", n, "placeholder-mismatch", "msgstr lacks %(name)s " * 10, "Hello %(name)s " * 5)
                for n in range(1, 1001)]
    markdown = render_markdown(CheckResult(findings=findings))
    assert len(markdown) < 65_536  # GitHub's limit for a comment
    shown = len(cells(markdown).rows) - 1
    assert 50 < shown < 1000 and f"and {1000 - shown} more findings" in markdown
    few = render_markdown(CheckResult(findings=findings[:3]))
    assert len(cells(few).rows) == 4 and "more finding" not in few


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


def test_suggestions_and_questions_from_the_editor_are_reported_and_leave_the_exit_status_alone():
    result = sample()
    result.awaiting_review = {"ja": 2}
    result.source_questions = [{"locale": "ja", "msgid": "Established", "msgctxt": "", "user": "alice", "at": 0.0,
                                "text": "which sense?"}]
    lines = render_text(result).splitlines()
    assert "ja: 2 awaiting review (suggestions, not translations yet)" in lines
    assert "1 open question about English strings (--format json lists them)" in lines
    document = json.loads(render_json(result))
    assert document["catalogs"][0]["awaiting_review"] == 2 and document["catalogs"][0]["translated"] == 6
    assert document["source_questions"][0]["text"] == "which sense?"
    assert exit_status(result) == exit_status(sample())
