"""The International Strategy site: `create_app` wires configuration, i18n, pages, CLI and headers.

Importing the package imports nothing else: the catalog tooling (`python -m app.tooling`, the
`site-i18n` console script) runs without Flask, so only `create_app` brings in the web application.
"""
from __future__ import annotations


def create_app(overrides: dict | None = None) -> "flask.Flask":  # noqa: F821 (imported below, not at start-up)
    import logging

    from flask import Flask

    from . import editor, i18n, pages, security, translators
    from .cli import i18n_cli
    from .config import PROJECT_ROOT, default_config, resolve_locales
    from .export import export_command

    app = Flask(__name__, static_folder=str(PROJECT_ROOT / "static"))
    app.config.update(default_config())
    app.config.update(overrides or {})
    resolve_locales(app.config)
    app.template_folder = str(app.config["TEMPLATES_DIR"])  # the templates rendered are the ones checked
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    i18n.init_app(app)
    pages.init_app(app)
    translators.init_app(app)
    editor.init_app(app)  # after pages: it wraps the page cache
    security.init_app(app)
    app.cli.add_command(i18n_cli)
    app.cli.add_command(export_command)
    return app
