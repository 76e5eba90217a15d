"""The translation editor's pages: the list, an entry, save, preview, history and revert (blueprint `bp`).

Every page is for a signed-in translator of the URL's locale (auth.login_required); saving goes through
store.py (one entry, under a lock, conflict-checked).
"""
from __future__ import annotations

import errno
import io
import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.support import Translations
from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_domain

from ..auth import current_user, login_required
from ..i18n import absolute_url, bind_locale, content_language
from ..pages import PAGES, PAGES_BY_ENDPOINT, alternates
from ..tooling.compile import mo_bytes
from ..tooling.entry import STATES, TODO_STATES, TRANSLATED, Entry, EntryKey, catalog_entries
from ..tooling.formats import catalog_strict_forms
from ..tooling.glossary import project_glossary
from ..tooling.files import FileVersion, UnsafeSideFile
from ..tooling.findings import Finding
from ..tooling.pofile import UNREADABLE, CatalogError, parse_po
from ..tooling.project_files import outside_problem
from ..translators import ALL_PAGES, PAGE_KEYS, page_label, pages_of, text_diff
from .store import (RETRY_AFTER, Author, CatalogBusy, CatalogStore, Conflict, EntryGone, Refused, read_catalog,
                    remember_valid, validate)

log = logging.getLogger(__name__)

FILTERS = ("todo", *TODO_STATES, "all")
PER_PAGE = 50
ACTIONS = {"save": "save", "next": "save", "fuzzy": "fuzzy", "approve": "approve"}

bp = Blueprint("editor", __name__, url_prefix="/<locale:locale>/translations/edit")
bind_locale(bp)
bp.after_request(content_language)


# --- the catalog, as the editor sees it -------------------------------------------------------------------

@dataclass
class Row:
    """An entry (the entry model: key, forms, state, verdict) with what the list and the entry page add."""

    entry: Entry
    previous: str | None = None  # the `#| msgid` of a fuzzy entry, when read for the entry page

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def key(self) -> EntryKey:
        return self.entry.key

    @property
    def message(self) -> Message:
        return self.entry.message

    @property
    def state(self) -> str:
        return self.entry.state

    @property
    def reason(self) -> str | None:
        """Why the live site refuses it (state "refused")."""
        return self.entry.refusal and self.entry.refusal.reason

    @property
    def ids(self) -> tuple[str, ...]:
        return self.entry.ids

    @property
    def strings(self) -> tuple[str, ...]:
        return self.entry.strings

    @property
    def pages(self) -> list[str]:
        return pages_of(self.message.locations)


@dataclass
class LoadedCatalog:
    signature: FileVersion  # of the file read
    rows: list[Row]
    by_id: dict[str, Row]
    strict: frozenset[int] | None  # the plural forms checked strictly (formats.catalog_strict_forms)


_loaded: dict[Path, LoadedCatalog] = {}  # per process: parsed once per version of the file


def po_path(locale: str) -> Path:
    return Path(current_app.config["TRANSLATIONS_DIR"]) / locale / "LC_MESSAGES" / "messages.po"


def _broken(err: CatalogError):
    """A 503 page saying why the catalog cannot be edited (its path relative to translations/ only)."""
    return abort(Response(render_template("editor/broken.html", error=str(err)), status=503))


def _guarded(path: Path) -> Path:
    """`path`, unless it is a symlink out of translations/ (checked as `check` checks it: a 503 that names
    neither the target nor anything of it); the store refuses any symlink as the file itself."""
    problem = outside_problem(path, current_app.config["TRANSLATIONS_DIR"])
    if problem:
        log.warning("editor: %s %s", path, problem)
        _broken(CatalogError([Finding(str(Path(*path.parts[-3:])), 0, UNREADABLE, problem)]))
    return path


def load(locale: str) -> LoadedCatalog:
    """The locale's catalog as on disk now; a broken file is a 503 page saying why (nothing is lost)."""
    path = _guarded(po_path(locale))
    try:
        data, signature = read_catalog(path)
        cached = _loaded.get(path)
        if cached is not None and cached.signature == signature:
            return cached
        pofile = parse_po(data, Path(*path.parts[-3:]))
    except FileNotFoundError:
        abort(404)
    except CatalogError as err:
        _broken(err)
    remember_valid(path, data, signature)  # parsed whole: the next save need not parse this version again
    strict = catalog_strict_forms(pofile.catalog)
    rows = [Row(entry) for entry in catalog_entries(pofile.catalog)]
    loaded = _loaded[path] = LoadedCatalog(signature, rows, {row.id: row for row in rows}, strict)
    return loaded


def store_for(locale: str) -> CatalogStore:
    config = current_app.config
    return CatalogStore(_guarded(po_path(locale)), locale, config["EDITOR_DB"],
                        git_commits=config["EDITOR_GIT_COMMITS"])


# --- views ------------------------------------------------------------------------------------------------

@bp.before_request
def only_where_the_editor_is_on():
    config = current_app.config
    if not config["EDITOR_ENABLED"] or g.locale == config["DEFAULT_LOCALE"]:
        abort(404)


@bp.before_request
@login_required(role="translator", locale=lambda: g.locale)
def signed_in_translator_of_this_locale() -> None:
    """Every page of the editor is for a signed-in translator of this locale (the decorator sees to it)."""


@bp.after_request
def never_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.context_processor
def editor_helpers():
    return {"user": current_user(), "page_label": page_label,
            "source_locale": current_app.config["DEFAULT_LOCALE"]}


def _matches(row: Row, text: str) -> bool:
    return any(text in part.casefold() for part in (*row.ids, *row.strings))


@bp.route("/")
def entries():
    """The list: filter by state, page, context and text (English or translation); 50 a page."""
    loaded = load(g.locale)
    args = request.args
    state = args.get("state", "todo") if args.get("state", "todo") in FILTERS else "todo"
    page_key = args.get("page") if args.get("page") in PAGE_KEYS else ""
    context = args.get("context", "")
    text = args.get("q", "").strip().casefold()
    counts = {name: sum(row.state == name for row in loaded.rows) for name in STATES}
    shown = [row for row in loaded.rows
             if (state == "all" or row.state == state or (state == "todo" and row.state != TRANSLATED))
             and (not page_key or page_key in row.pages or (ALL_PAGES in row.pages and page_key in PAGES_BY_ENDPOINT))
             and (not context or (row.key.context or "") == context)
             and (not text or _matches(row, text))]
    pages_total = max(1, math.ceil(len(shown) / PER_PAGE))
    number = min(max(args.get("n", 1, type=int), 1), pages_total)
    contexts = sorted({row.key.context for row in loaded.rows if row.key.context})
    return render_template("editor/list.html", rows=shown[(number - 1) * PER_PAGE:number * PER_PAGE],
                           total=len(shown), counts=counts, state=state, page_key=page_key, context=context,
                           q=args.get("q", ""), number=number, pages_total=pages_total, contexts=contexts,
                           page_keys=PAGE_KEYS, filters=FILTERS)


def _row_or_404(loaded: LoadedCatalog, id_: str) -> Row:
    row = loaded.by_id.get(id_)
    if row is None:
        abort(404)
    return row


def _current(id_: str) -> tuple[LoadedCatalog | None, Row]:
    """The entry `id_` as on disk now, and the catalog for finding its neighbours (None when a form
    named the entry and this process has not read the whole catalog yet).

    The neighbours come from this process's last full read, possibly a few saves old (saves never add or
    remove entries); the entry itself is read fresh without parsing the whole file, which for a
    20,000-entry catalog would cost ~0.6 s on every page view and save while others save.
    """
    cached = _loaded.get(po_path(g.locale))
    if "msgid" in request.form:  # the entry form names its entry: no whole read needed to find it
        key = EntryKey(request.form["context"] if "context" in request.form else None, request.form["msgid"])
        if key.id != id_:
            abort(400)
    else:
        if cached is None or id_ not in cached.by_id:
            cached = load(g.locale)
        key = _row_or_404(cached, id_).key
    try:
        found = store_for(g.locale).entry(key)
    except CatalogError as err:
        abort(Response(render_template("editor/broken.html", error=str(err)), status=503))
    except FileNotFoundError:
        abort(404)
    if found is None:
        abort(404)
    return cached, Row(Entry.of(found[0], (cached or load(g.locale)).strict), previous=found[1])


def _form_strings(row: Row, name: str) -> tuple[str, ...]:
    # Browsers send textarea line breaks as CRLF; a catalog line break is "\n".
    values = tuple(value.replace("\r\n", "\n") for value in request.form.getlist(name))
    if len(values) != len(row.strings):
        abort(400)
    return values


def _entry_page(row: Row, loaded: LoadedCatalog | None, *, draft=None, base=None, reason=None, conflict=None,
                problem=None, status: int = 200):
    config = current_app.config
    glossary_terms, glossary_error = [], None
    try:
        glossary = project_glossary(config["TRANSLATIONS_DIR"])
        if glossary:
            glossary_terms = glossary.terms_in(" ".join(row.ids))
    except CatalogError as err:
        glossary_error = str(err)
    previous = row.previous if row.state == "fuzzy" else None
    loaded = loaded or load(g.locale)  # neighbours and memory; a save found its entry without it
    memory = current_app.extensions["translation_memory"]
    memories = [("this catalog", memory.of_messages(po_path(g.locale), loaded.signature,
                                                    lambda: (r.message for r in loaded.rows)))]
    memories += [(path.name, m) for path in config["TRANSLATION_MEMORY_CATALOGS"] if (m := memory.of_file(path))]
    suggestions = memory.suggest(row.ids[0], row.strings[0], memories)
    rows = loaded.rows
    index = next((i for i, other in enumerate(rows) if other.id == row.id), 0)
    return render_template(
        "editor/entry.html", row=row, draft=draft if draft is not None else row.strings,
        base=base if base is not None else row.strings, reason=reason, conflict=conflict, problem=problem,
        previous=previous, diff=text_diff(previous, row.ids[0]) if previous is not None else None,
        glossary_terms=glossary_terms, glossary_error=glossary_error, suggestions=suggestions,
        live_pages=[PAGES_BY_ENDPOINT[key] for key in row.pages if key in PAGES_BY_ENDPOINT] or
        ([PAGES[0]] if ALL_PAGES in row.pages else []),
        can_review=current_user().can_review(g.locale),
        previous_row=rows[index - 1] if index else None,
        next_row=rows[index + 1] if index + 1 < len(rows) else None), status


@bp.route("/<id_>/")
def entry(id_: str):
    return _entry_page(*reversed(_current(id_)))


def _next_todo(loaded: LoadedCatalog, after: Row) -> Row | None:
    index = next((i for i, row in enumerate(loaded.rows) if row.id == after.id), -1)
    return next((row for row in loaded.rows[index + 1:] if row.state != TRANSLATED), None)


@bp.post("/<id_>/")
def save(id_: str):
    loaded, row = _current(id_)
    action = request.form.get("action", "save")
    if action not in ACTIONS:
        abort(400)
    if action == "approve" and not current_user().can_review(g.locale):
        abort(403)
    draft, base = _form_strings(row, "msgstr"), _form_strings(row, "base")
    return _save(loaded, row, draft, base, action)


def _save(loaded: LoadedCatalog, row: Row, draft, base, action: str):
    try:
        result = store_for(g.locale).save(row.key, draft, base, Author(current_user().name),
                                      fuzzy=action == "fuzzy", action=ACTIONS.get(action, action))
    except EntryGone:
        return render_template("editor/broken.html", error="This entry is no longer in the catalog "
                               "(it was removed by an update). Your text: " + " | ".join(draft)), 410
    except CatalogError as err:
        return render_template("editor/broken.html", error=f"{err} Your text: " + " | ".join(draft)), 503
    except CatalogBusy as err:
        page, status = _entry_page(row, loaded, draft=draft, base=base, status=503,
                                   problem=f"the catalog is busy ({err}). Try again in a few seconds.")
        return page, status, {"Retry-After": str(RETRY_AFTER)}
    except UnsafeSideFile as err:  # logged by the store
        return _entry_page(row, loaded, draft=draft, base=base, status=503,
                           problem=f"the catalog's lock file {err.reason}. An administrator must remove it.")
    except OSError as err:  # ENOSPC, EROFS, EACCES…: atomic_write removed its temporary file
        log.error("saving %s in %s: %s", row.id, g.locale, err)
        return _entry_page(row, loaded, draft=draft, base=base, status=503,
                           problem=f"the server could not write the catalog ({_what(err)}).")
    if isinstance(result, Conflict):
        return _entry_page(row, loaded, draft=result.yours, base=result.on_disk, conflict=result,
                           status=409)
    if isinstance(result, Refused):
        return _entry_page(row, loaded, draft=draft, base=base, reason=result.reason, status=422)
    flash({"save": "Saved.", "next": "Saved.", "fuzzy": "Marked fuzzy.", "approve": "Approved.",
           "revert": "Reverted."}[action])
    target = _next_todo(load(g.locale), row) if action == "next" else None
    return redirect(absolute_url(url_for("editor.entry", id_=(target or row).id)), 303)


def _what(err: OSError) -> str:
    """An OSError in words, without the server's paths."""
    return {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
            errno.EROFS: "the translations directory is read-only",
            errno.EACCES: "permission denied"}.get(err.errno, os.strerror(err.errno) if err.errno else "error")


@bp.post("/<id_>/preview")
def preview(id_: str):
    """The page the entry appears on, rendered with the draft: for this translator only, never cached."""
    loaded, row = _current(id_)
    loaded = loaded or load(g.locale)  # the form named the entry: this worker may not have read the catalog yet
    draft = _form_strings(row, "msgstr")
    reason = validate(row.ids, draft, loaded.strict)
    if reason:
        return _entry_page(row, loaded, draft=draft, base=_form_strings(row, "base"), reason=reason, status=422)
    key = request.form.get("page", "")
    page = PAGES_BY_ENDPOINT.get(key) or next((PAGES_BY_ENDPOINT[k] for k in row.pages if k in PAGES_BY_ENDPOINT),
                                              PAGES[0])
    # The draft as a one-entry catalog in front of the live translations (gettext's fallback chain): the
    # live object is not touched, so nobody else ever sees the draft.
    draft_catalog = Catalog(locale=g.locale)
    draft_catalog.add(row.message.id, draft if len(row.ids) > 1 else draft[0], context=row.key.context)
    overlay = Translations(io.BytesIO(mo_bytes(draft_catalog)))
    overlay.add_fallback(current_app.extensions["catalogs"].translations(g.locale))
    with get_domain().overlay(g.locale, overlay):
        body = render_template(page.template, page=page, pages=PAGES, alternates=alternates(page))
    banner = ('<div class="editor-preview" role="status" translate="no">Preview of your unsaved draft: '
              'only you see it.</div>')
    return Response(body.replace("<main", banner + "<main", 1), mimetype="text/html")


@bp.route("/<id_>/history")
def history(id_: str):
    _, row = _current(id_)
    return render_template("editor/history.html", row=row, changes=store_for(g.locale).history(row.key))


@bp.post("/<id_>/revert/<int:change>")
def revert(id_: str, change: int):
    """Put back the translation from before `change`: a new save, conflict-checked like any other."""
    loaded, row = _current(id_)
    found = next((c for c in store_for(g.locale).history(row.key) if c["id"] == change), None)
    if found is None or len(found["before"]) != len(row.strings):
        abort(404)
    return _save(loaded, row, found["before"], _form_strings(row, "base"), "revert")
