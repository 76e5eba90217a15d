"""The static export (`flask --app app export`), served the simplest way: `python -m http.server -d build`.

One export per module, made through the CLI into a temporary directory with BASE_URL set to the address the
file server then listens on, so every link in it, absolute ones included, can be fetched. The language
picker's script is tested in Chromium by tests/browser/test_export_picker.py, on the same fixture.
"""
from __future__ import annotations

import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from justhtml import stream

from app import create_app
from app.export import EXPORT_MARKER
from app.pages import MESSAGE_ORIGINAL_URL, PAGES
from app.security import CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY
from tests.helpers import file_server, free_port, parse, visible_text

LOCALES = ("en", "ja")
PAGE_PATHS = [f"/{locale}/{page.slug + '/' if page.slug else ''}" for page in PAGES for locale in LOCALES]
PICKER_PATHS = [f"/{page.slug + '/' if page.slug else ''}" for page in PAGES]


def _export_app(base_url: str):
    return create_app({"TESTING": True, "BASE_URL": base_url, "WRITE_MO_FILES": False})


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """(build directory, base URL of a plain file server serving it, CLI output)."""
    build = tmp_path_factory.mktemp("export") / "build"
    build.mkdir()
    (build / EXPORT_MARKER).write_text("")  # an earlier export, whose files may be replaced
    (build / "stale.html").write_text("from an earlier export")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    result = _export_app("http://unused.example").test_cli_runner().invoke(
        args=["export", "--destination", str(build), "--base-url", base_url + "/"])
    assert result.exit_code == 0, result.output
    with file_server(build, port):
        yield build, base_url, result.output


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as err:
        return err.code, "", b""


class _References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if tag == "script" and not attrs.get("src"):
            self.inline_scripts += 1


def references(body: bytes, content_type: str) -> list[str]:
    if content_type == "text/html":
        parser = _References()
        parser.feed(body.decode("utf-8"))
        return parser.urls
    if content_type in ("application/xml", "text/xml"):
        root = ET.fromstring(body)
        return [element.text for element in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")] + \
               [element.get("href") for element in root.iter("{http://www.w3.org/1999/xhtml}link")]
    return []


@pytest.mark.parametrize("where", ["project", "home", "root", "parent", "foreign"])
def test_a_destination_that_is_no_earlier_export_is_refused_and_kept(tmp_path, monkeypatch, where):
    """The export deletes every file it did not write: it must never run on a directory of other files."""
    home = tmp_path / "home"
    project = home / "site"
    (project / "app").mkdir(parents=True)
    (project / "keep.txt").write_text("keep")
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("keep")
    monkeypatch.setenv("HOME", str(home))
    destination = {"project": project, "home": home, "root": "/", "parent": tmp_path, "foreign": foreign}[where]
    app = create_app({"TESTING": True, "WRITE_MO_FILES": False, "PROJECT_ROOT": project})
    result = app.test_cli_runner().invoke(args=["export", "--destination", str(destination)])
    assert result.exit_code == 2, result.output
    assert "--destination" in result.output and "delete" in result.output
    assert (project / "keep.txt").read_text() == "keep" and (foreign / "keep.txt").read_text() == "keep"
    assert not (project / "sitemap.xml").exists() and not (foreign / "sitemap.xml").exists()


def test_the_cli_reports_what_it_wrote(export):
    build, base_url, output = export
    assert f"to {build}" in output and base_url in output
    assert not (build / "stale.html").exists()  # the destination holds this export only


def test_every_page_in_every_locale_is_exported_in_its_language(export):
    build, base_url, _ = export
    for path in PAGE_PATHS:
        locale = path.split("/")[1]
        html = (build / path.lstrip("/") / "index.html").read_text(encoding="utf-8")
        page = parse(html)
        assert page.html_lang == locale, path
        canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
        assert canonical == [base_url + path]
    # Each language really is that language, not the first page's language carried over.
    assert "ホーム" in visible_text((build / "ja" / "office" / "index.html").read_text(encoding="utf-8"))
    assert "ホーム" not in visible_text((build / "en" / "office" / "index.html").read_text(encoding="utf-8"))


def test_exported_pages_are_what_the_server_renders_for_a_static_site(export):
    build, base_url, _ = export
    client = create_app({"TESTING": True, "BASE_URL": base_url, "WRITE_MO_FILES": False,
                         "STATIC_EXPORT": True}).test_client()
    for path in PAGE_PATHS:
        assert (build / path.lstrip("/") / "index.html").read_bytes() == client.get(path).data, path


def test_the_language_switcher_links_straight_to_the_other_page(export):
    build, _, _ = export
    for html_file in build.rglob("*.html"):
        assert "/language/" not in html_file.read_text(encoding="utf-8"), html_file
    switcher = [a for a in parse((build / "ja" / "office" / "index.html").read_text(encoding="utf-8")).anchors
                if a.get("hreflang") == "en"]
    assert [a["href"] for a in switcher] == ["/en/office/"]


def test_every_link_works_from_a_plain_file_server(export):
    build, base_url, _ = export
    origin = urlsplit(base_url).netloc
    queue, seen = [base_url + "/", base_url + "/sitemap.xml"], set()
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, content_type, body = fetch(url)
        assert status == 200, url
        for reference in references(body, content_type):
            target = urljoin(url, reference).split("#")[0]
            if urlsplit(target).scheme in ("http", "https") and urlsplit(target).netloc == origin:
                queue.append(target)
            else:
                # The one deliberate external link: the Director's original message on the university's site.
                assert reference.startswith(("data:", "#")) or reference == MESSAGE_ORIGINAL_URL, \
                    f"{url} links outside the export: {reference}"
    fetched = {urlsplit(url).path for url in seen}
    assert set(PAGE_PATHS) | set(PICKER_PATHS) | {"/sitemap.xml", "/static/site.css", "/static/pick-language.js"} \
        <= fetched


def test_the_sitemap_lists_every_page_on_the_base_url(export):
    build, base_url, _ = export
    root = ET.fromstring((build / "sitemap.xml").read_bytes())
    locs = {element.text for element in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert locs == {base_url + path for path in PAGE_PATHS}


def test_not_found_pages_are_exported_in_each_language(export):
    build, _, _ = export
    for name, locale, heading in (("404.html", "en", "Page not found"), ("en/404.html", "en", "Page not found"),
                                  ("ja/404.html", "ja", "ページが見つかりません")):
        html = (build / name).read_text(encoding="utf-8")
        assert parse(html).html_lang == locale and heading in visible_text(html), name


@pytest.mark.parametrize("path", PICKER_PATHS)
def test_unprefixed_urls_are_language_pickers_without_inline_script(export, path):
    build, _, _ = export
    html = (build / path.lstrip("/") / "index.html").read_text(encoding="utf-8")
    parser = _References()
    parser.feed(html)
    assert parser.inline_scripts == 0 and "/static/pick-language.js" in parser.urls
    links = {a["hreflang"]: a["href"] for a in parse(html).anchors if a.get("hreflang")}
    assert links == {locale: f"/{locale}{path}" for locale in LOCALES}  # visible links: the no-JS way in


def test_every_exported_page_carries_the_csp_a_meta_element_can_hold(export):
    build, _, _ = export
    pages = list(build.rglob("*.html"))
    assert len(pages) >= len(PAGE_PATHS) + len(PICKER_PATHS)
    for html_file in pages:
        metas = [attrs for kind, (name, attrs) in
                 ((kind, data) for kind, data in stream(html_file.read_text(encoding="utf-8")) if kind == "start")
                 if name == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"]
        assert [meta["content"] for meta in metas] == [META_CONTENT_SECURITY_POLICY], html_file
    assert "frame-ancestors" not in META_CONTENT_SECURITY_POLICY and "script-src 'self'" in META_CONTENT_SECURITY_POLICY


def test_the_export_writes_a_headers_file_and_its_own_marker(export):
    build, _, _ = export
    headers = (build / "_headers").read_text(encoding="utf-8").splitlines()
    assert headers[0] == "/*"
    assert f"  Content-Security-Policy: {CONTENT_SECURITY_POLICY}" in headers
    assert "  X-Frame-Options: DENY" in headers and "  X-Content-Type-Options: nosniff" in headers
    assert (build / EXPORT_MARKER).is_file()


def test_a_web_root_with_a_sitemap_is_not_taken_for_an_earlier_export(tmp_path):
    web_root = tmp_path / "www"
    (web_root / "uploads").mkdir(parents=True)
    (web_root / "index.php").write_text("<?php")
    (web_root / "sitemap.xml").write_text("<urlset/>")
    result = _export_app("http://x.example").test_cli_runner().invoke(args=["export", "--destination", str(web_root)])
    assert result.exit_code == 2 and EXPORT_MARKER in result.output
    assert (web_root / "index.php").exists() and (web_root / "uploads").is_dir()


@pytest.mark.parametrize("target", ["/dev/null", "file"])
def test_a_destination_that_is_not_a_directory_is_refused_with_exit_2(tmp_path, target):
    destination = tmp_path / "file" if target == "file" else Path(target)
    if target == "file":
        destination.write_text("keep")
    result = _export_app("http://x.example").test_cli_runner().invoke(args=["export", "--destination", str(destination)])
    assert result.exit_code == 2, result.output
    assert "--destination" in result.output and "Traceback" not in result.output
    assert ("is not a directory" if target == "/dev/null" else "is a file") in result.output
    assert target != "file" or destination.read_text() == "keep"


def test_a_tilde_destination_is_written_under_home_not_to_a_directory_named_tilde(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    result = _export_app("http://x.example").test_cli_runner().invoke(args=["export", "--destination", "~/site"])
    assert result.exit_code == 0, result.output
    assert (home / "site" / "ja" / "index.html").is_file() and not (tmp_path / "~").exists()


def test_a_catalog_the_site_cannot_use_stops_the_export_before_anything_is_written(translations_copy, ja_po, tmp_path):
    ja_po.write_bytes(ja_po.read_bytes()[:-200])  # cut mid-entry
    destination = tmp_path / "build"
    app = create_app({"TESTING": True, "BASE_URL": "http://x.example", "WRITE_MO_FILES": False,
                      "TRANSLATIONS_DIR": translations_copy})
    result = app.test_cli_runner().invoke(args=["export", "--destination", str(destination)])
    assert result.exit_code == 1, result.output
    assert "translations/ja/LC_MESSAGES/messages.po" in result.output and "nothing exported" in result.output
    assert not destination.exists()
