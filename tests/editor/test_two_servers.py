"""Two gunicorn servers (2 workers each) on one machine sharing translations/ and instance/: the lock
and the conflict check hold across them, and each serves the other's saves."""
from __future__ import annotations

import html
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.config import PROJECT_ROOT
from app.accounts import Accounts
from app.editor.store import CatalogStore
from app.tooling.entry import EntryKey, find_message, strings_of
from app.tooling.pofile import read_po_file
from tests.helpers import unreviewed_translations
from tests.conftest import PASSWORD

ESTABLISHED = EntryKey("fact label", "Established")
PUBLISHED = EntryKey("fact label", "Published")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One signed-in translator talking to one server."""

    def __init__(self, url: str, name: str):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects)
        page = self.request("/login")[1]
        assert self.request("/login", {"csrf_token": self.token(page), "name": name, "password": PASSWORD})[0] == 302

    def request(self, path: str, data=None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.url + path, body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    @staticmethod
    def token(page: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def form(self, key: EntryKey) -> dict:
        page = self.request(f"/ja/translations/edit/{key.id}/")[1]
        return {"csrf_token": self.token(page), "action": "save", **hidden_fields(page)}

    def save(self, key: EntryKey, form: dict, text: str) -> tuple[int, str]:
        return self.request(f"/ja/translations/edit/{key.id}/", {**form, "msgstr": text})


def hidden_fields(page: str) -> dict:
    """The entry form's hidden fields (msgid, context, base), as a browser sends them."""
    return {name: html.unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="(msgid|context|base)" value="([^"]*)">', page)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    root = tmp_path_factory.mktemp("two-servers")
    translations, instance = root / "translations", root / "instance"
    unreviewed_translations(translations)
    accounts = Accounts(instance / "editor.sqlite3")
    accounts.add("alice", PASSWORD, "translator", ["ja"])
    accounts.add("bob", PASSWORD, "translator", ["ja"])
    servers = []
    for number in range(2):
        port = _free_port()
        env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "2", "SITE_EDITOR": "1",
               "SITE_TRANSLATIONS_DIR": str(translations), "SITE_INSTANCE_DIR": str(instance),
               "SITE_SECRET_KEY": "shared by both servers", "SITE_BASE_URL": f"http://127.0.0.1:{port}"}
        log = (root / f"server{number}.log").open("w")
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=PROJECT_ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        servers.append((f"http://127.0.0.1:{port}", process))
    try:
        for url, process in servers:
            deadline = time.time() + 60
            while True:
                try:
                    urllib.request.urlopen(url + "/login", timeout=5).read()
                    break
                except OSError:
                    assert process.poll() is None and time.time() < deadline, "gunicorn did not start"
                    time.sleep(0.2)
        yield [url for url, _ in servers], translations / "ja" / "LC_MESSAGES" / "messages.po", instance
    finally:
        for _, process in servers:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(30)


def on_disk(po, key):
    return strings_of(find_message(read_po_file(po).catalog, key))


def test_the_same_entry_through_two_servers_is_a_conflict(two_servers):
    (first_url, second_url), po, _ = two_servers
    alice, bob = Browser(first_url, "alice"), Browser(second_url, "bob")
    alice_form, bob_form = alice.form(ESTABLISHED), bob.form(ESTABLISHED)
    assert alice.save(ESTABLISHED, alice_form, "設立（A）")[0] == 303
    status, page = bob.save(ESTABLISHED, bob_form, "設立（B）")
    assert status == 409 and 'data-role="on-disk">設立（A）' in page
    assert on_disk(po, ESTABLISHED) == ("設立（A）",)
    assert "<dt>設立（A）</dt>" in bob.request("/ja/office/")[1]  # the other server serves it at once


def test_saves_through_both_servers_at_once_all_land(two_servers):
    (first_url, second_url), po, instance = two_servers
    store = CatalogStore(po, "ja", instance / "editor.sqlite3")
    before = len(store.history(PUBLISHED)) + len(store.history(ESTABLISHED))

    def saves(url, name, key, count):
        browser = Browser(url, name)
        for number in range(count):
            form = browser.form(key)
            status = 503
            # 策定: the glossary's term for "Published" (the editor refuses a translation without it)
            while status == 503:  # busy past 2 s on a loaded machine: sent again, as a translator would
                status = browser.save(key, form, f"策定 {name} {number}")[0]
            assert status == 303

    with ThreadPoolExecutor(2) as pool:
        jobs = [pool.submit(saves, first_url, "alice", ESTABLISHED, 15),
                pool.submit(saves, second_url, "bob", PUBLISHED, 15)]
        for job in jobs:
            job.result()
    assert on_disk(po, ESTABLISHED) == ("策定 alice 14",) and on_disk(po, PUBLISHED) == ("策定 bob 14",)
    assert len(store.history(PUBLISHED)) + len(store.history(ESTABLISHED)) - before == 30
    check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
