"""Editorial decisions on the Japanese site that must not regress (issues 11 and 19): what the Japanese
message is, the university's own terms, one word each, and our own wording rather than the original's."""
import re

import pytest

from app.config import PROJECT_ROOT
from app.pages import MESSAGE_ORIGINAL_URL, PAGES
from app.tooling.glossary import project_glossary
from app.tooling.pofile import read_catalog
from tests.helpers import parse, visible_text

JA_PO = PROJECT_ROOT / "translations" / "ja" / "LC_MESSAGES" / "messages.po"
PAGE_PATHS = [f"/{page.slug}/" if page.slug else "/" for page in PAGES]


@pytest.fixture(scope="module")
def japanese_site_text():
    """Every Japanese page's visible text and title, joined, plus every Japanese translation."""
    from app import create_app

    client = create_app({"TESTING": True}).test_client()
    pages = " ".join(client.get(f"/ja{path}").text for path in PAGE_PATHS)
    strings = " ".join(m.string for m in read_catalog(JA_PO) if m.id and isinstance(m.string, str))
    return pages + " " + strings


def _original_links(html: str) -> list[dict]:
    return [a for a in parse(html).anchors if a.get("href") == MESSAGE_ORIGINAL_URL]


def test_japanese_message_says_it_is_a_reference_translation_and_links_the_original(client):
    html = client.get("/ja/message/").text
    text = visible_text(html)
    assert "参考訳" in text
    (note,) = [p for p in re.findall(r"<p>([^<]*)</p>", html) if "参考訳" in p]
    # Made by this site from the English; the authoritative text is the Director's own, in Japanese.
    assert "英語版をもとに本サイトで翻訳した" in note
    assert "室長による日本語の原文は、東北大学ウェブサイトに掲載されています。" in note
    assert "日本語文" not in note and "本サイトが" not in note
    (link,) = _original_links(html)
    assert link["hreflang"] == "ja"
    assert MESSAGE_ORIGINAL_URL == "https://web.tohoku.ac.jp/ged/international-strategy"
    # The note comes before the message itself, so nobody reads our translation as the Director's own words.
    assert text.index("参考訳") < text.index("2018年7月")


def test_english_message_offers_the_japanese_original_without_a_translation_note(client):
    html = client.get("/en/message/").text
    text = visible_text(html)
    (link,) = _original_links(html)
    assert link["hreflang"] == "ja"
    assert "Japanese original" in text
    assert "reference translation" not in text


@pytest.mark.parametrize(("path", "expected"), [
    ("/ja/message/", "2018年7月、総長直下の組織として国際戦略室が設置されました。"),
    ("/ja/office/", "総長直下の組織"),
    ("/ja/", "総長直下の組織です。"),
])
def test_directly_under_the_president_is_the_universitys_term(client, path, expected):
    assert expected in visible_text(client.get(path).text)


@pytest.mark.parametrize(("avoided", "used"), [
    ("総長直属", "総長直下"),
    ("公表", "策定"),  # Vision 2030 was formulated, like the strategy
    ("明らかにする", "明示"),  # "clarify": one verb
    ("明確にする", "明示"),
    ("牽引", "けん引"),  # 牽 is not a standard-use kanji
    ("一人ひとり", "一人一人"),
    ("包括的な国際化", "包括的国際化"),
    ("身近な地域の課題", "国内の課題"),
    ("4つの活動分野", "活動分野"),
    ("本学の一人一人", "本学の構成員一人一人"),  # "all individuals at the university": 一人一人 needs its noun
])
def test_one_word_for_each_term_site_wide(japanese_site_text, avoided, used):
    assert avoided not in japanese_site_text
    assert used in japanese_site_text


def test_vision_fact_label_uses_the_same_verb(client):
    text = visible_text(client.get("/ja/vision-2030/").text)
    assert "策定 2018年11月" in text


def test_engagement_page_title_matches_its_navigation_label(client):
    html = client.get("/ja/engagement/").text
    assert "<h1>活動分野</h1>" in html
    assert "<title>活動分野 | 東北大学 国際戦略</title>" in html


def test_the_site_has_one_japanese_name(client):
    assert "<title>東北大学 国際戦略</title>" in client.get("/ja/").text
    assert "東北大学の国際戦略</title>" not in client.get("/ja/").text


def test_japanese_signature_follows_japanese_convention(client):
    html = client.get("/ja/message/").text
    signature = visible_text(html[html.index('class="signature"'):])
    assert "Masahiro Yamaguchi" not in signature
    # Titles first, then the name, as the university's Japanese pages sign.
    assert signature.index("国際戦略室長") < signature.index("副学長・教授") < signature.index("山口昌弘")


@pytest.mark.parametrize(("locale", "director_label", "signatory"), [
    ("en", "Director", "The Director’s message is signed by Masahiro Yamaguchi"),
    ("ja", "室長", "室長メッセージは、国際戦略室長 山口昌弘（副学長・教授）によるものです。"),
])
def test_office_page_presents_the_director_as_the_messages_signatory(client, locale, director_label, signatory):
    html = client.get(f"/{locale}/office/").text
    assert f"<dt>{director_label}</dt>" not in html  # the office's facts do not list him as current staff
    assert signatory in visible_text(html)


def test_engagement_intro_keeps_the_messages_own_words(client):
    text = visible_text(client.get("/en/engagement/").text)
    assert "Tohoku University will be an important bridge" in text
    assert "aims to be" not in text


def test_glossary_enforces_the_universitys_terms():
    glossary = project_glossary(PROJECT_ROOT / "translations")
    agreed = {term.source: term.translations.get("ja") for term in glossary.terms}
    assert agreed["directly under the President"] == "総長直下"
    assert agreed["comprehensive internationalization"] == "包括的国際化"
    assert agreed["published"] == agreed["Published"] == agreed["formulated"] == "策定"
    assert agreed["clarify"] == agreed["clarifies"] == agreed["clarifying"] == "明示"
    assert agreed["all individuals"] == "一人一人"
    assert agreed["leading cutting-edge innovation"] == "けん引"
    assert agreed["Areas of Engagement"] == "活動分野"


def test_glossary_names_the_universitys_members():
    agreed = {term.source: term.translations.get("ja") for term in project_glossary(PROJECT_ROOT / "translations").terms}
    assert agreed["members"] == "構成員"


# The one run of the university's original page that we know (issue 19): an earlier paragraph 2 had copied it.
ORIGINAL_RUN = "さらなる国際化に向けた指針と行動計画を明示することを目的として"
SHARED_RUN_LIMIT = 20


def test_no_japanese_text_shares_a_run_of_20_characters_with_the_original(japanese_site_text):
    runs = {ORIGINAL_RUN[i:i + SHARED_RUN_LIMIT] for i in range(len(ORIGINAL_RUN) - SHARED_RUN_LIMIT + 1)}
    assert not [run for run in runs if run in japanese_site_text]


def test_paragraph_two_has_one_purpose_clause_and_does_not_end_twice_in_the_same_verb(client):
    paragraphs = [p for p in re.findall(r"<p>(.*?)</p>", client.get("/ja/message/").text) if "2018年11月" in p]
    (paragraph,) = paragraphs
    assert "目的として" not in paragraph and "実現するため" not in paragraph
    assert paragraph.count("策定しました") == 1
    assert "明示する「東北大学の国際戦略」" in paragraph  # as the home and Vision pages put it


def test_inventive_and_imaginative_are_two_qualities(client):
    text = visible_text(client.get("/ja/message/").text)
    assert "独創的で想像力に富んだ活動" in text
    assert "創造性豊か" not in text  # 独創的 already says "creative": "imaginative" was lost


def test_translating_guide_uses_the_sites_verb():
    assert "公表" not in (PROJECT_ROOT / "TRANSLATING.md").read_text(encoding="utf-8")
