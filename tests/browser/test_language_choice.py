"""A visitor's language: negotiated on first visit, switched on any page, remembered — with or without JS."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_japanese_visitor_switches_to_english_and_it_is_remembered(new_page, live_server, javascript):
    page = new_page(locale="ja-JP", java_script_enabled=javascript)  # sends Accept-Language: ja-JP

    page.goto("/")
    expect(page).to_have_url(live_server.url_for("pages.home", locale="ja"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")

    page.goto("/ja/office/")
    page.get_by_role("link", name="English", exact=True).click()
    expect(page).to_have_url(live_server.url_for("pages.office", locale="en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("International Strategy Office")

    page.goto("/")  # the Japanese browser is overruled by the remembered choice
    expect(page).to_have_url(live_server.url_for("pages.home", locale="en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert {c["name"]: c["value"] for c in page.context.cookies()}["site_locale"] == "en"


def test_english_visitor_lands_on_english(new_page, live_server):
    page = new_page(locale="en-GB")
    page.goto("/")
    expect(page).to_have_url(live_server.url_for("pages.home", locale="en"))
