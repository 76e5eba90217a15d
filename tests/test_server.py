"""The real app under a real gunicorn (gunicorn.conf.py, several sync workers), over real sockets.

One server per module, on a private copy of translations/; tests that edit the Japanese catalog restore it.
"""
from __future__ import annotations

import gettext
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.pages import PAGES

WORKERS = 3
PAGE_PATHS = [f"/{locale}/{page.slug + '/' if page.slug else ''}" for page in PAGES for locale in ("en", "ja")]
JA_PATHS = [path for path in PAGE_PATHS if path.startswith("/ja/")]
HOME_JA = 'msgctxt "navigation"\nmsgid "Home"\nmsgstr "ホーム"\n'


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is the answer under test, not a hop to follow


OPENER = urllib.request.build_opener(_NoRedirects)


class Server:
    def __init__(self, url: str, log: Path, translations: Path, process: subprocess.Popen):
        self.url, self.log, self.translations, self.process = url, log, translations, process
        self.ja_po = translations / "ja" / "LC_MESSAGES" / "messages.po"

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str]:
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with OPENER.open(request, timeout=20) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8", "replace")

    def get_many(self, paths: list[str]) -> list[tuple[int, str]]:
        with ThreadPoolExecutor(max_workers=16) as pool:
            return list(pool.map(self.get, paths))

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def gunicorn(tmp: Path, translations: Path, workers: int = WORKERS, **config):
    """The app (TRANSLATIONS_DIR `translations`, plus `config`) under gunicorn.conf.py, until the block ends."""
    log, errors = tmp / "stdout.log", tmp / "stderr.log"
    app_spec = f"app:create_app({ {'TRANSLATIONS_DIR': str(translations), **config}!r})"  # literals only
    # HOME is private so the test can see that gunicorn created nothing there (no ~/.gunicorn control socket).
    env = {**os.environ, "HOME": str(tmp)}
    with open(log, "wb") as stdout, open(errors, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py"),
             "--bind", "127.0.0.1:0", "--workers", str(workers), app_spec],
            cwd=PROJECT_ROOT, env=env, stdout=stdout, stderr=stderr)
    try:
        deadline = time.monotonic() + 30
        while not (match := re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())):
            assert process.poll() is None, errors.read_text() + log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.05)
        server = Server(match.group(1), log, translations, process)
        while len(set(re.findall(r"Booting worker with pid: (\d+)", log.read_text()))) < workers:
            assert time.monotonic() < deadline, "gunicorn workers did not boot"
            time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gunicorn")
    translations = tmp / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", translations, ignore=shutil.ignore_patterns("*.mo"))
    with gunicorn(tmp, translations) as server:
        yield server
    assert not (tmp / ".gunicorn").exists()


@pytest.fixture
def ja_po(server):
    original = server.ja_po.read_bytes()
    yield server.ja_po
    server.ja_po.write_bytes(original)
    for mo in server.translations.rglob("*.mo"):
        mo.unlink()


def worker_pids(log: str) -> set[str]:
    return set(re.findall(r"Booting worker with pid: (\d+)", log))


def pids_serving(log: str, since: int, path: str) -> set[str]:
    return set(re.findall(rf"\[(\d+)\] \[INFO\] 127\.0\.0\.1 .*\"GET {re.escape(path)} HTTP", log[since:]))


def test_concurrent_requests_to_every_page_all_succeed(server):
    results = server.get_many(PAGE_PATHS * 20)
    assert [status for status, _ in results] == [200] * len(PAGE_PATHS) * 20
    ja_bodies = {body for (status, body), path in zip(results, PAGE_PATHS * 20, strict=True) if path == "/ja/"}
    assert len(ja_bodies) == 1 and "ホーム" in ja_bodies.pop()


def test_access_and_error_logs_go_to_stdout_and_debug_is_off(server):
    status, body = server.get("/ja/no-such-page")
    assert status == 404 and "Traceback" not in body and "Werkzeug Debugger" not in body
    deadline = time.monotonic() + 5  # the access line is written after the response is sent
    while '"GET /ja/no-such-page HTTP/1.1" 404' not in (log := server.log_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert '"GET /ja/no-such-page HTTP/1.1" 404' in log
    assert "Listening at:" in log and "Booting worker" in log  # gunicorn's own log, on stdout too
    assert len(worker_pids(log)) == WORKERS


def _hit_every_worker(server: Server, path: str) -> list[tuple[int, str]]:
    """Concurrent GETs of `path` until each worker has answered at least one; every response returned."""
    responses = []
    since = len(server.log_text())
    for _ in range(20):
        responses += server.get_many([path] * 32)
        if pids_serving(server.log_text(), since, path) >= worker_pids(server.log_text()):
            return responses
    pytest.fail(f"not every worker answered {path}")


def test_an_edited_catalog_shows_on_the_next_request_in_every_worker(server, ja_po):
    _hit_every_worker(server, "/ja/")  # every worker has the current catalog loaded and the page cached
    ja_po.write_text(ja_po.read_text(encoding="utf-8").replace(HOME_JA, HOME_JA.replace("ホーム", "トップ")),
                     encoding="utf-8")
    for status, body in _hit_every_worker(server, "/ja/"):
        assert status == 200 and "トップ" in body and "ホーム" not in body
    # Editors often save by writing a new file and renaming it over the old one (a new inode).
    replacement = ja_po.with_suffix(".tmp")
    replacement.write_text(ja_po.read_text(encoding="utf-8").replace("トップ", "首页"), encoding="utf-8")
    os.replace(replacement, ja_po)
    for status, body in _hit_every_worker(server, "/ja/"):
        assert status == 200 and "首页" in body and "トップ" not in body


def test_a_catalog_broken_while_serving_never_gives_a_500(server, ja_po):
    good = ja_po.read_bytes()
    broken_versions = [
        good[: len(good) // 2],  # a save interrupted half way
        good.replace(b'msgstr "\xe3\x83\x9b', b'msgstr "\xff\xfe'),  # not UTF-8
        good.replace(HOME_JA.encode(), b'msgctxt "navigation"\nmsgid "Home"\nmsgstr "unterminated\n'),
        b"",
        b"\x00garbage" * 100,
    ]
    stop = threading.Event()

    def keep_breaking_the_catalog():
        while not stop.is_set():
            for version in broken_versions + [good]:
                with open(ja_po, "wb") as po:  # in place and unflushed: readers may see any prefix
                    po.write(version)
                time.sleep(0.002)

    writer = threading.Thread(target=keep_breaking_the_catalog)
    writer.start()
    try:
        results = server.get_many(JA_PATHS * 30)
    finally:
        stop.set()
        writer.join()
    assert {status for status, _ in results} == {200}
    # Which catalog is live now depends on what each worker happened to read; make it the good one again.
    ja_po.write_bytes(good)
    for status, body in _hit_every_worker(server, "/ja/"):
        assert status == 200 and "ホーム" in body
    ja_po.write_bytes(broken_versions[2])
    for status, body in _hit_every_worker(server, "/ja/"):
        assert status == 200 and "ホーム" in body  # the last good catalog keeps serving
    assert "catalog not loaded, still serving the last good one" in server.log_text()


def test_a_truncated_or_garbage_mo_beside_a_good_po_changes_nothing(server, ja_po):
    before = [body for _, body in server.get_many(JA_PATHS)]
    mo = ja_po.with_suffix(".mo")
    for damaged in (b"\xde\x12\x04\x95" + b"\x00" * 7, b"not a catalog at all" * 50, b""):
        mo.write_bytes(damaged)  # as if a write of the .mo had been interrupted
        after = server.get_many(JA_PATHS * 3)
        assert [status for status, _ in after] == [200] * len(after)
        assert [body for _, body in after] == before * 3
    # The next change to the .po rewrites the .mo whole (atomically), from the catalog being served.
    ja_po.write_text(ja_po.read_text(encoding="utf-8").replace(HOME_JA, HOME_JA.replace("ホーム", "トップ")),
                     encoding="utf-8")
    assert "トップ" in server.get("/ja/")[1]
    deadline = time.monotonic() + 10  # written by the worker's loader after the version is served

    def home_in_mo():  # read by GNU gettext's reader, as any other program would read it
        try:
            with open(mo, "rb") as fileobj:
                return gettext.GNUTranslations(fileobj).pgettext("navigation", "Home")
        except (OSError, struct.error):  # still the damaged one
            return None
    while home_in_mo() != "トップ" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert home_in_mo() == "トップ"


HOSTILE_PATHS = [
    "/../../etc/passwd", "/static/../app/__init__.py", "/static/%2e%2e/%2e%2e/etc/passwd", "/%00", "/ja/%ff/",
    "/ja/%00/", "//evil.example/", "/\\evil.example/", "/%E3%81%82/", "/ja/" + "a" * 3000 + "/", "/ja",
    "/language/ja?next=//evil.example/", "/language/ja?next=%0d%0aSet-Cookie:%20x=1",
    "/language/ja?next=/ja/%0d%0a", "/language/xx?next=/en/", "/language/ja?next=" + "%" * 500,
    "/ja/translations/", "/ja/translations/review/home/", "/sitemap.xml?<script>", "/ja/?a=1&a=2&" + "b=" * 500,
]
HOSTILE_HEADERS = [
    {"Accept-Language": "*;q=abc, ja;q=1e400, en;q=nan, ,,;;"},
    {"Accept-Language": "ja-" + "x" * 4000},
    {"Accept-Language": "ja;q=0.5;q=0.9, \u00e9n"},
    {"Cookie": "site_locale=../../etc; site_locale=ja"},
    {"Cookie": "site_locale=%00%ff; " + "x=" + "y" * 3000},
    {"Cookie": "site_locale=\"ja"},
    {"Host": "evil.example"},
    {"Host": ""},
    {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "javascript"},
    {"If-Modified-Since": "yesterday", "If-None-Match": "\"" * 100, "Range": "bytes=-1-2,9-"},
]
RAW_REQUESTS = [  # what urllib refuses to send
    b"GET /ja/ HTTP/1.1\r\nHost: x\r\nAccept-Language: \xff\xfe\xe3\r\nCookie: site_locale=\xe3\x81\r\n\r\n",
    b"GET /\xe3\x81\x82/ HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /ja/ HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"GET /ja/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET /ja/ HTTP/9.9\r\n\r\n",
    b"BREW /ja/ HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /ja/ HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"a" * 9000 + b"\r\n\r\n",
]


def _raw_status(url: str, request: bytes) -> int:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(request)
        status_line = sock.makefile("rb").readline()
    return int(status_line.split()[1])


def test_hostile_paths_and_headers_get_no_500(server):
    since = len(server.log_text())
    statuses = {path: server.get(path)[0] for path in HOSTILE_PATHS}
    statuses |= {str(headers): server.get("/ja/", headers)[0] for headers in HOSTILE_HEADERS}
    statuses |= {str(headers) + " /": server.get("/", headers)[0] for headers in HOSTILE_HEADERS}
    statuses |= {repr(request[:40]): _raw_status(server.url, request) for request in RAW_REQUESTS}
    assert {key: status for key, status in statuses.items() if status >= 500} == {}
    log = server.log_text()[since:]
    assert "Traceback" not in log and "Exception on" not in log
