"""app/limits.py and the proxy setting: oversize bodies are a 413 page in the visitor's language before
anything reads them; a view can take more; the client address comes from trusted proxies only."""
from __future__ import annotations

import io

import pytest
from flask import request

from app import create_app
from app.config import default_config
from app.db import opened
from app.limits import body_limit
from tests.conftest import PASSWORD, csrf, editor_config

TOO_BIG = 300 * 1024 * 1024


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the body over the limit was read")


@pytest.fixture
def instance_dir(tmp_path):
    return tmp_path / "instance"


@pytest.fixture
def app(translations_copy, instance_dir):
    return create_app(editor_config(translations_copy, instance_dir))


def post_oversize(client, path: str, **headers):
    return client.post(path, headers=headers, content_type="application/x-www-form-urlencoded",
                       environ_overrides={"wsgi.input": UnreadableBody(), "CONTENT_LENGTH": str(TOO_BIG)})


def test_a_300_mb_sign_in_is_413_in_the_visitors_language_without_reading_it(app):
    client = app.test_client()
    english = post_oversize(client, "/login")
    assert english.status_code == 413 and "Too much data sent" in english.text
    japanese = post_oversize(client, "/login", **{"Accept-Language": "ja"})
    assert japanese.status_code == 413 and "送信されたデータが大きすぎます" in japanese.text
    assert japanese.headers["Content-Language"] == "ja"


def test_an_oversize_save_is_413_in_the_language_of_the_url(app):
    response = post_oversize(app.test_client(), "/ja/translations/edit/0123456789abcdef/")
    assert response.status_code == 413 and "送信されたデータが大きすぎます" in response.text


def test_the_limits_fit_the_largest_possible_save_form():
    config = default_config()
    largest_save = 2 * 6 * len("あ".encode()) * 3 * 5000  # msgstr and base, 6 plural forms, percent-encoded
    assert largest_save < config["MAX_CONTENT_LENGTH"] <= 2 * 1024 * 1024
    assert config["MAX_FORM_MEMORY_SIZE"] <= config["MAX_CONTENT_LENGTH"]


def test_a_view_marked_with_body_limit_takes_more(app):
    @app.post("/upload-test")
    @body_limit(4 * 1024 * 1024)
    def upload_test():
        return str(len(request.get_data()))

    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    client = app.test_client()
    assert client.post("/upload-test", data=b"x" * (3 * 1024 * 1024)).text == str(3 * 1024 * 1024)
    assert client.post("/upload-test", data=b"x" * (5 * 1024 * 1024)).status_code == 413


def _failure_keys(app) -> set[str]:
    with opened(app.config["EDITOR_DB"]) as db:
        return {row[0] for row in db.execute("SELECT key FROM login_failures")}


def _wrong_sign_in(app, forwarded_for: str) -> None:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.9.9"  # the proxy
    response = client.post("/login", headers={"X-Forwarded-For": forwarded_for}, data={
        "csrf_token": csrf(client, "/login"), "name": "alice", "password": "wrong " + PASSWORD})
    assert response.status_code == 401


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(translations_copy, instance_dir):
    app = create_app(editor_config(translations_copy, instance_dir, TRUSTED_PROXIES=1))
    _wrong_sign_in(app, "203.0.113.7, 198.51.100.1")  # the proxy appended the address it saw
    assert "pair:198.51.100.1 alice" in _failure_keys(app)


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(app):
    _wrong_sign_in(app, "198.51.100.1")  # anyone can send the header
    assert "pair:10.9.9.9 alice" in _failure_keys(app)


def test_the_proxy_count_must_be_a_number(monkeypatch):
    monkeypatch.setenv("SITE_TRUSTED_PROXIES", "yes")
    with pytest.raises(ValueError, match="SITE_TRUSTED_PROXIES must be a whole number"):
        default_config()
    monkeypatch.setenv("SITE_TRUSTED_PROXIES", "2")
    assert default_config()["TRUSTED_PROXIES"] == 2
