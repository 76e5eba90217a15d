"""The translators' status and review pages, on a private copy of the catalogs, through the Flask app,
and live preview through a real HTTP server."""
from __future__ import annotations

import json
import os
import re
import time
import urllib.request

import pytest

from app import create_app
from app.tooling.pofile import read_catalog
from app.translators import ALL_PAGES, NOT_FOUND, OTHER, pages_of, text_diff
from tests.browser.server import serve_app
from tests.conftest import BASE_URL
from tests.helpers import visible_text

PARAGRAPH_1 = "In July 2018, the International Strategy Office was established"
PARAGRAPH_1_JA = "2018年7月、総長直下の組織として国際戦略室が設置されました。"
PARAGRAPH_2_JA = "本学は2018年11月、活動のロードマップとして"


def save(po, text: str) -> None:
    """Save as an editor would; the mtime moves on even within the filesystem's timestamp granularity."""
    before = po.stat().st_mtime_ns
    po.write_text(text, encoding="utf-8")
    os.utime(po, ns=(po.stat().st_atime_ns, max(po.stat().st_mtime_ns, before + 1_000_000)))


def edit(po, old: str, new: str) -> None:
    text = po.read_text(encoding="utf-8")
    assert old in text, old
    save(po, text.replace(old, new, 1))


def entry_for(po, fragment: str):
    """The catalog message whose msgid contains `fragment`, as the file on disk has it."""
    return next(m for m in read_catalog(po) if m.id and fragment in m.id)


def blank_paragraph_2(po) -> None:
    """Leave paragraph 2 of the Director's message untranslated."""
    text = po.read_text(encoding="utf-8")
    start = text.index(f'msgstr "{PARAGRAPH_2_JA}')
    save(po, text[:start] + 'msgstr ""' + text[text.index("\n\n", start):])


def mark_fuzzy(po, context: str, msgid: str) -> None:
    edit(po, f'msgctxt "{context}"\nmsgid "{msgid}"', f'#, fuzzy\nmsgctxt "{context}"\nmsgid "{msgid}"')


def unfinish(po) -> None:
    """Paragraph 2 of the Director's message untranslated, the office's "Established" label fuzzy."""
    blank_paragraph_2(po)
    mark_fuzzy(po, "fact label", "Established")


@pytest.fixture
def status_app(translations_copy):
    return create_app({"TESTING": True, "BASE_URL": BASE_URL, "TRANSLATIONS_DIR": translations_copy,
                       "TRANSLATION_STATUS_ENABLED": True, "TRANSLATION_STATUS_SIGN_IN": False})


@pytest.fixture
def client(status_app):
    return status_app.test_client()


def stats_row(html: str, attribute: str, value: str) -> dict[str, float]:
    """The data-stat cells of the table row marked `attribute="value"`."""
    row = re.search(rf'<tr {attribute}="{re.escape(value)}">(.*?)</tr>', html, re.S).group(1)
    return {name: float(number) for name, number in re.findall(r'data-stat="(\w+)">([\d.]+)', row)}


def todo_items(html: str) -> list[str]:
    return re.findall(r'<li data-state="(?:untranslated|fuzzy)".*?</li>', html, re.S)


# --- which page a message is on ---------------------------------------------------------------------

def test_messages_are_mapped_to_pages_by_their_template():
    assert pages_of([("templates/office.html", 5)]) == ["office"]
    assert pages_of([("templates/base.html", 17)]) == [ALL_PAGES]
    assert pages_of([("app/pages.py", 30)]) == [ALL_PAGES]
    assert pages_of([("templates/404.html", 2), ("templates/404.html", 4)]) == [NOT_FOUND]
    assert pages_of([("templates/vision.html", 8), ("templates/home.html", 3)]) == ["vision", "home"]
    assert pages_of([("templates/unknown.html", 1)]) == [OTHER]
    assert pages_of([]) == [OTHER]


# --- status page --------------------------------------------------------------------------------------

def test_status_numbers_are_the_numbers_of_check(client, status_app, ja_po):
    unfinish(ja_po)
    edit(ja_po, 'msgctxt "fact label"\nmsgid "Published"\nmsgstr "策定"',
         'msgctxt "fact label"\nmsgid "Published"\nmsgstr "策定"\n\n#~ msgid "Gone"\n#~ msgstr "消えた"')
    html = client.get("/ja/translations/").text
    checked = json.loads(status_app.test_cli_runner().invoke(args=["i18n", "check", "--format", "json"]).output)
    [ja] = [c for c in checked["catalogs"] if c["locale"] == "ja"]
    shown = stats_row(html, "data-locale", "ja")
    assert (ja["translated"], ja["fuzzy"], ja["untranslated"], ja["obsolete"]) == (ja["total"] - 2, 1, 1, 1)
    assert shown == {key: pytest.approx(ja[key], abs=0.05)
                     for key in ("total", "translated", "fuzzy", "untranslated", "obsolete", "coverage")}


def test_per_page_numbers_add_up_for_the_page_that_changed(client, ja_po):
    unfinish(ja_po)
    html = client.get("/ja/translations/").text
    message_page = stats_row(html, "data-page", "message")
    office_page = stats_row(html, "data-page", "office")
    assert (message_page["untranslated"], message_page["fuzzy"]) == (1, 0)
    assert (office_page["untranslated"], office_page["fuzzy"]) == (0, 1)
    assert message_page["total"] == message_page["translated"] + 1
    assert stats_row(html, "data-page", "vision")["coverage"] == 100.0


def test_an_untranslated_string_is_listed_with_reference_comment_and_page(client, ja_po):
    [(template, line)] = entry_for(ja_po, "In November 2018").locations
    reference = f"{template}:{line}"
    assert template == "templates/message.html"
    blank_paragraph_2(ja_po)
    html = client.get("/ja/translations/").text
    [item] = todo_items(html)
    assert 'data-state="untranslated"' in item
    assert "In November 2018, our university published &lt;em&gt;Tohoku University Vision 2030&lt;/em&gt;" in item
    assert f"<code>{reference}</code>" in item
    assert "paragraph 2 of 5. Use the official Japanese names of the plan" in item
    assert ">/message/</a>" in item
    assert "messages.po:" in item  # where to edit it


def test_a_fuzzy_string_is_listed_with_its_current_translation(client, ja_po):
    mark_fuzzy(ja_po, "fact label", "Established")
    [item] = todo_items(client.get("/ja/translations/").text)
    assert 'data-state="fuzzy"' in item and "[fact label]" in item and "Established" in item
    assert "<code>templates/office.html:" in item and ">/office/</a>" in item
    assert '<dd lang="ja">設置</dd>' in item


def test_finishing_the_translation_drops_untranslated_to_zero(client, ja_po):
    finished = ja_po.read_text(encoding="utf-8")
    blank_paragraph_2(ja_po)
    assert stats_row(client.get("/ja/translations/").text, "data-locale", "ja")["untranslated"] == 1
    save(ja_po, finished)  # the translator fills it in again
    html = client.get("/ja/translations/").text
    assert stats_row(html, "data-locale", "ja")["untranslated"] == 0
    assert stats_row(html, "data-locale", "ja")["coverage"] == 100.0
    assert 'data-role="todo-done"' in html and todo_items(html) == []
    assert PARAGRAPH_2_JA in visible_text(client.get("/ja/message/").text)


def test_a_broken_catalog_is_reported_and_the_site_keeps_serving(client, ja_po, caplog):
    assert client.get("/ja/office/").status_code == 200  # the good catalog is loaded
    edit(ja_po, 'msgstr "本文へスキップ"', 'msgstr "本文へスキップ')  # unterminated string
    response = client.get("/ja/translations/")
    assert response.status_code == 200
    alert = re.search(r'data-role="load-error">(.*?)</div>', response.text, re.S).group(1)
    assert "last good version" in alert
    line = next(n for n, text in enumerate(ja_po.read_text(encoding="utf-8").splitlines(), 1)
                if text == 'msgstr "本文へスキップ')
    assert f"messages.po:{line + 1}: syntax-error" in alert  # the line after an unterminated string, as msgfmt says
    assert 'data-code="syntax-error"' in response.text  # and check's own finding for the file
    page = client.get("/ja/office/")
    assert page.status_code == 200 and "国際戦略室は、本学が開学以来" in visible_text(page.text)
    assert client.get("/ja/translations/review/office/").status_code == 200
    assert any("still serving the last good one" in record.getMessage() for record in caplog.records)


def test_translations_the_site_refuses_are_listed_and_catalog_text_is_escaped(client, ja_po):
    edit(ja_po, 'msgstr "室長メッセージを読む"', 'msgstr "<a href=\\"javascript:alert(1)\\">室長メッセージを読む</a>"')
    response = client.get("/ja/translations/")
    refused = re.search(r'data-role="refused">(.*?)</div>', response.text, re.S).group(1)
    assert "Read the Director’s message" in refused and "javascript" in refused
    assert "<a href=\"javascript" not in response.text
    review = client.get("/ja/translations/review/office/").text
    assert "&lt;a href=&#34;javascript:alert(1)&#34;&gt;室長メッセージを読む&lt;/a&gt;" in review
    assert "<a href=\"javascript" not in review


@pytest.mark.parametrize("path", ["/ja/translations/", "/en/translations/", "/ja/translations/review/office/"])
def test_pages_are_safe_under_the_site_csp(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]
    assert " style=" not in response.text and "<style" not in response.text and "<script" not in response.text
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_the_status_page_shows_the_glossary_and_its_findings(client, ja_po):
    html = client.get("/ja/translations/").text
    glossary = re.search(r'data-role="glossary">(.*?)</table>', html, re.S).group(1)
    assert '<th scope="row" lang="en">Priority Strategy 17</th>' in glossary
    assert '<td lang="ja">重点戦略⑰</td>' in glossary
    edit(ja_po, 'msgstr "重点戦略⑰"', 'msgstr "重点戦略17"')
    findings = re.search(r'data-role="findings">(.*?)</ul>', client.get("/ja/translations/").text, re.S).group(1)
    assert 'data-code="glossary"' in findings and "“Priority Strategy 17” should be translated “重点戦略⑰”" in findings


def test_a_broken_glossary_is_reported_on_the_status_page(client, translations_copy):
    (translations_copy / "glossary.csv").write_text("en,ja\nPresident,総長\n", encoding="utf-8")
    response = client.get("/ja/translations/")
    assert response.status_code == 200
    glossary = response.text[response.text.index('id="glossary"'):]
    assert "glossary.csv:1: syntax-error: header must be en,&lt;locale&gt;...,note" in glossary


@pytest.mark.parametrize("path", ["/ja/translations/", "/en/translations/", "/ja/translations/review/message/"])
def test_off_by_default_in_production(monkeypatch, path):
    monkeypatch.delenv("SITE_TRANSLATION_STATUS", raising=False)
    app = create_app({"BASE_URL": BASE_URL})
    assert app.config["TRANSLATION_STATUS_ENABLED"] is False
    assert app.test_client().get(path).status_code == 404


def test_switched_on_by_configuration_behind_sign_in(monkeypatch, tmp_path):
    monkeypatch.setenv("SITE_TRANSLATION_STATUS", "1")
    client = create_app({"BASE_URL": BASE_URL, "INSTANCE_DIR": tmp_path}).test_client()
    assert client.get("/ja/translations/").location == f"{BASE_URL}/login?next=/ja/translations/"


# --- side-by-side review --------------------------------------------------------------------------------

def review_rows(html: str) -> list[tuple[str, str, str]]:
    """(state, English, translation) of each row, as text."""
    rows = re.findall(r'<tr id="line-\d+" data-state="(\w+)".*?</tr>', html, re.S)
    bodies = re.findall(r'<tr id="line-\d+" data-state="\w+".*?>(.*?)</tr>', html, re.S)
    result = []
    for state, body in zip(rows, bodies, strict=True):
        english = re.search(r'<td lang="en"><span class="tr-text">(.*?)</span>', body, re.S).group(1)
        translated = "".join(re.findall(r'<span class="tr-translation">(.*?)</span>', body, re.S))
        result.append((state, english, translated))
    return result


def test_review_puts_english_and_japanese_side_by_side_paragraph_by_paragraph(client):
    rows = review_rows(client.get("/ja/translations/review/message/").text)
    paragraphs = [(en, ja) for state, en, ja in rows if en.startswith(("In July", "In November", "Although",
                                                                      "As a leading", "Never before"))]
    assert len(paragraphs) == 5  # the five paragraphs, in the order of the page
    assert paragraphs[0][0].startswith(PARAGRAPH_1) and paragraphs[0][1].startswith(PARAGRAPH_1_JA)
    assert paragraphs[1][0].startswith("In November") and paragraphs[1][1].startswith(PARAGRAPH_2_JA)
    assert rows[0][1] == "Contributing to our International Strategy"  # the title comes first
    assert {state for state, _, _ in rows} == {"translated"}


def test_review_marks_untranslated_and_fuzzy_paragraphs(client, ja_po):
    blank_paragraph_2(ja_po)
    mark_fuzzy(ja_po, "job title", "Vice President and Professor")
    html = client.get("/ja/translations/review/message/").text
    states = {en[:20]: (state, ja) for state, en, ja in review_rows(html)}
    assert states["In November 2018, ou"] == ("untranslated", "")
    assert states["Vice President and P"] == ("fuzzy", "副学長・教授")
    assert states["In July 2018, the In"][0] == "translated"
    assert '<strong class="tr-state tr-state--untranslated">untranslated</strong>' in html
    assert '<strong class="tr-state tr-state--fuzzy">fuzzy</strong>' in html


def test_review_shows_what_check_says_of_a_translation(client, ja_po):
    # unsafe-markup is reported on the msgstr's line, glossary on the msgid's: both land on their row.
    edit(ja_po, '"<em>「東北大学ビジョン2030」</em>は、最先端の', '"「東北大学ビジョン2030」は、最先端の')
    edit(ja_po, 'msgstr "重点戦略⑰"', 'msgstr "重点戦略17"')
    html = client.get("/ja/translations/review/vision/").text
    rows = dict(re.findall(r'<tr id="line-\d+" data-state="\w+".*?<span class="tr-text">(.*?)</span>(.*?)</tr>',
                           html, re.S))
    assert 'data-code="unsafe-markup"' in rows["&lt;em&gt;Tohoku University Vision 2030&lt;/em&gt; clearly "
                                                 "shows the university’s conviction and determination to be a "
                                                 "global university leading cutting-edge innovation."]
    assert 'data-code="glossary"' in rows["Priority Strategy 17"]
    assert 'data-code="unsafe-markup"' not in rows["Priority Strategy 17"]


def test_review_of_shared_strings_and_unknown_pages(client):
    shared = review_rows(client.get("/ja/translations/review/all-pages/").text)
    assert ("translated", "Skip to main content", "本文へスキップ") in shared
    assert client.get("/ja/translations/review/no-such-page/").status_code == 404
    assert client.get("/en/translations/review/message/").status_code == 404  # English is the source


# --- live preview against the running app ----------------------------------------------------------------

def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200
        return response.read().decode("utf-8")


def test_a_saved_edit_shows_on_the_next_load_of_the_running_site(translations_copy):
    """`make run`'s settings (no page cache, status on) in a real HTTP server: save, reload, see it."""
    po = translations_copy / "ja" / "LC_MESSAGES" / "messages.po"

    def make_app(base_url):
        return create_app({"BASE_URL": base_url, "TRANSLATIONS_DIR": translations_copy, "PAGE_CACHE": False,
                           "TRANSLATION_STATUS_ENABLED": True, "TRANSLATION_STATUS_SIGN_IN": False})

    with serve_app(make_app) as server:
        page_url = server.url + "/ja/message/"
        status_url = server.url + "/ja/translations/"
        assert PARAGRAPH_1_JA in visible_text(fetch(page_url))

        finished = po.read_text(encoding="utf-8")
        blank_paragraph_2(po)  # a string left to translate
        assert stats_row(fetch(status_url), "data-locale", "ja")["untranslated"] == 1

        # The translator fills it in, changes paragraph 1, and saves (no compile, no restart).
        save(po, finished.replace(PARAGRAPH_1_JA, "【改訂】" + PARAGRAPH_1_JA, 1))
        saved = time.monotonic()
        shown = visible_text(fetch(page_url))
        assert time.monotonic() - saved < 3  # the registry waits for a load at most 2 s
        assert "【改訂】" + PARAGRAPH_1_JA in shown and PARAGRAPH_2_JA in shown
        assert stats_row(fetch(status_url), "data-locale", "ja")["untranslated"] == 0

        # A save with a syntax error: the status page says so, the page keeps the last good text.
        edit(po, 'msgstr "本文へスキップ"', 'msgstr "本文へスキップ')
        assert "last good version" in fetch(status_url)
        assert "【改訂】" + PARAGRAPH_1_JA in visible_text(fetch(page_url))


@pytest.mark.parametrize(("path", "language"), [("/en/translations/", "en"),
                                                ("/ja/translations/review/message/", "ja")])
def test_translator_pages_declare_their_language(client, path, language):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language


# --- a changed English string: its old English and a diff --------------------------------------------------

def diff_of(html: str) -> tuple[str, str]:
    """(old, new) of the first diff on the page, markup kept (<del>, <ins>)."""
    old = re.search(r'data-role="old">(.*?)</span></p>', html, re.S).group(1)
    new = re.search(r'data-role="new">(.*?)</span></p>', html, re.S).group(1)
    return old, new


def test_a_changed_paragraph_keeps_its_old_english_and_the_pages_show_the_diff(status_app, client, ja_po):
    pot = ja_po.parent.parent.parent / "messages.pot"
    edit(pot, "Strategy Office was established as an ", "Strategy Office was set up as an ")
    result = status_app.test_cli_runner().invoke(args=["i18n", "update"])
    assert result.exit_code == 0 and "translations/ja/LC_MESSAGES/messages.po: updated" in result.stdout
    text = ja_po.read_text(encoding="utf-8")
    assert '#, fuzzy\n#| msgid ""\n#| "In July 2018, the International Strategy' in text
    entry = entry_for(ja_po, "was set up as an")
    assert entry.fuzzy and "was established as an" in entry.previous_id[0]

    html = client.get("/ja/translations/").text
    [item] = todo_items(html)
    assert 'data-state="fuzzy"' in item
    old, new = diff_of(item)
    assert old.startswith("In July 2018, the International Strategy Office was <del>established</del> as an")
    assert new.startswith("In July 2018, the International Strategy Office was <ins>set up</ins> as an")
    assert "<ins>" not in old and "<del>" not in new
    assert PARAGRAPH_1_JA in item  # the translation to check against the new English

    review = client.get("/ja/translations/review/message/").text
    assert diff_of(review) == (old, new)
    # Until the translator reviews it, the site shows the paragraph in English.
    shown = visible_text(client.get("/ja/message/").text)
    assert PARAGRAPH_1 in shown and PARAGRAPH_1_JA not in shown


def test_diff_is_by_word_in_english_and_by_character_in_japanese():
    assert text_diff("the office was established", "the office was set up") == [
        ("equal", "the office was "), ("delete", "established"), ("insert", "set up")]
    assert text_diff("国際戦略室が設置されました", "国際戦略推進室が設置されました") == [
        ("equal", "国際戦略"), ("insert", "推進"), ("equal", "室が設置されました")]
    assert text_diff("Partner", "Partner") == [("equal", "Partner")]


def test_old_english_is_escaped_and_a_guess_from_another_context_says_so(client, ja_po):
    edit(ja_po, 'msgctxt "fact label"\nmsgid "Established"',
         '#, fuzzy\n#| msgctxt "page title"\n#| msgid "<script>alert(1)</script> Established"\n'
         'msgctxt "fact label"\nmsgid "Established"')
    html = client.get("/ja/translations/").text
    [item] = todo_items(html)
    old, new = diff_of(item)
    assert old == "<del>&lt;script&gt;alert(1)&lt;/script&gt; </del>Established" and new == "Established"
    assert 'data-role="guess-context"' in item and "[page title]" in item
    assert "<script>" not in html


# --- search and filters ---------------------------------------------------------------------------------

def listed(html: str) -> list[str]:
    """The English of each listed string."""
    return [re.sub(r"\s+", " ", english) for english in
            re.findall(r'<li data-state="\w+" data-line="\d+">.*?<span class="tr-text" lang="en">(.*?)</span>',
                       html, re.S)]


@pytest.mark.parametrize(("query", "expected"), [
    ("q=設置の背景", ["Why the office was established"]),  # Japanese text, any state
    ("q=why+the+OFFICE", ["Why the office was established"]),  # English, any case
    ("context=fact+label&state=translated",
     ["Established", "Position in the university", "Published", "What it is"]),
    ("page=message&q=established", [PARAGRAPH_1]),
    ("code=glossary", ["Priority Strategy 17"]),
    ("state=untranslated", []),
])
def test_filters_find_strings_by_text_state_page_context_and_finding(client, ja_po, query, expected):
    edit(ja_po, 'msgstr "重点戦略⑰"', 'msgstr "重点戦略17"')  # one glossary finding
    html = client.get(f"/ja/translations/?{query}").text
    found = listed(html[html.index('id="locale-ja"'):])
    assert [english[:len(start)] for english, start in zip(found, expected, strict=False)] == expected  # lengths: next
    assert len(found) == len(expected), found
    if expected:
        total = sum(1 for message in read_catalog(ja_po) if message.id)
        assert f"{len(expected)} of {total} strings match the filters" in html
    else:
        assert 'data-role="no-match"' in html


def test_the_filter_form_works_without_javascript(client):
    html = client.get("/ja/translations/?state=fuzzy&page=office").text
    form = re.search(r'<form method="get" action="/ja/translations/"[^>]*>(.*?)</form>', html, re.S).group(1)
    assert '<option value="fuzzy" selected>' in form and '<option value="office" selected>' in form
    assert '<option value="fact label">' in form and "<script" not in html
    assert client.get("/ja/translations/?state=bogus&page=<x>").status_code == 200


# --- numbers and links that stay true ----------------------------------------------------------------------

def test_shared_strings_explain_why_the_pages_add_up_to_more_than_the_catalog(client):
    html = client.get("/ja/translations/").text
    section = html[html.index('id="locale-ja"'):]
    page_totals = sum(float(n) for n in re.findall(r'<tr data-page="[\w-]+">.*?data-stat="total">(\d+)', section, re.S))
    catalog_total = stats_row(html, "data-locale", "ja")["total"]
    note = re.sub(r"\s+", " ", re.search(r'data-role="shared">(.*?)</p>', section, re.S).group(1))
    assert f"The pages add up to {page_totals:.0f} strings, the catalog has {catalog_total:.0f}" in note
    shared = re.findall(r"<q lang=\"en\">", note)
    assert page_totals - catalog_total == len(shared) >= 1  # each shared string here is on two rows
    assert "Tohoku University International Strategy" in note


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_view_the_site_goes_to_the_site_in_the_pages_language(client, locale):
    html = client.get(f"/{locale}/translations/").text
    assert f'<a href="/{locale}/" hreflang="{locale}">View the site</a>' in html


def test_beside_a_syntax_error_the_to_do_list_stays_from_the_last_good_catalog(client, ja_po):
    blank_paragraph_2(ja_po)
    assert len(todo_items(client.get("/ja/translations/").text)) == 1  # read once while good
    edit(ja_po, 'msgstr "本文へスキップ"', 'msgstr "本文へスキップ')
    html = client.get("/ja/translations/").text
    assert 'data-role="load-error"' in html and 'data-role="last-good"' in html
    [item] = todo_items(html)
    assert 'data-state="untranslated"' in item and "In November 2018, our university published" in item
    assert stats_row(html, "data-page", "message")["untranslated"] == 1


def test_a_long_list_is_shown_a_page_at_a_time_and_every_string_is_on_one(client, ja_po, monkeypatch):
    from app import translators
    monkeypatch.setattr(translators, "STRINGS_PER_PAGE", 20)
    everything = "/ja/translations/?state=all"
    total = sum(1 for message in read_catalog(ja_po) if message.id)
    pages, number, seen = [], 1, []
    while True:
        html = client.get(f"{everything}&n={number}").text
        seen += re.findall(r'<li data-state="\w+" data-line="(\d+)">', html[html.index('id="locale-ja"'):])
        pages.append(html)
        if f"n={number + 1}" not in html:
            break
        number += 1
    assert number == -(-total // 20) > 1
    assert len(seen) == total and len(set(seen)) == total
    assert f"{total} of {total} strings match the filters" in pages[-1]
    assert 'href="/ja/translations/?state=all&amp;n=2"' in pages[0]
    assert client.get(everything).text == pages[0]


def test_a_long_list_of_findings_is_shown_a_page_at_a_time(client, ja_po, monkeypatch):
    from app import translators
    monkeypatch.setattr(translators, "STRINGS_PER_PAGE", 1)
    edit(ja_po, 'msgstr "重点戦略⑰"', 'msgstr "重点戦略17"')  # a glossary finding
    save(ja_po, ja_po.read_text(encoding="utf-8") + '\n#~ msgid "Gone"\n#~ msgstr "消えた"\n')  # an obsolete one
    first, second = (client.get(f"/ja/translations/?n={n}").text for n in (1, 2))
    found = [re.findall(r'<li data-code="([\w-]+)"', html[html.index('data-role="findings"'):]) for html in (first, second)]
    assert len(found[0]) == len(found[1]) == 1 and found[0] != found[1]
    assert 'data-role="findings-pages"' in first


def test_no_request_waits_for_a_long_check_it_sees_the_last_status_or_a_page_that_reloads(translations_copy,
                                                                                         monkeypatch):
    """A new 100,000-entry catalog takes seconds to check whole: the page waits TRANSLATION_STATUS_WAIT, then
    shows the status before the change, marked so, or (before the first) a page that reloads itself."""
    import threading

    from app import translators
    go_on = threading.Event()
    real = translators.run_check

    def slow_check(*args, **kwargs):
        assert go_on.wait(60)
        return real(*args, **kwargs)
    monkeypatch.setattr(translators, "run_check", slow_check)
    app = create_app({"TESTING": True, "BASE_URL": BASE_URL, "TRANSLATIONS_DIR": translations_copy,
                      "TRANSLATION_STATUS_ENABLED": True, "TRANSLATION_STATUS_SIGN_IN": False,
                      "TRANSLATION_STATUS_WAIT": 0.2})
    client = app.test_client()
    board = app.extensions["translation_status"]
    for path in ("/ja/translations/", "/ja/translations/review/office/"):
        first = client.get(path)
        assert first.status_code == 200 and first.headers["Refresh"] == "2"
        assert 'data-role="checking"' in first.text and "Translation status" not in first.text
    go_on.set()
    board._running.done.wait(60)
    page = client.get("/ja/translations/").text
    assert stats_row(page, "data-locale", "ja")["untranslated"] == 0 and 'data-role="older"' not in page

    go_on.clear()
    blank_paragraph_2(translations_copy / "ja" / "LC_MESSAGES" / "messages.po")
    assert 'data-role="older"' in client.get("/ja/translations/review/message/").text
    older = client.get("/ja/translations/").text
    assert 'data-role="older"' in older and stats_row(older, "data-locale", "ja")["untranslated"] == 0
    go_on.set()
    board._running.done.wait(60)
    page = client.get("/ja/translations/").text
    assert stats_row(page, "data-locale", "ja")["untranslated"] == 1 and 'data-role="older"' not in page
