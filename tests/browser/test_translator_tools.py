"""What a translator sees in a real browser: the old and new English of a changed string, and a draft
language that a visitor cannot reach and a translator can preview."""
from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from app import create_app
from app.config import PROJECT_ROOT
from tests.browser.server import serve_app


@pytest.fixture(scope="module")
def translations(tmp_path_factory):
    """A copy of translations/ where paragraph 1's English changed (then `update`) and `init ko` ran."""
    target = tmp_path_factory.mktemp("translator") / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", target, ignore=shutil.ignore_patterns("*.mo"))
    pot = target / "messages.pot"
    pot.write_text(pot.read_text(encoding="utf-8").replace("Strategy Office was established as an ",
                                                           "Strategy Office was set up as an "), encoding="utf-8")
    runner = create_app({"TRANSLATIONS_DIR": target}).test_cli_runner()
    for args in (["i18n", "update"], ["i18n", "init", "ko"]):
        assert runner.invoke(args=args).exit_code == 0
    return target


@pytest.fixture(scope="module")
def servers(translations):
    """The same catalogs served to visitors (translator pages off) and to translators (on)."""
    def make(status):
        return lambda base_url: create_app({"BASE_URL": base_url, "TRANSLATIONS_DIR": translations,
                                            "TRANSLATION_STATUS_ENABLED": status,
                                            "TRANSLATION_STATUS_SIGN_IN": False})
    with serve_app(make(False)) as visitor, serve_app(make(True)) as translator:
        yield visitor, translator


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_at(base_url):
        context = browser.new_context(base_url=base_url, java_script_enabled=False)
        contexts.append(context)
        return context.new_page()

    yield open_at
    for context in contexts:
        context.close()


def test_a_fuzzy_string_shows_what_changed_in_its_english(servers, open_page, artifacts):
    _, translator = servers
    page = open_page(translator.url)
    page.goto("/ja/translations/")
    page.get_by_label("State").select_option("fuzzy")
    page.get_by_role("button", name="Show").click()  # a plain GET form: no JavaScript in this browser
    assert page.url.endswith("/ja/translations/?q=&state=fuzzy&page=&context=&code=")
    items = page.locator('#locale-ja [data-role="todo"] > li')
    expect(items).to_have_count(1)
    item = items.first
    expect(item.locator('[data-role="old"] del')).to_have_text("established")
    expect(item.locator('[data-role="new"] ins')).to_have_text("set up")
    expect(item.locator('[data-role="old"]')).to_contain_text("Strategy Office was established as an organization")
    expect(item.locator('[data-role="new"]')).to_contain_text("Strategy Office was set up as an organization")
    # Marked by more than colour: struck through and underlined as the browser draws them.
    assert item.locator("del").evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    assert item.locator("ins").evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
    page.screenshot(path=artifacts / "translator-fuzzy-diff.png", full_page=True)

    page.goto("/ja/translations/review/message/")
    row = page.locator("tr[data-state=fuzzy]")
    expect(row.locator("del")).to_have_text("established")
    expect(row.locator("ins")).to_have_text("set up")


def test_a_draft_language_is_invisible_to_a_visitor_and_previewable_by_a_translator(servers, open_page):
    visitor, translator = servers
    page = open_page(visitor.url)
    assert page.goto("/ko/").status == 404
    page.goto("/en/")
    expect(page.get_by_role("link", name="日本語")).to_have_count(1)
    expect(page.get_by_role("link", name="한국어")).to_have_count(0)
    expect(page.locator('link[hreflang="ko"]')).to_have_count(0)
    assert "/ko/" not in page.goto("/sitemap.xml").text()

    page = open_page(translator.url)
    page.goto("/ko/translations/")
    draft = page.locator('[data-role="draft"]')
    expect(draft).to_contain_text("Draft: visitors do not see Korean")
    draft.get_by_role("link", name="/ko/").click()
    expect(page).to_have_url(translator.url + "/ko/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("link", name="한국어")).to_have_count(0)  # not offered even here
    page.goto("/ko/translations/")
    page.get_by_role("link", name="View the site").click()
    expect(page).to_have_url(translator.url + "/ko/")
