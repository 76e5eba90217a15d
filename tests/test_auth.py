"""auth.py through the real Flask app: signing in and out, where sign-in leads, throttling, the session
(its cookie, expiry, a changed password, a copied cookie after signing out), `login_required`'s rights and
the secret key."""
from __future__ import annotations

import re
import time

import pytest
from flask import g

from app import create_app
from app.accounts import Accounts
from app.auth import _has_right, _safe_next, login_required
from app.accounts import User
from app.tooling.entry import EntryKey
from tests.conftest import PASSWORD, csrf, editor_config, sign_in

EDIT = f"/ja/translations/edit/{EntryKey('fact label', 'Established').id}/"  # a page for translators of ja


@pytest.fixture
def client(editor_app):
    return editor_app.test_client()


@pytest.fixture
def alice(client):
    assert sign_in(client, "alice").status_code == 302
    return client


def test_nobody_signed_in_is_sent_to_login_and_comes_back(client):
    response = client.get(EDIT)
    assert response.status_code == 302
    assert response.location == f"https://intl.example.ac.jp/login?next={EDIT}"
    response = client.post("/login", data={"csrf_token": csrf(client, "/login"), "name": "alice",
                                           "password": PASSWORD, "next": EDIT})
    assert response.location == "https://intl.example.ac.jp" + EDIT
    assert client.get(EDIT).status_code == 200


def test_login_refuses_a_redirect_to_another_site(client):
    response = client.post("/login", data={"csrf_token": csrf(client, "/login"), "name": "alice",
                                           "password": PASSWORD, "next": "//evil.example/"})
    assert response.location == "https://intl.example.ac.jp/ja/translations/edit/"


def test_login_is_throttled_after_repeated_failures_even_with_the_right_password(client):
    for _ in range(5):
        assert sign_in(client, "alice", "wrong password").status_code == 401
    response = sign_in(client, "alice")
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 30
    assert "Too many failed sign-ins for this name: try again in" in response.text


def test_session_cookie_flags(client):
    response = sign_in(client, "alice")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie  # BASE_URL is https


def test_a_request_that_changes_nothing_in_the_session_sends_no_cookie(alice):
    """Two requests in flight (a save and the editor's QA call): the later answer's cookie would replace the
    save's, and its "Saved." with it."""
    assert alice.get(EDIT).status_code == 200
    response = alice.post(EDIT + "qa", data={"csrf_token": csrf(alice, EDIT), "msgstr": "設立"})
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert "Set-Cookie" not in alice.get(EDIT).headers


def test_an_expired_session_or_a_changed_password_signs_out(editor_app, alice):
    assert alice.get(EDIT).status_code == 200
    with alice.session_transaction() as session:
        session["since"] = time.time() - 9 * 3600
    assert alice.get(EDIT).status_code == 302
    sign_in(alice, "alice")
    Accounts(editor_app.config["EDITOR_DB"]).set_password("alice", "a brand new password")
    assert alice.get(EDIT).status_code == 302


def test_the_secret_key_is_generated_once_into_instance(translations_copy, instance_dir):
    first = create_app(editor_config(translations_copy, instance_dir, SECRET_KEY=None))
    second = create_app(editor_config(translations_copy, instance_dir, SECRET_KEY=None))
    assert first.secret_key == second.secret_key == (instance_dir / "secret_key").read_text()
    assert (instance_dir / "secret_key").stat().st_mode & 0o077 == 0


def test_signing_out_ends_the_session_even_for_a_copy_of_its_cookie(editor_app, alice):
    copy = editor_app.test_client()
    copy.set_cookie("session", alice.get_cookie("session").value)
    assert copy.get(EDIT).status_code == 200
    alice.post("/logout", data={"csrf_token": csrf(alice, EDIT)})
    assert copy.get(EDIT).status_code == 302  # back to the sign-in page
    assert sign_in(alice, "alice").status_code == 302 and alice.get(EDIT).status_code == 200


@pytest.mark.parametrize(("target", "kept"), [
    ("/ja/translations/", True), ("//evil.example/", False), ("/\\evil.example/", False),
    ("https://evil.example/", False), ("/ja/\n", False), ("/\r", False), ("/\t/evil.example/", False), (None, False), ("", False),
])
def test_only_a_path_on_this_site_is_returned_to(target, kept):
    assert _safe_next(target) == (target if kept else None)


@pytest.mark.parametrize(("role", "locale", "translator", "reviewer", "admin"), [
    ("translator", "ja", True, True, True),
    ("translator", "fr", False, False, True),
    ("translator", None, True, True, True),
    ("reviewer", "ja", False, True, True),
    ("reviewer", None, False, True, True),
    ("admin", None, False, False, True),
])
def test_the_rights_each_role_has(role, locale, translator, reviewer, admin):
    users = [User("u", name, ("ja",), "") for name in ("translator", "reviewer", "admin")]
    assert [_has_right(user, role, locale) for user in users] == [translator, reviewer, admin]


def test_login_required_signs_in_first_then_checks_the_right(editor_app):
    @login_required(role="reviewer", locale=lambda: g.locale)
    def approve():
        return "approved"

    with editor_app.test_request_context("/ja/translations/"):
        g.locale = "ja"
        assert approve().status_code == 302  # nobody signed in: to the sign-in page, coming back
        g.user = User("alice", "translator", ("ja",), "")
        with pytest.raises(Exception) as forbidden:
            approve()
        assert getattr(forbidden.value, "code", None) == 403
        g.user = User("rita", "reviewer", ("ja",), "")
        assert approve() == "approved"


@pytest.mark.parametrize("target, expected", [
    ("/\r", "/ja/translations/edit/"),  # a carriage return in the Location header was a 500
    ("/\r\nSet-Cookie: x=1", "/ja/translations/edit/"),
    ("/\t/evil.example/", "/ja/translations/edit/"),
    ("/ja/translations/edit/?q=a b", "/ja/translations/edit/?q=a%20b"),
    ("/ja/ページ/", "/ja/%E3%83%9A%E3%83%BC%E3%82%B8/"),
])
def test_login_with_any_next_redirects_on_this_site_and_never_fails(client, target, expected):
    login_page = client.get("/login", query_string={"next": target})
    assert login_page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page.text).group(1)
    response = client.post("/login", data={"csrf_token": token, "name": "alice", "password": PASSWORD,
                                           "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "https://intl.example.ac.jp" + expected


def test_the_raw_url_login_next_percent_0d_then_the_right_password(client):
    assert client.get("/login?next=/%0D").status_code == 200
    token = csrf(client, "/login?next=/%0D")
    response = client.post("/login?next=/%0D", data={"csrf_token": token, "name": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response.location == "https://intl.example.ac.jp/ja/translations/edit/"
