"""What the public site shows a signed-in translator: a link from each page to the editor's list of its
strings (base.html's `editor_link`), and so pages that bypass the site's page cache."""
from __future__ import annotations

from flask import current_app, g, request, url_for

from ..auth import current_user
from ..config import all_locales


def _signed_in() -> bool:
    # The cookie first: a visitor without one costs no session or database look-up.
    return current_app.config["SESSION_COOKIE_NAME"] in request.cookies and current_user() is not None


class PageCacheForVisitors:
    """The site's page cache, bypassed for a signed-in translator (whose pages carry a link to the editor)."""

    def __init__(self, cache):
        self.cache = cache

    def get(self, key, version, translations):
        return None if _signed_in() else self.cache.get(key, version, translations)

    def put(self, key, version, body, reads):
        if not _signed_in():
            self.cache.put(key, version, body, reads)


def editor_link(page) -> str | None:
    """For base.html: the editor's list of `page`'s strings, for a signed-in translator; else None."""
    if page is None or not _signed_in():
        return None
    config, user = current_app.config, current_user()
    assert user is not None  # _signed_in() above: current_user() is looked up once per request
    locale = g.locale if g.locale != config["DEFAULT_LOCALE"] else next(
        (code for code in all_locales(config) if code != config["DEFAULT_LOCALE"] and user.can_edit(code)), None)
    if locale is None or not user.can_edit(locale):
        return None
    return url_for("editor.entries", locale=locale, page=page.endpoint, state="all")


def init_app(app) -> None:
    app.extensions["page_cache"] = PageCacheForVisitors(app.extensions["page_cache"])
    app.jinja_env.globals["editor_link"] = editor_link
