"""run_check: file mode on hand-made catalogs, project mode on a tiny project in tmp_path."""
from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from app.tooling import report
from app.tooling import check as check_module
from app.tooling.check import GitError, ProjectPaths, run_check, run_check_since, shown_path
from app.tooling.compile import compile_catalog, mo_bytes
from app.tooling.extract import extract_messages, write_pot
from app.tooling.pofile import CatalogError, read_catalog
from app.tooling.workflow import update_catalogs
from app.config import PROJECT_ROOT
from tests.helpers import git

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "po"
MALFORMED = sorted((FIXTURES / "malformed").glob("*.po"))


def codes(result) -> Counter:
    return Counter((f.code, f.severity) for f in result.findings)


def test_catalog_state_findings_are_errors_with_msgfmt_counts():
    result = run_check([FIXTURES / "state_ja.po"])
    [catalog] = result.catalogs
    assert (catalog.locale, catalog.stats.total, catalog.stats.translated, catalog.stats.fuzzy,
            catalog.stats.untranslated, catalog.stats.obsolete) == ("ja", 5, 2, 1, 2, 1)
    assert catalog.coverage == 40.0
    assert codes(result) == {("untranslated", "error"): 2, ("fuzzy", "error"): 1, ("obsolete", "error"): 1}
    assert {f.msgid for f in result.findings} == {"About us", "News", "Contact", "Old page"}
    assert report.exit_status(result) == 1


def test_module_docstring_lists_each_state_finding_under_its_severity():
    severities = {f.code: f.severity for f in run_check([FIXTURES / "state_ja.po"]).findings}
    doc = check_module.__doc__
    listed = {"error": doc.split("  error ")[1].split("  warning ")[0],
              "warning": doc.split("  warning ")[1].split("\n\n")[0]}
    for code in ("untranslated", "fuzzy", "obsolete"):
        under = {severity for severity, text in listed.items() if re.search(rf"(?<![\w-]){code}(?![\w-])", text)}
        assert under == {severities[code]}, code


def test_shown_path_is_relative_to_the_root_when_inside_it(tmp_path):
    assert shown_path(tmp_path / "translations" / "ja.po", tmp_path) == "translations/ja.po"
    assert shown_path("templates/page.html", tmp_path) == "templates/page.html"  # already root-relative
    assert shown_path("/elsewhere/x.po", tmp_path) == "/elsewhere/x.po"


def test_quality_errors_give_exit_status_1():
    result = run_check([FIXTURES / "quality_ja.po"])
    assert report.exit_status(result) == 1
    assert {code for code, _ in codes(result)} >= {"placeholder-mismatch", "unsafe-markup",
                                                   "whitespace-mismatch", "plural-forms"}


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.name)
def test_malformed_files_are_findings_never_exceptions(path):
    result = run_check([path])
    assert result.findings, path
    first = result.findings[0]
    assert first.path == str(path) and first.line >= 1
    if path.name in ("empty.po", "no_header.po"):  # valid syntax, no header: an error finding, exit 1
        assert first.code == "header" and report.exit_status(result) == 1
    else:
        assert result.unreadable == [str(path)] and report.exit_status(result) == 2
    json.loads(report.render_json(result))


def test_one_unreadable_file_does_not_hide_the_others():
    result = run_check([FIXTURES / "malformed" / "duplicate.po", FIXTURES / "state_ja.po"])
    assert [c.path for c in result.catalogs] == [str(FIXTURES / "state_ja.po")]
    assert report.exit_status(result) == 2


def test_min_coverage_adds_an_error_per_catalog_below_it():
    result = run_check([FIXTURES / "state_ja.po"], min_coverage=50)
    [coverage] = [f for f in result.findings if f.code == "coverage"]
    assert coverage.severity == "error" and "40.0%" in coverage.message and "50%" in coverage.message
    assert report.exit_status(result) == 1
    assert not [f for f in run_check([FIXTURES / "state_ja.po"], min_coverage=40).findings if f.code == "coverage"]


def test_locale_filter():
    paths = [FIXTURES / "state_ja.po", FIXTURES / "source_en.po"]
    assert [c.locale for c in run_check(paths, locales=["en"]).catalogs] == ["en"]
    assert [c.locale for c in run_check(paths).catalogs] == ["ja", "en"]


def test_source_locale_catalog_is_complete_by_definition():
    result = run_check([FIXTURES / "source_en.po"], source_locale="en", min_coverage=100)
    [catalog] = result.catalogs
    assert catalog.source and catalog.coverage == 100.0
    assert (catalog.stats.translated, catalog.stats.untranslated) == (1, 1)  # msgfmt's counts all the same
    assert result.findings == []


def copy_with_mo(tmp_path, name="state_ja.po", text=None):
    po = tmp_path / "ja" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    if text is None:
        shutil.copy(FIXTURES / name, po)
    else:
        po.write_text(text, encoding="utf-8")
    mo = po.with_suffix(".mo")
    mo.write_bytes(mo_bytes(read_catalog(po)))
    return po, mo


def stale(po) -> list:
    return [f for f in run_check([po], check_mo=True).findings if f.code == "stale-mo"]


def test_stale_mo_is_not_a_finding_unless_asked_for(tmp_path):
    """The site compiles the .po itself and never reads a .mo: only --mo (a .mo served elsewhere) asks."""
    po, _ = copy_with_mo(tmp_path)
    po.write_text(po.read_text(encoding="utf-8").replace('"ホーム"', '"トップ"'), encoding="utf-8")
    assert not [f for f in run_check([po]).findings if f.code == "stale-mo"]
    assert [f.code for f in stale(po)] == ["stale-mo"]


def test_fresh_mo_is_not_stale_even_when_older(tmp_path):
    po, mo = copy_with_mo(tmp_path)
    assert stale(po) == []
    os.utime(mo, (1_000_000, 1_000_000))  # same translations: nothing stale can be served
    assert stale(po) == []
    mo.unlink()  # none at all (git ignores them): nothing stale either
    assert stale(po) == []


def test_mo_built_from_other_content_is_stale_and_compile_fixes_it(tmp_path):
    po, mo = copy_with_mo(tmp_path)
    po.write_text(po.read_text(encoding="utf-8").replace('"ホーム"', '"トップ"'), encoding="utf-8")
    [finding] = stale(po)
    assert finding.severity == "error" and "other translations" in finding.message
    assert "flask --app app i18n compile" in finding.message
    compile_catalog(po, mo)  # the advice
    assert stale(po) == []


PLURAL_JA = """msgid ""
msgstr ""
"Language: ja\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

msgctxt "count"
msgid "%(n)s partner"
msgid_plural "%(n)s partners"
msgstr[0] "%(n)s 校"
"""


def test_stale_mo_handles_plural_entries(tmp_path):
    """read_mo gives plural ids and strings as lists (and contexts as bytes): once a TypeError."""
    po, mo = copy_with_mo(tmp_path, text=PLURAL_JA)
    assert stale(po) == []
    po.write_text(PLURAL_JA.replace("%(n)s 校", "%(n)s 大学"), encoding="utf-8")
    assert [f.code for f in stale(po)] == ["stale-mo"]
    compile_catalog(po, mo)
    assert stale(po) == []


def test_no_stale_mo_while_the_catalog_has_errors_compile_refuses(tmp_path):
    """A refused entry: the site writes a .mo without it, compile refuses the catalog. The error is the
    finding to fix; once it is fixed, compile (the advice of stale-mo) works."""
    po, mo = copy_with_mo(tmp_path)
    po.write_text(po.read_text(encoding="utf-8").replace('"ホーム"', '"<script>x</script>ホーム"'),
                  encoding="utf-8")
    # One of the site's catalogs (its HTML pages render every entry): the <script> is refused.
    codes_now = {f.code for f in run_check([po], check_mo=True, site_translations=tmp_path).findings}
    assert "unsafe-markup" in codes_now and "stale-mo" not in codes_now
    with pytest.raises(CatalogError):
        compile_catalog(po, mo)
    po.write_text(po.read_text(encoding="utf-8").replace("<script>x</script>", ""), encoding="utf-8")
    assert stale(po) == []  # the .mo still matches: nothing refused was ever in it


def test_corrupt_mo_is_stale(tmp_path):
    po, mo = copy_with_mo(tmp_path)
    mo.write_bytes(b"\xde\x12\x04\x95 not really")
    [finding] = stale(po)
    assert "cannot be read" in finding.message
    compile_catalog(po, mo)
    assert stale(po) == []


def test_directory_contradicting_language_header(tmp_path):
    po, _ = copy_with_mo(tmp_path)
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.move(po, target / "messages.po")
    findings = run_check([target / "messages.po"]).findings
    assert any(f.code == "header" and "'en' directory" in f.message for f in findings)


def test_library_output_on_stdout_goes_to_stderr(monkeypatch, capsys):
    import app.tooling.check as check_module

    real = check_module.parse_po

    def noisy(data, path):
        print("WARNING: something Babel-like")
        return real(data, path)

    monkeypatch.setattr(check_module, "parse_po", noisy)
    run_check([FIXTURES / "state_ja.po"])
    captured = capsys.readouterr()
    assert captured.out == "" and "Babel-like" in captured.err


@pytest.fixture
def project(tmp_path) -> ProjectPaths:
    root = tmp_path / "site"
    (root / "templates").mkdir(parents=True)
    (root / "babel.cfg").write_text("[jinja2: templates/**.html]\nsilent = false\ntrimmed = true\n")
    page = root / "templates" / "page.html"
    page.write_text('<h1>{{ _("Welcome") }}</h1>\n<p>{{ _("Apply by %(date)s", date=d) }}</p>\n')
    translations = root / "translations"
    paths = ProjectPaths(root=root, babel_cfg=root / "babel.cfg", pot=translations / "messages.pot",
                         translations_dir=translations, templates_dir=root / "templates")
    translations.mkdir()
    write_pot(extract_messages(root, paths.babel_cfg), paths.pot)
    header = ('msgid ""\nmsgstr ""\n"Language: {}\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
              '"Plural-Forms: {}\\n"\n\n')
    for locale, plural, body in (
        ("ja", "nplurals=1; plural=0;", 'msgid "Welcome"\nmsgstr "ようこそ"\n'),
        ("en", "nplurals=2; plural=(n != 1);",
         'msgid "Welcome"\nmsgstr ""\n\n#, python-format\nmsgid "Apply by %(date)s"\nmsgstr ""\n'),
    ):
        po = translations / locale / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True)
        po.write_text(header.format(locale, plural) + body, encoding="utf-8")
    return paths


def test_project_in_step_has_only_what_is_planted(project):
    result = run_check([], project=project)
    assert [(c.locale, c.path) for c in result.catalogs] == [
        ("en", "translations/en/LC_MESSAGES/messages.po"), ("ja", "translations/ja/LC_MESSAGES/messages.po")]
    assert [(f.code, f.path, f.msgid) for f in result.findings] == [
        ("missing-in-catalog", "translations/ja/LC_MESSAGES/messages.po", "Apply by %(date)s")]
    assert report.exit_status(result) == 1


def test_project_checks_every_entry_as_python_format(project):
    """Jinja's newstyle gettext runs `msgstr % variables` on every entry: a stray % breaks the page."""
    po = project.translations_dir / "ja" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('"ようこそ"', '"ようこそ（100%）"'), encoding="utf-8")
    result = run_check([], project=project)
    assert ("placeholder-mismatch", "error", "Welcome") in {(f.code, f.severity, f.msgid) for f in result.findings}
    assert not any(f.code == "placeholder-mismatch" for f in run_check([po]).findings)  # file mode: flags rule


def test_project_stale_template_and_literal_text(project):
    page = project.templates_dir / "page.html"
    page.write_text(page.read_text() + '<p>{{ _("Campus map") }}</p>\n<footer>Unmarked text</footer>\n')
    found = {(f.code, f.path) for f in run_check([], project=project).findings}
    assert ("stale-template", "templates/page.html") in found
    assert ("literal-text", "templates/page.html") in found


def test_project_without_pot(project):
    project.pot.unlink()
    result = run_check([], project=project)
    assert ("stale-template", "translations/messages.pot") in {(f.code, f.path) for f in result.findings}
    assert report.exit_status(result) == 1


def test_project_with_broken_template_exits_2(project):
    (project.templates_dir / "broken.html").write_text("{% if %}\n")
    result = run_check([], project=project)
    assert report.exit_status(result) == 2
    assert any(f.path == "templates/broken.html" and f.line == 1 for f in result.findings)


def ja_catalog(project, body: str) -> Path:
    po = project.translations_dir / "ja" / "LC_MESSAGES" / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: ja\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n' + body, encoding="utf-8")
    return po


def test_an_edited_msgid_is_named_with_its_line_and_the_pot_line(project):
    page = project.templates_dir / "page.html"
    page.write_text('<h1>{{ _("Welcome") }}</h1>\n<p>{{ pgettext("deadline", "Apply by %(date)s", date=d) }}</p>\n'
                    '<p>{{ _("Contact us") }}</p>\n')
    write_pot(extract_messages(project.root, project.babel_cfg), project.pot)
    ja_catalog(project, 'msgid "Welcome"\nmsgstr "ようこそ"\n\n'
                        'msgctxt "deadline"\nmsgid "Apply until %(date)s"\nmsgstr "%(date)sまでに申請"\n\n'  # msgid on line 11
                        'msgid "Contact us"\nmsgstr "お問い合わせ"\n')
    pot_line = {m.id: m.lineno for m in read_catalog(project.pot)}["Apply by %(date)s"]
    result = run_check([], project=project)
    [finding] = [f for f in result.findings if f.path.startswith("translations/ja")]
    assert (finding.code, finding.line, finding.msgid, finding.msgctxt) == (
        "missing-in-catalog", 11, "Apply by %(date)s", "deadline")
    assert (f'line 11 has msgctxt "deadline" msgid "Apply until %(date)s" where messages.pot line {pot_line} '
            'has msgctxt "deadline" msgid "Apply by %(date)s": restore the msgid') in finding.message
    assert "restore the msgid" in finding.message
    document = json.loads(report.render_json(result))
    assert [f["msgctxt"] for f in document["findings"]
            if f["code"] == "missing-in-catalog" and f["path"].startswith("translations/ja")] == ["deadline"]


def test_a_catalog_entry_the_pot_lacks_is_named_and_a_pot_entry_the_catalog_lacks_too(project):
    ja_catalog(project, 'msgid "Welcome"\nmsgstr "ようこそ"\n\nmsgid "Old news"\nmsgstr "旧ニュース"\n')
    findings = [(f.code, f.line, f.msgid) for f in run_check([], project=project).findings
                if f.path.startswith("translations/ja")]
    # "Apply by" comes after "Welcome" in the POT, "Old news" after it in the catalog: the same gap, so paired
    assert findings == [("missing-in-catalog", 10, "Apply by %(date)s")]
    ja_catalog(project, 'msgid "Old news"\nmsgstr "旧ニュース"\n\nmsgid "Welcome"\nmsgstr "ようこそ"\n')
    findings = sorted((f.code, f.line, f.msgid, f.message.split(":")[0])
                      for f in run_check([], project=project).findings if f.path.startswith("translations/ja"))
    pot_line = {m.id: m.lineno for m in read_catalog(project.pot)}["Apply by %(date)s"]
    assert findings == [
        ("missing-in-catalog", 0, "Apply by %(date)s", f"in messages.pot (line {pot_line}) but not in this catalog"),
        ("not-in-template", 7, "Old news", "not in messages.pot")]


# --since REF ---------------------------------------------------------------------------------------------

@pytest.fixture
def repo(project) -> ProjectPaths:
    """The tiny project as a git repository with one commit, tagged `base`."""
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "-m", "base")
    git(project.root, "tag", "base")
    return project


def test_since_reports_nothing_when_nothing_changed_though_old_findings_remain(repo):
    assert run_check([], project=repo).findings  # the planted missing-in-catalog is there...
    result = run_check_since(repo, "base")
    assert result.findings == [] and result.since == "base"  # ...but not new
    assert report.exit_status(result) == 0


def test_since_reports_only_what_the_change_broke(repo):
    page = repo.templates_dir / "page.html"
    # A string added above the old ones moves every line; only the new string's findings are new.
    page.write_text('<h2>{{ _("Deadlines") }}</h2>\n' + page.read_text())
    write_pot(extract_messages(repo.root, repo.babel_cfg), repo.pot)
    update_catalogs(repo.pot, repo.translations_dir, ["ja", "en"])
    po = repo.translations_dir / "ja" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "ようこそ"', 'msgstr "ようこそ<b>"'), encoding="utf-8")
    result = run_check_since(repo, "base")
    assert sorted((f.code, f.path, f.msgid) for f in result.findings) == [
        ("unsafe-markup", "translations/ja/LC_MESSAGES/messages.po", "Welcome"),
        ("untranslated", "translations/ja/LC_MESSAGES/messages.po", "Deadlines")]
    assert report.exit_status(result) == 1  # "Apply by": missing then, untranslated now (update): not new
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "deadlines")
    assert run_check_since(repo, "HEAD").findings == []


def test_since_a_fixed_file_that_was_broken_at_ref(repo):
    po = repo.translations_dir / "ja" / "LC_MESSAGES" / "messages.po"
    good = po.read_text(encoding="utf-8")
    po.write_text(good + 'msgid "broken\n', encoding="utf-8")
    git(repo.root, "commit", "-qam", "broken")
    result = run_check_since(repo, "HEAD")
    assert result.findings == [] and report.exit_status(result) == 2  # still unreadable now: exit 2
    po.write_text(good, encoding="utf-8")
    assert report.exit_status(run_check_since(repo, "HEAD")) == 1  # every finding of a file unreadable then is new


def test_since_outside_a_git_repository_or_with_an_unknown_ref(project):
    with pytest.raises(GitError, match="is not in a git repository"):
        run_check_since(project, "main")
    git(project.root, "init", "-q", "-b", "main")
    with pytest.raises(GitError, match="'main' is not a commit"):  # an empty repository
        run_check_since(project, "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "-m", "base")
    with pytest.raises(GitError, match="'no-such-branch' is not a commit"):
        run_check_since(project, "no-such-branch")
    with pytest.raises(GitError, match="'--output=/tmp/x' is not a commit"):  # never taken for an option
        run_check_since(project, "--output=/tmp/x")


def test_since_in_a_subdirectory_of_the_repository(project):
    git(project.root.parent, "init", "-q", "-b", "main")
    git(project.root.parent, "add", "-A")
    git(project.root.parent, "commit", "-q", "-m", "base")
    assert run_check_since(project, "main").findings == []


def test_since_skips_a_symlink_out_of_the_tree_at_ref(repo):
    (repo.templates_dir / "passwd.html").symlink_to("/etc/passwd")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "a link out")
    (repo.templates_dir / "passwd.html").unlink()
    assert run_check_since(repo, "HEAD").findings == []


def test_since_errors_name_what_git_cannot_give(project, monkeypatch):
    top = project.root.parent
    git(top, "init", "-q", "-b", "main")
    (top / "README").write_text("before the site\n")
    git(top, "add", "README")
    git(top, "commit", "-q", "-m", "no site yet")
    with pytest.raises(GitError, match="site cannot be read at 'main'"):
        run_check_since(project, "main")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "the site")
    outside = replace(project, translations_dir=top.parent / "elsewhere")
    with pytest.raises(GitError, match="is outside the project root"):
        run_check_since(outside, "main")
    monkeypatch.setenv("PATH", "")
    with pytest.raises(GitError, match="git is not installed"):
        run_check_since(project, "main")


def test_a_charset_that_cannot_hold_the_translations_is_an_error_for_the_site_and_compile_refuses_it(tmp_path):
    """msgfmt reads a charset it does not know (latin-1) as bytes (msgfmt -c accepts: a warning for a given
    catalog); a .mo in that charset cannot hold the Japanese, so the site would show English: in the site's
    catalogs an error, and compile refuses without a traceback. "idna", a Python codec that raises
    UnicodeError rather than UnicodeEncodeError, is the same finding, never a traceback."""
    translations = tmp_path / "translations"
    po = translations / "ja" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    source = (PROJECT_ROOT / "translations" / "ja" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    for charset in ("latin-1", "idna"):
        po.write_text(source.replace("charset=utf-8", f"charset={charset}"), encoding="utf-8")
        given = [f for f in run_check([po]).findings if f.code == "header"]
        site = [f for f in run_check([po], site_translations=translations).findings if f.code == "header"]
        assert [(f.severity, "cannot hold the text" in f.message) for f in given] == [("warning", True)]
        assert [(f.severity, "cannot hold the text" in f.message) for f in site] == [("error", True)]
        assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True).returncode == 0
        with pytest.raises(CatalogError):
            compile_catalog(po, po.with_suffix(".mo"))
    assert not po.with_suffix(".mo").exists()
