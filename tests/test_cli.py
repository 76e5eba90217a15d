"""`flask i18n ...` through Flask's CLI runner, on a tiny project copied into tmp_path."""
from __future__ import annotations

import gettext
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from app.config import PROJECT_ROOT
from tests.helpers import CATALOG_SIDE_FILES, git

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "templates"
JA_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ja\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

msgid "Our partners"
msgstr "パートナー"
"""


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    shutil.copy(PROJECT_ROOT / "babel.cfg", root / "babel.cfg")
    ja = root / "translations" / "ja" / "LC_MESSAGES"
    ja.mkdir(parents=True)
    (ja / "messages.po").write_text(JA_PO, encoding="utf-8")
    return root


@pytest.fixture
def i18n(project):
    app = create_app({"TESTING": True, "PROJECT_ROOT": project, "TRANSLATIONS_DIR": project / "translations",
                      "TEMPLATES_DIR": project / "templates", "LOCALES": ("en", "ja")})
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["i18n", *args])


def ja_po(project: Path) -> Path:
    return project / "translations" / "ja" / "LC_MESSAGES" / "messages.po"


def test_extract_writes_pot_and_second_run_changes_nothing(i18n, project):
    result = i18n("extract")
    assert result.exit_code == 0, result.output
    pot = project / "translations" / "messages.pot"
    assert result.stdout == "translations/messages.pot: 9 messages, written\n"
    first = pot.read_bytes()
    result = i18n("extract")
    assert result.exit_code == 0 and result.stdout.endswith("unchanged\n")
    assert pot.read_bytes() == first


def test_extract_template_syntax_error_exits_2_and_leaves_pot(i18n, project):
    assert i18n("extract").exit_code == 0
    pot = project / "translations" / "messages.pot"
    before = pot.read_bytes()
    shutil.copy(FIXTURES / "broken" / "bad_expression.html", project / "templates" / "bad.html")
    result = i18n("extract")
    assert result.exit_code == 2
    assert result.stderr.startswith("templates/bad.html:3: error: syntax-error: ")
    assert "Traceback" not in result.output
    assert pot.read_bytes() == before


def test_update_then_init_then_compile(i18n, project):
    assert i18n("extract").exit_code == 0
    result = i18n("update")  # the source language (en) needs no catalog
    assert result.exit_code == 0 and result.stdout == "translations/ja/LC_MESSAGES/messages.po: updated\n"

    result = i18n("init", "en")
    assert result.exit_code == 0 and result.stdout == "translations/en/LC_MESSAGES/messages.po: created\n"
    assert i18n("init", "en").exit_code == 2  # already there

    result = i18n("update")
    assert result.exit_code == 0, result.output
    assert "translations/ja/LC_MESSAGES/messages.po: unchanged" in result.stdout
    assert "translations/en/LC_MESSAGES/messages.po: unchanged" in result.stdout  # init wrote it current
    assert 'msgid "Campus' not in ja_po(project).read_text(encoding="utf-8")
    assert "msgid \"Search\"" in ja_po(project).read_text(encoding="utf-8")
    assert i18n("update").stdout.count("unchanged") == 2

    result = i18n("compile")
    assert result.exit_code == 0, result.output
    # Babel alone would guess "パートナー" (of "Our partners", still in use) for "%(count)s partner"; update
    # guesses only from strings that changed in the same context (workflow.py), so it stays untranslated.
    assert "translations/ja/LC_MESSAGES/messages.mo: 1 translated, 0 fuzzy, 8 untranslated" in result.stdout
    assert "translations/en/LC_MESSAGES/messages.mo: 0 translated, 0 fuzzy, 9 untranslated (source language: its msgids are shown)" in result.stdout
    mo = ja_po(project).with_suffix(".mo")
    assert gettext.GNUTranslations(open(mo, "rb")).gettext("Our partners") == "パートナー"


def test_update_with_a_missing_translation_catalog_exits_2_and_merges_nothing(i18n, project):
    fr = project / "translations" / "fr" / "LC_MESSAGES"
    fr.mkdir(parents=True)
    (fr / "messages.po").write_text(JA_PO.replace("Language: ja", "Language: fr"), encoding="utf-8")
    assert i18n("extract").exit_code == 0
    ja_po(project).unlink()
    app_locales = ("en", "fr", "ja")
    app = create_app({"TESTING": True, "PROJECT_ROOT": project, "TRANSLATIONS_DIR": project / "translations",
                      "TEMPLATES_DIR": project / "templates", "LOCALES": app_locales})
    result = app.test_cli_runner().invoke(args=["i18n", "update"])
    assert result.exit_code == 2
    assert "init ja" in result.stderr
    assert (fr / "messages.po").read_text(encoding="utf-8") == JA_PO.replace("Language: ja", "Language: fr")


def test_changed_msgid_becomes_fuzzy_and_removed_obsolete(i18n, project):
    page = project / "templates" / "page.html"
    assert i18n("extract").exit_code == 0
    page.write_text(page.read_text(encoding="utf-8").replace("Our partners", "Our partner universities"))
    assert i18n("extract").exit_code == 0
    assert i18n("update").exit_code == 0
    text = ja_po(project).read_text(encoding="utf-8")
    assert '#, fuzzy\n#| msgid "Our partners"\nmsgid "Our partner universities"\nmsgstr "パートナー"' in text
    page.write_text(page.read_text(encoding="utf-8").replace('<h1>{{ _("Our partner universities") }}</h1>', ""))
    assert i18n("extract").exit_code == 0 and i18n("update").exit_code == 0
    assert '#~ msgid "Our partner universities"\n#~ msgstr "パートナー"' in ja_po(project).read_text(encoding="utf-8")


def test_init_ja_in_a_new_project_has_one_plural_form(i18n, project):
    ja_po(project).unlink()
    assert i18n("extract").exit_code == 0
    result = i18n("init", "ja")
    assert result.exit_code == 0
    text = ja_po(project).read_text(encoding="utf-8")
    assert "nplurals=1; plural=0;" in text and "msgstr[0]" in text and "msgstr[1]" not in text


def test_init_a_locale_the_site_does_not_serve_yet_says_so(i18n, project):
    assert i18n("extract").exit_code == 0
    result = i18n("init", "fr")
    assert result.exit_code == 0
    assert "fr is a draft" in result.stderr and "translations/locales.toml" in result.stderr


def test_compile_with_no_catalogs_says_so(i18n, project):
    shutil.rmtree(project / "translations" / "ja")
    result = i18n("compile")
    assert result.exit_code == 0 and result.stderr == "no catalogs under translations\n"


def test_init_unknown_locale_and_missing_pot_exit_2(i18n, project):
    result = i18n("init", "zz_bogus")
    assert result.exit_code == 2 and "unknown-locale" in result.stderr
    result = i18n("init", "fr")  # no POT yet
    assert result.exit_code == 2 and "messages.pot" in result.stderr and "Traceback" not in result.output
    assert "fr is a draft" not in result.stderr


def test_compile_refuses_bad_catalog_keeps_old_mo_and_compiles_the_rest(i18n, project):
    assert i18n("compile").exit_code == 0
    mo = ja_po(project).with_suffix(".mo")
    good = mo.read_bytes()
    os.utime(mo, ns=(1_000_000_000, 1_000_000_000))
    fr = project / "translations" / "fr" / "LC_MESSAGES"
    fr.mkdir(parents=True)
    (fr / "messages.po").write_text(JA_PO.replace("Language: ja", "Language: fr").replace(
        "nplurals=1; plural=0;", "nplurals=2; plural=(n > 1);").replace("パートナー", "Partenaires"),
        encoding="utf-8")
    ja_po(project).write_text(JA_PO + '\n#, python-format\nmsgid "%(n)s partners"\nmsgstr "%(count)s 校"\n',
                              encoding="utf-8")
    result = i18n("compile")
    assert result.exit_code == 1
    assert "translations/ja/LC_MESSAGES/messages.po:12: error: placeholder-mismatch:" in result.stderr
    assert "refused" in result.stderr
    assert mo.read_bytes() == good and mo.stat().st_mtime_ns == 1_000_000_000
    assert (fr / "messages.mo").exists()  # the good catalog still compiles


def test_compile_syntax_error_is_refused_with_line(i18n, project):
    ja_po(project).write_text(JA_PO + '\nmsgid "Oops"\nmsgstr "unterminated\n', encoding="utf-8")
    result = i18n("compile")
    assert result.exit_code == 1
    # msgfmt reports an unterminated string on the line after it (its lexer has read the newline); so do we
    assert "translations/ja/LC_MESSAGES/messages.po:12: error: syntax-error:" in result.stderr
    assert not ja_po(project).with_suffix(".mo").exists()


def test_compile_fuzzy_header_is_compiled_with_a_warning(i18n, project):
    ja_po(project).write_text("#, fuzzy\n" + JA_PO, encoding="utf-8")
    result = i18n("compile")
    assert result.exit_code == 0
    assert "header is marked fuzzy" in result.stderr
    assert ja_po(project).with_suffix(".mo").exists()


# check ---------------------------------------------------------------------------------------------------

@pytest.fixture
def current(i18n, project):
    """The tiny project with its POT and catalogs up to date and compiled."""
    for command in ("extract", "update", "compile"):
        assert i18n(command).exit_code == 0
    return project


def test_check_project_with_unfinished_catalog_exits_1(i18n, current):
    result = i18n("check")
    assert result.exit_code == 1, result.output
    assert "translations/ja/LC_MESSAGES/messages.po" in result.stdout
    assert result.stdout.endswith("1 catalog, 8 errors, 0 warnings\n")  # 8 untranslated


def test_the_projects_own_catalogs_and_templates_pass_the_gate(runner):
    result = runner.invoke(args=["i18n", "check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("0 errors, 0 warnings\n")


def test_check_min_coverage_and_locale(i18n, current):
    result = i18n("check", "--min-coverage", "50")
    assert result.exit_code == 1
    assert "below --min-coverage 50%" in result.stdout
    assert "below --min-coverage" not in i18n("check", "--min-coverage", "5", "--locale", "ja").stdout
    assert i18n("check", "--min-coverage", "101").exit_code == 2


def test_check_reports_stale_template_and_literal_text(i18n, current):
    page = current / "templates" / "page.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Our partners", "Our partner universities")
                    + "<p>Unmarked words</p>\n", encoding="utf-8")
    result = i18n("check", "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "::error file=templates/page.html,line=4,title=stale-template::" in "\n".join(lines)
    assert "::error file=translations/messages.pot,line=" in result.stdout
    assert any(line.startswith("::error file=templates/page.html,line=15,title=literal-text::") for line in lines)


def test_check_json_is_valid_json_on_stdout(i18n, current):
    import json

    data = json.loads(i18n("check", "--format", "json").stdout)
    assert [c["locale"] for c in data["catalogs"]] == ["ja"]
    assert {(f["code"], f["severity"]) for f in data["findings"]} == {("untranslated", "error")}


def test_check_po_files_only_checks_those(i18n, current):
    page = current / "templates" / "page.html"
    page.write_text(page.read_text(encoding="utf-8") + "<p>Unmarked words</p>\n", encoding="utf-8")
    result = i18n("check", str(ja_po(current)))
    assert "literal-text" not in result.stdout  # project-level checks are not run on given files
    assert "untranslated" in result.stdout


def test_check_broken_or_missing_po_file_exits_2(i18n, current, tmp_path):
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "a"\nmsgstr "unterminated\n', encoding="utf-8")
    result = i18n("check", str(broken))
    assert result.exit_code == 2
    assert "syntax-error" in result.stdout and "Traceback" not in result.output
    result = i18n("check", str(tmp_path / "nope.po"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("charset", ["base64", "hex", "CHARSET"])
def test_check_unusable_charset_is_a_header_finding_not_a_traceback(i18n, tmp_path, charset):
    """msgfmt -c accepts the file (it warns and copies the bytes): a warning for a catalog given on the
    command line (compile refuses it for the site: test_compile)."""
    po = tmp_path / "messages.po"
    po.write_text(JA_PO.replace("UTF-8", charset), encoding="utf-8")
    result = i18n("check", str(po))
    assert result.exit_code == 0 and isinstance(result.exception, (SystemExit, type(None)))  # not LookupError
    assert f"header: unknown charset '{charset}' [warning]" in result.stdout and "Traceback" not in result.output


def test_check_latin1_template_is_an_encoding_error_not_a_traceback(i18n, current):
    (current / "templates" / "latin1.html").write_bytes("<p>{{ _('Café') }}</p>\n<p>Caf\xe9</p>\n".encode("latin-1"))
    result = i18n("check")
    assert result.exit_code == 2 and isinstance(result.exception, (SystemExit, type(None)))
    assert result.stdout.count("templates/latin1.html:1: encoding-error: ") == 1, result.stdout
    assert "Traceback" not in result.output


def test_check_unknown_locale_is_a_usage_error(i18n, current):
    result = i18n("check", "--locale", "xx")
    assert result.exit_code == 2 and "xx has no catalog" in result.stderr


# The translator's workflow through make, on a copy of this repository -------------------------------------

VENV = Path(sys.executable).parent.parent


@pytest.fixture
def site_copy(tmp_path) -> Path:
    """This project's own files (what `make` and `flask --app app` use) in tmp_path, with no .mo files."""
    root = tmp_path / "site"
    for name in ("app", "templates", "translations", "static"):
        shutil.copytree(PROJECT_ROOT / name, root / name, ignore=CATALOG_SIDE_FILES)
    for name in ("babel.cfg", "Makefile", "pyproject.toml"):
        shutil.copy(PROJECT_ROOT / name, root / name)
    return root


def make(root: Path, *targets: str) -> subprocess.CompletedProcess:
    # This test run's virtualenv, never reinstalled (-o): the copy's pyproject.toml is newer than it.
    installed = VENV / ".installed"
    return subprocess.run(["make", "--no-print-directory", f"VENV={VENV}", "-o", str(installed), *targets],
                          cwd=root, capture_output=True, text=True, timeout=300)


def test_translating_md_loop_edit_update_check_passes_with_a_stale_mo_beside_it(site_copy):
    """TRANSLATING.md sections 2 and 6: edit a msgstr, `make update`, `make i18n-check`. The .mo the last
    `make run` or `make compile` wrote is now stale (git ignores it, the site never reads it): not a finding."""
    assert make(site_copy, "compile").returncode == 0
    po = site_copy / "translations" / "ja" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    assert text.count('msgstr "ホーム"') == 1
    po.write_text(text.replace('msgstr "ホーム"', 'msgstr "トップ"'), encoding="utf-8")
    assert make(site_copy, "update").returncode == 0
    result = make(site_copy, "i18n-check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith("1 catalog, 0 errors, 0 warnings\n")
    # The .mo really is stale: asked about (--mo), the check says so, and its advice fixes it.
    flask = [str(VENV / "bin" / "flask"), "--app", "app", "i18n", "check", "--mo"]
    stale = subprocess.run(flask, cwd=site_copy, capture_output=True, text=True)
    assert stale.returncode == 1 and "stale-mo: messages.mo holds other translations" in stale.stdout
    # make turns the check's exit status 1 into its own 2 (README and TRANSLATING.md say so)
    result = make(site_copy, "i18n-check", "CHECK_ARGS=--mo")
    assert result.returncode == 2 and "Error 1" in result.stderr
    assert make(site_copy, "compile").returncode == 0
    assert subprocess.run(flask, cwd=site_copy, capture_output=True, text=True).returncode == 0


def test_ci_script_calls_the_check_itself_not_through_make():
    lines = [line for line in (PROJECT_ROOT / ".ci" / "run").read_text().splitlines()
             if line and not line.startswith("#")]
    assert lines[-1] == ".venv/bin/flask --app app i18n check"
    assert "make i18n-check" not in "\n".join(lines)


# check --format markdown, --since, --mo through the CLI --------------------------------------------------

def test_check_markdown_through_the_cli(i18n, current):
    result = i18n("check", "--format", "markdown")
    assert result.exit_code == 1
    assert result.stdout.startswith("### Translation check failed\n")
    assert "| ja | 9 | 1 | 0 | 8 | 0 | 11\\.1\\% | translations\\/ja\\/LC\\_MESSAGES\\/messages\\.po |" in result.stdout


def test_check_since_through_the_cli(i18n, current):
    result = i18n("check", "--since", "main")
    assert result.exit_code == 2 and "is not in a git repository" in result.stderr
    git(current, "init", "-q", "-b", "main")
    git(current, "add", "-A")
    git(current, "commit", "-q", "-m", "base")
    result = i18n("check", "--since", "nope")
    assert result.exit_code == 2 and "'nope' is not a commit" in result.stderr and "Traceback" not in result.output
    assert i18n("check", "--since", "main", str(ja_po(current))).exit_code == 2  # project mode only

    result = i18n("check", "--since", "main")  # 7 untranslated and 1 fuzzy, all there at main already
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("1 catalog, 0 errors, 0 warnings (new since main)\n")

    po = ja_po(current)
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "パートナー"', 'msgstr "パートナー %s"'),
                  encoding="utf-8")
    result = i18n("check", "--since", "main", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["since"] == "main"
    assert [(f["code"], f["msgid"]) for f in document["findings"]] == [("placeholder-mismatch", "Our partners")]
    result = i18n("check", "--since", "main", "--format", "markdown")
    assert result.exit_code == 1 and "(findings new since main)" in result.stdout


def test_check_mo_in_file_mode(i18n, current):
    po = ja_po(current)
    assert i18n("check", "--mo", str(po)).stdout.count("stale-mo") == 0  # compiled by the fixture
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "パートナー"', 'msgstr "提携校"'), encoding="utf-8")
    assert "stale-mo" not in i18n("check", str(po)).stdout
    assert "stale-mo" in i18n("check", "--mo", str(po)).stdout


def test_check_names_an_accidentally_edited_msgid_with_both_lines(i18n, current):
    po = ja_po(current)
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgid "Our partners"', 'msgid "Our partner"'), encoding="utf-8")
    line = text.splitlines().index('msgid "Our partners"') + 1
    pot_line = (current / "translations" / "messages.pot").read_text(encoding="utf-8").splitlines().index(
        'msgid "Our partners"') + 1
    result = i18n("check")
    assert result.exit_code == 1
    assert (f'translations/ja/LC_MESSAGES/messages.po:{line}: missing-in-catalog: line {line} has msgid '
            f'"Our partner" where messages.pot line {pot_line} has msgid "Our partners": restore the msgid') \
        in result.stdout
    assert "not-in-template" not in result.stdout  # one finding for the one mistake
