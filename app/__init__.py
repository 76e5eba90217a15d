"""The International Strategy site: `create_app` wires configuration, i18n, pages, CLI and headers.

Importing the package imports nothing else: the catalog tooling (`python -m app.tooling`, the
`site-i18n` console script) runs without Flask, so only `create_app` brings in the web application.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(overrides: dict | None = None) -> Flask:
    import logging

    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from . import auth, editor, i18n, limits, pages, security, translators
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

    limits.init_app(app)  # first: its hook must run before anything reads a request body
    i18n.init_app(app)
    pages.init_app(app)
    translators.init_app(app)
    auth.init_app(app)
    editor.init_app(app)  # after auth, and after pages: it wraps the page cache
    security.init_app(app)
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:  # the client's address and scheme from the last `proxies` X-Forwarded-For/-Proto entries
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.cli.add_command(i18n_cli)
    app.cli.add_command(export_command)
    return app
