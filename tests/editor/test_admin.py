"""Accounts in the browser through the Flask app: a user's own password change, the admin's users page;
CSRF, role checks and the audit rows (the browser tests drive the same pages in Chromium)."""
from __future__ import annotations

import re

import pytest

from app.accounts import Accounts
from app.db import opened
from tests.conftest import PASSWORD, csrf, sign_in

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def admin_app(editor_app):
    Accounts(editor_app.config["EDITOR_DB"]).add("ada", PASSWORD, "admin", [])
    return editor_app


def test_changing_ones_password_needs_the_current_one_and_ends_other_sessions(editor_app):
    here, elsewhere = editor_app.test_client(), editor_app.test_client()
    sign_in(here, "alice"), sign_in(elsewhere, "alice")
    token = csrf(here, "/translations/account/password")
    wrong = here.post("/translations/account/password",
                      data={"csrf_token": token, "current": "not it at all", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert wrong.status_code == 403 and "The current password is wrong." in wrong.text
    assert here.post("/translations/account/password", data={"current": PASSWORD, "new": NEW_PASSWORD,
                                                             "confirm": NEW_PASSWORD}).status_code == 400  # no CSRF
    done = here.post("/translations/account/password", data={"csrf_token": token, "current": PASSWORD,
                                                              "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert here.get("/ja/translations/edit/").status_code == 200  # this session goes on
    assert elsewhere.get("/ja/translations/edit/").status_code == 302  # the other one is over
    assert sign_in(editor_app.test_client(), "alice", NEW_PASSWORD).status_code == 302
    with opened(editor_app.config["EDITOR_DB"]) as db:
        row = db.execute("SELECT actor, action, target, detail FROM account_audit").fetchone()
    assert tuple(row) == ("alice", "change-password", "alice", "")


def test_only_an_admin_manages_users_and_every_change_is_audited(admin_app):
    alice = admin_app.test_client()
    sign_in(alice, "alice")
    assert alice.get("/translations/admin/users").status_code == 403
    ada = admin_app.test_client()
    sign_in(ada, "ada")
    page = ada.get("/translations/admin/users").text
    assert 'data-user="rita"' in page
    token = csrf(ada, "/translations/admin/users")
    added = ada.post("/translations/admin/users", data={"csrf_token": token, "action": "add", "name": "<b>x",
                                                        "password": NEW_PASSWORD, "role": "translator"})
    assert added.status_code == 422 and "&lt;b&gt;x" in added.text and "<b>x" not in added.text
    assert ada.post("/translations/admin/users", data={
        "csrf_token": token, "action": "add", "name": "nina", "password": NEW_PASSWORD, "role": "translator",
        "locales": ["ja"]}).status_code == 303
    accounts = Accounts(admin_app.config["EDITOR_DB"])
    assert accounts.get("nina").locales == ("ja",)
    nina = admin_app.test_client()
    assert sign_in(nina, "nina", NEW_PASSWORD).status_code == 302
    assert ada.post("/translations/admin/users", data={
        "csrf_token": token, "action": "update", "name": "nina", "role": "reviewer",
        "locales": ["ja"]}).status_code == 303
    assert accounts.get("nina").role == "reviewer" and accounts.get("nina").locales == ("ja",)
    assert nina.get("/ja/translations/edit/").status_code == 302  # new rights: signed in again
    assert ada.post("/translations/admin/users", data={"csrf_token": token, "action": "remove",
                                                       "name": "ada"}).status_code == 422
    assert ada.post("/translations/admin/users", data={"csrf_token": token, "action": "remove",
                                                       "name": "nina"}).status_code == 303
    assert accounts.get("nina") is None
    trail = ada.get("/translations/admin/users").text
    assert re.search(r"<td>ada</td><td>remove</td><td>nina</td>", trail)
    assert re.search(r"<td>ada</td><td>set-rights</td><td>nina</td><td>reviewer ja</td>", trail)
    assert re.search(r"<td>ada</td><td>add</td><td>nina</td><td>translator ja</td>", trail)
