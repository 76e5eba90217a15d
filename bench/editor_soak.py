"""Soak test of the translation editor: no acknowledged save is ever lost, every race is a conflict.

For the project's ja catalog and for a generated 20,000-entry one, in turn:
- `make serve` (gunicorn, gunicorn.conf.py, WEB_CONCURRENCY=4 workers) with the editor on, over a private
  copy of the catalogs (SITE_TRANSLATIONS_DIR) and a private database (SITE_INSTANCE_DIR);
- 8 client processes, each signed in as its own translator, make 50 saves each: GET the entry's form, then
  POST it (redirects not followed). 30% of the saves go to two "hot" entries every client shares (real
  races), the rest to two entries of the client's own. Between loading a form and saving it a client
  "types" for a random time averaging --think seconds (0.5; 0 makes the clients save flat out);
- meanwhile a "text editor" process keeps rewriting four other entries the way an editor writes a file
  (read, change in memory, write a temporary file, rename over the catalog), every --editor-interval s,
  WITHOUT the catalog's lock (as vim does unless run under `flock`; --editor-locks makes it take it). It
  redoes its change when the file changed since it read it (vim's "file changed since reading" check, made
  by content just before its rename); the saves must not undo its writes either;
- a checker runs `msgfmt -c` on a snapshot of the catalog every 300 ms;
- a visitor requests `/ja/` flat out, first alone (idle), then through the soak, during which a process
  holds the catalog's lock for --hold s (as `flock messages.po.lock vim` would): saves in that window get
  the 503 "busy" page (with Retry-After) and are sent again, as a translator would.

Then it verifies, from the responses and the final file:
- every acknowledged save (303) is in the final file, or was replaced by a later acknowledged save whose
  form had shown it (its `base`): nothing was overwritten unseen;
- every same-entry race (two saves from the same form state) gave exactly one save and conflicts (409);
- the text editor's last change to each of its entries is in the final file;
- every snapshot and the final file pass `msgfmt -c`;
- the audit trail: one `done` row per acknowledged save, none pending, and each entry's last row is what
  the file holds.
It prints save latency (the POST, p50/p99) for both catalogs, with the targets (p99 < 150 ms and < 1 s),
the visitor's p99 idle, during the soak and while the lock was held, and exits 1 when any check fails.
gunicorn runs clients + 4 sync workers (a save waiting for the lock holds a worker for up to 2 s).

    .venv/bin/python bench/editor_soak.py [--clients 8] [--saves 50] [--entries 20000] [--hold 30]
"""
from __future__ import annotations

import argparse
import fcntl
import html
import http.cookiejar
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.accounts import Accounts  # noqa: E402
from app.tooling.entry import EntryKey, find_message, strings_of  # noqa: E402
from app.tooling.pofile import messages, read_catalog  # noqa: E402

PASSWORD = "soak test password"
HOT_SHARE = 0.3
SIMPLE_ENTRY = re.compile(r'^(?:msgctxt "([^"\\%<]*)"\n)?msgid "([^"\\%<]+)"\nmsgstr "[^"\\\n]*"$', re.M)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def generated_catalog(path: Path, count: int) -> None:
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    body = "".join(f'#: templates/generated.html:{n}\nmsgid "Generated entry number {n} of the soak test"\n'
                   f'msgstr "ソークテストの生成項目 {n}"\n\n' for n in range(count))
    path.write_text(header + "\n\n" + body, encoding="utf-8")


def simple_entries(po: Path) -> list[EntryKey]:
    """Entries whose msgctxt/msgid/msgstr are one plain line each (so the text editor can rewrite them)."""
    catalog = read_catalog(po)
    keys = [EntryKey(context or None, msgid) for context, msgid in SIMPLE_ENTRY.findall(po.read_text(encoding="utf-8"))]
    # The pattern also matches the msgid lines of entries with a context on a line of its own: drop those.
    return [key for key in dict.fromkeys(keys) if find_message(catalog, key) is not None]


# --- the clients ------------------------------------------------------------------------------------------

def client(number: int, base_url: str, keys: list[EntryKey], hot: list[EntryKey], saves: int, think: float,
           results) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def request(url, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with opener.open(base_url + url, body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    status, page = request("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    status, _ = request("/login", {"csrf_token": token, "name": f"client{number}", "password": PASSWORD})
    assert status == 302, status
    rng = random.Random(number)
    records, busy = [], []
    for save in range(saves):
        key = rng.choice(hot) if rng.random() < HOT_SHARE else rng.choice(keys)
        url = f"/ja/translations/edit/{key.id}/"
        status, page = request(url)
        assert status == 200, (status, page[:300])
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        fields = {name: html.unescape(value) for name, value in  # as the browser sends the form
                  re.findall(r'<input type="hidden" name="(msgid|context|base)" value="([^"]*)">', page)}
        text = f"クライアント{number} 保存{save}"
        time.sleep(rng.random() * 2 * think)  # a translator reads and types
        started = time.perf_counter()
        status, page = request(url, {"csrf_token": token, "msgstr": text, "action": "save", **fields})
        while status == 503:  # busy: the page kept the text; send it again after Retry-After, as a translator would
            assert f">{text}</textarea>" in page, "the busy page lost the text"
            busy.append(1)
            time.sleep(1)
            status, page = request(url, {"csrf_token": token, "msgstr": text, "action": "save", **fields})
        records.append((key.context, key.msgid, fields["base"], text, status, time.perf_counter() - started))
    results.put((records, len(busy)))


# --- the text editor and the checker ----------------------------------------------------------------------

def text_editor(po: Path, keys: list[EntryKey], interval: float, locks: bool, holding, stop, results) -> None:
    """Rewrite `keys` in turn, as an editor that saves by rename and checks for changes on disk (under the
    catalog's lock only when `locks`). It pauses while `holding`: then the lock holder stands for the person
    editing the file under the lock."""
    last, writes, redone = {}, 0, 0
    number = 0
    while not stop.is_set():
        if holding.is_set():
            time.sleep(0.05)
            continue
        key = keys[number % len(keys)]
        value = f"エディタ {number}"
        while True:
            data = po.read_bytes()
            context = f'msgctxt "{key.context}"\n' if key.context is not None else ""
            pattern = re.compile(rf'(^{re.escape(context)}msgid "{re.escape(key.msgid)}"\nmsgstr )"[^"\n]*"$', re.M)
            text, found = pattern.subn(lambda m, value=value: m.group(1) + f'"{value}"', data.decode("utf-8"), count=1)
            assert found == 1, key
            time.sleep(0.005)  # "typing"
            with open(po.with_name(po.name + ".lock"), "a+b") as lock:
                if locks:
                    fcntl.flock(lock, fcntl.LOCK_EX)
                tmp = po.with_name(f".{po.name}.editor")
                tmp.write_text(text, encoding="utf-8")
                # Checked last, just before the rename (writing 3 MB first would leave a window of
                # milliseconds in which a save is undone), and by content: (mtime, inode, size) can repeat
                # when an inode is reused within one mtime tick by a save of the same length.
                if po.read_bytes() != data:
                    redone += 1
                    continue  # changed since read: reload and redo, as an editor asks you to
                os.replace(tmp, po)
            break
        last[key] = value
        writes += 1
        number += 1
        time.sleep(interval)
    results.put((last, writes, redone))


def visitor(base_url: str, stop, results) -> None:
    """GET /ja/ flat out until `stop`: (start time, seconds) of each request."""
    samples = []
    while not stop.is_set():
        started = time.time()
        with urllib.request.urlopen(base_url + "/ja/", timeout=60) as response:
            response.read()
        samples.append((started, time.time() - started))
    results.put(("visitor", samples))


def lock_holder(po: Path, base_url: str, workers: int, delay: float, hold: float, holding, results) -> None:
    """Take the catalog's lock after `delay` s and hold it `hold` s, as `flock messages.po.lock vim` would
    (the file does not change meanwhile: the text editor pauses, the saves wait or are busy).

    The visitors' window starts once every worker has re-read the catalog's last change (each worker reads
    a changed catalog on its next page, ~1 s for 20,000 entries: the cost of a change, not of the lock):
    `workers` parallel requests until a round of them is fast."""
    time.sleep(delay)
    holding.set()
    with open(po.with_name(po.name + ".lock"), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        taken = time.time()

        def timed(_):
            started = time.perf_counter()
            with urllib.request.urlopen(base_url + "/ja/", timeout=60) as response:
                response.read()
            return time.perf_counter() - started
        with ThreadPoolExecutor(workers) as pool:
            while max(pool.map(timed, range(4 * workers))) > 0.1 and time.time() < taken + hold / 2:
                pass
        window = (time.time(), taken + hold)
        time.sleep(max(0.0, taken + hold - time.time()))
    holding.clear()
    results.put(("held", window))


def checker(po: Path, stop, results) -> None:
    checked, failures = 0, []
    snapshot = po.with_name("snapshot.po")
    while not stop.is_set():
        shutil.copyfile(po, snapshot)
        result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(snapshot)], capture_output=True, text=True)
        checked += 1
        if result.returncode:
            failures.append(result.stderr[:500])
        time.sleep(0.3)
    results.put((checked, failures))


# --- one run ----------------------------------------------------------------------------------------------

def run(label: str, entries: int | None, clients: int, saves: int, interval: float, think: float,
        editor_locks: bool, hold: float) -> tuple[list[float], dict, bool]:
    work = Path(tempfile.mkdtemp(prefix="editor-soak-"))
    translations = work / "translations"
    shutil.copytree(ROOT / "translations", translations, ignore=shutil.ignore_patterns("*.mo", "*.lock"))
    toml = translations / "locales.toml"  # ja without review: a translator's save is written at once
    toml.write_text(toml.read_text(encoding="utf-8").replace("without_review = []", 'without_review = ["ja"]'),
                    encoding="utf-8")
    # No agreed terms: the editor's gate refuses a translation that lacks one, and the clients' made-up texts
    # ("クライアント3 保存7") are about the write path, not the glossary (they were 422s, not saves).
    glossary = translations / "glossary.csv"
    glossary.write_text(glossary.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    po = translations / "ja" / "LC_MESSAGES" / "messages.po"
    if entries:
        generated_catalog(po, entries)
    keys = simple_entries(po)
    need = 2 * clients + 2 + 4
    assert len(keys) >= need, f"{label}: only {len(keys)} simple entries, {need} needed"
    random.Random(0).shuffle(keys)
    hot, editor_keys, own = keys[:2], keys[2:6], keys[6:need]
    catalog = read_catalog(po)
    initial = {key: strings_of(find_message(catalog, key))[0] for key in keys[:need]}

    accounts = Accounts(work / "instance" / "editor.sqlite3")
    for number in range(clients):
        accounts.add(f"client{number}", PASSWORD, "translator", ["ja"])
    port = free_port()
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": str(clients + 4), "SITE_EDITOR": "1",
           "SITE_TRANSLATIONS_DIR": str(translations), "SITE_INSTANCE_DIR": str(work / "instance"),
           "SITE_SECRET_KEY": "soak", "SITE_BASE_URL": f"http://127.0.0.1:{port}", "SITE_EDITOR_GIT_COMMITS": "0"}
    server = subprocess.Popen(["make", "--no-print-directory", "serve"], cwd=ROOT, env=env,
                              stdout=(work / "server.log").open("w"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5).read()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit(f"{label}: the server did not start; see {work / 'server.log'}") from None
                time.sleep(0.2)
        base_url = f"http://127.0.0.1:{port}"
        quiet, idle_results = multiprocessing.Event(), multiprocessing.Queue()
        warm = [multiprocessing.Process(target=visitor, args=(base_url, quiet, idle_results)) for _ in range(clients + 4)]
        for process in warm:  # every worker reads the catalogs and renders the page once
            process.start()
        time.sleep(3)
        quiet.set()
        for process in warm:
            idle_results.get(timeout=60)
            process.join(60)
        quiet, idle_results = multiprocessing.Event(), multiprocessing.Queue()
        alone = multiprocessing.Process(target=visitor, args=(base_url, quiet, idle_results))
        alone.start()
        time.sleep(10)
        quiet.set()
        idle = [seconds for _, seconds in idle_results.get(timeout=60)[1]]
        alone.join(60)

        stop, holding, results = multiprocessing.Event(), multiprocessing.Event(), multiprocessing.Queue()
        background = [multiprocessing.Process(target=text_editor, args=(po, editor_keys, interval, editor_locks,
                                                                        holding, stop, results)),
                      multiprocessing.Process(target=checker, args=(po, stop, results)),
                      multiprocessing.Process(target=visitor, args=(base_url, stop, results))]
        holder = multiprocessing.Process(target=lock_holder, args=(po, base_url, clients + 4, 2.0, hold, holding,
                                                                   results))
        for process in (*background, holder):
            process.start()
        started = time.perf_counter()
        workers = [multiprocessing.Process(target=client, args=(
            n, base_url, own[2 * n:2 * n + 2], hot, saves, think, results)) for n in range(clients)]
        for process in workers:
            process.start()
        records, busy, window = [], 0, None
        while len(records) < clients * saves or window is None:
            item = results.get(timeout=1800)
            if item[0] == "held":
                window = item[1]
            else:
                records += item[0]
                busy += item[1]
        elapsed = time.perf_counter() - started
        stop.set()
        editor_result = checker_result = samples = None
        for _ in background:
            item = results.get(timeout=60)
            if item[0] == "visitor":
                samples = item[1]
            elif isinstance(item[0], dict):
                editor_result = item
            else:
                checker_result = item
        for process in (*workers, *background, holder):
            process.join(60)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)

    final = read_catalog(po)
    ok = True
    with sqlite3.connect(work / "instance" / "editor.sqlite3") as db:
        audit = db.execute("SELECT context, msgid, after, status FROM audit ORDER BY id").fetchall()

    def verdict(passed: bool, text: str) -> None:
        nonlocal ok
        ok &= passed
        print(f"  [{'ok' if passed else 'FAIL'}] {text}")

    acked = [r for r in records if r[4] == 303]
    conflicts = [r for r in records if r[4] == 409]
    other = [r for r in records if r[4] not in (303, 409)]
    print(f"{label}: {len(records)} saves by {clients} clients in {elapsed:.1f} s: {len(acked)} saved, "
          f"{len(conflicts)} conflicts, {len(other)} other, {busy} busy answers sent again; text editor "
          f"({'with' if editor_locks else 'without'} the lock): {editor_result[1]} rewrites "
          f"({editor_result[2]} redone after a save)")
    lost, forked, races, race_acks = [], [], 0, 0
    for key in {EntryKey(r[0], r[1]) for r in records}:
        mine = [r for r in records if (r[0], r[1]) == (key.context, key.msgid)]
        saved = [r for r in mine if r[4] == 303]
        bases = [r[2] for r in saved]
        if len(bases) != len(set(bases)):
            forked.append(key)  # two saves acknowledged from the same form state: one overwrote unseen
        on_disk = strings_of(find_message(final, key))[0]
        for r in saved:
            if r[3] != on_disk and r[3] not in bases:
                lost.append((key, r[3]))
        by_base = {}
        for r in mine:
            by_base.setdefault(r[2], []).append(r)
        for group in by_base.values():
            if len(group) > 1:
                races += 1
                race_acks += sum(r[4] == 303 for r in group) > 1
    verdict(not lost, f"every acknowledged save is in the final file or was replaced knowingly ({len(lost)} lost)")
    verdict(not forked and not race_acks,
            f"every same-entry race is a conflict ({races} races, {len(forked) + race_acks} with two saves)")
    verdict(not other, f"no response other than 303/409 ({len(other)}: statuses {sorted(r[4] for r in other)})")
    missing = [k for k, v in editor_result[0].items() if strings_of(find_message(final, k))[0] != v]
    verdict(not missing, f"the text editor's changes all survived ({len(missing)} lost)")
    untouched = [k for k in initial if k not in {EntryKey(r[0], r[1]) for r in records}
                 and k not in editor_result[0] and strings_of(find_message(final, k))[0] != initial[k]]
    verdict(not untouched, "entries nobody saved are unchanged")
    done = [row for row in audit if row[3] == "done"]
    pending = [row for row in audit if row[3] == "pending"]
    last_rows = {}
    for context, msgid, after, _ in done:
        last_rows[EntryKey(context, msgid)] = json.loads(after)[0]
    stale = [key for key, after in last_rows.items() if strings_of(find_message(final, key))[0] != after]
    verdict(len(done) == len(acked) and not pending and not stale,
            f"audit rows == changes on disk: {len(done)} done rows for {len(acked)} saves, {len(pending)} pending, "
            f"{len(stale)} entries whose last row is not on disk")
    final_check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    verdict(not checker_result[1] and final_check.returncode == 0,
            f"msgfmt -c: {checker_result[0]} snapshots, {len(checker_result[1])} invalid; final file "
            f"{'valid' if final_check.returncode == 0 else 'INVALID'}")
    shutil.rmtree(work, ignore_errors=True)
    during = [seconds for _, seconds in samples]
    held = [seconds for at, seconds in samples if window[0] <= at <= window[1]]
    public = {"idle": idle, "soak": during, "held": held, "hold": window[1] - window[0]}
    verdict(bool(held) and percentile(held, 99) <= 1.5 * percentile(idle, 99),
            f"visitors while the lock was held: p99 {percentile(held, 99) * 1000:.1f} ms vs idle "
            f"{percentile(idle, 99) * 1000:.1f} ms (limit 1.5x)")
    return [r[5] for r in acked], public, ok


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--entries", type=int, default=20000)
    parser.add_argument("--editor-interval", type=float, default=0.5, help="seconds between the text editor's saves")
    parser.add_argument("--hold", type=float, default=30.0, help="seconds another process holds the lock")
    parser.add_argument("--editor-locks", action="store_true",
                        help="the text editor takes the catalog's lock (default: it does not, as vim does not)")
    parser.add_argument("--think", type=float, default=0.5,
                        help="mean seconds between loading a form and saving it (0: clients save flat out)")
    args = parser.parse_args()
    project_count = sum(1 for _ in messages(read_catalog(ROOT / "translations/ja/LC_MESSAGES/messages.po")))
    runs = [(f"project catalog ({project_count} entries)", None, 0.150),
            (f"generated catalog ({args.entries:,} entries)", args.entries, 1.0)]
    figures, publics, ok = [], [], True
    for label, entries, target in runs:
        latencies, public, passed = run(label, entries, args.clients, args.saves, args.editor_interval, args.think,
                                        args.editor_locks, args.hold)
        ok &= passed
        figures.append((label, latencies, target))
        publics.append((label, public))
    print("\nvisitors (GET /ja/, one client flat out), p50/p99:")
    hold = args.hold
    for label, public in publics:
        idle, soak, held = (public[name] for name in ("idle", "soak", "held"))
        print(f"  {label}: idle {statistics.median(idle) * 1000:.1f}/{percentile(idle, 99) * 1000:.1f} ms; "
              f"during the soak {statistics.median(soak) * 1000:.1f}/{percentile(soak, 99) * 1000:.1f} ms; "
              f"lock held (last {public['hold']:.0f} s of {hold:.0f}): {statistics.median(held) * 1000:.1f}/"
              f"{percentile(held, 99) * 1000:.1f} ms (p99 ratio to idle {percentile(held, 99) / percentile(idle, 99):.2f})")
    print(f"\nsave latency (POST until acknowledged, busy retries included), gunicorn {args.clients + 4} workers, "
          f"{args.clients} clients, think time "
          f"{args.think} s, text editor every {args.editor_interval} s:")
    for label, latencies, target in figures:
        p50, p99 = statistics.median(latencies), percentile(latencies, 99)
        print(f"  {label}: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms "
              f"(target p99 < {target * 1000:.0f} ms: {'met' if p99 < target else 'MISSED'})")
    (_, small, _), (_, large, _) = figures
    print(f"  ratio large/project: p50 {statistics.median(large) / statistics.median(small):.1f}x, "
          f"p99 {percentile(large, 99) / percentile(small, 99):.1f}x")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
