"""The in-browser translation editor: sign in, list, entry, save, preview, history (blueprint).

Off unless EDITOR_ENABLED (SITE_EDITOR=1): every editor URL is then a 404. When enabled (or when the status
pages are on and require sign-in), /login and /logout exist, every form carries a CSRF token, the session
cookie is HttpOnly, SameSite=Lax and Secure under an https BASE_URL, and sessions expire. Saving goes
through store.py (one entry, under a lock, conflict-checked); accounts through accounts.py.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.support import Translations
from flask import (Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request,
                   session, url_for)
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..config import all_locales
from ..i18n import absolute_url, bind_locale, content_language
from ..pages import PAGES, PAGES_BY_ENDPOINT, alternates
from ..tooling.compile import mo_bytes
from ..tooling.formats import catalog_strict_forms
from ..tooling.glossary import project_glossary
from ..tooling.pofile import CatalogError, messages, parse_po
from ..translators import ALL_PAGES, PAGE_KEYS, page_label, pages_of, text_diff
from .accounts import Accounts, Throttled, User
from .cli import users_cli
from .memory import TranslationMemory
from .store import (FUZZY, Author, CatalogBusy, CatalogStore, Conflict, EntryGone, EntryKey, Refused, ids_of,
                    remember_valid, strings_of, validate)

STATES = ("untranslated", "fuzzy", "refused", "translated")
FILTERS = ("todo", "untranslated", "fuzzy", "refused", "all")
PER_PAGE = 50
ACTIONS = {"save": "save", "next": "save", "fuzzy": "fuzzy", "approve": "approve"}

bp = Blueprint("editor", __name__, url_prefix="/<locale:locale>/translations/edit")
auth = Blueprint("editor_auth", __name__)
bind_locale(bp)
bp.after_request(content_language)


# --- accounts and the session -----------------------------------------------------------------------------

def accounts() -> Accounts:
    return Accounts(current_app.config["EDITOR_DB"], all_locales(current_app.config))


def current_user() -> User | None:
    """The signed-in user, if the session names one whose password has not changed since and it has not
    expired; a stale session is cleared."""
    if "editor_user" in g:
        return g.editor_user
    user = None
    name = session.get("user")
    if name:
        lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
        if time.time() - session.get("since", 0) < lifetime:
            found = accounts().get(name)
            if found is not None and found.stamp == session.get("stamp"):
                user = found
        if user is None:
            session.clear()
    g.editor_user = user
    return user


def _safe_next(target: str | None) -> str | None:
    """A path on this site to return to after signing in; anything else (another host) is dropped."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and "\n" not in target:
        return target
    return None


def redirect_unless_signed_in():
    """For before_request hooks: a redirect to /login (coming back here afterwards) when nobody is signed in."""
    if current_user() is None:
        return redirect(absolute_url(url_for("editor_auth.login", next=request.full_path.rstrip("?"))))
    return None


@auth.before_request
def accounts_enabled():
    if not current_app.extensions.get("editor_accounts"):
        abort(404)


@auth.route("/login", methods=["GET", "POST"])
def login():
    target = _safe_next(request.values.get("next"))
    error, status = None, 200
    if request.method == "POST":
        name = request.form.get("name", "")
        try:
            user = accounts().authenticate(name, request.form.get("password", ""), request.remote_addr or "")
        except Throttled as throttled:
            response = Response(render_template("editor/login.html", error=str(throttled), next=target,
                                                name=name), status=429)
            response.headers["Retry-After"] = str(throttled.retry_after)
            return response
        if user is not None:
            session.clear()  # a new session: nothing from before signing in carries over
            session.permanent = True
            session.update(user=user.name, stamp=user.stamp, since=time.time())
            return redirect(absolute_url(target or _home_of(user)))
        error, status = "Wrong name or password.", 401
    return render_template("editor/login.html", error=error, next=target, name=request.form.get("name", "")), status


def _home_of(user: User) -> str:
    config = current_app.config
    locales = [locale for locale in all_locales(config) if locale != config["DEFAULT_LOCALE"] and user.can_edit(locale)]
    if locales and config["EDITOR_ENABLED"]:
        return url_for("editor.entries", locale=locales[0])
    if config["TRANSLATION_STATUS_ENABLED"]:
        return url_for("translators.status", locale=config["DEFAULT_LOCALE"])
    return url_for("pages.home", locale=config["DEFAULT_LOCALE"])


@auth.post("/logout")
def logout():
    user = current_user()
    if user is not None:
        accounts().sign_out(user.name)  # a copy of the cookie must not outlive "Sign out"
    session.clear()
    return redirect(absolute_url(url_for("editor_auth.login")))


# --- the catalog, as the editor sees it -------------------------------------------------------------------

@dataclass
class Row:
    """One entry of the catalog with what the list and the entry page show."""

    id: str
    key: EntryKey
    message: Message
    state: str
    reason: str | None  # why the live site refuses it (state "refused")
    previous: str | None = None  # the `#| msgid` of a fuzzy entry, when read for the entry page

    @property
    def ids(self) -> tuple[str, ...]:
        return ids_of(self.message)

    @property
    def strings(self) -> tuple[str, ...]:
        return strings_of(self.message)

    @property
    def pages(self) -> list[str]:
        return pages_of(self.message.locations)


def entry_id(key: EntryKey) -> str:
    raw = ("\x00" if key.context is None else key.context + "\x04") + key.msgid
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


@dataclass
class LoadedCatalog:
    signature: tuple  # (mtime_ns, size, inode) of the file read
    rows: list[Row]
    by_id: dict[str, Row]
    strict: frozenset[int] | None  # the plural forms checked strictly (formats.catalog_strict_forms)


_loaded: dict[Path, LoadedCatalog] = {}  # per process: parsed once per version of the file


def _row(message: Message, strict: frozenset[int] | None) -> Row:
    key = EntryKey(message.context, ids_of(message)[0])
    strings = strings_of(message)
    reason = None
    if not all(strings):
        state = "untranslated"
    elif FUZZY in message.flags:
        state = "fuzzy"
    else:
        reason = validate(ids_of(message), strings, strict)
        state = "refused" if reason else "translated"
    return Row(entry_id(key), key, message, state, reason)


def po_path(locale: str) -> Path:
    return Path(current_app.config["TRANSLATIONS_DIR"]) / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str) -> LoadedCatalog:
    """The locale's catalog as on disk now; a broken file is a 503 page saying why (nothing is lost)."""
    path = po_path(locale)
    try:
        st = os.stat(path)
        signature = (st.st_mtime_ns, st.st_size, st.st_ino)
        cached = _loaded.get(path)
        if cached is not None and cached.signature == signature:
            return cached
        data = path.read_bytes()
        pofile = parse_po(data, path)
    except FileNotFoundError:
        abort(404)
    except CatalogError as err:
        abort(Response(render_template("editor/broken.html", error=str(err)), status=503))
    remember_valid(path, data)  # parsed whole: the next save need not parse this version again
    strict = catalog_strict_forms(pofile.catalog)
    rows = [_row(message, strict) for message in messages(pofile.catalog)]
    loaded = _loaded[path] = LoadedCatalog(signature, rows, {row.id: row for row in rows}, strict)
    return loaded


def store_for(locale: str) -> CatalogStore:
    config = current_app.config
    return CatalogStore(po_path(locale), locale, config["EDITOR_DB"], git_commits=config["EDITOR_GIT_COMMITS"])


# --- views ------------------------------------------------------------------------------------------------

@bp.before_request
def signed_in_translator_of_this_locale():
    config = current_app.config
    if not config["EDITOR_ENABLED"] or g.locale == config["DEFAULT_LOCALE"]:
        abort(404)
    login = redirect_unless_signed_in()
    if login is not None:
        return login
    if not current_user().can_edit(g.locale):
        abort(403)


@bp.after_request
def never_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.context_processor
def editor_helpers():
    return {"user": current_user(), "page_label": page_label, "entry_id": entry_id,
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
             if (state == "all" or row.state == state or (state == "todo" and row.state != "translated"))
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
        if entry_id(key) != id_:
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
    fresh = _row(found[0], (cached or load(g.locale)).strict)
    fresh.previous = found[1]
    return cached, fresh


def _form_strings(row: Row, name: str) -> tuple[str, ...]:
    # Browsers send textarea line breaks as CRLF; a catalog line break is "\n".
    values = tuple(value.replace("\r\n", "\n") for value in request.form.getlist(name))
    if len(values) != len(row.strings):
        abort(400)
    return values


def _entry_page(row: Row, loaded: LoadedCatalog | None, *, draft=None, base=None, reason=None, conflict=None,
                status: int = 200):
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
        base=base if base is not None else row.strings, reason=reason, conflict=conflict,
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
    return next((row for row in loaded.rows[index + 1:] if row.state != "translated"), None)


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
    except (CatalogError, CatalogBusy) as err:
        return render_template("editor/broken.html", error=str(err)), 503
    if isinstance(result, Conflict):
        return _entry_page(row, loaded, draft=result.yours, base=result.on_disk, conflict=result,
                           status=409)
    if isinstance(result, Refused):
        return _entry_page(row, loaded, draft=draft, base=base, reason=result.reason, status=422)
    flash({"save": "Saved.", "next": "Saved.", "fuzzy": "Marked fuzzy.", "approve": "Approved.",
           "revert": "Reverted."}[action])
    target = _next_todo(load(g.locale), row) if action == "next" else None
    return redirect(absolute_url(url_for("editor.entry", id_=(target or row).id)), 303)


@bp.post("/<id_>/preview")
def preview(id_: str):
    """The page the entry appears on, rendered with the draft: for this translator only, never cached."""
    loaded, row = _current(id_)
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
    overlay = Translations(io.BytesIO(mo_bytes(draft_catalog, english_for_empty_forms=True)))
    overlay.add_fallback(current_app.extensions["catalogs"].translations(g.locale))
    g.live_translations = (g.locale, overlay)  # what RegistryDomain hands flask-babel for this request
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


# --- wiring -----------------------------------------------------------------------------------------------

def _secret_key(instance: Path) -> str:
    """instance/secret_key, created (0600, atomically: never half-written) by the first process that needs it."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=instance, prefix=".secret_key.")
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # fails if another worker got there first: theirs is used
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


class _PageCacheForVisitors:
    """The site's page cache, bypassed for a signed-in translator (whose pages carry a link to the editor)."""

    def __init__(self, cache):
        self.cache = cache

    def get(self, key, version):
        return None if _signed_in_cookie() and current_user() else self.cache.get(key, version)

    def put(self, key, version, body):
        if not (_signed_in_cookie() and current_user()):
            self.cache.put(key, version, body)


def _signed_in_cookie() -> bool:
    return current_app.config["SESSION_COOKIE_NAME"] in request.cookies


def editor_link(page) -> str | None:
    """For base.html: the editor's list of `page`'s strings, for a signed-in translator; else None."""
    if not _signed_in_cookie() or page is None or current_user() is None:
        return None
    config, user = current_app.config, current_user()
    locale = g.locale if g.locale != config["DEFAULT_LOCALE"] else next(
        (l for l in all_locales(config) if l != config["DEFAULT_LOCALE"] and user.can_edit(l)), None)
    if locale is None or not user.can_edit(locale):
        return None
    return url_for("editor.entries", locale=locale, page=page.endpoint, state="all")


def init_app(app) -> None:
    app.cli.add_command(users_cli)
    app.config["EDITOR_DB"] = app.config["EDITOR_DB"] or Path(app.config["INSTANCE_DIR"]) / "editor.sqlite3"
    app.register_blueprint(auth)
    app.register_blueprint(bp)
    config = app.config
    enabled = config["EDITOR_ENABLED"] or (config["TRANSLATION_STATUS_ENABLED"] and
                                           config["TRANSLATION_STATUS_SIGN_IN"])
    app.extensions["editor_accounts"] = enabled
    if not enabled:
        return  # nothing below costs a visitor anything then
    config["SECRET_KEY"] = config["SECRET_KEY"] or _secret_key(Path(config["INSTANCE_DIR"]))
    config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                  SESSION_COOKIE_SECURE=config["BASE_URL"].startswith("https://"),
                  PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=config["EDITOR_SESSION_HOURS"]),
                  WTF_CSRF_TIME_LIMIT=None)  # a token lives as long as the session (which expires)
    CSRFProtect(app)
    app.register_error_handler(CSRFError, lambda error: (render_template(
        "editor/broken.html", error=f"{error.description} Reload the form and send it again."), 400))
    app.extensions["translation_memory"] = TranslationMemory()
    app.jinja_env.filters["editor_time"] = lambda at: time.strftime("%Y-%m-%d %H:%M", time.gmtime(at))
    if config["EDITOR_ENABLED"]:
        app.extensions["page_cache"] = _PageCacheForVisitors(app.extensions["page_cache"])
        app.jinja_env.globals["editor_link"] = editor_link
