"""Accounts in the browser: a signed-in user changes their own password (/translations/account/password),
an admin lists, adds and removes users and sets their roles and locales (/translations/admin/users).
Every form is CSRF-protected (auth.py) and every change recorded in the account_audit table. The CLI
(`flask --app app users`) does the same from a shell.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for

from ..accounts import ROLES, AccountError, Accounts, User
from ..auth import accounts, current_user, login_required
from ..config import all_locales
from ..i18n import absolute_url

bp = Blueprint("account", __name__, url_prefix="/translations")


@bp.before_request
def only_where_the_editor_is_on():
    if not current_app.config["EDITOR_ENABLED"]:
        return render_template("editor/broken.html", error="The editor is off."), 404
    return None


@bp.context_processor
def helpers():
    return {"user": current_user(), "source_locale": current_app.config["DEFAULT_LOCALE"]}


@bp.after_request
def never_cached(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _signed_in() -> User:
    """current_user() in a view under login_required, which has turned away every request without one."""
    user = current_user()
    assert user is not None
    return user


@bp.route("/account/password", methods=["GET", "POST"])
@login_required(role="translator")
def password():
    """Change one's own password: the current one is required; every other session of the user ends."""
    error, status = None, 200
    if request.method == "POST":
        user = _signed_in()
        store = accounts()
        form = request.form
        if store.authenticate(user.name, form.get("current", ""), request.remote_addr or "") is None:
            error, status = "The current password is wrong.", 403
        elif form.get("new", "") != form.get("confirm", ""):
            error, status = "The two new passwords differ.", 422
        else:
            try:
                store.set_password(user.name, form.get("new", ""))
            except AccountError as err:
                error, status = f"Not changed: {err}.", 422
            else:
                store.audit(user.name, "change-password", user.name)
                # The new password changes the user's stamp, which ends every session; this one goes on.
                session["stamp"] = store.get(user.name).stamp
                flash("Password changed. You stay signed in here; every other session of yours has ended.")
                return redirect(absolute_url(url_for("account.password")), 303)
    return render_template("editor/password.html", title="Change your password", error=error), status


def _editable_locales() -> list[str]:
    config = current_app.config
    return [locale for locale in all_locales(config) if locale != config["DEFAULT_LOCALE"]]


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required(role="admin")
def users():
    store = accounts()
    error, status = None, 200
    if request.method == "POST":
        try:
            done = _change(store, request.form)
        except AccountError as err:
            error, status = f"Not done: {err}.", 422
        else:
            flash(done)
            return redirect(absolute_url(url_for("account.users")), 303)
    return render_template("editor/users.html", title="Users", users=store.all(), roles=ROLES,
                           locales=_editable_locales(), error=error, trail=store.audit_trail(),
                           form=request.form if error else {}), status


def _change(store: Accounts, form) -> str:
    """Carry out one admin form (add, update or remove) and audit it; the message to flash."""
    actor = _signed_in().name
    action, name = form.get("action", ""), form.get("name", "")
    locales = [locale for locale in form.getlist("locales") if locale]
    if action == "add":
        store.add(name, form.get("password", ""), form.get("role", ""), locales)
        store.audit(actor, "add", name, f"{form.get('role')} {' '.join(locales)}".strip())
        return f"Added {name}."
    if name == actor:
        raise AccountError("an admin does not change or remove their own account here (the CLI can)")
    if action == "update":
        store.set_rights(name, form.get("role", ""), locales)
        store.sign_out(name)  # a session must not keep the rights it had
        store.audit(actor, "set-rights", name, f"{form.get('role')} {' '.join(locales)}".strip())
        return f"Updated {name}."
    if action == "remove":
        store.remove(name)
        store.audit(actor, "remove", name)
        return f"Removed {name}."
    raise AccountError(f"unknown action {action!r}")
