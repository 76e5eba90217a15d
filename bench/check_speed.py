"""Time `check` on a generated 20,000-entry Japanese catalog against `msgfmt --statistics` and `pocount`.

    .venv/bin/python bench/check_speed.py [--entries 20000] [--repeat 5] [--profile]
    .venv/bin/python bench/check_speed.py --linear [--repeat 3]   # time per entry at 20k and 200k entries

Each tool runs as a separate process, the way a user or CI runs it, in rounds (one run of every tool per
round, so machine noise hits all of them alike); the medians and each tool's ratio to msgfmt are printed.
What is timed for `check` is the whole command `flask --app app i18n check --format json FILE`: Python
start-up, importing the app, reading, counting, every quality check and the JSON output. Its in-process
part (`run_check` + `render_json`) is timed separately too, to show how much is start-up.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
WORDS_EN = ("international strategy partner university exchange student research faculty campus global "
            "programme network mobility alliance office application deadline scholarship").split()
WORDS_JA = ("国際 戦略 協定 大学 交流 学生 研究 教員 キャンパス 地球規模 プログラム ネットワーク 留学 連携 "
            "事務局 申請 締切 奨学金").split()


def _sentence(rng: random.Random, words: tuple[str, ...] | list[str], joiner: str) -> str:
    return joiner.join(rng.choice(words) for _ in range(rng.randint(3, 30)))


def generate_catalog(path: Path, entries: int = 20_000, seed: int = 3) -> None:
    """A catalog shaped like real ones: wrapped strings, locations, contexts, plurals, format flags,
    ~5% fuzzy, ~5% untranslated, ~2% obsolete."""
    rng = random.Random(seed)
    catalog = Catalog(locale="ja", project="bench", version="1.0", fuzzy=False)
    for n in range(entries):
        en, ja = _sentence(rng, WORDS_EN, " ").capitalize(), _sentence(rng, WORDS_JA, "")
        kind = rng.random()
        if kind < 0.15:
            en, ja = f"{en} %(count)s item {n}", f"{ja}%(count)s件 {n}"
        elif kind < 0.25:
            en, ja = f"{en} {{name}} {n}", f"{ja}{{name}} {n}"
        elif kind < 0.30:
            en, ja = f"<strong>{en}</strong> <a href=\"/x\">more</a> {n}", f"<strong>{ja}</strong><a href=\"/x\">詳細</a> {n}"
        else:
            en, ja = f"{en} {n}", f"{ja} {n}"
        state = rng.random()
        string = "" if state < 0.05 else ja
        context = rng.choice(("menu", "button", "page title")) if rng.random() < 0.10 else None
        locations = [(f"templates/page{n % 40}.html", n % 300 + 1)]
        if rng.random() < 0.05:
            msgid, string = (en, en + " (plural)"), (string,)
        else:
            msgid = en
        flags = ["fuzzy"] if 0.05 <= state < 0.10 else []
        if "{name}" in en:
            flags.append("python-brace-format")
        comments = ["Translators: keep it short"] if n % 17 == 0 else ()
        message = Message(msgid, string, locations=locations, flags=flags, context=context, auto_comments=comments)
        if rng.random() < 0.02:
            catalog.obsolete[catalog._key_for(msgid, context)] = message
        else:
            catalog[msgid] = message
    with path.open("wb") as fh:
        write_po(fh, catalog, width=76)


def timed_run(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak resident MB) of one run of `command`, output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # check exits 1: the catalog has findings
        raise SystemExit(f"{command[0]} failed with status {status}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def in_process_seconds(po: Path) -> float:
    sys.path.insert(0, str(ROOT))
    from app.tooling.check import run_check
    from app.tooling.report import render_json

    start = time.perf_counter()
    render_json(run_check([po]))
    return time.perf_counter() - start


def profile(po: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from app.tooling.check import run_check

    profiler = cProfile.Profile()
    profiler.runcall(run_check, [po])
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def linear(repeat: int, sizes: tuple[int, ...] = (20_000, 200_000)) -> None:
    """`check`'s in-process time per entry on catalogs 10x apart, in interleaved rounds: linear time gives the
    same time per entry (ratio ~1.0); anything quadratic shows as a ratio near 10."""
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    catalogs = {}
    for size in sizes:
        catalogs[size] = out / f"bench_{size}_ja.po"
        if not catalogs[size].exists():
            generate_catalog(catalogs[size], size)
    times: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(repeat):
        for size, po in catalogs.items():
            times[size].append(in_process_seconds(po))
    per_entry = {size: statistics.median(seconds) / size * 1e6 for size, seconds in times.items()}
    print(f"run_check + render_json, in process; {repeat} rounds, medians")
    for size in sizes:
        print(f"{size:>8} entries {statistics.median(times[size]):8.3f} s {per_entry[size]:7.1f} µs/entry")
    print(f"time per entry, {sizes[-1]:,} / {sizes[0]:,} entries: {per_entry[sizes[-1]] / per_entry[sizes[0]]:.2f} "
          "(1.0 = linear)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of run_check and stop")
    parser.add_argument("--linear", action="store_true",
                        help="time per entry at 20,000 and 200,000 entries (in process) instead")
    args = parser.parse_args()
    if args.linear:
        linear(args.repeat)
        return

    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    po = out / f"bench_{args.entries}_ja.po"
    if not po.exists():
        generate_catalog(po, args.entries)
    if args.profile:
        profile(po)
        return

    tools = {
        "msgfmt --statistics -o /dev/null": [shutil.which("msgfmt") or "msgfmt", "--statistics", "-o", "/dev/null",
                                             str(po)],
        "pocount (translate-toolkit)": [str(BIN / "pocount"), str(po)],
        "flask --app app i18n check --format json": [str(BIN / "flask"), "--app", "app", "i18n", "check",
                                                     "--format", "json", str(po)],
        "python + create_app only (start-up floor)": [str(BIN / "python"), "-c",
                                                      "import app; app.create_app()"],
    }
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in tools}
    for _ in range(args.repeat):
        for name, command in tools.items():
            runs[name].append(timed_run(command))
    inside = [in_process_seconds(po) for _ in range(args.repeat)]

    lines = po.read_text(encoding="utf-8").count("\n")
    print(f"catalog: {po.relative_to(ROOT)} ({args.entries} entries, {lines} lines, "
          f"{po.stat().st_size / 1e6:.1f} MB); {args.repeat} rounds, medians")
    msgfmt = runs["msgfmt --statistics -o /dev/null"]
    wall_base, cpu_base = statistics.median(r[0] for r in msgfmt), statistics.median(r[1] for r in msgfmt)
    print(f"{'command':45} {'wall s':>7} {'x msgfmt':>8} {'CPU s':>7} {'x msgfmt':>8} {'peak MB':>8}")
    for name, results in runs.items():
        wall, cpu = statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)
        memory = statistics.median(r[2] for r in results)
        print(f"{name:45} {wall:7.3f} {wall / wall_base:8.2f} {cpu:7.3f} {cpu / cpu_base:8.2f} {memory:8.0f}")
    wall = statistics.median(inside)
    print(f"{'run_check + render_json, in process':45} {wall:7.3f} {wall / wall_base:8.2f}")


if __name__ == "__main__":
    main()
