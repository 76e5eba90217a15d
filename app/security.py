"""Security headers on every response: no inline script, no sniffing, no referrer leaks, no framing.

Every page also carries the policy in a <meta http-equiv="Content-Security-Policy"> (META_CONTENT_SECURITY_POLICY),
so the static export keeps it on a host that sends no headers; the export writes HEADERS into a `_headers`
file for hosts that read one (app/export.py).
"""
from __future__ import annotations

import os

from jinja2 import FileSystemLoader, TemplateNotFound
from jinja2.loaders import split_template_path

from .tooling.project_files import outside_problem

_DIRECTIVES = (
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "object-src 'none'",
    "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
)
CONTENT_SECURITY_POLICY = "; ".join(_DIRECTIVES)
# A <meta> policy ignores frame-ancestors, report-uri and sandbox (CSP Level 3, section 3.3): leave them out.
META_CONTENT_SECURITY_POLICY = "; ".join(d for d in _DIRECTIVES
                                         if d.split()[0] not in ("frame-ancestors", "report-uri", "sandbox"))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


_HEADER_LIST = list(HEADERS.items())


class SecurityHeaders:
    """WSGI middleware adding HEADERS to every response, whatever produced it (views, errors, static files).

    At the WSGI layer rather than in an after_request hook because appending four ready-made tuples costs a
    fraction of a microsecond, against several for werkzeug's `Headers.extend` on every response: it was
    the largest cost of serving a cached page (see bench/README.md).
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start_with_security_headers(status, headers, exc_info=None):
            return start_response(status, headers + _HEADER_LIST, exc_info)
        return self.wsgi_app(environ, start_with_security_headers)


class RegularFilesLoader(FileSystemLoader):
    """Templates only as regular files inside the templates directory: a template that is a symlink out of
    it (git stores symlinks) is not found, so its target's content can never be rendered."""

    def get_source(self, environment, template):
        for directory in self.searchpath:
            path = os.path.join(directory, *split_template_path(template))
            if os.path.lexists(path) and outside_problem(path, directory):
                raise TemplateNotFound(f"{template} ({outside_problem(path, directory)})")
        return super().get_source(environment, template)


def init_app(app) -> None:
    app.jinja_loader = RegularFilesLoader(app.template_folder)
    app.wsgi_app = SecurityHeaders(app.wsgi_app)
    app.jinja_env.globals["META_CONTENT_SECURITY_POLICY"] = META_CONTENT_SECURITY_POLICY
