"""run_check: file mode on hand-made catalogs, project mode on a tiny project in tmp_path."""
from __future__ import annotations

import json
import re
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from app.tooling import report
from app.tooling import check as check_module
from app.tooling.check import ProjectPaths, run_check, shown_path
from app.tooling.compile import mo_bytes
from app.tooling.extract import extract_messages, write_pot
from app.tooling.pofile import read_catalog

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


def copy_with_mo(tmp_path, name="state_ja.po"):
    po = tmp_path / "ja" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    shutil.copy(FIXTURES / name, po)
    mo = po.with_suffix(".mo")
    mo.write_bytes(mo_bytes(read_catalog(po)))
    return po, mo


def test_fresh_mo_is_not_stale(tmp_path):
    po, _ = copy_with_mo(tmp_path)
    assert not [f for f in run_check([po]).findings if f.code == "stale-mo"]


def test_mo_built_from_other_content_is_stale(tmp_path):
    po, _ = copy_with_mo(tmp_path)
    po.write_text(po.read_text(encoding="utf-8").replace('"ホーム"', '"トップ"'), encoding="utf-8")
    [stale] = [f for f in run_check([po]).findings if f.code == "stale-mo"]
    assert stale.severity == "error" and "other content" in stale.message


def test_mo_older_than_po_with_same_content_is_a_warning(tmp_path):
    po, mo = copy_with_mo(tmp_path)
    os.utime(mo, (1_000_000, 1_000_000))
    [stale] = [f for f in run_check([po]).findings if f.code == "stale-mo"]
    assert stale.severity == "warning"


def test_corrupt_mo_is_stale(tmp_path):
    po, mo = copy_with_mo(tmp_path)
    mo.write_bytes(b"\xde\x12\x04\x95 not really")
    assert [f.code for f in run_check([po]).findings if f.code == "stale-mo"] == ["stale-mo"]


def test_directory_contradicting_language_header(tmp_path):
    po, _ = copy_with_mo(tmp_path)
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.move(po, target / "messages.po")
    findings = run_check([target / "messages.po"]).findings
    assert any(f.code == "header" and "'en' directory" in f.message for f in findings)


def test_library_output_on_stdout_goes_to_stderr(monkeypatch, capsys):
    import app.tooling.check as check_module

    real = check_module.read_po_file

    def noisy(path):
        print("WARNING: something Babel-like")
        return real(path)

    monkeypatch.setattr(check_module, "read_po_file", noisy)
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
