"""The site's pages, in one list: routes, page cache, sitemap and the localized 404."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from babel.dates import format_skeleton
from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from flask_babel import get_domain, get_locale
from werkzeug.routing import BaseConverter

from .auth import accounts_enabled, current_user
from .config import all_locales
from .i18n import NEGOTIATED_VARY, absolute_url, bind_locale, lazy_pgettext, negotiate_locale, redirect_to_locale


@dataclass(frozen=True)
class Page:
    endpoint: str
    slug: str  # "" for the home page
    template: str
    title: object  # lazy strings, translated when rendered
    nav_title: object
    summary: object = None  # the teaser on the home page


PAGES = (
    Page("home", "", "home.html",
         lazy_pgettext("page title", "Tohoku University’s International Strategy"),
         lazy_pgettext("navigation", "Home")),
    Page("message", "message", "message.html",
         lazy_pgettext("page title", "Message from the Director"),
         lazy_pgettext("navigation", "Director’s Message"),
         # Translators: teaser for the Director's message page, on the home page.
         lazy_pgettext("page summary", "A message from Masahiro Yamaguchi, Director of the International "
                       "Strategy Office.")),
    Page("office", "office", "office.html",
         lazy_pgettext("page title", "International Strategy Office"),
         lazy_pgettext("navigation", "International Strategy Office"),
         lazy_pgettext("page summary", "An organization directly under the President, established to promote "
                       "the university’s international activities more strategically and with greater agility.")),
    Page("vision", "vision-2030", "vision.html",
         lazy_pgettext("page title", "Tohoku University Vision 2030"),
         lazy_pgettext("navigation", "Vision 2030"),
         lazy_pgettext("page summary", "The university’s roadmap for its activities, and its Priority "
                       "Strategy 17 on international collaboration.")),
    Page("engagement", "engagement", "engagement.html",
         lazy_pgettext("page title", "Areas of Engagement"),
         lazy_pgettext("navigation", "Areas of Engagement"),
         # Translators: the four areas, as named on the Areas of Engagement page.
         lazy_pgettext("page summary", "The university’s involvement in Education, Research, Industry "
                       "Co-Creation and Community Collaboration.")),
)
PAGES_BY_ENDPOINT = {page.endpoint: page for page in PAGES}

# Facts shown as data (not inside prose) are formatted by Babel for the locale.
OFFICE_ESTABLISHED = dt.date(2018, 7, 1)
VISION_PUBLISHED = dt.date(2018, 11, 1)
# The Director's message as the university publishes it, in its original Japanese: linked, never copied.
MESSAGE_ORIGINAL_URL = "https://web.tohoku.ac.jp/ged/international-strategy"

# One static rule per locale and page (`/ja/office/`, with `locale` as a rule default), not `/<locale>/office/`:
# Werkzeug matches a static URL by dict lookups, a converter by a regex on every request. Only published
# locales have rules, so `/fr/...` or `/no-such-page` are plain 404s; a draft locale (a catalog not yet in
# translations/locales.toml) gets its rules only where the translator pages or the editor are on, for
# translators to preview it (signed in, where accounts are on), and is never in the switcher, hreflang or
# the sitemap.
bp = Blueprint("pages", __name__)


bind_locale(bp)


class PageCache:
    """Rendered pages as UTF-8 bytes per (locale, page). A page stays valid while the catalog served reads
    as it did for the render (RecordedLookups.reads_the_same): a translator's save (read as a change,
    po_delta, which keeps every other entry's string object) renders again only the pages that show the
    saved entry; after a whole read the strings are new objects, and pages are rendered again.

    Bytes, not str: encoding the 5 KB page cost ~5 µs on every request (bench/README.md).
    """

    def __init__(self) -> None:
        # (locale, endpoint) → (registry version it was last valid at, body, what its render read)
        self._pages: dict[tuple[str, str], tuple[int, bytes, Reads]] = {}

    def get(self, key, version, translations):
        hit = self._pages.get(key)
        if hit is None:
            return None
        valid_at, body, reads = hit
        if valid_at != version:  # some catalog changed since: this page's strings too?
            if not reads_the_same(reads, translations):
                return None
            self._pages[key] = (version, body, reads)
        return body

    def put(self, key, version, body, reads):
        self._pages[key] = (version, body, reads)


Reads = tuple  # (the plural rule, {gettext's key: its value then}): RecordedLookups.reads


class RecordedLookups:
    """The served translations (Babel's: even its NullTranslations has gettext's table, empty), noting what
    each of the four look-ups i18n.py makes reads: the value at every key of the table it may read (gettext
    also reads (msgid, plural(1)) when the msgid alone is not a key), and the plural rule."""

    def __init__(self, translations):
        self.translations = translations
        self.looked_up: dict = {}  # gettext's key → its value then (None: not in the catalog)

    @property
    def reads(self) -> Reads:
        return self.translations.plural, self.looked_up

    def _note(self, key) -> None:
        self.looked_up[key] = self.translations._catalog.get(key)

    def ugettext(self, message):
        self._note(message)
        self._note((message, self.translations.plural(1)))
        return self.translations.ugettext(message)

    def upgettext(self, context, message):
        key = f"{context}\x04{message}"  # gettext's key for a message in a context
        self._note(key)
        self._note((key, self.translations.plural(1)))
        return self.translations.upgettext(context, message)

    def ungettext(self, singular, plural, num):
        self._note((singular, self.translations.plural(num)))
        return self.translations.ungettext(singular, plural, num)

    def unpgettext(self, context, singular, plural, num):
        self._note((f"{context}\x04{singular}", self.translations.plural(num)))
        return self.translations.unpgettext(context, singular, plural, num)


def reads_the_same(reads: Reads, translations) -> bool:
    """Whether `translations` gives what a render that read `reads` got: the same plural rule (a whole read
    makes a new one) and the same object at every key it read."""
    plural, looked_up = reads
    table = translations._catalog
    return translations.plural is plural and all(table.get(key) is value for key, value in looked_up.items())


def _render(page: Page) -> Response:
    # The hot path of every page view: each context proxy is looked up once (see bench/README.md).
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed by Flask as Flask
    locale = g.locale
    draft = locale in app.config["DRAFT_LOCALES"]
    if draft and not _may_preview_drafts():
        abort(404)
    registry = app.extensions["catalogs"]
    version = registry.refresh(locale)
    translations = registry.served(locale)  # at least as new as `version`
    key = (locale, page.endpoint)
    cache = app.extensions["page_cache"] if app.config["PAGE_CACHE"] else None
    body = cache.get(key, version, translations) if cache else None
    if body is None:
        lookups = RecordedLookups(translations)
        with get_domain().overlay(locale, lookups):
            body = render_template(page.template, page=page, pages=PAGES,
                                   alternates=alternates(page)).encode()
        if cache:
            cache.put(key, version, body, lookups.reads)
    response = Response(body, mimetype="text/html")
    response.headers.add("Content-Language", locale)
    if draft:  # a translator's preview (add_page_rules): not for indexes or caches
        response.headers.add("X-Robots-Tag", "noindex")
        response.headers.add("Cache-Control", "no-store")
    return response


def _may_preview_drafts() -> bool:
    """A draft's pages are for translators: where accounts are on (the editor, or status pages that ask to
    sign in), only a signed-in account sees them; a visitor gets the 404 of a language that does not exist."""
    return not accounts_enabled() or current_user() is not None


def _page_view(page: Page):
    def view():
        return _render(page)
    view.__name__ = page.endpoint
    return view


def _unprefixed_redirect(page: Page):
    def view():
        return redirect_to_locale(f"pages.{page.endpoint}")
    view.__name__ = f"negotiate_{page.endpoint}"
    return view


PAGE_VIEWS = {page.endpoint: _page_view(page) for page in PAGES}


@bp.record
def add_page_rules(state):
    config = state.app.config
    drafts = config["DRAFT_LOCALES"] if config["TRANSLATION_STATUS_ENABLED"] or config["EDITOR_ENABLED"] else ()
    for locale in (*config["LOCALES"], *drafts):
        for page in PAGES:
            state.add_url_rule(f"/{locale}/{page.slug}/" if page.slug else f"/{locale}/", page.endpoint,
                               PAGE_VIEWS[page.endpoint], defaults={"locale": locale})


root = Blueprint("root", __name__)
for _page in PAGES:
    root.add_url_rule(f"/{_page.slug}/" if _page.slug else "/", f"negotiate_{_page.endpoint}",
                      _unprefixed_redirect(_page))


def page_url(page: Page, locale: str) -> str:
    return absolute_url(url_for(f"pages.{page.endpoint}", locale=locale))


def alternates(page: Page) -> list[dict]:
    """Every language version of `page`, itself included, plus x-default (the negotiating URL)."""
    links = [{"hreflang": locale, "href": page_url(page, locale)}
             for locale in current_app.config["LOCALES"]]
    links.append({"hreflang": "x-default",
                  "href": absolute_url(url_for(f"root.negotiate_{page.endpoint}"))})
    return links


@root.route("/sitemap.xml")
def sitemap():
    entries = [{"loc": page_url(page, locale), "alternates": alternates(page)}
               for page in PAGES for locale in current_app.config["LOCALES"]]
    xml = render_template("sitemap.xml", entries=entries)
    return Response(xml, mimetype="application/xml")


def not_found(error):
    return _error_page("404.html", 404)


def too_large(error):
    """A request body over MAX_CONTENT_LENGTH (app/limits.py), refused before it was read."""
    return _error_page("413.html", 413)


def _error_page(template: str, status: int) -> Response:
    """The page in the language of the URL's prefix when it names one, else the visitor's language."""
    first_segment = request.path.lstrip("/").split("/", 1)[0]
    negotiated = first_segment not in current_app.config["LOCALES"]
    g.locale = negotiate_locale() if negotiated else first_segment
    response = Response(render_template(template, pages=PAGES), status=status, mimetype="text/html")
    response.headers["Content-Language"] = g.locale
    if negotiated:
        response.headers["Vary"] = NEGOTIATED_VARY
    return response


def month_year(date: dt.date) -> str:
    """"July 2018" / "2018年7月": the locale's own pattern for a month, from CLDR via Babel."""
    return format_skeleton("yMMMM", date, locale=get_locale())


def init_app(app) -> None:
    app.url_map.converters["locale"] = type("LocaleConverter", (BaseConverter,), {
        "regex": "|".join(re.escape(locale) for locale in all_locales(app.config))})
    app.extensions["page_cache"] = PageCache()
    # Each page's rules differ only in their `locale` default; Werkzeug would otherwise compare every match
    # with the page's other rules, looking for a "default" URL to redirect to, on every request.
    app.url_map.redirect_defaults = False
    app.register_blueprint(bp)
    app.register_blueprint(root)
    app.register_error_handler(404, not_found)
    app.register_error_handler(413, too_large)
    app.jinja_env.filters["month_year"] = month_year
    app.jinja_env.globals.update(OFFICE_ESTABLISHED=OFFICE_ESTABLISHED, VISION_PUBLISHED=VISION_PUBLISHED,
                                 MESSAGE_ORIGINAL_URL=MESSAGE_ORIGINAL_URL)
