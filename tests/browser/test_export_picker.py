"""The static export's language picker (static/pick-language.js) in Chromium, under the site's CSP.

The export is the one tests/test_export.py makes and serves with `python -m http.server`.
"""
from __future__ import annotations

import pytest

from app.security import CONTENT_SECURITY_POLICY
from tests.test_export import export  # noqa: F401  (the fixture: build dir, base URL, CLI output)


@pytest.mark.parametrize(("browser_locale", "path", "expected"), [
    ("ja-JP", "/", "/ja/"),
    ("en-GB", "/", "/en/"),
    ("fr-FR", "/", "/en/"),  # no match: the default language, as the server does
    ("ja", "/office/", "/ja/office/"),
])
def test_the_picker_script_goes_to_the_browsers_language_under_the_sites_csp(
        export, browser, browser_locale, path, expected):
    _, base_url, _ = export
    context = browser.new_context(locale=browser_locale)

    def with_csp(route):  # http.server sends no CSP; add the site's, so an inline script would be blocked
        response = route.fetch()
        route.fulfill(response=response,
                      headers={**response.headers, "content-security-policy": CONTENT_SECURITY_POLICY})

    context.route("**/*", with_csp)
    page = context.new_page()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security" in message.text else None)
    page.goto(base_url + path)
    page.wait_for_url(base_url + expected, timeout=10_000)
    assert page.evaluate("document.documentElement.lang") == expected.split("/")[1]
    assert blocked == []
    context.close()


def test_without_javascript_the_picker_stays_and_offers_both_languages(export, browser):
    _, base_url, _ = export
    context = browser.new_context(locale="ja-JP", java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/")
    page.get_by_role("link", name="日本語").click()
    page.wait_for_url(base_url + "/ja/", timeout=10_000)
    context.close()
