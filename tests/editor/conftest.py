"""Fixtures for the editor: an app with the editor on, over a private copy of the catalogs, with accounts
in a private database; `sign_in(client, name)` and `csrf(client, url)` helpers."""
from __future__ import annotations

import re

import pytest

from app import create_app
from app.accounts import Accounts
from tests.conftest import BASE_URL

PASSWORD = "correct horse battery"


def editor_config(translations_dir, instance_dir, **overrides) -> dict:
    return {"TESTING": True, "BASE_URL": BASE_URL, "TRANSLATIONS_DIR": translations_dir, "EDITOR_ENABLED": True,
            "INSTANCE_DIR": instance_dir, "EDITOR_DB": instance_dir / "editor.sqlite3", **overrides}


@pytest.fixture
def instance_dir(tmp_path):
    return tmp_path / "instance"


@pytest.fixture
def editor_app(translations_copy, instance_dir):
    app = create_app(editor_config(translations_copy, instance_dir))
    accounts = Accounts(app.config["EDITOR_DB"])
    accounts.add("alice", PASSWORD, "translator", ["ja"])
    accounts.add("rita", PASSWORD, "reviewer", ["ja"])
    accounts.add("frank", PASSWORD, "translator", ["fr"])
    return app


def csrf(client, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)


def sign_in(client, name: str, password: str = PASSWORD):
    return client.post("/login", data={"csrf_token": csrf(client, "/login"), "name": name, "password": password})


def form_of(html: str) -> dict:
    """The entry form's fields as the browser would send them (textareas and hidden inputs)."""
    fields = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)}
    fields["base"] = [unescape(v) for v in re.findall(r'name="base" value="([^"]*)"', html)]
    fields["msgstr"] = [unescape(v) for v in re.findall(r'name="msgstr"[^>]*>([^<]*)</textarea>', html)]
    return fields


def unescape(text: str) -> str:
    import html
    return html.unescape(text)
