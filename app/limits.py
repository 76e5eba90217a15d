"""Request body limits: every request body is capped (MAX_CONTENT_LENGTH, config.py) before anything reads it; a view
that takes bigger bodies (a catalog upload) says so with `@body_limit(bytes)`.

The app-wide cap is checked against Content-Length before the form is parsed (a chunked body is cut off
at the cap): the answer is a 413 page in the visitor's language, and the body is never read into memory.
The per-view limit is applied in a before_request hook registered before CSRFProtect's, which is the
first to read a form.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request


def body_limit(max_bytes: int) -> Callable:
    """For a view that accepts bodies up to `max_bytes` (above MAX_CONTENT_LENGTH)."""
    def mark(view: Callable) -> Callable:
        view.max_body = max_bytes  # type: ignore[attr-defined]
        return view
    return mark


def _view_limit() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "max_body", None)
    if limit is not None:
        request.max_content_length = limit


def init_app(app: Flask) -> None:
    """Before the editor's CSRFProtect (which reads the form in a before_request hook)."""
    app.before_request(_view_limit)
