"""The real app in a real WSGI server (werkzeug's threaded server) on a free loopback port.

`serve_app(make_app)` binds the port first, then builds the app knowing its own address, so BASE_URL (from
which every redirect and absolute link is built) is the address the browser actually uses.
"""
from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, url_for
from werkzeug.serving import make_server


@dataclass(frozen=True)
class LiveServer:
    url: str  # "http://127.0.0.1:<port>", also the app's BASE_URL
    app: Flask  # the served app, e.g. app.extensions["catalogs"]
    translations_dir: Path  # the app's TRANSLATIONS_DIR

    def url_for(self, endpoint: str, **values) -> str:
        """The absolute URL of `endpoint` on this server, from the app's own URL map."""
        with self.app.test_request_context():
            return self.url + url_for(endpoint, **values)


@contextmanager
def serve_app(make_app: Callable[[str], Flask], host: str = "127.0.0.1") -> Iterator[LiveServer]:
    """Serve `make_app(base_url)` until the block ends. The port is bound before the app is built."""
    sock = socket.create_server((host, 0))
    base_url = f"http://{host}:{sock.getsockname()[1]}"
    app = make_app(base_url)
    server = make_server(host, sock.getsockname()[1], app, threaded=True, fd=sock.fileno())
    sock.close()  # make_server works on its own duplicate of the descriptor
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(base_url, app, Path(app.config["TRANSLATIONS_DIR"]))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
