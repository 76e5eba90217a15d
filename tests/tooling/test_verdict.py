"""verdict.py: the one verdict on a translation's text, for the site, the status pages and the editor."""
from __future__ import annotations

from app.tooling.formats import GERMANIC
from app.tooling.verdict import PLACEHOLDER_MISMATCH, UNSAFE_MARKUP, Refusal, refusal


def test_markup_the_english_lacks_is_refused():
    verdict = refusal(("Language",), ("<b>言語</b>",))
    assert verdict.code == UNSAFE_MARKUP and "<b>" in str(verdict)


def test_a_placeholder_the_english_lacks_is_refused_on_html_pages_only():
    assert refusal(("Done: %(n)s",), ("完了: %(m)s",)).code == PLACEHOLDER_MISMATCH
    assert refusal(("Done: %(n)s",), ("完了: %(m)s",), html=False) is None  # no newstyle formatting there
    assert refusal(("100 percent",), ("100%",)) is not None  # a stray % breaks Jinja's newstyle gettext


def test_nothing_to_judge_is_no_refusal():
    assert refusal(("Language",), ("",)) is None
    assert refusal(("",), ("Content-Type: text/plain\n",)) is None  # the header
    assert refusal(("Language",), ("言語",)) is None


def test_plural_forms_are_judged_by_the_strict_forms_given():
    ids, strings = ("%(num)d file", "%(num)d files"), ("one file", "%(num)d files")
    assert refusal(ids, strings, strict=GERMANIC) is None
    assert refusal(ids, strings, strict=frozenset({0, 1})).code == PLACEHOLDER_MISMATCH


def test_a_refusal_reads_as_its_reason():
    assert str(Refusal("unsafe-markup", "msgstr adds <script>")) == "msgstr adds <script>"
