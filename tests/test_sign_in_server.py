"""Sign-in and request bodies under a real gunicorn (4 workers): parallel guesses are counted exactly,
guessing names from one address locks nobody else out, and a 300 MB body is refused unread."""
from __future__ import annotations

import http.cookiejar
import re
import select
import shutil
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.accounts import FREE_FAILURES_PER_ADDRESS_AND_NAME, Accounts
from tests.conftest import PASSWORD
from tests.test_server import gunicorn

WORKERS = 4
BIG = 300 * 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sign-in")
    translations, instance = tmp / "translations", tmp / "instance"
    shutil.copytree(PROJECT_ROOT / "translations", translations, ignore=shutil.ignore_patterns("*.mo"))
    accounts = Accounts(instance / "editor.sqlite3")
    for name in ("alice", "bob", "carol"):
        accounts.add(name, PASSWORD, "translator", ["ja"])
    with gunicorn(tmp, translations, workers=WORKERS, EDITOR_ENABLED=True, INSTANCE_DIR=str(instance),
                  BASE_URL="http://127.0.0.1") as server:
        yield server


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(url: str, name: str, password: str) -> int:
    """A new browser: GET /login for its session and token, then POST the name and password."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                         _NoRedirects)
    page = opener.open(url + "/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "name": name, "password": password}).encode()
    try:
        return opener.open(url + "/login", body, timeout=30).status
    except urllib.error.HTTPError as err:
        return err.code


def test_forty_parallel_guesses_check_only_the_free_failures(server):
    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(lambda n: sign_in(server.url, "bob", f"guess {n}"), range(40)))
    assert statuses.count(401) == FREE_FAILURES_PER_ADDRESS_AND_NAME  # checked, wrong
    assert statuses.count(429) == 40 - FREE_FAILURES_PER_ADDRESS_AND_NAME  # throttled, not checked


def test_guessing_many_names_from_the_proxys_address_locks_nobody_out(server):
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda n: sign_in(server.url, f"random{n}", "guess"), range(40)))
    assert statuses == [401] * 40
    assert sign_in(server.url, "alice", PASSWORD) == 302


def _worker_rss_kb(server) -> dict[str, int]:
    pids = set(re.findall(r"Booting worker with pid: (\d+)", server.log_text()))
    rss = {}
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue  # a worker that was replaced
        rss[pid] = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
    return rss


def _post_streaming(server, headers: str, chunks) -> tuple[bytes, int]:
    """Send `headers` then `chunks` of body until the server answers (or all are sent); the answer and
    how many body bytes were sent."""
    host, port = server.url.removeprefix("http://").split(":")
    sent = 0
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(headers.encode())
        answer = b""
        for chunk in chunks:
            if select.select([sock], [], [], 0)[0]:
                break
            try:
                sock.sendall(chunk)
            except OSError:  # the server closed the connection after answering
                break
            sent += len(chunk)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and b"\r\n\r\n" not in answer:
            try:
                data = sock.recv(65536)
            except OSError:
                break
            if not data:
                break
            answer += data
    return answer, sent


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_300_mb_post_to_login_is_refused_early_and_no_worker_grows(server, chunked):
    """With a Content-Length, a 413 before anything is read; a chunked body is read up to the limit
    (werkzeug cuts the stream there), the form is then empty and the answer a 400 (no CSRF token)."""
    before = _worker_rss_kb(server)
    piece = b"password=" + b"x" * (256 * 1024 - 9)
    if chunked:
        headers = ("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n")
        chunks = (f"{len(piece):x}\r\n".encode() + piece + b"\r\n" for _ in range(BIG // len(piece)))
    else:
        headers = ("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                   f"Content-Length: {BIG}\r\n\r\n")
        chunks = (piece for _ in range(BIG // len(piece)))
    answer, sent = _post_streaming(server, headers, chunks)
    assert answer.startswith(b"HTTP/1.1 400" if chunked else b"HTTP/1.1 413"), answer[:200]
    assert sent < 64 * 1024 * 1024  # answered long before the body ended
    after = _worker_rss_kb(server)
    growth = max(after[pid] - before[pid] for pid in after if pid in before)
    assert growth < 20 * 1024, f"a worker grew by {growth} kB"
