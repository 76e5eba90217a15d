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
    return {
        "PROJECT_ROOT": PROJECT_ROOT,
        "TRANSLATIONS_DIR": PROJECT_ROOT / "translations",
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
    }
