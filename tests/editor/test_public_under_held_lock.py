"""Real gunicorn: while a process holds the catalog's lock (`flock … vim` for 8 s) and 8 signed-in
translators keep saving, every save answers within ~2 s (a 503 "busy" page with Retry-After and the text
kept) and visitors' pages are as fast as when idle (p99 within 1.5×, plus a few ms for a shared machine).
Under the old 20 s wait every worker was taken and `GET /ja/` took 19 s."""
from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from app.accounts import Accounts
from app.config import PROJECT_ROOT
from app.tooling.entry import EntryKey
from tests.helpers import unreviewed_translations
from tests.conftest import PASSWORD
from tests.editor.test_two_servers import Browser, _free_port

ESTABLISHED = EntryKey("fact label", "Established")
EDITORS = 8
HOLD = 8.0  # seconds the other process holds the lock (30 in the issue; the figure in bench/ is for 30)
WORKERS = EDITORS + 4  # sync workers: a save waiting for the lock holds one for up to 2 s


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98]


def public_latencies(url: str, seconds: float) -> list[float]:
    samples = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with urllib.request.urlopen(url + "/ja/", timeout=30) as response:
            response.read()
        samples.append(time.perf_counter() - started)
    return samples


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("held-lock")
    translations, instance = root / "translations", root / "instance"
    unreviewed_translations(translations)
    accounts = Accounts(instance / "editor.sqlite3")
    for number in range(EDITORS):
        accounts.add(f"editor{number}", PASSWORD, "translator", ["ja"])
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": str(WORKERS), "SITE_EDITOR": "1",
           "SITE_TRANSLATIONS_DIR": str(translations), "SITE_INSTANCE_DIR": str(instance),
           "SITE_SECRET_KEY": "held lock", "SITE_BASE_URL": f"http://127.0.0.1:{port}",
           "SITE_EDITOR_GIT_COMMITS": "0"}
    log = (root / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--access-logfile",
                                "/dev/null"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/ja/", timeout=5).read()
                break
            except OSError:
                assert process.poll() is None and time.time() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield url, translations / "ja" / "LC_MESSAGES" / "messages.po"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def test_public_pages_do_not_wait_while_the_lock_is_held(server):
    url, po = server
    browsers = [Browser(url, f"editor{number}") for number in range(EDITORS)]
    forms = [browser.form(ESTABLISHED) for browser in browsers]
    warm = [threading.Thread(target=public_latencies, args=(url, 3.0)) for _ in range(WORKERS)]
    for thread in warm:  # every worker has read the catalogs and rendered the page
        thread.start()
    for thread in warm:
        thread.join()
    idle = public_latencies(url, 4.0)

    holder = subprocess.Popen(["flock", str(po.with_name("messages.po.lock")), "sleep", str(HOLD)])
    time.sleep(0.3)
    answers: list[tuple[int, float, bool]] = []
    stop = threading.Event()

    def keep_saving(browser, form, number):
        while not stop.is_set():
            started = time.monotonic()
            status, page = browser.save(ESTABLISHED, form, f"保存 {number}")
            answers.append((status, time.monotonic() - started, f"保存 {number}</textarea>" in page))

    threads = [threading.Thread(target=keep_saving, args=(b, f, n)) for n, (b, f) in enumerate(zip(browsers, forms, strict=True))]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # every editor client is waiting for the lock
    loaded = public_latencies(url, HOLD - 1.5)
    stop.set()
    for thread in threads:
        thread.join(30)
    holder.wait()

    print(f"\npublic GET /ja/: idle p99 {p99(idle) * 1000:.1f} ms ({len(idle)} requests), "
          f"lock held + {EDITORS} editors saving p99 {p99(loaded) * 1000:.1f} ms ({len(loaded)} requests); "
          f"ratio {p99(loaded) / p99(idle):.2f}")
    busy = [answer for answer in answers if answer[0] == 503]
    waits = sorted(elapsed for _, elapsed, _ in busy)
    print(f"busy answers: {len(busy)}, median {statistics.median(waits):.2f} s, max {waits[-1]:.2f} s")
    # The lock is waited for 2 s at most; the rest of a request (sign-in check, reading the entry) is added.
    assert busy and all(kept for _, _, kept in busy) and waits[-1] < 4.0
    assert {status for status, _, _ in answers} <= {503, 303, 409}
    assert max(loaded) < 1.0
    assert p99(loaded) <= 1.5 * p99(idle) + 0.005  # 5 ms of slack for two cores shared with other jobs
