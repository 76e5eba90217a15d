"""Tools for translators: the translation status page and the side-by-side review of each page.

`/<locale>/translations/` shows, for every locale (published or draft), the counts `flask --app app i18n
check` prints (it calls the same `run_check`, so the numbers cannot disagree), the same counts per page of
the site, every untranslated or fuzzy string with its source reference, comment and page (and, for a fuzzy
one, a diff of the English it was translated from against the English now), every other finding, what the
live site refused or could not load (from the catalog registry), and the glossary. A GET form filters the
strings (text in either language, state, page, context, finding code). While a catalog has a syntax error,
its strings are listed from the last version of the file this process could read.
Suggestions awaiting review (app/suggestions.py) are counted beside the catalogs, never as translated.
`/<locale>/translations/review/<page>/` puts the English and `<locale>` text of one page side by side.

Read-only, and off unless TRANSLATION_STATUS_ENABLED (`make run` turns it on): a 404 otherwise.
The pages are for the translation team, not the site's readers, so their labels are English and marked
`translate="no"` instead of going through gettext: the site's catalog then measures the site alone, and
"0 untranslated" means every reader-facing string is translated. Catalog text is only ever escaped.
"""
from __future__ import annotations

import logging
import re
import threading
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for

from .auth import accounts_enabled, current_user, redirect_unless_signed_in
from .config import all_locales
from .i18n import bind_locale, content_language
from .catalogs import _signature
from .pages import PAGES, PAGES_BY_ENDPOINT
from .tooling.bounded_match import BoundedMatcher, WorkLimit
from .tooling.check import CatalogReport, ProjectPaths, run_check
from .tooling.check_cache import CheckCache
from .tooling.editor_work import awaiting_review
from .tooling.entry import FUZZY, STATES, TODO_STATES, TRANSLATED, Entry, key_of
from .tooling.formats import catalog_strict_forms
from .tooling.findings import Finding
from .tooling.glossary import Glossary, project_glossary
from .tooling.pofile import CatalogError, gc_paused, messages
from .tooling.stats import CatalogStats

log = logging.getLogger(__name__)

# Strings from these sources are on every page (layout, navigation, page titles); 404.html is its own page.
SHARED_SOURCES = frozenset({"templates/base.html", "app/pages.py"})
ALL_PAGES, NOT_FOUND, OTHER = "all-pages", "not-found", "other"
TODO_CODES = ("untranslated", "fuzzy")  # finding codes that are work left, not problems
STRINGS_PER_PAGE = 100  # of the list of strings: a 100,000-entry catalog's to-do is not one page

# Diff tokens: a word (with the spaces after it kept apart), or one character of a script written without
# spaces (kana, kanji, CJK punctuation, full-width forms), where a "word" would be a whole sentence.
_TOKEN_RE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]|\w+|\s+|[^\w\s]")
DIFF_WORK = 200_000  # difflib steps per diff: ~20 ms at worst, far more than any real msgid edit needs


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """`old` → `new` as (op, text) runs, op "equal", "delete" or "insert": words for English, characters
    for Japanese (difflib on tokens). Text, not HTML: the templates escape it into <del> and <ins>.

    The common start and end are set aside first; aligning the rest stops after DIFF_WORK steps of
    difflib (msgids are anybody's text: two similar 5,000-character ones took 13 s), and the rest is then
    shown whole, before and after."""
    a, b = _TOKEN_RE.findall(old), _TOKEN_RE.findall(new)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a_middle, b_middle = a[head:len(a) - tail], b[head:len(b) - tail]
    try:
        opcodes = BoundedMatcher(DIFF_WORK, a_middle, b_middle).get_opcodes()
    except WorkLimit:
        opcodes = [("replace", 0, len(a_middle), 0, len(b_middle))]
    runs: list[tuple[str, str]] = [("equal", "".join(a[:head]))]
    for op, i1, i2, j1, j2 in opcodes:
        if op in ("equal", "delete", "replace"):
            runs.append(("equal" if op == "equal" else "delete", "".join(a_middle[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("insert", "".join(b_middle[j1:j2])))
    runs.append(("equal", "".join(a[len(a) - tail:])))
    return [(op, text) for op, text in runs if text]


bp = Blueprint("translators", __name__, url_prefix="/<locale:locale>/translations")


def pages_of(locations) -> list[str]:
    """The pages a message appears on, from its `(path, line)` locations in the catalog: PAGES endpoints,
    ALL_PAGES for layout and page-list strings, NOT_FOUND for the 404 page, OTHER for anything else."""
    keys = []
    for filename, _line in locations:
        if filename in SHARED_SOURCES:
            key = ALL_PAGES
        elif filename == "templates/404.html":
            key = NOT_FOUND
        else:
            key = _PAGE_BY_TEMPLATE.get(filename, OTHER)
        if key not in keys:
            keys.append(key)
    return keys or [OTHER]


_PAGE_BY_TEMPLATE = {f"templates/{page.template}": page.endpoint for page in PAGES}
PAGE_KEYS = (ALL_PAGES, *(page.endpoint for page in PAGES), NOT_FOUND, OTHER)


def page_label(key: str) -> str:
    if key in PAGES_BY_ENDPOINT:
        page = PAGES_BY_ENDPOINT[key]
        return f"/{page.slug}/" if page.slug else "/ (home)"
    return {ALL_PAGES: "all pages", NOT_FOUND: "404 page", OTHER: "other"}[key]


@dataclass
class StatusEntry:
    """One catalog entry as a translator sees it on the status pages: the entry model (state, verdict), the
    pages it is on, and what `check` says of it."""

    entry: Entry
    pages: list[str]
    findings: list[Finding]

    @property
    def message(self) -> Message:
        return self.entry.message

    @property
    def state(self) -> str:
        return self.entry.state

    @property
    def previous(self) -> str | None:
        """The English a fuzzy translation was made for (`#| msgid`), when `update` kept it."""
        previous = self.message.previous_id
        return previous[0] if previous and self.message.fuzzy else None

    @property
    def previous_context(self) -> str | None:
        """The `#| msgctxt` of a guess from another context (update makes none; msgmerge may)."""
        context = getattr(self.message, "previous_context", None)
        return context if context != self.message.context else None

    @property
    def diff(self) -> list[tuple[str, str]]:
        return text_diff(self.previous, self.msgid) if self.previous is not None else []

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
        return self.entry.key.msgid

    @property
    def translations(self) -> list[str]:
        return list(self.entry.strings)

    def matches(self, query: Query) -> bool:
        if self.state not in query.states:
            return False
        if query.page and query.page not in self.pages:
            return False
        if query.context and (self.message.context or "") != query.context:
            return False
        if query.code and query.code not in {finding.code for finding in self.findings}:
            return False
        if query.text:
            haystack = " ".join([self.msgid, *self.translations, self.previous or "",
                                 self.message.context or ""]).casefold()
            return query.text.casefold() in haystack
        return True


@dataclass(frozen=True)
class Query:
    """The status page's filters (a GET form). The default lists what is left to do."""

    text: str = ""
    state: str = ""  # "", one of STATES, or "all"
    page: str = ""
    context: str = ""
    code: str = ""
    number: int = 1  # which page of the list (STRINGS_PER_PAGE strings a page), not a filter

    @classmethod
    def from_args(cls, args) -> Query:
        state = args.get("state", "")
        page = args.get("page", "")
        return cls(text=args.get("q", "").strip()[:200], state=state if state in (*STATES, "all") else "",
                   page=page if page in PAGE_KEYS else "", context=args.get("context", "")[:200],
                   code=args.get("code", "")[:60], number=max(1, args.get("n", 1, type=int)))

    @property
    def active(self) -> bool:
        return any((self.text, self.state, self.page, self.context, self.code))

    @property
    def states(self) -> tuple[str, ...]:
        """The states listed: the one chosen; by default, with any other filter all, without any the to-do."""
        if self.state and self.state != "all":
            return (self.state,)
        return STATES if self.state == "all" or self.active else TODO_STATES


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
    draft: bool = False  # has a catalog, not published in translations/locales.toml
    from_last_good: bool = False  # the file has errors: entries and pages are from the last readable version
    entries: list[StatusEntry] = field(default_factory=list)
    pages: list[PageStatus] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # every finding about this catalog

    def shown(self, query: Query) -> list[StatusEntry]:
        return [entry for entry in self.entries if entry.matches(query)]

    # Computed once per version of the catalog: the statuses are cached (cached_translation_status).
    @cached_property
    def shared(self) -> list[StatusEntry]:
        """Strings counted on more than one row of the per-page table."""
        return [entry for entry in self.entries if len(entry.pages) > 1]

    @cached_property
    def other_findings(self) -> list[Finding]:
        """The findings that are not work left (TODO_CODES): problems."""
        return [finding for finding in self.findings if finding.code not in TODO_CODES]

    @cached_property
    def contexts(self) -> set[str]:
        return {entry.message.context for entry in self.entries if entry.message.context}

    @property
    def page_total(self) -> int:
        return sum(page.stats.total for page in self.pages)

    def entries_on(self, key: str) -> list[StatusEntry]:
        return [entry for entry in self.entries if key in entry.pages]


def _live_stats(stats: CatalogStats, entries: list[StatusEntry]) -> CatalogStats:
    """`stats` (msgfmt's counts) as the site serves `entries`: a refused entry, or a plural one with an empty
    form that msgfmt counts by its first, is untranslated (English shown)."""
    translated = sum(entry.state == TRANSLATED for entry in entries)
    fuzzy = sum(entry.state == FUZZY for entry in entries)
    return replace(stats, translated=translated, fuzzy=fuzzy, untranslated=stats.total - translated - fuzzy)


def _page_stats(entries: list[StatusEntry]) -> list[PageStatus]:
    """The counts of each page's entries, as _live_stats counts the whole catalog's (obsolete entries are
    on no page)."""
    counts = {key: Counter[str]() for key in PAGE_KEYS}
    for entry in entries:
        for key in entry.pages:
            counts[key][entry.state] += 1
    statuses = []
    for key, states in counts.items():
        total = states.total()
        if not total and key in (OTHER, NOT_FOUND):
            continue
        translated, fuzzy = states[TRANSLATED], states[FUZZY]
        statuses.append(PageStatus(key, page_label(key), CatalogStats(total, translated, fuzzy,
                                                                      total - translated - fuzzy, 0)))
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


def _entries_with_pages(po_path: Path, catalog: Catalog) -> list[tuple[Entry, list[str]]]:
    """Every entry of `catalog` (entry.catalog_entries) with the pages it is on. An entry judged for the
    catalog last shown from `po_path` is taken as it was when check_cache kept its message (the same object:
    the same text; a new version of a catalog has new messages only for the entries it changed or moved)."""
    known = current_app.extensions["translators_entries"]
    judged: dict[int, tuple[Entry, list[str]]] = known.get(po_path, {})
    strict = catalog_strict_forms(catalog)
    now = {}
    for message in messages(catalog):
        pair = judged.get(id(message))
        if pair is None or pair[0].message is not message:
            pair = (Entry.of(message, strict), pages_of(message.locations))
        now[id(message)] = pair
    known[po_path] = now
    return list(now.values())


def _readable_catalog(po_path: Path, read: Catalog | None) -> tuple[Catalog | None, bool]:
    """The catalog in `po_path` (`read`: as `check` just read it, else None when it could not), else the
    last version of it this process read (and True), else None.

    Kept here, not taken from the registry: the registry holds what the site serves (compiled, refused
    entries blanked), the status page lists what the file says.
    """
    last_good = current_app.extensions["translators_last_good"]
    if read is None:
        return last_good.get(po_path), po_path in last_good
    last_good[po_path] = read
    return read, False


def _locale_status(locale: str, report: CatalogReport | None, findings: list[Finding],
                   read: dict[Path, Catalog]) -> LocaleStatus:
    config = current_app.config
    state = current_app.extensions["catalogs"].state(locale)
    status = LocaleStatus(locale, Locale.parse(locale).english_name or locale, report, state.error, list(state.refused),
                          draft=locale in config["DRAFT_LOCALES"])
    root, po_path = Path(config["PROJECT_ROOT"]), state.po_path.resolve()
    # `check` names files relative to the project root when they are inside it, absolute otherwise.
    paths = {path: (root / path).resolve() == po_path for path in {f.path for f in findings}}
    status.findings = [f for f in findings if paths[f.path]]
    if not state.po_path.exists():
        return status
    catalog, status.from_last_good = _readable_catalog(state.po_path, read.get(po_path))
    if catalog is None:
        return status
    # Findings name lines of the file on disk: they belong to entries only when that file is the one shown.
    by_entry = {} if status.from_last_good else _findings_by_entry(catalog, status.findings)
    status.entries = [StatusEntry(entry, pages, by_entry.get(entry.message.lineno or 0, []))
                      for entry, pages in _entries_with_pages(po_path, catalog)]
    status.pages = _page_stats(status.entries)
    if report is not None:  # None beside a syntax error: the to-do comes from the last good catalog
        status.report = replace(report, stats=_live_stats(report.stats, status.entries))
    return status


def _machine_paths() -> re.Pattern:
    """The absolute spellings (with a final "/") of the project, translations and templates directories,
    longest first, as one pattern."""
    config = current_app.config
    spellings = {spelling.rstrip("/") + "/"
                 for directory in {Path(config["PROJECT_ROOT"]), Path(config["TRANSLATIONS_DIR"]).parent,
                                   Path(config["TEMPLATES_DIR"]).parent}
                 for spelling in (str(directory), str(directory.resolve()))}
    return re.compile("|".join(re.escape(spelling) for spelling in sorted(spellings, key=len, reverse=True)))


def _without_machine_paths(text: str, spellings: re.Pattern | None = None) -> str:
    """`text` with the absolute paths of the project, translations and templates directories made relative:
    no page shows where the site lives on the machine. `spellings`: _machine_paths(), when known."""
    return (spellings or _machine_paths()).sub("", text)


def without_machine_paths(text: str) -> str:
    """The templates' `without_machine_paths` filter, for each finding's path and message as it is shown
    (a page shows a few dozen of a catalog's findings: rewriting them all cost ~30 ms a version at 20,000)."""
    spellings = g.get("machine_paths")
    if spellings is None:
        spellings = g.machine_paths = _machine_paths()
    return _without_machine_paths(text, spellings)


def translation_status() -> tuple[list[LocaleStatus], list[Finding]]:
    """Every locale's status, and the findings about no catalog in particular (POT, templates). Findings
    are as `check` gives them: pages show them through `without_machine_paths`."""
    config = current_app.config
    result = run_check([], project=ProjectPaths.from_config(config), source_locale=config["DEFAULT_LOCALE"],
                       draft_locales=config["DRAFT_LOCALES"], cache=current_app.extensions["translators_check_cache"])
    reports = {report.locale: report for report in result.catalogs}
    read = {path.resolve(): catalog for path, catalog in result.read.items()}
    statuses = [_locale_status(locale, reports.get(locale), result.findings, read) for locale in all_locales(config)]
    claimed = {id(f) for status in statuses for f in status.findings}
    spellings = _machine_paths()
    for status in statuses:
        status.load_error = status.load_error and _without_machine_paths(status.load_error, spellings)
        if status.report:
            status.report = replace(status.report, path=_without_machine_paths(status.report.path, spellings))
    return statuses, [f for f in result.findings if id(f) not in claimed]


Statuses = tuple[list[LocaleStatus], list[Finding]]


@dataclass
class _Computed:
    key: tuple  # the signatures of the files it was computed from
    done: threading.Event = field(default_factory=threading.Event)
    statuses: Statuses | None = None
    error: Exception | None = None


class StatusBoard:
    """The last translation status computed, and the computation of a newer one when the files changed.

    A request waits for a new one at most TRANSLATION_STATUS_WAIT seconds (check_cache makes a save's
    version quick; a new 100,000-entry catalog takes seconds to check whole), then is shown the last one,
    marked as older than the files, or, before the first, a page that reloads itself. One computation at
    a time, in a thread of its own: no request holds a worker for the whole check."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # held only to read or swap the fields below
        self._shown: _Computed | None = None
        self._running: _Computed | None = None

    def statuses(self, app, key: tuple, wait: float) -> tuple[Statuses | None, bool]:
        """(the newest statuses computed, whether they are of the files with `key`)."""
        with self._lock:
            shown, running = self._shown, self._running
            if shown is not None and shown.key == key:
                return shown.statuses, True
            if running is None or running.done.is_set():
                running = self._running = _Computed(key)
                threading.Thread(target=self._compute, args=(app, running), daemon=True,
                                 name="translation-status").start()
        running.done.wait(wait)
        with self._lock:
            shown = self._shown
        if running.error is not None and shown is None:
            raise running.error  # (logged; with an older status, that one is shown, marked older)
        return (shown.statuses, shown.key == key) if shown is not None else (None, False)

    def _compute(self, app, computed: _Computed) -> None:
        try:
            # The cyclic collector paused: building a status allocates an object or more per entry, none in a
            # cycle, and a full collection walks every catalog the process holds (measured: 120 ms → 450 ms).
            with app.app_context(), gc_paused():
                computed.statuses = translation_status()
            with self._lock:
                self._shown = computed
        except Exception as err:  # shown to the request waiting (a 500), and logged
            log.exception("the translation status could not be computed")
            computed.error = err
        finally:
            computed.done.set()


def cached_translation_status() -> tuple[Statuses | None, bool]:
    """(translation_status(), whether it is of the files on disk now): run again only when a catalog, the POT
    or the glossary changed on disk, waiting for it at most TRANSLATION_STATUS_WAIT seconds (StatusBoard);
    every time and to the end when PAGE_CACHE is off (`make run`: templates change too)."""
    config = current_app.config
    if not config["PAGE_CACHE"]:
        return translation_status(), True
    directory = Path(config["TRANSLATIONS_DIR"])
    files = [directory / locale / "LC_MESSAGES" / "messages.po" for locale in all_locales(config)]
    files += [directory / "messages.pot", directory / "glossary.csv"]
    key = tuple(_signature(path) for path in files)
    board: StatusBoard = current_app.extensions["translation_status"]
    return board.statuses(current_app._get_current_object(), key,  # type: ignore[attr-defined]
                          config["TRANSLATION_STATUS_WAIT"])


def _still_checking() -> Response:
    """Before the first status is computed: a page that says so and reloads itself."""
    response = Response(render_template("translators/checking.html"))
    response.headers["Refresh"] = "2"
    return response


def _glossary() -> tuple[Glossary | None, str | None]:
    try:
        return project_glossary(current_app.config["TRANSLATIONS_DIR"]), None
    except CatalogError as err:
        return None, _without_machine_paths(str(err))


bind_locale(bp)


@bp.context_processor
def template_helpers():
    return {"page_label": page_label, "todo_codes": TODO_CODES, "states": STATES, "page_keys": PAGE_KEYS,
            "strings_per_page": STRINGS_PER_PAGE, "list_page_url": list_page_url,
            "viewer": current_user() if accounts_enabled() else None,
            "entry_id": lambda message: key_of(message).id}


def list_page_url(number: int) -> str:
    """This page with the same filters, showing page `number` of the list."""
    return url_for("translators.status", **{**(request.view_args or {}), **request.args.to_dict(), "n": str(number)})


@bp.before_request
def only_when_enabled():
    if not current_app.config["TRANSLATION_STATUS_ENABLED"]:
        abort(404)
    if current_app.config["TRANSLATION_STATUS_SIGN_IN"]:
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
    computed, current = cached_translation_status()
    if computed is None:
        return _still_checking()
    statuses, project_findings = computed
    glossary, glossary_error = _glossary()
    query = Query.from_args(request.args)
    contexts = sorted(set().union(*(s.contexts for s in statuses)))
    codes = sorted({finding.code for s in statuses for finding in s.findings})
    return render_template("translators/status.html", statuses=statuses, project_findings=project_findings,
                           glossary=glossary, glossary_error=glossary_error, pages=PAGES, query=query,
                           contexts=contexts, codes=codes, source_locale=current_app.config["DEFAULT_LOCALE"],
                           awaiting=awaiting_review(current_app.config["EDITOR_DB"]), current=current)


@bp.route("/review/<key>/")
def review(key: str):
    """English and `<locale>` of one page, message by message in template order."""
    if key not in PAGE_KEYS or g.locale == current_app.config["DEFAULT_LOCALE"]:
        abort(404)
    computed, current = cached_translation_status()
    if computed is None:
        return _still_checking()
    status = next(s for s in computed[0] if s.locale == g.locale)
    entries = sorted(status.entries_on(key),
                     key=lambda entry: [(path, line or 0) for path, line in entry.message.locations])
    return render_template("translators/review.html", status=status, entries=entries, key=key,
                           label=page_label(key), page=PAGES_BY_ENDPOINT.get(key),
                           source_locale=current_app.config["DEFAULT_LOCALE"], current=current)


def init_app(app) -> None:
    app.extensions["translators_last_good"] = {}  # po path → the last Catalog read from it
    app.extensions["translation_status"] = StatusBoard()
    app.jinja_env.filters["without_machine_paths"] = without_machine_paths
    app.extensions["translators_entries"] = {}  # po path → its entries judged by id(message): _entries_with_pages
    # Each catalog judged once per version; the sources once, when they cannot change (as for the page cache).
    app.extensions["translators_check_cache"] = CheckCache(fixed_sources=app.config["PAGE_CACHE"])
    app.register_blueprint(bp)
