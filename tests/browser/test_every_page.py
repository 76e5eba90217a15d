"""Every page in every language, in a real Chromium: screenshots, Japanese glyphs, accessibility, phones.

Accessibility: axe-core from the `axe-playwright-python` package (it bundles axe.min.js). The site's CSP
(`script-src 'self'`) forbids inline and injected <script> elements, so axe is not added as a script tag;
it is run with `page.evaluate`, which goes through the DevTools protocol, outside what CSP governs. The
context keeps the CSP on (no `bypass_csp`), so axe sees the site exactly as it is served.

These tests only read, so they share one page per viewport: a fresh browser context per test cost more
than most of the checks themselves.
"""
from __future__ import annotations

import json
import re

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

from app.config import PROJECT_ROOT, published_locales
from app.pages import PAGES

LOCALES = published_locales(PROJECT_ROOT / "translations", "en")
NOT_FOUND = "not-found"
SCREENS = [pytest.param(locale, name, id=f"{locale}-{name}")
           for locale in LOCALES for name in [page.endpoint for page in PAGES] + [NOT_FOUND]]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}
BLOCKING_IMPACTS = {"serious", "critical"}
# Kana, kanji and full-width forms: what shows as tofu boxes without a CJK font.
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
AXE = Axe()


@pytest.fixture(scope="module")
def page_at(browser, live_server):
    """One page per viewport ("desktop", "phone"), shared by this module's tests."""
    contexts = {name: browser.new_context(base_url=live_server.url, viewport=size)
                for name, size in VIEWPORTS.items()}
    yield {name: context.new_page() for name, context in contexts.items()}
    for context in contexts.values():
        context.close()


def open_screen(page, live_server, locale, name):
    if name == NOT_FOUND:
        response = page.goto(f"{live_server.url}/{locale}/no-such-page/")
        assert response.status == 404
    else:
        response = page.goto(live_server.url_for(f"pages.{name}", locale=locale))
        assert response.status == 200
    return page


def platform_fonts(page, selector: str) -> list[dict]:
    """The fonts Chromium really drew `selector`'s text with, and how many glyphs each drew (via CDP).

    `document.fonts.check()` cannot tell: it answers true for any installed-or-not system font name.
    """
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"no element matches {selector!r}"
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()


@pytest.mark.parametrize("locale, name", SCREENS)
def test_screenshot_and_japanese_glyphs(page_at, live_server, artifacts, locale, name):
    page = open_screen(page_at["desktop"], live_server, locale, name)
    page.screenshot(path=artifacts / "screenshots" / f"{locale}-{name}.png", full_page=True)

    # The switcher names Japanese in Japanese on every page; Japanese pages also have a Japanese title.
    selectors = [".language-switcher [lang=ja]"] + (["h1"] if locale == "ja" else [])
    for selector in selectors:
        cjk_chars = len(CJK.findall(page.locator(selector).inner_text()))
        assert cjk_chars, f"{selector} has no Japanese text to check"
        fonts = platform_fonts(page, selector)
        cjk_glyphs = sum(font["glyphCount"] for font in fonts if "CJK" in font["familyName"])
        assert cjk_glyphs >= cjk_chars, f"{selector}: Japanese not drawn with a CJK font: {fonts}"


@pytest.mark.parametrize("locale, name", SCREENS)
def test_no_serious_or_critical_accessibility_violations(page_at, live_server, artifacts, locale, name):
    page = open_screen(page_at["desktop"], live_server, locale, name)
    violations = AXE.run(page).response["violations"]
    report = artifacts / "axe" / f"{locale}-{name}.json"
    report.parent.mkdir(exist_ok=True)
    report.write_text(json.dumps(violations, indent=2, ensure_ascii=False), encoding="utf-8")

    blocking = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
                for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, "\n".join(blocking)


def test_axe_runs_under_the_sites_csp(page_at, live_server):
    page = page_at["desktop"]
    response = page.goto(live_server.url_for("pages.home", locale="en"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    with pytest.raises(PlaywrightError, match="Content Security Policy"):
        page.add_script_tag(content=AXE_SCRIPT)  # the usual way in: an inline <script>, refused
    assert page.evaluate("typeof window.axe") == "undefined"
    results = AXE.run(page).response
    assert results["url"] == page.url
    # It really checked the page (a scan that checks nothing finds no violations either).
    assert {"html-has-lang", "color-contrast", "landmark-one-main"} <= {rule["id"] for rule in results["passes"]}


@pytest.mark.parametrize("locale, name", SCREENS)
def test_no_horizontal_scroll_on_a_375px_phone(page_at, live_server, artifacts, locale, name):
    page = open_screen(page_at["phone"], live_server, locale, name)
    page.screenshot(path=artifacts / "screenshots" / f"{locale}-{name}-375px.png", full_page=True)
    layout = page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > width + 0.5)
            .map(el => el.outerHTML.slice(0, 80));
        return {scrollWidth: document.documentElement.scrollWidth, width, wide};
    }""")
    assert layout["width"] == VIEWPORTS["phone"]["width"]
    assert layout["scrollWidth"] <= layout["width"], f"wider than the screen: {layout['wide']}"
