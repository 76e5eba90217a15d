"""Tools for translators: the translation status page and the side-by-side review of each page.

`/<locale>/translations/` shows, for every locale, the counts `flask --app app i18n check` prints (it calls
the same `run_check`, so the numbers cannot disagree), the same counts per page of the site, every
untranslated or fuzzy string with its source reference, comment and page, every other finding, what the
live site refused or could not load (from the catalog registry), and the glossary.
`/<locale>/translations/review/<page>/` puts the English and `<locale>` text of one page side by side.

Read-only, and off unless TRANSLATION_STATUS_ENABLED (`make run` turns it on): a 404 otherwise.
The pages are for the translation team, not the site's readers, so their labels are English and marked
`translate="no"` instead of going through gettext: the site's catalog then measures the site alone, and
"0 untranslated" means every reader-facing string is translated. Catalog text is only ever escaped.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from flask import Blueprint, Response, abort, current_app, g, render_template

from .i18n import bind_locale, content_language
from .catalogs import _signature
from .pages import PAGES, PAGES_BY_ENDPOINT
from .tooling.check import CatalogReport, ProjectPaths, run_check
from .tooling.findings import Finding
from .tooling.glossary import Glossary, project_glossary
from .tooling.pofile import CatalogError, messages, read_catalog
from .tooling.stats import CatalogStats, catalog_stats

# Strings from these sources are on every page (layout, navigation, page titles); 404.html is its own page.
SHARED_SOURCES = frozenset({"templates/base.html", "app/pages.py"})
ALL_PAGES, NOT_FOUND, OTHER = "all-pages", "not-found", "other"
TODO_CODES = ("untranslated", "fuzzy")

bp = Blueprint("translators", __name__, url_prefix="/<locale:locale>/translations")


def pages_of(locations) -> list[str]:
    """The pages a message appears on, from its `(path, line)` locations in the catalog: PAGES endpoints,
    ALL_PAGES for layout and page-list strings, NOT_FOUND for the 404 page, OTHER for anything else."""
    by_template = {f"templates/{page.template}": page.endpoint for page in PAGES}
    keys = []
    for filename, _line in locations:
        if filename in SHARED_SOURCES:
            key = ALL_PAGES
        elif filename == "templates/404.html":
            key = NOT_FOUND
        else:
            key = by_template.get(filename, OTHER)
        if key not in keys:
            keys.append(key)
    return keys or [OTHER]


PAGE_KEYS = (ALL_PAGES, *(page.endpoint for page in PAGES), NOT_FOUND, OTHER)


def page_label(key: str) -> str:
    if key in PAGES_BY_ENDPOINT:
        page = PAGES_BY_ENDPOINT[key]
        return f"/{page.slug}/" if page.slug else "/ (home)"
    return {ALL_PAGES: "all pages", NOT_FOUND: "404 page", OTHER: "other"}[key]


@dataclass
class Entry:
    """One catalog message as a translator sees it: its text, where it is, and what `check` says of it."""

    message: Message
    pages: list[str]
    findings: list[Finding]

    @property
    def state(self) -> str:
        codes = {finding.code for finding in self.findings}
        return next((code for code in TODO_CODES if code in codes), "translated")

    @property
    def references(self) -> list[str]:
        return [f"{path}:{line}" if line else path for path, line in self.message.locations]

    @property
    def comments(self) -> list[str]:
        # The developer's "Translators:" comment arrives as wrapped lines: show it as the one comment it is.
        auto = " ".join(self.message.auto_comments)
        return [auto, *self.message.user_comments] if auto else list(self.message.user_comments)

    @property
    def msgid(self) -> str:
        return self.message.id[0] if isinstance(self.message.id, tuple) else self.message.id

    @property
    def translations(self) -> list[str]:
        string = self.message.string
        return [string] if isinstance(string, str) else list(string)


@dataclass
class PageStatus:
    key: str
    label: str
    stats: CatalogStats


@dataclass
class LocaleStatus:
    locale: str
    name: str
    report: CatalogReport | None  # None: no catalog, or one `check` cannot read
    load_error: str | None  # the registry's: why the site is serving an older catalog
    refused: list[str]  # entries the site refused to serve (English shown instead)
    entries: list[Entry] = field(default_factory=list)
    pages: list[PageStatus] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # every finding about this catalog

    @property
    def todo(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.state != "translated"]

    def entries_on(self, key: str) -> list[Entry]:
        return [entry for entry in self.entries if key in entry.pages]


def _page_stats(catalog: Catalog, entries: list[Entry]) -> list[PageStatus]:
    """catalog_stats of the sub-catalog of each page's messages: counted exactly as for the whole catalog."""
    statuses = []
    for key in PAGE_KEYS:
        on_page = [entry.message for entry in entries if key in entry.pages]
        if not on_page and key in (OTHER, NOT_FOUND):
            continue
        sub = Catalog(locale=catalog.locale, fuzzy=False)
        for message in on_page:
            sub[message.id] = message
        statuses.append(PageStatus(key, page_label(key), catalog_stats(sub)))
    return statuses


def _findings_by_entry(catalog: Catalog, findings: list[Finding]) -> dict[int, list[Finding]]:
    """Findings by the first line of the entry they fall in: `check` reports some on the msgid's line,
    others (placeholders, markup) on the msgstr's, as msgfmt does. Line 0 and the header are no entry's."""
    starts = sorted(m.lineno for m in (*messages(catalog), *catalog.obsolete.values()) if m.lineno)
    by_entry: dict[int, list[Finding]] = {}
    for finding in findings:
        index = bisect_right(starts, finding.line) - 1
        if index >= 0:
            by_entry.setdefault(starts[index], []).append(finding)
    return by_entry


def _locale_status(locale: str, report: CatalogReport | None, findings: list[Finding]) -> LocaleStatus:
    state = current_app.extensions["catalogs"].state(locale)
    status = LocaleStatus(locale, Locale.parse(locale).english_name, report, state.error, list(state.refused))
    root, po_path = Path(current_app.config["PROJECT_ROOT"]), state.po_path.resolve()
    # `check` names files relative to the project root when they are inside it, absolute otherwise.
    status.findings = [f for f in findings if (root / f.path).resolve() == po_path]
    if report is None:
        return status
    try:
        catalog = read_catalog(state.po_path)
    except CatalogError:  # changed on disk since `check` read it; the next load shows it
        return status
    by_entry = _findings_by_entry(catalog, status.findings)
    status.entries = [Entry(message, pages_of(message.locations), by_entry.get(message.lineno, []))
                      for message in messages(catalog)]
    status.pages = _page_stats(catalog, status.entries)
    return status


def translation_status() -> tuple[list[LocaleStatus], list[Finding]]:
    """Every locale's status, and the findings about no catalog in particular (POT, templates)."""
    config = current_app.config
    result = run_check([], project=ProjectPaths.from_config(config), source_locale=config["DEFAULT_LOCALE"])
    reports = {report.locale: report for report in result.catalogs}
    statuses = [_locale_status(locale, reports.get(locale), result.findings) for locale in config["LOCALES"]]
    claimed = {id(f) for status in statuses for f in status.findings}
    return statuses, [f for f in result.findings if id(f) not in claimed]


def cached_translation_status() -> tuple[list[LocaleStatus], list[Finding]]:
    """translation_status(), run again only when a catalog, the POT or the glossary changed on disk (the
    whole check costs ~130 ms); every time when PAGE_CACHE is off (`make run`: templates change too)."""
    config = current_app.config
    if not config["PAGE_CACHE"]:
        return translation_status()
    directory = Path(config["TRANSLATIONS_DIR"])
    files = [directory / locale / "LC_MESSAGES" / "messages.po" for locale in config["LOCALES"]]
    files += [directory / "messages.pot", directory / "glossary.csv"]
    key = tuple(_signature(path) for path in files)
    cached = current_app.extensions.get("translation_status")
    if cached is None or cached[0] != key:
        cached = current_app.extensions["translation_status"] = (key, translation_status())
    return cached[1]


def _glossary() -> tuple[Glossary | None, str | None]:
    try:
        return project_glossary(current_app.config["TRANSLATIONS_DIR"]), None
    except CatalogError as err:
        return None, str(err)


bind_locale(bp)


@bp.context_processor
def template_helpers():
    return {"page_label": page_label, "todo_codes": TODO_CODES}


@bp.before_request
def only_when_enabled():
    if not current_app.config["TRANSLATION_STATUS_ENABLED"]:
        abort(404)
    if current_app.config["TRANSLATION_STATUS_SIGN_IN"]:
        from .editor import redirect_unless_signed_in  # imported here: the editor imports this module
        return redirect_unless_signed_in()


bp.after_request(content_language)


@bp.after_request
def never_cached(response: Response) -> Response:
    # Live numbers, and a tool nobody should find through a search engine.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/")
def status():
    statuses, project_findings = cached_translation_status()
    glossary, glossary_error = _glossary()
    return render_template("translators/status.html", statuses=statuses, project_findings=project_findings,
                           glossary=glossary, glossary_error=glossary_error, pages=PAGES,
                           source_locale=current_app.config["DEFAULT_LOCALE"])


@bp.route("/review/<key>/")
def review(key: str):
    """English and `<locale>` of one page, message by message in template order."""
    if key not in PAGE_KEYS or g.locale == current_app.config["DEFAULT_LOCALE"]:
        abort(404)
    statuses, _ = cached_translation_status()
    status = next(s for s in statuses if s.locale == g.locale)
    entries = sorted(status.entries_on(key),
                     key=lambda entry: [(path, line or 0) for path, line in entry.message.locations])
    return render_template("translators/review.html", status=status, entries=entries, key=key,
                           label=page_label(key), page=PAGES_BY_ENDPOINT.get(key),
                           source_locale=current_app.config["DEFAULT_LOCALE"])


def init_app(app) -> None:
    app.register_blueprint(bp)
