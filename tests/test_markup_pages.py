"""Every template, rendered in Japanese with every string shown in English (all refused, or none translated),
is valid HTML in which each English string is marked lang="en" where it is element content and is plain text
in attribute values and <title>.

This is the guard app/i18n.py relies on: a template that puts a translation into an attribute without
`|plain` puts a `<span lang="en">` there, and this test fails on it.
"""
from __future__ import annotations

import re

import pytest
from babel.messages.catalog import Catalog
from justhtml import JustHTML

from app import create_app
from app.pages import PAGES
from app.tooling.markup import plain_text
from app.tooling.pofile import po_bytes, read_po_file

ATTRIBUTE_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")


def _every_entry(catalog: Catalog, how: str) -> None:
    for message in catalog:
        if not message.id:
            continue
        # A `"` the English lacks is refused in the site's catalogs (markup.py); "" is untranslated.
        form = (lambda text: f'"{text}"') if how == "refused" else (lambda text: "")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        message.string = tuple(form(text) for text in ids) if isinstance(message.id, tuple) else form(ids[0])
        message.flags.discard("fuzzy")


@pytest.fixture(params=["refused", "untranslated"])
def english_app(request, translations_copy):
    po = translations_copy / "ja" / "LC_MESSAGES" / "messages.po"
    catalog = read_po_file(po).catalog
    english = {plain_text(m.id[0] if isinstance(m.id, tuple) else m.id).strip() for m in catalog if m.id}
    _every_entry(catalog, request.param)
    po.write_bytes(po_bytes(catalog))
    app = create_app({"TESTING": True, "TRANSLATIONS_DIR": translations_copy, "WRITE_MO_FILES": False,
                      "TRANSLATION_STATUS_ENABLED": True})
    return app, request.param, english


def _nodes(node):
    yield node
    for child in node.children or ():
        yield from _nodes(child)


def _lang(node) -> str | None:
    while node is not None:
        if getattr(node, "attrs", None) and "lang" in node.attrs:
            return node.attrs["lang"]
        node = node.parent
    return None


def assert_valid_with_english_marked(html: str, english: set[str], where: str) -> int:
    """Check one page; return how many English strings it shows as element content."""
    document = JustHTML(html, sanitize=False, collect_errors=True)
    assert [error.code for error in document.errors] == [], where
    marked = 0
    for node in _nodes(document.root):
        attrs = getattr(node, "attrs", None) or {}
        for name, value in attrs.items():
            assert ATTRIBUTE_NAME.match(name), f"{where}: attribute {name!r}"
            assert "<" not in value and ">" not in value, f"{where}: {name}={value!r}"
        if node.name == "title":
            assert "<" not in node.to_text(), where
        if node.name == "#text" and node.data.strip() in english:
            assert _lang(node) == "en" or _inside(node, "title"), f"{where}: {node.data.strip()!r} not lang=en"
            marked += 1
    return marked


def _inside(node, name: str) -> bool:
    while node is not None:
        if node.name == name:
            return True
        node = node.parent
    return False


def test_every_page_is_valid_and_marks_english_strings(english_app):
    app, how, english = english_app
    client = app.test_client()
    shown = 0
    for page in PAGES:
        path = f"/ja/{page.slug}/" if page.slug else "/ja/"
        response = client.get(path)
        assert response.status_code == 200
        shown += assert_valid_with_english_marked(response.get_data(as_text=True), english, f"{how} {path}")
    response = client.get("/ja/no-such-page")
    assert response.status_code == 404
    shown += assert_valid_with_english_marked(response.get_data(as_text=True), english, f"{how} 404")
    assert shown > 30  # the test saw the strings it is about
    for path in ("/ja/translations/", "/ja/translations/review/home/"):
        html = client.get(path).get_data(as_text=True)
        assert_valid_with_english_marked(html, set(), f"{how} {path}")


def test_the_exports_language_pickers_are_valid_too(english_app):
    app, how, english = english_app
    app.config["STATIC_EXPORT"] = True
    from app.export import _picker_view
    with app.test_request_context("/"):
        html = _picker_view(PAGES[0])()
    assert_valid_with_english_marked(html, english, f"{how} picker")
