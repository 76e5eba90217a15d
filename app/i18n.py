"""Locale negotiation, localized URLs, and translations in templates.

Every page lives under `/<locale>/`. Unprefixed URLs redirect to the visitor's language: an explicit
earlier choice (cookie) first, then Accept-Language (parsed by Werkzeug), then the default locale.

Translations are data. The gettext functions templates call (`_`, `gettext`, `pgettext`, `ngettext`,
`npgettext`, `{% trans %}`) replace the ones Jinja's newstyle i18n installs, which mark every translation as
safe Markup. Ours return a `Translated`: rendered as element content it is escaped text, or, when the
msgid holds markup, the translation re-serialized with the msgid's own tags (tooling/markup.py), and a
string shown in English on a page in another language is wrapped in `<span lang="en">`. Attribute values
and <title> hold no markup: there the template writes `|plain`, which gives the words as text for Jinja to
escape. Forgetting `|plain` puts a `<span>` into an attribute: tests/test_markup_pages.py renders every
template with every entry refused and validates the HTML, so the mistake cannot pass silently.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from babel import Locale
from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from flask_babel import Babel, get_locale, get_translations
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from .catalogs import CatalogRegistry, RegistryDomain
from .config import all_locales
from .tooling.markup import plain_text, render

bp = Blueprint("i18n", __name__)

NEGOTIATED_VARY = "Accept-Language, Cookie"


def negotiate_locale() -> str:
    config = current_app.config
    chosen = request.cookies.get(config["LOCALE_COOKIE"])
    if chosen is not None and chosen in config["LOCALES"]:
        return chosen
    return request.accept_languages.best_match(config["LOCALES"]) or config["DEFAULT_LOCALE"]


def select_locale() -> str:
    """flask-babel's locale selector: the URL's locale, else the negotiated one."""
    return g.get("locale") or negotiate_locale()


def absolute_url(path: str) -> str:
    """An absolute URL on the configured site, whatever Host header the request carried."""
    return current_app.config["BASE_URL"] + path


def redirect_to_locale(endpoint: str, **values):
    """A negotiated redirect: its target depends on cookie and Accept-Language, so caches must vary."""
    response = redirect(absolute_url(url_for(endpoint, locale=negotiate_locale(), **values)))
    response.headers["Vary"] = NEGOTIATED_VARY
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def bind_locale(bp: Blueprint) -> None:
    """Views of `bp` take their `locale` URL value into `g.locale`, and url_for inside them keeps it."""

    @bp.url_value_preprocessor
    def take_locale(endpoint, values):
        g.locale = values.pop("locale")

    @bp.url_defaults
    def add_locale(endpoint, values):
        if "locale" not in values and "locale" in g:
            values["locale"] = g.locale


def content_language(response):
    """after_request for a blueprint whose views render in `g.locale`: say so in Content-Language.

    Per blueprint rather than app-wide: the page views set it themselves on their cached path, where an
    app-wide hook would cost a mimetype parse on every request.
    """
    if response.mimetype == "text/html":
        response.headers["Content-Language"] = g.locale
    return response


def localized_url(locale: str) -> str:
    """This request's page in `locale`, or that locale's home page when the page has no localized twin."""
    rule = request.url_rule
    if rule is not None and "locale" in rule.arguments:
        return url_for(rule.endpoint, **{**(request.view_args or {}), "locale": locale})
    return url_for("pages.home", locale=locale)


def language_options() -> list[dict]:
    """The switcher's entries, each language named in itself ("English", "日本語") as Babel spells it."""
    current = str(get_locale())
    options = []
    for locale in current_app.config["LOCALES"]:
        target = localized_url(locale)
        if not current_app.config["STATIC_EXPORT"]:
            target = url_for("i18n.switch_language", locale=locale, next=target)
        options.append({
            "locale": locale,
            "name": Locale.parse(locale).get_display_name(locale),
            "url": target,
            "current": locale == current,
        })
    return options


@bp.route("/language/<locale>")
def switch_language(locale: str):
    """Remember an explicit choice, then show the same page in that language (no JavaScript needed)."""
    config = current_app.config
    if locale not in config["LOCALES"]:
        abort(404)
    target = _same_site_page(request.args.get("next", ""), locale)
    response = redirect(absolute_url(target), code=303)
    response.set_cookie(
        config["LOCALE_COOKIE"], locale, max_age=config["LOCALE_COOKIE_MAX_AGE"], samesite="Lax",
        httponly=True, secure=config["BASE_URL"].startswith("https://"),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _same_site_page(next_path: str, locale: str) -> str:
    """`next_path` if it names one of the site's pages in `locale`, else that locale's home page.

    The target is only ever a path matched against the URL map and appended to BASE_URL, so no value of
    `next` (`//host`, `/\\host`, `https:...`, encoded forms) can send the visitor elsewhere.
    """
    home = url_for("pages.home", locale=locale)
    parts = urlsplit(next_path)
    if parts.scheme or parts.netloc or not parts.path.startswith(f"/{locale}/") or "\\" in parts.path:
        return home
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(parts.path, method="GET")
    except HTTPException:  # no such page, or a redirect (e.g. missing trailing slash)
        return home
    return parts.path if endpoint.startswith("pages.") else home


class Translated:
    """One translated string as a template uses it: `__html__` for element content, `str()` for the words
    as plain text (attribute values, <title>, `~`), which Jinja escapes."""

    __slots__ = ("html", "text")

    def __init__(self, html: Markup, text: str):
        self.html, self.text = html, text

    def __html__(self) -> Markup:
        return self.html

    def __str__(self) -> str:
        return self.text


def _translated(msgid: str, translation: str, variables: dict) -> Translated:
    """`translation` of `msgid` for a page, formatted as Jinja's newstyle gettext does (`% variables`, so
    `%%` is `%`; Markup's `%` escapes the values). English (the translation equals the msgid, or markup.py
    refuses it) is marked lang="en" on a page in another language."""
    html = render(msgid, translation) if translation != msgid else None
    if html is None:
        translation, html = msgid, render(msgid, msgid)
        assert html is not None  # render refuses no markup in the msgid itself
        source = current_app.config["DEFAULT_LOCALE"]
        if str(get_locale()) != source:
            html = Markup('<span lang="%s">%s</span>') % (source, html)
    return Translated(html % variables, plain_text(translation) % variables)


def gettext(msgid: str, **variables) -> Translated:
    return _translated(msgid, get_translations().ugettext(msgid), variables)


def pgettext(context: str, msgid: str, **variables) -> Translated:
    return _translated(msgid, get_translations().upgettext(context, msgid), variables)


def ngettext(singular: str, plural: str, num: int, **variables) -> Translated:
    variables.setdefault("num", num)
    return _translated(singular if num == 1 else plural,
                       get_translations().ungettext(singular, plural, num), variables)


def npgettext(context: str, singular: str, plural: str, num: int, **variables) -> Translated:
    variables.setdefault("num", num)
    return _translated(singular if num == 1 else plural,
                       get_translations().unpgettext(context, singular, plural, num), variables)


class LazyTranslation:
    """`lazy_pgettext`: a message translated each time it is rendered, in the locale of that moment."""

    __slots__ = ("context", "msgid")

    def __init__(self, context: str, msgid: str):
        self.context, self.msgid = context, msgid

    def __html__(self) -> Markup:
        return pgettext(self.context, self.msgid).__html__()

    def __str__(self) -> str:
        return str(pgettext(self.context, self.msgid))


def lazy_pgettext(context: str, msgid: str) -> LazyTranslation:
    return LazyTranslation(context, msgid)


def plain(value):
    """The `|plain` filter: a translation as text, for attribute values and <title> (Jinja escapes it).
    Other HTML is refused loudly, so no markup can slip into an attribute through this filter."""
    if isinstance(value, (Translated, LazyTranslation)):
        return str(value)
    if hasattr(value, "__html__"):
        raise TypeError(f"|plain is for translations and text, not {type(value).__name__}")
    return value


def init_app(app) -> CatalogRegistry:
    # Drafts too: the status pages count them and translators preview them (pages.py).
    registry = CatalogRegistry(app.config["TRANSLATIONS_DIR"], all_locales(app.config),
                               write_mo=app.config["WRITE_MO_FILES"], mo_delay=app.config["WRITE_MO_DELAY"])
    babel = Babel(app, locale_selector=select_locale, default_locale=app.config["DEFAULT_LOCALE"])
    babel.domain_instance = RegistryDomain(registry)
    app.extensions["catalogs"] = registry
    app.register_blueprint(bp)

    @app.after_request
    def keep_redirects_on_site(response):
        # Werkzeug's own redirects (a missing trailing slash) are built from the Host header; rebase them.
        # Its HTML body names the target too: rebuild it from the rebased Location, not the Host header.
        if response.status_code in (301, 308) and "Location" in response.headers:
            parts = urlsplit(response.headers["Location"])
            target = absolute_url(urlunsplit(("", "", parts.path, parts.query, "")))
            response.set_data(redirect(target, response.status_code).get_data())
            response.headers["Location"] = target
        return response

    # After Babel(app), which installed Jinja's own newstyle callables: ours replace them.
    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext,
                                 npgettext=npgettext)
    app.jinja_env.filters["plain"] = plain
    app.jinja_env.globals.update(language_options=language_options, absolute_url=absolute_url)
    return registry
