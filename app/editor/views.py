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
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.support import Translations
from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_domain

from ..accounts import User
from ..auth import current_user, login_required
from ..i18n import absolute_url, bind_locale, content_language
from ..pages import PAGES, PAGES_BY_ENDPOINT, alternates
from ..comments import CommentError, Comments
from ..db import request_connection
from ..suggestions import OPEN, Suggestions
from ..tooling.checks import EntryRules, catalog_rules
from ..tooling.compile import mo_bytes
from ..tooling.entry import STATES, TODO_STATES, TRANSLATED, Entry, EntryKey, catalog_entries
from ..tooling.findings import ERROR, WARNING
from ..tooling.formats import catalog_strict_forms
from ..tooling.glossary import project_glossary
from ..tooling.files import FileVersion, UnsafeSideFile
from ..tooling.findings import Finding
from ..tooling.po_delta import ChangedEntry, apply_changes, changed_entries
from ..tooling.pofile import UNREADABLE, CatalogError, parse_po
from ..tooling.project_files import outside_problem
from ..translators import ALL_PAGES, PAGE_KEYS, page_label, pages_of, text_diff
from .gate import judge, with_project_glossary
from .review import shown as shown_suggestions
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
        return self.entry.refusal.reason if self.entry.refusal else None

    @property
    def ids(self) -> tuple[str, ...]:
        return self.entry.ids

    @property
    def strings(self) -> tuple[str, ...]:
        return self.entry.strings

    @cached_property
    def pages(self) -> list[str]:
        return pages_of(self.message.locations)


@dataclass
class LoadedCatalog:
    """One version of a catalog file as the editor lists it. The next version is read as a change to this
    one when it is one (po_delta: a save), so a save costs the entries it changed, not the catalog."""

    signature: FileVersion  # of the file read
    data: bytes  # the file read
    catalog: Catalog  # as read (the rows' messages)
    rows: list[Row]
    strict: frozenset[int] | None  # the plural forms checked strictly (formats.catalog_strict_forms)
    rules: EntryRules  # how `check` judges this catalog's entries (the gate adds the glossary of the moment)
    index: dict[str, int] = field(default_factory=dict)  # row id → position in `rows` (built when empty)
    counts: dict[str, int] = field(default_factory=dict)  # state → entries in it (counted when empty)
    contexts: list[str] = field(default_factory=list)  # the msgctxts, sorted (listed when empty)

    def __post_init__(self):
        self.index = self.index or {row.id: number for number, row in enumerate(self.rows)}
        if not self.counts:
            states = Counter(row.state for row in self.rows)
            self.counts = {name: states[name] for name in STATES}
            self.contexts = sorted({row.message.context for row in self.rows if row.message.context})

    def row(self, id_: str) -> Row | None:
        number = self.index.get(id_)
        return None if number is None else self.rows[number]

    def changed(self, signature: FileVersion, data: bytes, changes: list[ChangedEntry]) -> LoadedCatalog:
        """This version with `changes` in: only the changed entries are judged again (and counted again:
        po_delta's changes keep every entry's key, so the index and the contexts stay)."""
        apply_changes(self.catalog, changes)
        rows, counts = list(self.rows), dict(self.counts)
        for change in changes:
            row = Row(Entry.of(change.message, self.strict))
            number = self.index[row.id]
            counts[rows[number].state] -= 1
            counts[row.state] += 1
            rows[number] = row
        return LoadedCatalog(signature, data, self.catalog, rows, self.strict, self.rules, self.index, counts,
                             self.contexts)


_loaded: dict[Path, LoadedCatalog] = {}  # per process: one version of each file, the last read


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
        shown = Path(*path.parts[-3:])  # error pages name the catalog inside translations/, not the server's path
        changes = changed_entries(cached.data, data, shown) if cached is not None else None
        if cached is not None and changes is not None:
            loaded = _loaded[path] = cached.changed(signature, data, changes)
            current_app.extensions["translation_memory"].take_changes(
                path, cached.signature, signature, [change.message for change in changes])
            return loaded
        pofile = parse_po(data, shown)
    except FileNotFoundError:
        abort(404)
    except CatalogError as err:
        _broken(err)
    remember_valid(path, data, signature)  # parsed whole: the next save need not parse this version again
    strict = catalog_strict_forms(pofile.catalog)
    rows = [Row(entry) for entry in catalog_entries(pofile.catalog)]
    draft = locale in current_app.config["DRAFT_LOCALES"]  # `check`: a draft's unfinished entries are warnings
    rules = catalog_rules(pofile.catalog, path, pofile=pofile, newstyle=True,
                          state_severity=WARNING if draft else ERROR)
    loaded = _loaded[path] = LoadedCatalog(signature, data, pofile.catalog, rows, strict, rules)
    return loaded


def _suggestions() -> Suggestions:
    return Suggestions(current_app.config["EDITOR_DB"], g.locale, request_connection())


def _comments() -> Comments:
    return Comments(current_app.config["EDITOR_DB"], g.locale, request_connection())


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


def _signed_in_user() -> User:
    """current_user() in a view: the hook above has turned away every request without one."""
    user = current_user()
    assert user is not None
    return user


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
    counts = loaded.counts
    shown = [row for row in loaded.rows
             if (state == "all" or row.state == state or (state == "todo" and row.state != TRANSLATED))
             and _on_page(row, page_key)
             and (not context or (row.key.context or "") == context)
             and (not text or _matches(row, text))]
    pages_total = max(1, math.ceil(len(shown) / PER_PAGE))
    number = min(max(args.get("n", 1, type=int), 1), pages_total)
    contexts = loaded.contexts
    return render_template("editor/list.html", rows=shown[(number - 1) * PER_PAGE:number * PER_PAGE],
                           awaiting=_suggestions().open_counts(), comment_counts=_comments().counts(),
                           total=len(shown), counts=counts, state=state, page_key=page_key, context=context,
                           q=args.get("q", ""), number=number, pages_total=pages_total, contexts=contexts,
                           page_keys=PAGE_KEYS, filters=FILTERS)


def _row_or_404(loaded: LoadedCatalog, id_: str) -> Row:
    row = loaded.row(id_)
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
        if cached is None or id_ not in cached.index:
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
                warnings=(), action: str = "save", comment_error=None, started=None, problem=None,
                status: int = 200):
    """The entry page; on a conflict, `started` is the translation the translator's form was loaded with."""
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
    index = loaded.index.get(row.id, 0)
    conflict_change = conflict_diffs = None
    if conflict is not None:
        # Who made the change in the way, if it was a save in the editor; else it came from outside.
        latest = next(iter(store_for(g.locale).history(row.key)), None)
        conflict_change = latest if latest and latest["after"] == conflict.on_disk else None
        conflict_diffs = [text_diff(old, new) for old, new in zip(started, conflict.on_disk, strict=False)]
    return render_template(
        "editor/entry.html", row=row, draft=draft if draft is not None else row.strings,
        base=base if base is not None else row.strings, reason=reason, conflict=conflict, problem=problem,
        warnings=warnings, action=action, reviewed=g.locale in config["REVIEW_LOCALES"],
        suggestions_shown=shown_suggestions(_suggestions().of_entry(row.key), row.strings),
        comments=_comments().thread(row.key), comment_error=comment_error,
        previous=previous, diff=text_diff(previous, row.ids[0]) if previous is not None else None,
        glossary_terms=glossary_terms, glossary_error=glossary_error, suggestions=suggestions,
        conflict_change=conflict_change, conflict_diffs=conflict_diffs, list_page=_list_page(),
        live_pages=[PAGES_BY_ENDPOINT[key] for key in row.pages if key in PAGES_BY_ENDPOINT] or
        ([PAGES[0]] if ALL_PAGES in row.pages else []),
        can_review=_signed_in_user().can_review(g.locale),
        previous_row=rows[index - 1] if index else None,
        next_row=rows[index + 1] if index + 1 < len(rows) else None), status


@bp.route("/<id_>/")
def entry(id_: str):
    loaded, row = _current(id_)
    return _entry_page(row, loaded)


def _list_page() -> str | None:
    """The list's page filter the translator came from (carried by the entry's URL, then its form)."""
    key = request.values.get("list_page") or request.args.get("page")
    return key if key in PAGE_KEYS else None


def _on_page(row: Row, page_key: str | None) -> bool:
    return (not page_key or page_key in row.pages or (ALL_PAGES in row.pages and page_key in PAGES_BY_ENDPOINT))


def _next_todo(loaded: LoadedCatalog, after: Row, page_key: str | None) -> Row | None:
    """The next string to do after `after`, in the list's order and within its page filter."""
    index = loaded.index.get(after.id, -1)
    return next((row for row in loaded.rows[index + 1:] if row.state != TRANSLATED and _on_page(row, page_key)),
                None)


@bp.post("/<id_>/")
def save(id_: str):
    loaded, row = _current(id_)
    action = request.form.get("action", "save")
    if action not in ACTIONS:
        abort(400)
    if action == "approve" and not _signed_in_user().can_review(g.locale):
        abort(403)
    draft, base = _form_strings(row, "msgstr"), _form_strings(row, "base")
    return _save(loaded, row, draft, base, action)


def _save(loaded: LoadedCatalog | None, row: Row, draft, base, action: str):
    user = _signed_in_user()
    reviewer = user.can_review(g.locale)
    reviewed = g.locale in current_app.config["REVIEW_LOCALES"]
    if action == "fuzzy" and reviewed and not reviewer:
        abort(403)  # it would hide the live translation from visitors: a reviewer's decision there
    # Only a reviewer's save clears fuzzy: a translator's keeps a fuzzy entry fuzzy until reviewed.
    fuzzy = action == "fuzzy" or ("fuzzy" in row.message.flags and not reviewer)
    refused = _gate(loaded, row, draft, base, fuzzy, marking_fuzzy=action == "fuzzy")
    if refused is not None:
        return refused
    if reviewed and not reviewer:
        _suggestions().suggest(row.key, user.name, base, draft)
        flash("Suggested: visitors see the current text until a reviewer accepts yours.")
        return _after_save(row, action)
    return _write(loaded, row, draft, base, Author(user.name), fuzzy=fuzzy, action=action)


def _write(loaded: LoadedCatalog | None, row: Row, draft, base, author: Author, *, fuzzy: bool, action: str,
           on_saved=None, then: str | None = None):
    """Write `draft` through the store (conflict-checked, audited, committed); `on_saved(result)` runs
    after a save that went through, before the redirect (to `then`, else the entry or the next to do)."""
    try:
        result = store_for(g.locale).save(row.key, draft, base, author, fuzzy=fuzzy, action=ACTIONS.get(action, action))
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
        return _entry_page(row, loaded, draft=result.yours, base=result.on_disk, conflict=result, started=base,
                           status=409)
    if isinstance(result, Refused):
        return _entry_page(row, loaded, draft=draft, base=base, reason=result.reason, status=422)
    if on_saved is not None:
        on_saved(result)
    flash({"save": "Saved.", "next": "Saved.", "fuzzy": "Marked fuzzy.", "approve": "Approved.",
           "revert": "Reverted.", "accept": "Accepted: it is live."}[action])
    return _after_save(row, action, then)


def _after_save(row: Row, action: str, then: str | None = None):
    if then:
        return redirect(absolute_url(then), 303)
    page_key = _list_page()
    if action == "next":
        target = _next_todo(load(g.locale), row, page_key)
        if target is None:
            flash("All done: no string left to do" + (f" on {page_label(page_key)}." if page_key else "."))
            return redirect(absolute_url(url_for("editor.entries", page=page_key)), 303)
        return redirect(absolute_url(url_for("editor.entry", id_=target.id, page=page_key)), 303)
    return redirect(absolute_url(url_for("editor.entry", id_=row.id, page=page_key)), 303)


def _gate(loaded: LoadedCatalog | None, row: Row, draft, base, fuzzy: bool, *, marking_fuzzy: bool = False):
    """None when `check` would accept the entry as this save writes it (gate.judge); else the entry page
    with the reasons and the text kept: 422 for errors, and for warnings until the same text is sent again
    with them confirmed ("Save anyway")."""
    loaded = loaded or load(g.locale)
    rules, glossary_error = with_project_glossary(loaded.rules, current_app.config["TRANSLATIONS_DIR"])
    if glossary_error is not None:
        return _entry_page(row, loaded, draft=draft, base=base, reason=glossary_error, status=422)
    verdict = judge(rules, row.message, tuple(draft), fuzzy, marking_fuzzy)
    if verdict.errors:
        reason = "; ".join(f"{f.message} ({f.code})" for f in verdict.errors)
        return _entry_page(row, loaded, draft=draft, base=base, reason=reason, warnings=verdict.warnings,
                           status=422)
    if verdict.warnings and request.form.getlist("confirmed") != list(draft):
        return _entry_page(row, loaded, draft=draft, base=base, warnings=verdict.warnings,
                           action=request.form.get("action", "save"), status=422)
    return None


def _what(err: OSError) -> str:
    """An OSError in words, without the server's paths."""
    return {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
            errno.EROFS: "the translations directory is read-only",
            errno.EACCES: "permission denied"}.get(err.errno or 0, os.strerror(err.errno) if err.errno else "error")


@bp.post("/<id_>/preview")
def preview(id_: str):
    """The page the entry appears on, rendered with the draft: for this translator only, never cached."""
    loaded, row = _current(id_)
    loaded = loaded or load(g.locale)  # the form named the entry: this worker may not have read the catalog yet
    draft = _form_strings(row, "msgstr")
    reason = validate(row.ids, draft, (loaded or load(g.locale)).strict)  # None: the form named the entry
    if reason:
        return _entry_page(row, loaded, draft=draft, base=_form_strings(row, "base"), reason=reason, status=422)
    key = request.form.get("page", "")
    page = PAGES_BY_ENDPOINT.get(key) or next((PAGES_BY_ENDPOINT[k] for k in row.pages if k in PAGES_BY_ENDPOINT),
                                              PAGES[0])
    # The draft as a one-entry catalog in front of the live translations (gettext's fallback chain): the
    # live object is not touched, so nobody else ever sees the draft.
    draft_catalog = Catalog(locale=g.locale)
    marked = tuple(f"{DRAFT_START}{form}{DRAFT_END}" if form else form for form in draft)
    draft_catalog.add(row.message.id, marked if len(row.ids) > 1 else marked[0], context=row.key.context)
    overlay = Translations(io.BytesIO(mo_bytes(draft_catalog, english_for_empty_forms=True)))
    overlay.add_fallback(current_app.extensions["catalogs"].translations(g.locale))
    with get_domain().overlay(g.locale, overlay):
        body = render_template(page.template, page=page, pages=PAGES, alternates=alternates(page))
    return Response(_with_banner_and_marks(body), mimetype="text/html")


# The draft is rendered between these two private-use characters, which no page text holds, so that the
# preview can mark where it appears.
DRAFT_START, DRAFT_END = "\ue000", "\ue001"
_DRAFT_RE = re.compile(f"{DRAFT_START}(.*?){DRAFT_END}", re.DOTALL)
_MAIN_RE = re.compile(r"<main\b[^>]*>")
PREVIEW_BANNER = ('<p class="editor-preview" role="status" translate="no" data-role="preview-banner">'
                  '<strong>Preview of your unsaved draft</strong>: only you see it. Your string is '
                  '<mark class="editor-draft">marked like this</mark>.</p>')


def _with_banner_and_marks(body: str) -> str:
    """The preview page with its banner at the top of <main> and the draft marked where it is text there;
    where the draft lands in an attribute or outside <main> (the title), it is shown unmarked."""
    main = _MAIN_RE.search(body)
    start = main.end() if main else 0
    end = body.find("</main>", start)
    end = len(body) if end < 0 else end
    inside = body[start:end]

    def mark(match: re.Match) -> str:
        before = inside[:match.start()]
        if before.rfind("<") > before.rfind(">"):  # inside a tag: an attribute value
            return match.group(1)
        return f'<mark class="editor-draft" data-role="draft">{match.group(1)}</mark>'

    def unmarked(text: str) -> str:
        return text.replace(DRAFT_START, "").replace(DRAFT_END, "")

    return unmarked(body[:start]) + PREVIEW_BANNER + unmarked(_DRAFT_RE.sub(mark, inside)) + unmarked(body[end:])


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


# --- review and comments ----------------------------------------------------------------------------------

def _reviewer_of_this_locale(view):
    return login_required(role="reviewer", locale=lambda: g.locale)(view)


@bp.route("/review/")
@_reviewer_of_this_locale
def review_queue():
    """Every open suggestion of the locale, oldest first, beside the live text, with a diff."""
    loaded = load(g.locale)
    by_key = {row.key: row for row in loaded.rows}
    items = [(by_key[s.key], shown_suggestions([s], by_key[s.key].strings)[0])
             for s in _suggestions().open() if s.key in by_key]
    return render_template("editor/review.html", items=items)


@bp.post("/<id_>/suggestions/<int:suggestion_id>")
@_reviewer_of_this_locale
def decide(id_: str, suggestion_id: int):
    """Accept a suggestion (as sent: the reviewer may have edited it) through the normal save, the translator
    as author; or reject it with a reason the translator sees."""
    loaded, row = _current(id_)
    suggestions = _suggestions()
    suggestion = suggestions.get(suggestion_id)
    if suggestion is None or suggestion.key != row.key or suggestion.state != OPEN:
        abort(404)
    reviewer = _signed_in_user().name
    if request.form.get("decision") == "reject":
        reason = request.form.get("reason", "").strip()
        if not reason:
            return _entry_page(row, loaded, reason="a rejection needs a reason for the translator", status=422)
        suggestions.reject(suggestion_id, reviewer, reason[:2000])
        flash("Rejected.")
        return redirect(absolute_url(_back_to_queue() or url_for("editor.entry", id_=row.id)), 303)
    if request.form.get("decision") != "accept":
        abort(400)
    draft, base = _form_strings(row, "msgstr"), _form_strings(row, "base")
    refused = _gate(loaded, row, draft, base, fuzzy=False)
    if refused is not None:
        return refused
    return _write(loaded, row, draft, base, Author(suggestion.user), fuzzy=False, action="accept",
                  on_saved=lambda saved: suggestions.accept(suggestion_id, reviewer, draft, saved.git_commit),
                  then=_back_to_queue())


def _back_to_queue() -> str | None:
    """The review queue, when the decision was taken there."""
    return url_for("editor.review_queue") if request.form.get("back") == "queue" else None


@bp.post("/<id_>/comments")
def comment(id_: str):
    """Add to the entry's thread; `about_source`: a question about the English, for the developers."""
    loaded, row = _current(id_)
    try:
        _comments().add(
            row.key, _signed_in_user().name, request.form.get("text", ""), request.form.get("about_source") == "1")
    except CommentError as err:
        return _entry_page(row, loaded, comment_error=str(err), status=422)
    return redirect(absolute_url(url_for("editor.entry", id_=row.id) + "#comments"), 303)


@bp.post("/<id_>/comments/<int:comment_id>/resolve")
@_reviewer_of_this_locale
def resolve_comment(id_: str, comment_id: int):
    """Mark a question about the English answered: `check` stops listing it."""
    _, row = _current(id_)
    _comments().resolve(comment_id, _signed_in_user().name)
    return redirect(absolute_url(url_for("editor.entry", id_=row.id) + "#comments"), 303)
