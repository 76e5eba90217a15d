"""Defaults for every setting; `create_app(overrides)` and `SITE_*` environment variables change them."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def default_config() -> dict:
    port = os.environ.get("PORT", "5000")
    # instance/ (gitignored): the editor's database and the generated secret key.
    instance = Path(os.environ.get("SITE_INSTANCE_DIR", PROJECT_ROOT / "instance"))
    return {
        "PROJECT_ROOT": PROJECT_ROOT,
        "TRANSLATIONS_DIR": Path(os.environ.get("SITE_TRANSLATIONS_DIR", PROJECT_ROOT / "translations")),
        "TEMPLATES_DIR": PROJECT_ROOT / "templates",
        "LOCALES": ("en", "ja"),
        "DEFAULT_LOCALE": "en",
        # Every absolute URL (hreflang, sitemap, canonical, redirects) is built from this, never from the
        # request's Host header, so a forged Host cannot poison links or redirects.
        "BASE_URL": os.environ.get("SITE_BASE_URL", f"http://127.0.0.1:{port}").rstrip("/"),
        "LOCALE_COOKIE": "site_locale",
        "LOCALE_COOKIE_MAX_AGE": 365 * 24 * 3600,
        # Rendered pages are cached per (locale, page, catalog version); off while templates are being edited.
        "PAGE_CACHE": _env_flag("SITE_PAGE_CACHE", True),
        "TRANSLATION_STATUS_ENABLED": _env_flag("SITE_TRANSLATION_STATUS", False),
        # Write .mo files next to .po files whenever a catalog is (re)loaded, so they are never stale.
        "WRITE_MO_FILES": _env_flag("SITE_WRITE_MO", True),
        "STATIC_EXPORT": False,
        # The in-browser translation editor (app/editor); off unless SITE_EDITOR=1. The editor and the
        # status pages then require a signed-in account (SITE_TRANSLATION_STATUS_SIGN_IN=0: open status pages).
        "EDITOR_ENABLED": _env_flag("SITE_EDITOR", False),
        "TRANSLATION_STATUS_SIGN_IN": _env_flag("SITE_TRANSLATION_STATUS_SIGN_IN", True),
        "INSTANCE_DIR": instance,
        "EDITOR_DB": None,  # None: INSTANCE_DIR/editor.sqlite3
        "SECRET_KEY": os.environ.get("SITE_SECRET_KEY"),  # None: generated into instance/secret_key
        "EDITOR_SESSION_HOURS": float(os.environ.get("SITE_EDITOR_SESSION_HOURS", "8")),
        # Commit each save when translations/ is in a git work tree (the translator as author).
        "EDITOR_GIT_COMMITS": _env_flag("SITE_EDITOR_GIT_COMMITS", True),
        # Extra catalogs (.po paths) for translation-memory suggestions, besides the project's own.
        "TRANSLATION_MEMORY_CATALOGS": [Path(p) for p in os.environ.get("SITE_TM_CATALOGS", "").split(os.pathsep) if p],
    }
