"""A new language from `init` to publication: a draft (checked, updated, on the status pages, previewable
by translators) stays invisible to visitors until translations/locales.toml publishes it."""
from __future__ import annotations

import json
import re

import pytest

from app import create_app
from app.config import LocaleConfigError
from app.tooling.pofile import read_catalog
from tests.conftest import BASE_URL
from tests.helpers import parse

KO_PO = "translations/ko/LC_MESSAGES/messages.po"


def make_app(translations, **settings):
    return create_app({"TESTING": True, "BASE_URL": BASE_URL, "TRANSLATIONS_DIR": translations, **settings})


def publish(translations, *locales) -> None:
    listed = ", ".join(f'"{locale}"' for locale in locales)
    (translations / "locales.toml").write_text(f"published = [{listed}]\n", encoding="utf-8")


@pytest.fixture
def with_ko(translations_copy):
    """`flask --app app i18n init ko`, as a translator starts a language."""
    result = make_app(translations_copy).test_cli_runner().invoke(args=["i18n", "init", "ko"])
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"{KO_PO}: created\n")
    assert "ko is a draft" in result.stderr and "translations/locales.toml" in result.stderr
    return translations_copy


def strings_in(translations) -> int:
    """How many strings the template has: a new language starts with all of them untranslated."""
    return sum(1 for message in read_catalog(translations / "messages.pot") if message.id)


def visitor_sees(client, locale: str) -> dict[str, bool]:
    """Where a visitor could find `locale`: its home page, the switcher, hreflang, the sitemap."""
    home = client.get("/en/office/")
    page = parse(home.text)
    return {
        "page": client.get(f"/{locale}/").status_code == 200,
        "switcher": any(a.get("hreflang") == locale or f"/language/{locale}" in a.get("href", "")
                        for a in page.anchors),
        "hreflang": any(link.get("hreflang") == locale for link in page.links),
        "sitemap": f"{BASE_URL}/{locale}/" in client.get("/sitemap.xml").text,
        "switch": client.get(f"/language/{locale}?next=/{locale}/").status_code == 303,
        "negotiated": f"/{locale}/" in client.get("/", headers={"Accept-Language": locale}).headers["Location"],
    }


def test_a_draft_is_invisible_to_visitors(with_ko):
    client = make_app(with_ko).test_client()
    assert visitor_sees(client, "ko") == dict.fromkeys(
        ("page", "switcher", "hreflang", "sitemap", "switch", "negotiated"), False)
    assert visitor_sees(client, "ja") == dict.fromkeys(
        ("page", "switcher", "hreflang", "sitemap", "switch", "negotiated"), True)
    client.set_cookie("site_locale", "ko")
    assert client.get("/").headers["Location"] == f"{BASE_URL}/en/"  # a forged choice is ignored
    assert client.get("/ko/translations/").status_code == 404  # translator pages off


def test_translators_preview_a_draft_where_their_pages_are_on(with_ko):
    client = make_app(with_ko, TRANSLATION_STATUS_ENABLED=True, TRANSLATION_STATUS_SIGN_IN=False).test_client()
    preview = client.get("/ko/office/")
    assert preview.status_code == 200 and parse(preview.text).html_lang == "ko"
    assert preview.headers["X-Robots-Tag"] == "noindex" and preview.headers["Cache-Control"] == "no-store"
    # Still nothing that leads a visitor there.
    seen = visitor_sees(client, "ko")
    assert not any(seen[key] for key in ("switcher", "hreflang", "sitemap", "switch", "negotiated"))

    status = client.get("/ko/translations/")
    assert status.status_code == 200
    row = re.search(r'<tr data-locale="ko">(.*?)</tr>', status.text, re.S).group(1)
    assert "Korean (ko)" in row and ">draft<" in row
    assert 'data-stat="coverage">0.0%' in row
    draft = re.search(r'data-role="draft">(.*?)</p>', status.text, re.S).group(1)
    assert '<a href="/ko/" hreflang="ko">/ko/</a>' in draft and "translations/locales.toml" in draft
    assert '<a href="/ko/" hreflang="ko">View the site</a>' in status.text
    assert client.get("/ko/translations/review/office/").status_code == 200
    ja_status = client.get("/ja/translations/").text
    assert ">draft<" not in re.search(r'<tr data-locale="ja">(.*?)</tr>', ja_status, re.S).group(1)


def test_ci_checks_and_updates_a_draft(with_ko):
    runner = make_app(with_ko).test_cli_runner()
    checked = runner.invoke(args=["i18n", "check", "--format", "json"])
    assert checked.exit_code == 0, checked.output  # a draft in progress does not block CI...
    data = json.loads(checked.stdout)
    assert {c["locale"] for c in data["catalogs"]} == {"ja", "ko"}
    ko = [f for f in data["findings"] if f["path"].endswith(KO_PO)]
    assert len(ko) == strings_in(with_ko) and {(f["code"], f["severity"]) for f in ko} == {("untranslated", "warning")}

    only_ko = runner.invoke(args=["i18n", "check", "--locale", "ko", "--format", "json"])
    assert only_ko.exit_code == 0 and [c["locale"] for c in json.loads(only_ko.stdout)["catalogs"]] == ["ko"]

    po = with_ko / "ko" / "LC_MESSAGES" / "messages.po"  # ...but what would break a page does
    po.write_text(po.read_text(encoding="utf-8").replace('msgid "Home"\nmsgstr ""', 'msgid "Home"\nmsgstr "<b>홈"', 1),
                  encoding="utf-8")
    broken = runner.invoke(args=["i18n", "check", "--locale", "ko"])
    assert broken.exit_code == 1 and "markup" in broken.stdout

    pot = with_ko / "messages.pot"
    pot.write_text(pot.read_text(encoding="utf-8").replace('msgid "Established"', 'msgid "Founded"'),
                   encoding="utf-8")
    updated = runner.invoke(args=["i18n", "update"])
    assert updated.exit_code == 0
    assert f"{KO_PO}: updated" in updated.stdout and "translations/ja/LC_MESSAGES/messages.po: updated" in updated.stdout
    assert 'msgid "Founded"' in (with_ko / "ko" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")


def test_publishing_is_one_line_of_configuration(with_ko):
    publish(with_ko, "en", "ja", "ko")
    checked = make_app(with_ko).test_cli_runner().invoke(args=["i18n", "check", "--locale", "ko"])
    assert checked.exit_code == 1 and f"{strings_in(with_ko)} errors" in checked.stdout  # published: CI wants it complete
    client = make_app(with_ko).test_client()
    assert visitor_sees(client, "ko") == dict.fromkeys(
        ("page", "switcher", "hreflang", "sitemap", "switch", "negotiated"), True)
    assert "한국어" in client.get("/en/").text
    assert "X-Robots-Tag" not in client.get("/ko/").headers


def test_the_source_locale_is_always_published(translations_copy):
    publish(translations_copy, "ja")
    app = make_app(translations_copy)
    assert app.config["LOCALES"] == ("en", "ja") and app.config["DRAFT_LOCALES"] == ()


@pytest.mark.parametrize(("content", "message"), [
    ('published = ["en", "ja", "ko"]\n', "published ko without a catalog: run `flask --app app i18n init ko`"),
    ('published = "ja"\n', "`published` must be a list of locale codes"),
    ("published = [en]\n", "locales.toml: Invalid value"),
])
def test_a_bad_locales_file_stops_the_app_with_a_clear_message(translations_copy, content, message):
    (translations_copy / "locales.toml").write_text(content, encoding="utf-8")
    with pytest.raises(LocaleConfigError, match=re.escape(message)):
        make_app(translations_copy)


def test_without_a_locales_file_every_translation_is_a_draft(translations_copy):
    (translations_copy / "locales.toml").unlink()
    app = make_app(translations_copy)
    assert app.config["LOCALES"] == ("en",) and app.config["DRAFT_LOCALES"] == ("ja",)
    assert app.test_client().get("/ja/").status_code == 404


def test_the_static_export_leaves_a_draft_out(with_ko, tmp_path):
    build = tmp_path / "build"
    result = make_app(with_ko, WRITE_MO_FILES=False).test_cli_runner().invoke(
        args=["export", "--destination", str(build), "--base-url", "https://intl.example.ac.jp/"])
    assert result.exit_code == 0, result.output
    assert (build / "ja" / "index.html").exists() and not (build / "ko").exists()
    assert "/ko/" not in (build / "sitemap.xml").read_text(encoding="utf-8")


def test_the_status_page_follows_a_draft_catalog_s_changes(with_ko):
    """The status is computed again when any catalog it shows changes, a draft's included."""
    client = make_app(with_ko, TRANSLATION_STATUS_ENABLED=True, TRANSLATION_STATUS_SIGN_IN=False,
                      PAGE_CACHE=True).test_client()
    before = client.get("/ko/translations/").text
    ko_po = with_ko / "ko" / "LC_MESSAGES" / "messages.po"
    text = ko_po.read_text(encoding="utf-8")
    ko_po.write_text(text.replace('msgid "Skip to main content"\nmsgstr ""',
                                  'msgid "Skip to main content"\nmsgstr "본문으로 건너뛰기"'), encoding="utf-8")
    after = client.get("/ko/translations/").text
    assert before.count('data-state="untranslated"') == after.count('data-state="untranslated"') + 1
