"""Per-message quality checks."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from app.tooling.checks import check_catalog
from app.tooling.formats import format_problem
from app.tooling.pofile import read_po_file


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "po"


def msgstr_line(path: Path, msgid: str) -> int:
    """Line of the first msgstr after `msgid "<msgid>"` in a fixture (findings point at the translation)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f'msgid "{msgid}"')
    return next(n for n in range(start, len(lines)) if lines[n].startswith("msgstr")) + 1


def findings_of(name: str, expected_locale: str | None = None):
    path = FIXTURES / name
    pofile = read_po_file(path)
    return path, check_catalog(pofile.catalog, path, pofile=pofile, expected_locale=expected_locale)


def test_quality_fixture_findings_are_exactly_the_planted_problems():
    path, findings = findings_of("quality_ja.po")
    got = {(f.line, f.code, f.severity) for f in findings}
    expected = {
        (msgstr_line(path, "Hello %(name)s"), "placeholder-mismatch", "error"),
        (msgstr_line(path, "%s has %d files"), "placeholder-mismatch", "error"),
        (msgstr_line(path, "Welcome to {site}"), "placeholder-mismatch", "error"),
        (msgstr_line(path, "Zoom (% of window):"), "placeholder-mismatch", "error"),
        (msgstr_line(path, "Read <strong>the guide</strong>"), "unsafe-markup", "warning"),  # the site's rule: a given catalog
        (msgstr_line(path, "<a href=\\\"/apply\\\">Apply</a> by <em>1 May</em>"), "unsafe-markup", "warning"),  # the site's rule: a given catalog
        (msgstr_line(path, "Contact us"), "unsafe-markup", "warning"),  # the site's rule: a given catalog
        (msgstr_line(path, "<b>News</b>"), "unsafe-markup", "warning"),  # the site's rule: a given catalog
        (msgstr_line(path, "Name: "), "whitespace-mismatch", "warning"),
        (msgstr_line(path, "Line one\\n"), "whitespace-mismatch", "error"),
        (msgstr_line(path, "One apple"), "plural-forms", "error"),
    }
    assert got == expected
    assert all(f.path == str(path) for f in findings)


def test_format_errors_are_the_ones_msgfmt_check_format_reports():
    path, findings = findings_of("quality_ja.po")
    output = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(path)],
                            capture_output=True, text=True, env={"LC_ALL": "C"}).stderr
    msgfmt_lines = {int(n) for n in re.findall(rf"{re.escape(str(path))}:(\d+): (?:a format|format|number of format)",
                                                output)}
    assert msgfmt_lines == {f.line for f in findings if f.code == "placeholder-mismatch"}


def test_real_format_error_in_geeqie_is_found_on_msgfmts_line():
    path = Path(__file__).resolve().parent.parent / "fixtures" / "po" / "corpus" / "geeqie_ja.po"
    pofile = read_po_file(path)
    errors = [f for f in check_catalog(pofile.catalog, path, pofile=pofile) if f.severity == "error"]
    assert [(f.line, f.code) for f in errors] == [(4997, "placeholder-mismatch")]
    assert errors[0].msgid == "Virtual window size (% of actual window):"


def test_messages_carry_msgid_and_reason():
    _, findings = findings_of("quality_ja.po")
    by_msgid = {f.msgid: f for f in findings}
    assert "%(name)s" in by_msgid["Hello %(name)s"].message
    assert "<strong>" in by_msgid["Read <strong>the guide</strong>"].message
    assert "javascript" in by_msgid["Contact us"].message


def test_nplurals_the_references_disagree_with_is_a_warning_naming_both_counts():
    path, findings = findings_of("header_wrong_plural_ja.po")
    assert [(f.line, f.code, f.severity) for f in findings] == [(1, "plural-forms", "warning")]
    assert "Japanese has 1 in GNU gettext's plural table and 1 in CLDR" in findings[0].message
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True).returncode == 0


def test_header_problems_msgfmt_accepts_are_warnings_and_its_plural_error_is_an_error():
    path, findings = findings_of("header_problems.po", expected_locale="ja")
    assert all(f.line == 2 for f in findings)
    got = sorted((f.code, f.severity, f.message.split(" ")[0]) for f in findings)
    assert got == [("header", "warning", "Language"), ("header", "warning", "no"), ("header", "warning", "the"),
                   ("plural-forms", "error", "nplurals")]
    assert any("Language given twice: 'ja' and 'en' (gettext reads the first)" in f.message for f in findings)
    assert any(f.message.startswith("nplurals = 1 but plural expression can produce values as large as 1")
               for f in findings)
    output = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True,
                            env={"LC_ALL": "C"}).stderr
    assert "nplurals = 1 but plural expression can produce values as large as 1" in output


def test_missing_language_placeholder_charset_and_untranslated_plurals_without_plural_forms_pass():
    path, findings = findings_of("header_no_language.po")
    assert sorted((f.code, f.severity, f.message.split(" (")[0]) for f in findings) == [
        ("header", "warning", "no Language header"),
        ("header", "warning", "unknown charset 'CHARSET'"),
    ]
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True).returncode == 0
    pofile = read_po_file(path)
    site = check_catalog(pofile.catalog, path, pofile=pofile, expected_locale="ja", newstyle=True)
    assert sorted((f.code, f.severity) for f in site if f.code in ("header", "plural-forms")) == [
        ("header", "error"), ("header", "error"), ("plural-forms", "warning")]


def test_language_contradicting_the_catalog_directory():
    _, findings = findings_of("header_wrong_plural_ja.po", expected_locale="en")
    assert [f.severity for f in findings if "'en' directory" in f.message] == ["warning"]
    pofile = read_po_file(FIXTURES / "header_wrong_plural_ja.po")
    site = check_catalog(pofile.catalog, "x.po", pofile=pofile, expected_locale="en", newstyle=True)
    assert [f.severity for f in site if "'en' directory" in f.message] == ["error"]


def test_language_babel_does_not_know_is_a_warning_for_a_given_catalog_and_an_error_for_the_site(tmp_path):
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: xx-klingon\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "a"\nmsgstr "b"\n', encoding="utf-8")
    pofile = read_po_file(po)
    given = check_catalog(pofile.catalog, po, pofile=pofile)
    site = check_catalog(pofile.catalog, po, pofile=pofile, expected_locale="ja", newstyle=True)
    assert [(f.code, f.severity) for f in given] == [("header", "warning")]
    assert "not a locale Babel knows" in given[0].message
    assert [(f.code, f.severity) for f in site] == [("header", "error")]


def test_an_empty_header_entry_is_an_error_as_for_msgfmt_c(tmp_path):
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\n', encoding="utf-8")
    pofile = read_po_file(po)
    assert [(f.line, f.code, f.severity) for f in check_catalog(pofile.catalog, po, pofile=pofile)] == [
        (1, "header", "error")]
    assert not msgfmt_c_accepts(po)


def test_no_header_entry():
    path = FIXTURES / "malformed" / "no_header.po"
    pofile = read_po_file(path)
    findings = check_catalog(pofile.catalog, path, pofile=pofile)
    assert [(f.line, f.code) for f in findings] == [(1, "header")]


def test_without_pofile_only_messages_are_checked():
    pofile = read_po_file(FIXTURES / "quality_ja.po")
    findings = check_catalog(pofile.catalog, "x.po")
    assert "placeholder-mismatch" in {f.code for f in findings}
    assert "header" not in {f.code for f in findings}


@pytest.mark.parametrize(("directory", "contradicts"), [("ja_JP", False), ("ja", False), ("en", True),
                                                       ("not-a-locale", True)])
def test_language_compared_with_directory_by_language_only(directory, contradicts):
    _, findings = findings_of("header_wrong_plural_ja.po", expected_locale=directory)
    assert any("directory" in f.message for f in findings) == contradicts


@pytest.mark.parametrize(("msgid", "msgstr"), [
    ("Skip to main content", "本文へスキップ"),
    ("Apply by %(date)s", "%(date)sまでに申請"),
    ("%(n)d students", "学生%(n)d人"),
    ("100%% funded", "100%%支給"),
    ("Plain", "プレーン"),
])
def test_legitimate_translations_have_no_format_problem(msgid, msgstr):
    assert format_problem(msgid, msgstr) is None


@pytest.mark.parametrize(("msgid", "msgstr", "reason"), [
    ("Skip to main content", "本文へスキップ（100%）", "raises ValueError"),
    ("Save", "50% off", "raises TypeError"),
    ("Apply", "%(date)sまで", "has %(date)"),
    ("Apply by %(date)s", "%(day)sまで", "has %(day)"),
    ("Apply by %(date)s", "申請", "lacks %(date)s"),
    ("Hello", "こんにちは%s", "has %s"),
])
def test_format_problem_names_what_breaks_newstyle_gettext(msgid, msgstr, reason):
    problem = format_problem(msgid, msgstr)
    assert problem is not None and reason in problem
    if "raises" in reason or "%(" in reason and "lacks" not in reason:
        with pytest.raises((ValueError, TypeError, KeyError)):
            msgstr % {name: "" for name in re.findall(r"%\((\w+)\)", msgid)}


def test_stray_percent_without_python_format_is_an_error_only_in_newstyle_mode(tmp_path):
    po = tmp_path / "ja.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: ja\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
                  'msgid "Skip to main content"\nmsgstr "本文へスキップ（100%）"\n\n'
                  'msgid "%(num)d file"\nmsgid_plural "%(num)d files"\nmsgstr[0] "%(num)d 件 (100%)"\n',
                  encoding="utf-8")
    pofile = read_po_file(po)
    assert check_catalog(pofile.catalog, po, pofile=pofile) == []
    found = check_catalog(pofile.catalog, po, pofile=pofile, newstyle=True)
    assert [(f.code, f.severity, f.msgid) for f in found] == [
        ("placeholder-mismatch", "error", "Skip to main content"), ("placeholder-mismatch", "error", "%(num)d file")]


def plural_catalog(tmp_path, language: str, plural_forms: str, forms: int) -> Path:
    po = tmp_path / f"{language}.po"
    msgstrs = "".join(f'msgstr[{i}] "%d form {i}"\n' for i in range(forms))
    po.write_text(f'msgid ""\nmsgstr ""\n"Language: {language}\\n"\n'
                  f'"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: {plural_forms}\\n"\n\n'
                  f'#, c-format\nmsgid "%d file"\nmsgid_plural "%d files"\n{msgstrs}', encoding="utf-8")
    return po


def plural_forms_findings(po: Path) -> list[str]:
    pofile = read_po_file(po)
    return [f.message for f in check_catalog(pofile.catalog, po, pofile=pofile) if f.code == "plural-forms"]


@pytest.mark.parametrize(("language", "plural_forms", "forms"), [
    ("fr", "nplurals=2; plural=(n > 1);", 2),  # GNU's table
    ("fr", "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;", 3),  # CLDR's
    ("es", "nplurals=2; plural=(n != 1);", 2),
    ("ru", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
     3),
    ("pl", "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);", 3),
    ("tr", "nplurals=2; plural=(n != 1);", 2),
    ("id", "nplurals=1; plural=0;", 1),  # not in GNU's table; CLDR: "other" only
    ("ja", "nplurals=1; plural=0;", 1),
])
def test_plural_forms_of_correct_catalogs_are_accepted(tmp_path, language, plural_forms, forms):
    po = plural_catalog(tmp_path, language, plural_forms, forms)
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True).returncode == 0
    assert plural_forms_findings(po) == []


def plural_forms_of(po: Path, **options) -> list[tuple[str, str]]:
    pofile = read_po_file(po)
    return [(f.severity, f.message) for f in check_catalog(pofile.catalog, po, pofile=pofile, **options)
            if f.code == "plural-forms"]


def msgfmt_c_accepts(po: Path) -> bool:
    return subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True).returncode == 0


@pytest.mark.parametrize(("language", "plural_forms", "forms", "expected"), [
    # The rule works (msgfmt -c accepts it): the references' counts are a warning.
    ("fr", "nplurals=4; plural=n % 4;", 4, ("warning", "French has 2 in GNU gettext's plural table and 3 in CLDR")),
    ("ja", "nplurals=2; plural=(n != 1);", 2, ("warning", "Japanese has 1 in GNU gettext's plural table and 1 in CLDR")),
    ("id", "nplurals=2; plural=(n != 1);", 2, ("warning", "Indonesian has 1 in CLDR (not in GNU gettext's plural table)")),
    ("he", "nplurals=4; plural=(n==1 ? 0 : n==2 ? 1 : n>10 && n%10==0 ? 2 : 3);", 4,
     ("warning", "Hebrew has 2 in GNU gettext's plural table and 3 in CLDR")),
    ("cy", "nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;", 4,
     ("warning", "Welsh has 6 in CLDR")),
    ("skr", "nplurals=2; plural=(n != 1);", 2, ("warning", "skr has 1 in CLDR")),  # Babel has no English name
    # msgfmt -c rejects these: errors, with msgfmt's own words.
    ("en", "nplurals=2; plural=n;", 2, ("error", "nplurals = 2 but plural expression can produce values as large as 2")),
    ("en", "nplurals=2; plural=n/0;", 2, ("error", "plural expression can produce division by zero")),
    ("en", "nplurals=2; plural=n-2;", 2, ("error", "plural expression can produce negative values")),
    ("en", "nplurals=x; plural=n != 1;", 2, ("error", "invalid nplurals value")),
    ("en", "nplurals=2; plural=n != 1 or so;", 2, ("error", "invalid plural expression")),
    ("en", f"nplurals={'9' * 5000}; plural=0;", 2, ("error", "has 2 plural forms but the header says nplurals=18446744073709551615")),
])
def test_plural_forms_findings_follow_msgfmt_and_warn_where_the_references_disagree(
        tmp_path, language, plural_forms, forms, expected):
    po = plural_catalog(tmp_path, language, plural_forms, forms)
    found = plural_forms_of(po)
    severity, text = expected
    assert any(s == severity and text in m for s, m in found), found
    assert "None" not in str(found)
    assert msgfmt_c_accepts(po) == (severity == "warning")


@pytest.mark.parametrize("plural_forms", [
    "nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2",  # no final ";"
    "plural=n==1 ? 0 : n==2 ? 1 : 2; nplurals=3;",  # the fields reversed
    "nplurals=3; nplurals=2; plural=n==1 ? 0 : n==2 ? 1 : 2;",  # nplurals twice: the first counts
])
def test_plural_forms_headers_msgfmt_reads_are_read_as_msgfmt_reads_them(tmp_path, plural_forms):
    po = plural_catalog(tmp_path, "ga", plural_forms, 3)
    assert msgfmt_c_accepts(po)
    found = plural_forms_of(po)
    assert [s for s, _ in found if s == "error"] == []
    assert ("nplurals twice" not in plural_forms) or found == [
        ("warning", "nplurals= given 2 times: msgfmt and gettext read the first "
                    "(nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2)")]
    pofile = read_po_file(po)
    assert (pofile.catalog.num_plurals, pofile.catalog.plural_expr) == (3, "n==1 ? 0 : n==2 ? 1 : 2")


def test_reversed_plural_forms_is_an_error_for_the_site_whose_python_gettext_cannot_read_it(tmp_path):
    po = plural_catalog(tmp_path, "ga", "plural=n==1 ? 0 : n==2 ? 1 : 2; nplurals=3;", 3)
    assert [s for s, m in plural_forms_of(po, newstyle=True) if "Python's gettext" in m] == ["error"]
    po.write_text(po.read_text(encoding="utf-8").replace("Plural-Forms: plural", "X-Rule: plural"), encoding="utf-8")
    assert msgfmt_c_accepts(po)  # msgfmt finds the rule in any field
    assert [s for s, m in plural_forms_of(po, newstyle=True) if "Python's gettext" in m] == ["error"]
    assert [s for s, m in plural_forms_of(po) if "Python's gettext" in m] == []


def test_missing_plural_forms_is_an_error_only_when_a_plural_entry_is_translated(tmp_path):
    po = tmp_path / "de.po"
    header = 'msgid ""\nmsgstr ""\n"Language: de\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    entry = 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "{0}"\nmsgstr[1] ""\n'
    po.write_text(header + entry.format(""), encoding="utf-8")
    assert plural_forms_of(po) == [] and msgfmt_c_accepts(po)
    po.write_text(header + "#, fuzzy\n" + entry.format("x"), encoding="utf-8")
    assert plural_forms_of(po) == [] and msgfmt_c_accepts(po)
    po.write_text(header + entry.format("x"), encoding="utf-8")
    pofile = read_po_file(po)
    found = [f for f in check_catalog(pofile.catalog, po, pofile=pofile) if f.code == "plural-forms"]
    assert [(f.line, f.severity) for f in found] == [(6, "error")] and not msgfmt_c_accepts(po)


@pytest.mark.parametrize(("flags", "forms"), [
    ("python-format, range: 1..3", ("час с четвертью", "час и %(number)s четверти", "час и %(number)s четвертей")),
    ("python-format, range: 1..3", ("час с четвертью", "час и четверти", "час и %(number)s четвертей")),
    ("python-format", ("час с четвертью", "час и %(number)s четверти", "час и %(number)s четвертей")),
    ("python-format range: 2..4", ("час %(number)s", "час и четверти", "час %(number)s")),
    ("range: 1..3, python-format", ("час", "час и %(number)s", "час")),
])
def test_a_range_flag_loosens_the_forms_used_at_most_once_in_it_as_msgfmt_does(tmp_path, flags, forms):
    po = tmp_path / "ru.po"
    msgstrs = "".join(f'msgstr[{n}] "{form}"\n' for n, form in enumerate(forms))
    po.write_text('msgid ""\nmsgstr ""\n"Language: ru\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  '"Plural-Forms: nplurals=3; plural=n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && '
                  '(n%100<10 || n%100>=20) ? 1 : 2;\\n"\n\n'
                  f'#, {flags}\nmsgid "1 %(number)s/4 hours"\nmsgid_plural "1 %(number)s/4 hours"\n{msgstrs}',
                  encoding="utf-8")
    pofile = read_po_file(po)
    errors = [f for f in check_catalog(pofile.catalog, po, pofile=pofile) if f.severity == "error"]
    assert (errors == []) == msgfmt_c_accepts(po), errors


def test_no_charset_is_a_warning_as_for_msgfmt_and_an_error_for_the_site_whose_python_gettext_needs_it(tmp_path):
    po = tmp_path / "ja.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: ja\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
                  'msgid "a"\nmsgstr "b"\n', encoding="utf-8")
    pofile = read_po_file(po)
    assert msgfmt_c_accepts(po)
    assert [(f.code, f.severity) for f in check_catalog(pofile.catalog, po, pofile=pofile)] == [("header", "warning")]
    site = check_catalog(pofile.catalog, po, pofile=pofile, expected_locale="ja", newstyle=True)
    assert [(f.code, f.severity) for f in site] == [("header", "error")]
