"""Fixtures in the Flask tutorial's shape: `app`, `client`, `runner`, on the real catalogs.

`live_catalogs` gives an app whose translations directory is a private copy of the real one, for tests
that edit or break a catalog while the app runs.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app import create_app
from app.config import PROJECT_ROOT

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
    shutil.copytree(PROJECT_ROOT / "translations", target, ignore=shutil.ignore_patterns("*.mo"))
    return target


@pytest.fixture
def live_app(translations_copy):
    return create_app({"TESTING": True, "BASE_URL": BASE_URL, "TRANSLATIONS_DIR": translations_copy})


@pytest.fixture
def ja_po(translations_copy) -> Path:
    return translations_copy / "ja" / "LC_MESSAGES" / "messages.po"
