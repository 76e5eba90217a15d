import os
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


def _renders(app) -> list[str]:
    rendered: list[str] = []
    template_rendered.connect(lambda sender, template, context, **extra: rendered.append(template.name), app,
                              weak=False)  # for the app's life (one test)
    return rendered


def _edit(po, old: str, new: str) -> None:
    """A text editor's save: the file's content and modification time change."""
    stat = po.stat()
    po.write_text(po.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    os.utime(po, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def test_a_page_is_rendered_again_only_when_a_string_it_shows_changed(live_app, ja_po):
    client = live_app.test_client()
    for path in ("/ja/", "/ja/office/", "/en/office/"):
        client.get(path)
    rendered = _renders(live_app)
    _edit(ja_po, 'msgstr "総長直下の組織"', 'msgstr "総長直属の組織"')  # on the office page only
    home, office, english = (client.get(path).text for path in ("/ja/", "/ja/office/", "/en/office/"))
    assert rendered == ["office.html"]
    assert "総長直属の組織" in visible_text(office) and "総長直下の組織" not in office
    assert "総長直属" not in home + english
    assert [client.get(path).status_code for path in ("/ja/", "/ja/office/")] == [200, 200]
    assert rendered == ["office.html"]  # and the re-rendered page is cached again


def test_every_page_is_rendered_again_after_a_whole_read(live_app, ja_po):
    client = live_app.test_client()
    client.get("/ja/")
    client.get("/ja/office/")
    rendered = _renders(live_app)
    _edit(ja_po, '"Language: ja\\n"', '"Language: ja\\n"\n"X-Note: a header line more\\n"')  # read whole
    client.get("/ja/")
    client.get("/ja/office/")
    assert rendered == ["home.html", "office.html"]


def _served(catalog):
    import io

    from babel.support import Translations

    from app.tooling.compile import mo_bytes

    return Translations(io.BytesIO(mo_bytes(catalog, english_for_empty_forms=True, hash_table=False)))


def test_recorded_lookups_name_the_plural_form_a_page_used():
    from babel.messages.catalog import Catalog
    from babel.support import NullTranslations

    from app.pages import RecordedLookups, reads_the_same

    catalog = Catalog(locale="ru")
    catalog.add(("%(num)d day", "%(num)d days"), ("%(num)d день", "%(num)d дня", "%(num)d дней"))
    catalog.add(("%(num)d file", "%(num)d files"), ("%(num)d файл", "%(num)d файла", "%(num)d файлов"),
                context="upload")
    served = _served(catalog)
    lookups = RecordedLookups(served)
    assert lookups.ungettext("%(num)d day", "%(num)d days", 5) == "%(num)d дней"
    assert lookups.unpgettext("upload", "%(num)d file", "%(num)d files", 2) == "%(num)d файла"
    assert set(lookups.looked_up) == {("%(num)d day", 2), ("upload\x04%(num)d file", 1)}
    assert reads_the_same(lookups.reads, served)
    assert not reads_the_same(lookups.reads, _served(catalog))  # the same text, new objects: a whole read
    english = NullTranslations()
    source_language = RecordedLookups(english)
    assert source_language.ungettext("%(num)d day", "%(num)d days", 5) == "%(num)d days"
    assert source_language.unpgettext("upload", "%(num)d file", "%(num)d files", 1) == "%(num)d file"
    assert source_language.looked_up == {("%(num)d day", 1): None, ("upload\x04%(num)d file", 0): None}
    assert reads_the_same(source_language.reads, english)
    assert not reads_the_same(source_language.reads, served)  # a catalog for the language appeared


def test_a_whole_read_that_changes_the_plural_rule_is_noticed():
    from babel.messages.catalog import Catalog

    from app.pages import RecordedLookups, reads_the_same

    before = Catalog(locale="ru")  # nplurals=3, the entry not translated yet: English on the page
    before.add("Home", "Главная")
    lookups = RecordedLookups(_served(before))
    assert lookups.ungettext("%(num)d day", "%(num)d days", 5) == "%(num)d days"
    after = Catalog(locale="ru")
    after.mime_headers = [("Plural-Forms", "nplurals=2; plural=(n != 1);")]
    after.add("Home", "Главная")
    after.add(("%(num)d day", "%(num)d days"), ("%(num)d день", "%(num)d дней"))
    assert not reads_the_same(lookups.reads, _served(after))  # (n, 2) is in neither table: the rule tells


def test_a_save_of_a_plural_entry_that_gettext_reads_renders_the_page_again(live_app, ja_po):
    """gettext(msgid) also reads (msgid, plural(1)) when msgid alone is not a key of the table."""
    client = live_app.test_client()
    _edit(ja_po, 'msgid "An organization directly under the President"\nmsgstr "総長直下の組織"',
          'msgid "An organization directly under the President"\n'
          'msgid_plural "Organizations directly under the President"\nmsgstr[0] "総長直下の組織"')
    assert "総長直下の組織" in client.get("/ja/office/").text
    _edit(ja_po, 'msgstr[0] "総長直下の組織"', 'msgstr[0] "総長直属の組織"')  # read as a change (po_delta)
    assert "総長直属の組織" in client.get("/ja/office/").text
