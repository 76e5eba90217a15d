import xml.etree.ElementTree as ET

import pytest
from flask import template_rendered

from app.pages import PAGES
from tests.conftest import BASE_URL
from tests.helpers import director_message_paragraphs, parse, visible_text

PAGE_PATHS = [f"/{page.slug}/" if page.slug else "/" for page in PAGES]


@pytest.mark.parametrize("locale", ["en", "ja"])
@pytest.mark.parametrize("path", PAGE_PATHS)
def test_every_page_renders_in_its_language(client, locale, path):
    response = client.get(f"/{locale}{path}")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == locale
    assert parse(response.text).html_lang == locale


@pytest.mark.parametrize(("path", "title"), [
    ("/ja/", "<title>東北大学 国際戦略</title>"),
    ("/ja/office/", "<title>国際戦略室 | 東北大学 国際戦略</title>"),
    ("/en/nowhere", "<title>Page not found | Tohoku University International Strategy</title>"),
])
def test_titles_name_the_page_then_the_site(client, path, title):
    assert title in client.get(path).text


def test_director_message_is_shown_word_for_word_in_english(client):
    text = visible_text(client.get("/en/message/").text)
    blocks = director_message_paragraphs()
    assert len(blocks) == 10  # title, five paragraphs, name in kanji and Latin script, two titles
    for block in blocks:
        assert block in text


def test_director_message_in_japanese_keeps_no_english_paragraph(client):
    text = visible_text(client.get("/ja/message/").text)
    assert "国際戦略の推進に向けて" in text
    assert "2018年7月、総長直下の組織として国際戦略室が設置されました。" in text
    assert "「社会とともにある大学」" in text
    assert "国際戦略室長" in text and "副学長・教授" in text and "山口昌弘" in text
    for paragraph in director_message_paragraphs()[1:6]:
        assert paragraph not in text


def test_emphasis_from_the_source_text_is_markup(client):
    html = client.get("/en/message/").text
    assert "<em>Tohoku University Vision 2030</em>" in html
    assert "<em>International Strategy</em>" in html


@pytest.mark.parametrize(("path", "english", "japanese"), [
    ("/office/", "July 2018", "2018年7月"),
    ("/vision-2030/", "November 2018", "2018年11月"),
])
def test_dates_shown_as_data_are_formatted_for_the_locale(client, path, english, japanese):
    assert english in visible_text(client.get(f"/en{path}").text)
    assert japanese in visible_text(client.get(f"/ja{path}").text)


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_every_page_lists_all_language_versions_as_absolute_alternates(client, path):
    links = parse(client.get(f"/ja{path}").text).links
    alternates = {link["hreflang"]: link["href"] for link in links if link.get("rel") == "alternate"}
    assert alternates == {
        "en": f"{BASE_URL}/en{path}",
        "ja": f"{BASE_URL}/ja{path}",
        "x-default": f"{BASE_URL}{path}",
    }
    canonical = [link["href"] for link in links if link.get("rel") == "canonical"]
    assert canonical == [f"{BASE_URL}/ja{path}"]


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_switcher_leads_to_the_same_page_in_the_other_language(client, path):
    page = parse(client.get(f"/en{path}").text)
    # The switcher's link names the language in itself (lang="ja"); other links to Japanese pages do not.
    (switch,) = [a for a in page.anchors if a.get("hreflang") == "ja" and a.get("lang") == "ja"]
    assert switch["lang"] == "ja"
    response = client.get(switch["href"])
    assert response.status_code == 303
    assert response.headers["Location"] == f"{BASE_URL}/ja{path}"


def test_switcher_names_each_language_in_itself(client):
    html = client.get("/en/").text
    assert '<span aria-current="true" lang="en" translate="no">English</span>' in html
    assert 'lang="ja" translate="no">日本語</a>' in html


def test_sitemap_lists_every_page_with_its_alternates(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = ET.fromstring(response.data).findall("s:url", ns)
    locs = {url.find("s:loc", ns).text for url in urls}
    assert locs == {f"{BASE_URL}/{locale}{path}" for locale in ("en", "ja") for path in PAGE_PATHS}
    for url in urls:
        hreflangs = {link.get("hreflang") for link in url.findall("x:link", ns)}
        assert hreflangs == {"en", "ja", "x-default"}


@pytest.mark.parametrize(("path", "headers", "expected"), [
    ("/ja/no-such-page/", {}, "ページが見つかりません"),
    ("/en/no-such-page/", {"Accept-Language": "ja"}, "Page not found"),
    ("/no-such-page", {"Accept-Language": "ja"}, "ページが見つかりません"),
    ("/fr/message/", {}, "Page not found"),
])
def test_unknown_pages_get_a_localized_404(client, path, headers, expected):
    response = client.get(path, headers=headers)
    assert response.status_code == 404
    assert expected in visible_text(response.text)


def test_a_negotiated_404_varies_on_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "ja"})
    assert "Accept-Language" in response.headers["Vary"]
    assert response.headers["Content-Language"] == "ja"


def test_pages_are_rendered_once_per_locale_and_catalog_version(app, client):
    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(record, app)
    for _ in range(3):
        client.get("/ja/office/")
    client.get("/en/office/")
    assert rendered == ["office.html", "office.html"]


def test_page_cache_can_be_switched_off(client, app):
    app.config["PAGE_CACHE"] = False
    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(record, app)
    client.get("/ja/office/")
    client.get("/ja/office/")
    assert rendered == ["office.html", "office.html"]
