"""Defaults for every setting; `create_app(overrides)` and `SITE_*` environment variables change them."""
from __future__ import annotations

import os
import tomllib
from pathlib import Path

from babel import Locale, UnknownLocaleError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_count(name: str, default: int) -> int:
    value = os.environ.get(name, str(default)).strip()
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number (0 or more), not {value!r}")
    return int(value)


def default_config() -> dict:
    port = os.environ.get("PORT", "5000")
    # instance/ (gitignored): the editor's database and the generated secret key.
    instance = Path(os.environ.get("SITE_INSTANCE_DIR", PROJECT_ROOT / "instance"))
    return {
        "PROJECT_ROOT": PROJECT_ROOT,
        "TRANSLATIONS_DIR": Path(os.environ.get("SITE_TRANSLATIONS_DIR", PROJECT_ROOT / "translations")),
        "TEMPLATES_DIR": PROJECT_ROOT / "templates",
        # Published locales (what visitors see) and drafts (catalogs not yet published): None means "read
        # them from the catalogs and translations/locales.toml" (resolve_locales, when the app is created).
        "LOCALES": None,
        "DRAFT_LOCALES": None,
        # Published locales where a translator's save is a suggestion until a reviewer accepts it: None means
        # "every published locale but those translations/locales.toml lists under `without_review`".
        "REVIEW_LOCALES": None,
        "DEFAULT_LOCALE": "en",
        # Every absolute URL (hreflang, sitemap, canonical, redirects) is built from this, never from the
        # request's Host header, so a forged Host cannot poison links or redirects.
        "BASE_URL": os.environ.get("SITE_BASE_URL", f"http://127.0.0.1:{port}").rstrip("/"),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (werkzeug's ProxyFix):
        # 1 behind one nginx. 0 (direct): those headers are ignored, as anyone can send them. The sign-in
        # throttle counts failures per client address, which is the proxy's own unless this is right.
        "TRUSTED_PROXIES": _env_count("SITE_TRUSTED_PROXIES", 0),
        # Request bodies (app/limits.py): a save form is a few KB, the largest possible one (6 plural forms ×
        # 5,000 kana, sent twice, percent-encoded) ~0.6 MB; a multipart text part at most 500 KB. Bigger: 413.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 500 * 1024,
        "LOCALE_COOKIE": "site_locale",
        "LOCALE_COOKIE_MAX_AGE": 365 * 24 * 3600,
        # Rendered pages are cached per (locale, page, catalog version); off while templates are being edited.
        "PAGE_CACHE": _env_flag("SITE_PAGE_CACHE", True),
        "TRANSLATION_STATUS_ENABLED": _env_flag("SITE_TRANSLATION_STATUS", False),
        # Seconds a status page waits for the check of changed catalogs before showing the last status
        # (marked as older than the files) or a page that reloads itself: a new 100,000-entry catalog takes
        # seconds to check whole.
        "TRANSLATION_STATUS_WAIT": float(os.environ.get("SITE_TRANSLATION_STATUS_WAIT", "1")),
        # Write .mo files next to .po files whenever a catalog is (re)loaded, so they are never stale.
        "WRITE_MO_FILES": _env_flag("SITE_WRITE_MO", True),
        # ...that many seconds after a version is served, for the newest one then (catalogs.CatalogRegistry).
        "WRITE_MO_DELAY": float(os.environ.get("SITE_WRITE_MO_DELAY", "5")),
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


def editor_db_path(config) -> Path:
    """The editor's SQLite database: EDITOR_DB, else instance/editor.sqlite3."""
    return Path(config["EDITOR_DB"] or Path(config["INSTANCE_DIR"]) / "editor.sqlite3")


PUBLISHED_LOCALES_FILE = "locales.toml"


class LocaleConfigError(ValueError):
    """translations/locales.toml cannot be used: the app refuses to start rather than guess what to publish."""


def _is_locale(name: str) -> bool:
    try:
        Locale.parse(name)
    except (ValueError, TypeError, UnknownLocaleError):
        return False
    return True


def catalog_locales(translations_dir: Path) -> list[str]:
    """Every locale with a catalog: translations/<locale>/LC_MESSAGES/messages.po. A directory whose name is
    no locale Babel knows is not a language of the site (`check` still reads and reports its catalog)."""
    return sorted(po.parent.parent.name for po in Path(translations_dir).glob("*/LC_MESSAGES/messages.po")
                  if _is_locale(po.parent.parent.name))


def _locales_file(translations_dir: Path) -> tuple[Path, dict]:
    path = Path(translations_dir) / PUBLISHED_LOCALES_FILE
    try:
        return path, tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return path, {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise LocaleConfigError(f"{path}: {err}") from err


def _locale_list(path: Path, settings: dict, key: str) -> list[str]:
    listed = settings.get(key, [])
    if not isinstance(listed, list) or not all(isinstance(locale, str) for locale in listed):
        raise LocaleConfigError(f'{path}: `{key}` must be a list of locale codes, e.g. ["en", "ja"]')
    return listed


def published_locales(translations_dir: Path, default_locale: str) -> tuple[str, ...]:
    """The locales translations/locales.toml publishes, the source locale first. No file: the source only."""
    path, settings = _locales_file(translations_dir)
    listed = _locale_list(path, settings, "published")
    available = set(catalog_locales(translations_dir)) | {default_locale}
    missing = [locale for locale in listed if locale not in available]
    if missing:
        raise LocaleConfigError(f"{path}: published {', '.join(missing)} without a catalog: "
                                f"run `flask --app app i18n init {missing[0]}` first")
    return tuple(dict.fromkeys([default_locale, *listed]))


def review_locales(translations_dir: Path, published, default_locale: str) -> tuple[str, ...]:
    """The published locales whose translators suggest and reviewers publish: all of them (a locale newly
    published too) but those locales.toml lists under `without_review`. Drafts need none: nobody sees them."""
    path, settings = _locales_file(translations_dir)
    without = set(_locale_list(path, settings, "without_review"))
    return tuple(locale for locale in published if locale != default_locale and locale not in without)


def resolve_locales(config) -> None:
    """Fill LOCALES (published), DRAFT_LOCALES (every other catalog) and REVIEW_LOCALES unless the app's creator set them."""
    translations_dir, default_locale = config["TRANSLATIONS_DIR"], config["DEFAULT_LOCALE"]
    if config["LOCALES"] is None:
        config["LOCALES"] = published_locales(translations_dir, default_locale)
    if config["DRAFT_LOCALES"] is None:
        config["DRAFT_LOCALES"] = tuple(locale for locale in catalog_locales(translations_dir)
                                        if locale not in config["LOCALES"])
    if config.get("REVIEW_LOCALES") is None:
        config["REVIEW_LOCALES"] = review_locales(translations_dir, config["LOCALES"], default_locale)


def all_locales(config) -> tuple[str, ...]:
    """Published locales, then drafts: the ones the catalog tools and translator pages cover."""
    return (*config["LOCALES"], *config["DRAFT_LOCALES"])
