"""The in-browser translation editor (views.py), for signed-in translators (auth.py).

Off unless EDITOR_ENABLED (SITE_EDITOR=1): every editor URL is then a 404. Saving is store.py (one entry,
under a lock, conflict-checked); suggestions from other translations are memory.py.
"""
from __future__ import annotations

import time
from pathlib import Path

from ..auth import ACCOUNTS_ON
from . import admin, qa, site_links, transfer  # noqa: F401 (qa, transfer: routes on the editor's blueprint)
from .memory import TranslationMemory
from .push_cli import translations_cli
from .store import CatalogStore
from .views import bp


def init_app(app) -> None:
    """Register the editor's blueprint; where the editor is on, its memory, filters and links on the site
    (after auth.init_app and pages.init_app: it wraps the page cache)."""
    app.register_blueprint(bp)
    app.register_blueprint(admin.bp)
    app.cli.add_command(translations_cli)
    if not app.extensions[ACCOUNTS_ON]:
        return  # nothing below costs a visitor anything then
    app.extensions["translation_memory"] = TranslationMemory()
    app.jinja_env.filters["editor_time"] = lambda at: time.strftime("%Y-%m-%d %H:%M", time.gmtime(at))
    if app.config["EDITOR_ENABLED"]:
        site_links.init_app(app)
        reconcile_interrupted_saves(app.config)


def reconcile_interrupted_saves(config) -> None:
    """At start-up, settle the audit rows of saves killed mid-way (store.CatalogStore.reconcile); a catalog
    whose lock is busy is left to its next save."""
    for locale in CatalogStore.pending_locales(config["EDITOR_DB"]):
        po = Path(config["TRANSLATIONS_DIR"]) / locale / "LC_MESSAGES" / "messages.po"
        CatalogStore(po, locale, config["EDITOR_DB"]).reconcile()
