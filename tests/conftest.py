"""Fixtures in the Flask tutorial's shape: `app`, `client`, `runner`, on the real catalogs.

`live_catalogs` gives an app whose translations directory is a private copy of the real one, for tests
that edit or break a catalog while the app runs.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

# A status page waits for its check to the end (under a test run's load a check can take seconds); the
# bounded wait has its own tests (tests/test_translators.py), which set TRANSLATION_STATUS_WAIT.
os.environ.setdefault("SITE_TRANSLATION_STATUS_WAIT", "120")
os.environ.setdefault("SITE_WRITE_MO_DELAY", "0")  # a .mo is written at once after its version is served

from app import create_app
from app.accounts import Accounts
from app.config import PROJECT_ROOT
from tests.helpers import CATALOG_SIDE_FILES

BASE_URL = "https://intl.example.ac.jp"


@pytest.fixture
def app():
    return create_app({"TESTING": True, "BASE_URL": BASE_URL})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def translations_copy(tmp_path) -> Path:
    target = tmp_path / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", target, ignore=CATALOG_SIDE_FILES)
    return target


@pytest.fixture
def live_app(translations_copy):
    return create_app({"TESTING": True, "BASE_URL": BASE_URL, "TRANSLATIONS_DIR": translations_copy})


@pytest.fixture
def ja_po(translations_copy) -> Path:
    return translations_copy / "ja" / "LC_MESSAGES" / "messages.po"


# --- accounts: an app with the editor on, its accounts in a private database --------------------------

PASSWORD = "correct horse battery"


def editor_config(translations_dir, instance_dir, **overrides) -> dict:
    return {"TESTING": True, "BASE_URL": BASE_URL, "TRANSLATIONS_DIR": translations_dir, "EDITOR_ENABLED": True,
            "INSTANCE_DIR": instance_dir, "EDITOR_DB": instance_dir / "editor.sqlite3", **overrides}


@pytest.fixture
def instance_dir(tmp_path):
    return tmp_path / "instance"


def make_editor_app(translations_dir, instance_dir, **overrides):
    """The app with the editor on and the accounts alice (translator, ja), rita (reviewer, ja) and frank
    (translator, fr). `REVIEW_LOCALES=()`: ja without review, as a locale listed under `without_review`."""
    app = create_app(editor_config(translations_dir, instance_dir, **overrides))
    accounts = Accounts(app.config["EDITOR_DB"])
    accounts.add("alice", PASSWORD, "translator", ["ja"])
    accounts.add("rita", PASSWORD, "reviewer", ["ja"])
    accounts.add("frank", PASSWORD, "translator", ["fr"])
    return app


@pytest.fixture
def editor_app(request, translations_copy, instance_dir):
    """As the project is configured: ja under review (translations/locales.toml); in a module or test marked
    `without_review`, ja without review (a translator's save is written at once)."""
    overrides = {"REVIEW_LOCALES": ()} if request.node.get_closest_marker("without_review") else {}
    return make_editor_app(translations_copy, instance_dir, **overrides)


def csrf(client, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)


def sign_in(client, name: str, password: str = PASSWORD):
    return client.post("/login", data={"csrf_token": csrf(client, "/login"), "name": name, "password": password})
