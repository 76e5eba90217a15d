"""config.py: defaults, SITE_* environment variables, and published versus draft locales."""
from __future__ import annotations

import pytest

from app.config import (LocaleConfigError, all_locales, catalog_locales, default_config, published_locales,
                        resolve_locales, review_locales)


def catalog(directory, locale: str) -> None:
    po = directory / locale / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")


def test_defaults_are_safe(monkeypatch):
    for name in ("SITE_EDITOR", "SITE_TRANSLATION_STATUS", "SITE_SECRET_KEY", "SITE_BASE_URL", "PORT"):
        monkeypatch.delenv(name, raising=False)
    config = default_config()
    assert not config["EDITOR_ENABLED"] and not config["TRANSLATION_STATUS_ENABLED"]
    assert config["TRANSLATION_STATUS_SIGN_IN"] and config["SECRET_KEY"] is None
    assert config["BASE_URL"] == "http://127.0.0.1:5000" and config["DEFAULT_LOCALE"] == "en"


@pytest.mark.parametrize(("value", "enabled"), [("1", True), ("yes", True), (" On ", True), ("0", False),
                                                ("no", False), ("", False)])
def test_flags_from_the_environment(monkeypatch, value, enabled):
    monkeypatch.setenv("SITE_EDITOR", value)
    assert default_config()["EDITOR_ENABLED"] is enabled


def test_base_url_and_memory_catalogs_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SITE_BASE_URL", "https://intl.example.ac.jp/")
    monkeypatch.setenv("SITE_TM_CATALOGS", f"{tmp_path / 'a.po'}:{tmp_path / 'b.po'}")
    config = default_config()
    assert config["BASE_URL"] == "https://intl.example.ac.jp"
    assert config["TRANSLATION_MEMORY_CATALOGS"] == [tmp_path / "a.po", tmp_path / "b.po"]


def test_published_and_draft_locales(tmp_path):
    for locale in ("ja", "fr", "not-a-locale"):
        catalog(tmp_path, locale)
    (tmp_path / "locales.toml").write_text('published = ["ja"]\n', encoding="utf-8")
    assert catalog_locales(tmp_path) == ["fr", "ja"]
    config = {"TRANSLATIONS_DIR": tmp_path, "DEFAULT_LOCALE": "en", "LOCALES": None, "DRAFT_LOCALES": None}
    resolve_locales(config)
    assert config["LOCALES"] == ("en", "ja") and config["DRAFT_LOCALES"] == ("fr",)
    assert config["REVIEW_LOCALES"] == ("ja",)  # published, and not listed under without_review
    assert all_locales(config) == ("en", "ja", "fr")


def test_without_locales_toml_only_the_source_is_published(tmp_path):
    catalog(tmp_path, "ja")
    assert published_locales(tmp_path, "en") == ("en",)


@pytest.mark.parametrize("text, message", [
    ('published = ["de"]\n', "without a catalog"),
    ('published = "ja"\n', "must be a list"),
    ("published = [\n", "locales.toml"),
])
def test_a_bad_locales_toml_stops_the_app(tmp_path, text, message):
    catalog(tmp_path, "ja")
    (tmp_path / "locales.toml").write_text(text, encoding="utf-8")
    with pytest.raises(LocaleConfigError, match=message):
        published_locales(tmp_path, "en")


def test_every_published_locale_is_reviewed_unless_locales_toml_says_otherwise(tmp_path):
    for locale in ("ja", "fr"):
        po = tmp_path / locale / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True)
        po.write_text("", encoding="utf-8")
    toml = tmp_path / "locales.toml"
    toml.write_text('published = ["en", "ja", "fr"]\n', encoding="utf-8")
    assert review_locales(tmp_path, published_locales(tmp_path, "en"), "en") == ("ja", "fr")  # newly published too
    toml.write_text('published = ["en", "ja", "fr"]\nwithout_review = ["fr"]\n', encoding="utf-8")
    assert review_locales(tmp_path, published_locales(tmp_path, "en"), "en") == ("ja",)
    toml.write_text('published = ["en", "ja"]\nwithout_review = "fr"\n', encoding="utf-8")
    with pytest.raises(LocaleConfigError, match="`without_review` must be a list"):
        review_locales(tmp_path, ("en", "ja"), "en")


def test_the_projects_japanese_is_under_review():
    config = default_config()
    resolve_locales(config)
    assert config["REVIEW_LOCALES"] == ("ja",)
