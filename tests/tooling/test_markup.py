"""What markup a translation may carry (app/tooling/markup.py), decided by an HTML-standard tokenizer."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Message

from app.tooling.check import run_check
from app.tooling.markup import (HTML, PAGE, TEXT, _tokenized, bidi_problem, catalog_kind, is_html, markup_problem,
                                plain_text, render, translation_markup_problem)
from app.tooling.entry import Entry

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "po" / "corpus"
LINK = '<a href="https://www.tohoku.ac.jp/en/">the site</a>'


@pytest.mark.parametrize(("msgid", "msgstr"), [
    ('<b>Hello</b> <a href="/x">link</a>', '<a href="/x">リンク</a>の<b>こんにちは</b>'),  # any order
    ("Tom &amp; Jerry", "トム&amp;ジェリー"),
    ("a < b", "a < b"),
    ("<br>", "<br/>"),
    ("<p>a</p>", "<P>あ</P>"),
    ('<a href="/x" title="t">a</a>', '<a title="t" href="/x">あ</a>'),  # attributes in any order
    ("<em>a</em> and <em>b</em>", "<em>b</em>と<em>a</em>"),
    ("Plain", "プレーン"),
    ("Plain", "a < b ‹空>"),
    ("<script>x()</script>", "<script>x()</script>"),
    # text attributes carry words: their values may be translated
    ('<a href="/x" title="The guide">a</a>', '<a title="案内" href="/x">あ</a>'),
    ('<img src="/logo.png" alt="Tohoku University">', '<img alt="東北大学 &amp; 学内" src="/logo.png">'),
    ('<input name="q" placeholder="Search" aria-label="Search">', '<input aria-label="検索" name="q" placeholder="キーワード">'),
    ('<abbr title="Tohoku University">TU</abbr>', '<abbr title="a < b">東北大</abbr>'),
])
def test_legitimate_translations_pass_in_a_page_catalog(msgid, msgstr):
    assert markup_problem(msgid, msgstr, catalog=PAGE) is None


@pytest.mark.parametrize(("msgid", "msgstr", "reason"), [
    ("Hello", "<script>alert(1)</script>", "adds <script>, but the English is plain text"),
    ("<b>Hi</b>", '<b onclick="x()">Hi</b>', 'has <b onclick="x()">, but the msgid\'s is <b>'),
    ('<a href="/x">Hi</a>', '<a href="javascript:alert(1)">Hi</a>', "attributes and values must be the same"),
    ('<a href="/x">Hi</a>', '<a href="/ja/x">Hi</a>', "attributes and values must be the same"),
    ('<a href="/x">Hi</a>', '<a href="javascript:alert(1)" href="/x">Hi</a>', "javascript:alert(1)"),  # first wins
    ('<a href="/x">Hi</a>', '<a\u00a0href="/x">Hi</a>', "\\u00a0"),  # not HTML whitespace: one odd tag name
    ('<a href="/x">Hi</a>', '<a\u3000href="/x">Hi</a>', "\\u3000"),
    ('<a href="/x">Hi</a>', '<a href="/x"\u000bonclick="alert(1)">Hi</a>', "\\u000bonclick"),
    ("<b>Hi</b>", "<i>Hi</i>", "adds <i>, which the msgid does not have"),
    ("<b>Hi</b>", "<b>Hi</b><b>!</b>", "more often than the msgid"),
    ("<b>Hi</b>", "Hi", "lacks <b>"),
    ("<b>Hi</b> there", "<b>Hi there", "other end tags"),
    ("<b>a<i>b</i></b>", "<b>a<i>b</b></i>", "closes </b> where <i> is open"),
    ("<b>Hi</b>", "<b>Hi</b><!-- x -->", "adds a comment"),
    ("<b>Hi</b>", "<b>Hi</b><b", "ends inside a tag"),
    ("<b>Hi</b>", "<b>Hi</b>" + "<a" * 1000, "ends inside a tag"),
    ("<b>Hi</b>", "<b hidden>Hi</b>", "attributes and values must be the same"),
    ('<span style="color:red">a</span>', '<span style="color:blue">a</span>', "attributes and values"),
    ("<script>x()</script>", "<script>steal()</script>", "changes the code inside <script>"),
    ("Language", '言語" onfocus="alert(1)" autofocus x="', 'has a "'),
    ("100 percent sure", "100&#37; sure", "character reference"),
    # every attribute that is not text stays the msgid's, and a text attribute is plain text
    ('<a href="/x" rel="nofollow">Hi</a>', '<a href="/x" rel="opener">Hi</a>', "attributes and values"),
    ('<a class="btn" href="/x">Hi</a>', '<a class="evil" href="/x">Hi</a>', "attributes and values"),
    ('<a href="/x" title="Go">Hi</a>', '<a href="/x" title="Go" onclick="x()">Hi</a>', "attributes and values"),
    ('<a href="/x" title="Go">Hi</a>', '<a href="/x">Hi</a>', "attributes and values"),  # title dropped
    ('<a href="/x">Hi</a>', '<a href="/x" title="行く">Hi</a>', "attributes and values"),  # title added
    ('<img src="/a.png" alt="A">', '<img src="/b.png" alt="A">', "attributes and values"),
    ('<a href="/x" title="Go">Hi</a>', '<a href="/x" title="<b>行く</b>">Hi</a>', "title attribute"),
    ('<a href="/x" title="Go">Hi</a>', '<a href="/x" title="&lt;img src=x onerror=alert(1)&gt;">Hi</a>',
     "title attribute"),
])
def test_refused_translations_say_why(msgid, msgstr, reason):
    problem = markup_problem(msgid, msgstr, catalog=PAGE)
    assert problem is not None and reason in problem, problem


def test_duplicated_attribute_keeps_the_first_value_as_browsers_do_and_renders_only_the_msgids_tag():
    msgstr = '<a href="https://www.tohoku.ac.jp/en/" href="javascript:alert(1)">サイト</a>'
    assert markup_problem(LINK, msgstr, catalog=PAGE) is None
    assert render(LINK, msgstr) == '<a href="https://www.tohoku.ac.jp/en/">サイト</a>'


def test_render_reserializes_text_escaped_and_the_msgids_own_tags():
    msgid = 'Read <a href="/guide?a=1&amp;b=2" title="The guide">the guide</a> &amp; apply'
    msgstr = "<A TITLE='The guide' HREF=\"/guide?a=1&b=2\">ガイド</A>を読む &lt;&amp;&gt; 申請"
    assert render(msgid, msgstr) == ('<a href="/guide?a=1&amp;b=2" title="The guide">ガイド</a>を読む '
                                     "&lt;&amp;&gt; 申請")
    assert render("Plain", "言語\" x=\"<b>") is None  # has <b>: not the msgid's markup
    assert render("Plain", "a < b") == "a &lt; b"
    assert plain_text(msgstr) == "ガイドを読む <&> 申請"


def test_render_writes_translated_text_attributes_escaped_and_every_other_attribute_from_the_msgid():
    msgid = '<a href="/guide" title="The guide" class="btn">Read</a>'
    msgstr = '<a class="btn" title="「案内」 &amp; \'x\' &quot;y&quot;" href="/guide">読む</a>'
    assert render(msgid, msgstr) == ('<a href="/guide" title="「案内」 &amp; &#39;x&#39; &#34;y&#34;" class="btn">'
                                     "読む</a>")


def test_entries_without_lt_or_amp_never_reach_the_tokenizer():
    _tokenized.cache_clear()
    for msgid, msgstr in (("Plain", "プレーン"), ("100%% sure", "100%%確か"), ("Say \"hi\"", "「やあ」と言う")):
        markup_problem(msgid, msgstr, catalog=PAGE)
        translation_markup_problem((msgid,), (msgstr,), catalog=PAGE)
    assert _tokenized.cache_info().misses == 0
    assert markup_problem("Plain", 'a "b"', catalog=PAGE) is not None  # the " rule needs no tokenizer
    markup_problem("Plain", "a &amp; b", catalog=PAGE)
    assert _tokenized.cache_info().misses == 2  # one "&": both are tokenized


def test_the_sites_rules_are_errors_in_its_catalogs_and_warnings_in_a_given_one(tmp_path):
    translations = tmp_path / "translations"
    po = translations / "ja" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Language: ja\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
                  'msgid "Read <a href=\\"/guide\\">the guide</a>"\nmsgstr "<a href=\\"/ja/guide\\">案内</a>を読む"\n\n'
                  'msgid "Language"\nmsgstr "言語\\""\n', encoding="utf-8")
    given = run_check([po])
    site = run_check([po], site_translations=translations)
    assert sorted((f.line, f.code, f.severity) for f in given.findings) == [(8, "unsafe-markup", "warning")]
    assert sorted((f.line, f.code, f.severity) for f in site.findings) == [
        (8, "unsafe-markup", "error"), (11, "unsafe-markup", "error")]


@pytest.mark.parametrize(("msgid", "expected"), [
    ("Read <em>the guide</em>", True), ("line<br>break", True), ('<a href="x">y</a>', True),
    ("Remove <script> tags", False),  # mentioned in prose, never closed: raw text to the end
    ("-o:<file>, --log-file:<file>", False), ("Name <name@example.org>", False), ("(?P<name>\\d+)", False),
    ("‹空>", False), ("a < b", False), ("Tom &amp; Jerry", False),
])
def test_is_html(msgid, expected):
    assert is_html(msgid) is expected


@pytest.mark.parametrize(("msgid", "msgstr"), [
    ("  -o:<file>, --log-file:<file>     save log", "  -o:<fichier>, --log-file:<fichier>     journal"),
    ("Translated by Name <name@example.org>", "翻訳: 名前 <name@example.org>"),
    ("(?P<name>[a-z]+)", "(?P<名前>[a-z]+)"),
    ("Empty: ‹空>", "空: ‹空>"),
    ("Put it in a <script> element", "<script> 要素に入れる"),
])
def test_placeholders_in_a_plain_text_catalog_are_not_markup(msgid, msgstr):
    assert catalog_kind([msgid, "Hello"]) == TEXT
    assert markup_problem(msgid, msgstr, catalog=TEXT) is None
    # Even in a catalog with HTML msgids, a plain entry may hold tags of no HTML element, or the ones its
    # msgid mentions.
    assert markup_problem(msgid, msgstr, catalog=HTML) is None


def test_a_plain_entry_of_an_html_catalog_may_not_add_html_elements():
    assert catalog_kind(["<b>x</b>", "Contact us"]) == HTML
    problem = markup_problem("Contact us", '<a href="javascript:alert(1)">お問い合わせ</a>', catalog=HTML)
    assert problem == 'has <a href="javascript:alert(1)">, but the English is plain text'


def test_the_real_corpus_has_no_markup_findings():
    """Seven real Japanese catalogs (Django, Sphinx, Geeqie, ...): `<file>`, e-mail addresses and the like
    are placeholders, and their HTML translations keep the msgids' markup."""
    result = run_check(sorted(CORPUS.glob("*.po")))
    assert [f for f in result.findings if f.code == "unsafe-markup"] == []


def test_findings_quote_at_most_a_short_excerpt():
    problem = markup_problem(LINK, '<a href="' + "x" * 100_000 + '">y</a>', catalog=PAGE)
    assert len(problem) < 200


@pytest.mark.parametrize(("msgstr", "refused"), [
    ("言語\u202e", True), ("\u202eegaugnaL\u202c", True), ("\u202bلغة\u202c", False), ("\u2067لغة\u2069", False),
    ("\u2067لغة", True), ("言語\u2069", True),
])
def test_bidi_controls_must_close_and_never_override(msgstr, refused):
    assert (bidi_problem("Language", msgstr) is not None) is refused


@pytest.mark.parametrize(("msgstr", "refused"), [
    ("ホーム&#x202E;", True), ("言語&#8238;", True), ("2018年7月&#x202e;、", True), ("<em>協定&#x202E;</em>校", True),
    ("&#x2067;لغة", True), ("&#x2067;لغة&#x2069;", False), ("&#x202B;لغة&#x202C;", False), ("A &amp; B", False),
])
def test_bidi_controls_written_as_character_references_are_judged_as_shown(msgstr, refused):
    """The page decodes `&#x202E;` into U+202E: it is refused as the raw character is (found by a hostile try)."""
    msgid = "<em>Partner</em> schools" if "<em>" in msgstr else "Home"
    assert (translation_markup_problem((msgid,), (msgstr,), catalog=PAGE) is not None) is refused


def test_one_verdict_for_a_message():
    message = Message("Language", '言語" hidden x="', context="landmark")
    assert Entry.of(message).refusal.code == "unsafe-markup"
    assert Entry.of(message, html=False).refusal is None  # another project's plain catalog: text
    assert Entry.of(Message("100%(n)s done", "完了 %(m)s")).refusal.code == "placeholder-mismatch"
    assert Entry.of(Message("Language", "")).refusal is None
