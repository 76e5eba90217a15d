"""The hostile catalog (tests/hostile.py) in Chromium: served by gunicorn (the production server and its CSP
headers) and as the static export on a plain file server that sends no headers at all, where only the
export's own <meta> CSP and the escaping stand between a translation and the visitor.

For every case: the string shows in English, nothing runs (no dialog, no navigation, even after focusing
every element), no attacker attribute is in the DOM, and the page came back in well under a second.
"""
from __future__ import annotations

import time
import urllib.request

import pytest

from app import create_app
from tests.helpers import file_server, free_port
from tests.hostile import CASES, hostile_project
from tests.test_server import gunicorn

PATHS = sorted({case.path for case in CASES})
# Attributes and elements only the attacker could have added, looked up in the live DOM.
ATTACKER_DOM = """() => {
  const found = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.getAttributeNames()) {
      if (attribute.startsWith('on') || ['hidden', 'autofocus', 'style', 'tabindex', 'x'].includes(attribute)
          || element.getAttribute(attribute).includes('javascript:')) found.push(element.localName + ' ' + attribute);
    }
    if (['script', 'img', 'iframe'].includes(element.localName)
        && !(element.getAttribute('src') || '').includes('pick-language.js')) found.push(element.localName);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def hostile_dirs(tmp_path_factory):
    return hostile_project(tmp_path_factory.mktemp("hostile-browser"))


@pytest.fixture(scope="module")
def gunicorn_site(hostile_dirs, tmp_path_factory):
    templates, translations = hostile_dirs
    with gunicorn(tmp_path_factory.mktemp("hostile-gunicorn"), translations, workers=2,
                  TEMPLATES_DIR=str(templates), WRITE_MO_FILES=False) as server:
        yield server.url


@pytest.fixture(scope="module")
def exported_site(hostile_dirs, tmp_path_factory):
    templates, translations = hostile_dirs
    build = tmp_path_factory.mktemp("hostile-export") / "build"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    app = create_app({"TESTING": True, "TEMPLATES_DIR": templates, "TRANSLATIONS_DIR": translations,
                      "WRITE_MO_FILES": False})
    result = app.test_cli_runner().invoke(args=["export", "--destination", str(build), "--base-url", base_url])
    assert result.exit_code == 0, result.output
    with file_server(build, port):
        yield base_url


def response_seconds(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        response.read()
    return time.perf_counter() - start


@pytest.mark.parametrize("site", ["gunicorn_site", "exported_site"])
def test_hostile_catalog_in_chromium_shows_english_and_runs_nothing(request, browser, site):
    base_url = request.getfixturevalue(site)
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    dialogs, navigations = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    for _ in range(4):  # warm every worker up on an English page: templates compiled, no Japanese catalog read
        response_seconds(base_url + "/en/")
    try:
        for path in PATHS:  # the first Japanese request of a worker reads and judges the hostile catalog
            assert response_seconds(base_url + path) < 3, path
            page.goto(base_url + path)
            navigations.clear()  # the visit itself
            for _ in range(40):  # focus every focusable element in turn: an injected onfocus would fire
                page.keyboard.press("Tab")
            page.mouse.move(10, 10)
            page.mouse.move(600, 400)
            page.wait_for_timeout(100)
            assert page.evaluate(ATTACKER_DOM) == [], path
            assert page.url == base_url + path and navigations == [], path
            for case in (case for case in CASES if case.path == path):
                if case.attribute:
                    labels = page.evaluate(f"Array.from(document.querySelectorAll('[{case.attribute}]'), "
                                           f"e => e.getAttribute('{case.attribute}'))")
                    assert case.english in labels, case.name
                else:
                    marked = page.evaluate("Array.from(document.querySelectorAll('[lang=en]'), e => e.textContent)")
                    assert any(case.english in " ".join(text.split()) for text in marked), case.name
        assert dialogs == []
    finally:
        context.close()
