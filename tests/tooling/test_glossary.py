"""The glossary: strict loading, whole-word case-sensitive matching, longest term first, the real catalog."""
from __future__ import annotations

import pytest

from app.config import PROJECT_ROOT
from app.tooling.glossary import glossary_findings, load_glossary
from app.tooling.pofile import CatalogError, parse_po, read_catalog

PROJECT_GLOSSARY = PROJECT_ROOT / "translations" / "glossary.csv"
PROJECT_JA = PROJECT_ROOT / "translations" / "ja" / "LC_MESSAGES" / "messages.po"

GLOSSARY_CSV = """\
en,ja,note
Tohoku University,東北大学,official name
Tohoku University Vision 2030,東北大学ビジョン2030,the plan
President,総長,"the university's president, not 学長"
Vice President,副学長,a title
Director,室長,the office's Director
“University Engaged with Society”,「社会とともにある大学」,the motto
Not Yet Agreed,,no Japanese yet
"""


def catalog_of(entries: str, locale: str = "ja"):
    header = (f'msgid ""\nmsgstr ""\n"Language: {locale}\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
              '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n')
    return parse_po((header + entries).encode("utf-8"), "t.po").catalog


@pytest.fixture
def glossary(tmp_path):
    path = tmp_path / "glossary.csv"
    path.write_text(GLOSSARY_CSV, encoding="utf-8")
    return load_glossary(path)


def codes_and_ids(findings):
    return [(f.code, f.msgid, f.line) for f in findings]


def test_the_project_catalog_uses_every_agreed_term():
    assert glossary_findings(read_catalog(PROJECT_JA), PROJECT_JA, load_glossary(PROJECT_GLOSSARY)) == []


def test_the_project_glossary_has_the_agreed_names():
    terms = {term.source: term.translations["ja"] for term in load_glossary(PROJECT_GLOSSARY).terms}
    assert terms["Priority Strategy 17"] == "重点戦略⑰"
    assert terms["President"] == "総長" and terms["Vice President"] == "副学長"
    assert terms["Director"] == "室長"


def test_a_translation_lacking_the_agreed_term_is_reported(glossary):
    catalog = catalog_of('msgid "A message from the Director"\nmsgstr "所長からのメッセージ"\n')
    [finding] = glossary_findings(catalog, "t.po", glossary)
    assert (finding.code, finding.path, finding.line) == ("glossary", "t.po", 7)
    assert finding.msgid == "A message from the Director"
    assert "“Director”" in finding.message and "“室長”" in finding.message
    assert "the office's Director" in finding.message  # the note tells the translator which sense
    assert "line 6" in finding.message  # ...and where the row is


def test_every_missing_term_of_an_entry_is_reported_once(glossary):
    catalog = catalog_of('msgid "Tohoku University and its Director, Director again"\nmsgstr "大学と所長"\n')
    messages = [f.message for f in glossary_findings(catalog, "t.po", glossary)]
    assert len(messages) == 2
    assert any("Tohoku University" in m for m in messages) and any("Director" in m for m in messages)


def test_whole_words_only_and_case_sensitive(glossary):
    catalog = catalog_of('msgid "The directory of the Directorate; ask the director."\nmsgstr "名簿"\n'
                         '\nmsgid "Presidents and Directors"\nmsgstr "歴代"\n')
    assert glossary_findings(catalog, "t.po", glossary) == []


def test_the_longest_overlapping_term_wins(glossary):
    # "Vice President" asks for 副学長 only; "Tohoku University Vision 2030" for its own name only.
    catalog = catalog_of('msgid "Vice President and Professor"\nmsgstr "副学長・教授"\n\n'
                         'msgid "Tohoku University Vision 2030"\nmsgstr "東北大学ビジョン2030"\n')
    assert glossary_findings(catalog, "t.po", glossary) == []
    catalog = catalog_of('msgid "Vice President and the President"\nmsgstr "副学長と学長"\n')
    [finding] = glossary_findings(catalog, "t.po", glossary)
    assert "“総長”" in finding.message


def test_terms_with_punctuation_at_their_edges_match(glossary):
    catalog = catalog_of('msgid "as a “University Engaged with Society”."\nmsgstr "社会とともにある大学として"\n')
    [finding] = glossary_findings(catalog, "t.po", glossary)
    assert "「社会とともにある大学」" in finding.message


def test_untranslated_fuzzy_and_unagreed_entries_are_left_to_other_checks(glossary):
    catalog = catalog_of('msgid "Tohoku University"\nmsgstr ""\n\n'
                         '#, fuzzy\nmsgid "the Director"\nmsgstr "所長"\n\n'
                         'msgid "Not Yet Agreed"\nmsgstr "未定"\n')
    assert glossary_findings(catalog, "t.po", glossary) == []


def test_terms_in_the_plural_msgid_count_too(glossary):
    catalog = catalog_of('msgid "one office"\nmsgid_plural "%(n)s offices of Tohoku University"\n'
                         'msgstr[0] "%(n)s の部局"\n')
    [finding] = glossary_findings(catalog, "t.po", glossary)
    assert "Tohoku University" in finding.message


def test_a_locale_without_a_glossary_column_is_not_checked(glossary):
    catalog = catalog_of('msgid "Tohoku University"\nmsgstr "Université du Tohoku"\n', locale="fr")
    assert glossary_findings(catalog, "t.po", glossary) == []


def test_a_byte_order_mark_and_blank_lines_are_accepted(tmp_path):
    path = tmp_path / "g.csv"
    path.write_bytes("\ufeffen,ja,note\n\nPresident,総長,\n".encode("utf-8"))
    [term] = load_glossary(path).terms
    assert (term.source, term.translations, term.line) == ("President", {"ja": "総長"}, 3)


@pytest.mark.parametrize(("content", "code", "line", "words"), [
    ("", "syntax-error", 1, "header"),
    ("English,Japanese,Note\nPresident,総長,x\n", "syntax-error", 1, "en,ja,note"),
    ("en,ja\nPresident,総長\n", "syntax-error", 1, "header"),
    ("en,ja,note\nPresident,総長\n", "syntax-error", 2, "2 fields"),
    ("en,ja,note\nA, B, and C,総長,x\n", "syntax-error", 2, "quote"),
    ("en,ja,note\n,総長,x\n", "syntax-error", 2, "empty English term"),
    ("en,ja,note\nPresident,総長,x\nPresident,学長,y\n", "duplicate", 3, "line 2"),
    ('en,ja,note\n"President,総長,x\n', "syntax-error", 0, "CSV"),
])
def test_a_bad_glossary_is_an_input_error_naming_the_line(tmp_path, content, code, line, words):
    path = tmp_path / "glossary.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_glossary(path)
    [finding] = caught.value.findings
    assert (finding.path, finding.code, finding.line) == (str(path), code, line)
    assert words in finding.message


def test_a_glossary_that_is_not_utf8_or_missing_is_an_input_error(tmp_path):
    path = tmp_path / "glossary.csv"
    path.write_bytes("en,ja,note\nPresident,総長,x\n".encode("shift_jis"))
    with pytest.raises(CatalogError) as caught:
        load_glossary(path)
    assert [(f.code, f.line) for f in caught.value.findings] == [("encoding-error", 2)]
    with pytest.raises(CatalogError) as caught:
        load_glossary(tmp_path / "absent.csv")
    assert caught.value.findings[0].code == "unreadable"


def test_check_reports_a_glossary_mismatch_in_the_project(runner_on_copy, ja_po):
    before = runner_on_copy.invoke(args=["i18n", "check"])
    assert ": glossary:" not in before.output
    text = ja_po.read_text(encoding="utf-8")
    ja_po.write_text(text.replace('msgstr "国際戦略室長メッセージ"', 'msgstr "国際戦略所長メッセージ"'), encoding="utf-8")
    result = runner_on_copy.invoke(args=["i18n", "check"])
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if ": glossary:" in line]
    assert "messages.po:" in line and "“Director” should be translated “室長”" in line


def test_check_exits_2_on_a_bad_project_glossary(runner_on_copy, translations_copy):
    (translations_copy / "glossary.csv").write_text("en,ja,note\nPresident,総長\n", encoding="utf-8")
    result = runner_on_copy.invoke(args=["i18n", "check"])
    assert result.exit_code == 2
    assert "glossary.csv:2: syntax-error" in result.output


@pytest.fixture
def runner_on_copy(translations_copy):
    from app import create_app
    return create_app({"TESTING": True, "TRANSLATIONS_DIR": translations_copy}).test_cli_runner()
