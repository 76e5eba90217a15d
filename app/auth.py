"""Sign-in for the translation team: /login and /logout, the session, `current_user`, `login_required`.

On where accounts are needed: the editor (EDITOR_ENABLED), or status pages that ask to sign in
(TRANSLATION_STATUS_SIGN_IN); elsewhere /login and /logout are 404s and nothing here costs a visitor
anything. When on, every form carries a CSRF token, the session cookie is HttpOnly, SameSite=Lax and Secure
under an https BASE_URL, sessions expire, and the secret key is created once in the instance directory.
Accounts themselves (passwords, roles, throttling) are accounts.py, which knows nothing of Flask.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.wrappers import Response as WerkzeugResponse

from .db import init_app as init_db, request_connection
from .accounts import Accounts, Throttled, User
from .config import all_locales, editor_db_path
from .i18n import absolute_url
from .users_cli import users_cli

ACCOUNTS_ON = "accounts"  # app.extensions key: True where sign-in exists (see accounts_enabled)

bp = Blueprint("auth", __name__)


def accounts_enabled() -> bool:
    return current_app.extensions[ACCOUNTS_ON]


def accounts() -> Accounts:
    return Accounts(current_app.config["EDITOR_DB"], all_locales(current_app.config), request_connection())


def current_user() -> User | None:
    """The signed-in user, if the session names one whose password has not changed since and it has not
    expired; a stale session is cleared. Looked up once per request."""
    if "user" in g:
        return g.user
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
    g.user = user
    return user


def redirect_unless_signed_in() -> WerkzeugResponse | None:
    """For before_request hooks: a redirect to /login (coming back here afterwards) when nobody is signed in."""
    if current_user() is None:
        return redirect(absolute_url(url_for("auth.login", next=request.full_path.rstrip("?"))))
    return None


def login_required(*, role: str = "translator", locale: Callable[[], str] | None = None):
    """Decorate a view (or a before_request hook): nobody signed in → the sign-in page, coming back here;
    signed in without the right → 403. `role`: "translator" (edits `locale`), "reviewer" (reviews it) or
    "admin"; `locale`: gives the locale the right is needed for (e.g. the URL's), None for any."""
    def decorator(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            login = redirect_unless_signed_in()
            if login is not None:
                return login
            if not _has_right(current_user(), role, locale() if locale else None):
                abort(403)
            return view(*args, **kwargs)
        return guarded
    return decorator


def _has_right(user: User, role: str, locale: str | None) -> bool:
    if role == "admin":
        return user.role == "admin"
    if locale is None:
        return role == "translator" or user.role in ("reviewer", "admin")
    return user.can_review(locale) if role == "reviewer" else user.can_edit(locale)


def _safe_next(target: str | None) -> str | None:
    """A path on this site to return to after signing in; anything else is dropped: another host, or a
    control character (`/%0D`), which no Location header can carry."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and target.isprintable():
        return target
    return None


@bp.before_request
def only_where_accounts_are_on():
    if not accounts_enabled():
        abort(404)


@bp.route("/login", methods=["GET", "POST"])
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


@bp.post("/logout")
def logout():
    user = current_user()
    if user is not None:
        accounts().sign_out(user.name)  # a copy of the cookie must not outlive "Sign out"
    session.clear()
    return redirect(absolute_url(url_for("auth.login")))


def secret_key(instance: Path) -> str:
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


def init_app(app) -> None:
    config = app.config
    app.cli.add_command(users_cli)
    config["EDITOR_DB"] = editor_db_path(config)
    app.register_blueprint(bp)
    enabled = config["EDITOR_ENABLED"] or (config["TRANSLATION_STATUS_ENABLED"] and
                                           config["TRANSLATION_STATUS_SIGN_IN"])
    app.extensions[ACCOUNTS_ON] = enabled
    if not enabled:
        return
    config["SECRET_KEY"] = config["SECRET_KEY"] or secret_key(Path(config["INSTANCE_DIR"]))
    init_db(app)
    config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                  SESSION_COOKIE_SECURE=config["BASE_URL"].startswith("https://"),
                  PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=config["EDITOR_SESSION_HOURS"]),
                  # The session's age is its "since" (current_user): a request that changes nothing sends no
                  # cookie, so the editor's QA call in flight cannot overwrite the flash a save just set.
                  SESSION_REFRESH_EACH_REQUEST=False,
                  WTF_CSRF_TIME_LIMIT=None)  # a token lives as long as the session (which expires)
    CSRFProtect(app)
    app.register_error_handler(CSRFError, lambda error: (render_template(
        "editor/broken.html", error=f"{error.description} Reload the form and send it again."), 400))
