"""literals.py: visible text in templates that is not marked for translation."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.tooling.literals import find_literal_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "templates" / "literals"


def found(path: Path):
    return [(f.line, f.msgid) for f in find_literal_text([path])]


def one_template(tmp_path, source: str):
    path = tmp_path / "t.html"
    path.write_text(source, encoding="utf-8")
    return found(path)


def test_marked_template_has_no_findings():
    """Comments, script/style, Jinja expressions and blocks, trans blocks, translate="no", numbers and
    punctuation (Japanese too, entities, · | →), hidden/text input values: none is literal text."""
    assert find_literal_text([FIXTURES / "clean.html"]) == []


def test_every_kind_of_literal_text_is_reported_with_its_line():
    assert found(FIXTURES / "literal.html") == [
        (3, "Partners"),                              # <title> text
        (7, "Unmarked paragraph spanning lines."),    # line of the first letter, whitespace collapsed
        (10, "Campus map"),                           # alt=
        (11, "Search partners"),                      # placeholder=
        (12, "Close"),                                # aria-label= (the × inside is not text)
        (13, "Home page"),                            # title=
        (14, "Apply"),                                # value= of a submit input
        (15, "items"),                                # next to an expression
        (16, "研究の国際化"),                          # Japanese text is text
        (18, "After the exempt block"),               # translate="no" ends with its element
        (19, "Raw words"),                            # {% raw %} content is shown as written
        (21, "Multi-line tag"),                       # the attribute's own line
    ]
    finding = find_literal_text([FIXTURES / "literal.html"])[0]
    assert finding.code == "literal-text" and finding.path == str(FIXTURES / "literal.html")
    assert "not marked for translation" in finding.message


def test_template_syntax_error_is_reported_not_raised():
    [finding] = find_literal_text([FIXTURES / "bad_syntax.html"])
    assert (finding.line, finding.code) == (2, "syntax-error")


@pytest.mark.parametrize("source, expected", [
    # Jinja whitespace control strips newlines from the data: lines still come from Jinja's tokens.
    ("<p>\n\n   {%- if x -%}\n\n  Text{% endif %}</p>", [(5, "Text")]),
    ("{# Translators: a\nlong\ncomment #}\n<p>Text</p>", [(4, "Text")]),
    ("<p>{% trans %}Marked{% endtrans %} Unmarked</p>", [(1, "Unmarked")]),
    ("<ul><li>One<li translate=\"no\">Two<li>Three</ul>", [(1, "One"), (1, "Three")]),  # omitted </li>
    ("<p translate=\"no\">Kept<p>Shown", [(1, "Shown")]),  # a <p> closes the open <p>
    ("<p>Hello, {{ name }}!</p>", [(1, "Hello, …!")]),
    ("<br/>Text<img alt=\"\">", [(1, "Text")]),
    ("<div translate=\"no\"/><p>Shown</p>", [(1, "Shown")]),  # self-closed element exempts nothing after it
    ("<p>" + "word " * 20 + "</p>", [(1, ("word " * 12)[:59] + "…")]),  # long text: a 60-character snippet
    ("<p>&nbsp;&mdash;&#8594; 1,000円</p>", [(1, "—→ 1,000円")]),  # 円 is a word
    ("<button type=\"button\" value=\"x\">{{ _('Go') }}</button>", []),  # a <button>'s value is not shown
])
def test_small_cases(tmp_path, source, expected):
    assert one_template(tmp_path, source) == expected


def test_findings_are_sorted_by_path(tmp_path):
    (tmp_path / "b.html").write_text("<p>B</p>")
    (tmp_path / "a.html").write_text("<p>A</p>")
    paths = [f.path for f in find_literal_text([tmp_path / "b.html", tmp_path / "a.html"])]
    assert paths == [str(tmp_path / "a.html"), str(tmp_path / "b.html")]


def test_project_templates_are_clean():
    root = Path(__file__).resolve().parents[2] / "templates"
    assert find_literal_text(sorted(root.rglob("*.html"))) == []
