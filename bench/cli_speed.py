"""`check` and `compile` as whole processes against `msgfmt -c` and `msgfmt -o`, at 1 KB, 20k and 160k entries.

    .venv/bin/python bench/cli_speed.py [--sizes 20000 160000] [--repeat 5] [--profile check|compile SIZE]
    make bench-cli

A CLI is judged as a whole process, the way a user or CI runs it: Python's start-up, the imports, reading,
every check, writing. Timed, each as a separate process, in interleaved rounds (one run of every command
per round, so machine noise hits all of them alike), medians of --repeat:

- `msgfmt -c -o /dev/null FILE` against `python -m app.tooling check FILE`;
- `msgfmt -o FILE.mo FILE` against `python -m app.tooling compile FILE -o FILE.mo` (the same bytes: the
  script stops if they differ);
- start-up alone: `python -c pass`, and `python -m app.tooling --help` (click and the CLI module);
- `check` and `compile` again with SITE_I18N_ONE_PROCESS=1: what the second core (app/tooling/helper_process.py:
  the HTML tokenizer imported in a helper, compile's verdict in a child) saves.

Targets (issue 17): check and compile <= 3x msgfmt from 20k to 160k entries, <= 0.15 s on the 1 KB catalog.

The catalogs are generated deterministically (no randomness, no clock) in bench/out/ from real Japanese
entries: every translated, non-fuzzy entry of the catalogs in tests/fixtures/po/corpus/ (Django, Sphinx,
BleachBit, Geeqie, ContentDB) and the site's own catalog, that `compile` accepts as given on the command
line. The N entries are those entries in turn, the k-th repetition under its own msgctxt ("copy k", or
"<context> copy k") so that every key is unique and every text is a real one. The 1 KB catalog is the header
and the first entries that fit in 1,024 bytes.

Python writes no bytecode cache when PYTHONDONTWRITEBYTECODE is set (then every run compiles every module
of the project: ~15 ms more): the commands run without it, after one warm-up run each, as on a developer's
machine.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
OUT = ROOT / "bench" / "out"
SOURCES = [ROOT / "translations" / "ja" / "LC_MESSAGES" / "messages.po",
           *sorted((ROOT / "tests" / "fixtures" / "po" / "corpus").glob("*.po"))]
HEADER = ('msgid ""\nmsgstr ""\n"Project-Id-Version: bench\\n"\n"Language: ja\\n"\n"MIME-Version: 1.0\\n"\n'
          '"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n'
          '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n')
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
ENV["LC_ALL"] = "C.UTF-8"
ENV.pop("SITE_I18N_ONE_PROCESS", None)
ONE_PROCESS_ENV = {**ENV, "SITE_I18N_ONE_PROCESS": "1"}


def _quote(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
               .replace("\n", "\\n"))
    return f'"{escaped}"'


def _entry(message, copy: int) -> str:
    lines = [f"#, {', '.join(sorted(message.flags))}"] if message.flags else []
    context = message.context
    if copy:
        context = f"{context} copy {copy}" if context else f"copy {copy}"
    if context is not None:
        lines.append(f"msgctxt {_quote(context)}")
    if isinstance(message.id, tuple):
        lines += [f"msgid {_quote(message.id[0])}", f"msgid_plural {_quote(message.id[1])}"]
        lines += [f"msgstr[{index}] {_quote(form)}" for index, form in enumerate(message.string[:1])]
    else:
        lines += [f"msgid {_quote(message.id)}", f"msgstr {_quote(message.string)}"]
    return "\n".join(lines) + "\n\n"


def real_entries() -> list:
    """Translated, non-fuzzy entries of the source catalogs, in file order, that `compile` accepts."""
    sys.path.insert(0, str(ROOT))
    from app.tooling.compile import compile_catalog
    from app.tooling.pofile import CatalogError, messages, read_po_file

    entries, seen = [], set()
    for path in SOURCES:
        for message in messages(read_po_file(path).catalog):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            key = (message.context, message.id if isinstance(message.id, str) else message.id[0])
            if message.fuzzy or not all(strings) or key in seen or "\x00" in "".join(strings):
                continue
            seen.add(key)
            entries.append(message)
    OUT.mkdir(parents=True, exist_ok=True)
    trial = OUT / "cli_speed_pool.po"
    while True:  # leave out what compile refuses (a finding's line is one of its entry's), until it accepts all
        parts, lines, line = [HEADER], {}, HEADER.count("\n") + 1
        for index, message in enumerate(entries):
            entry = _entry(message, 0)
            for number in range(line, line + entry.count("\n")):
                lines[number] = index
            line += entry.count("\n")
            parts.append(entry)
        trial.write_text("".join(parts), encoding="utf-8")
        try:
            compile_catalog(trial, trial.with_suffix(".mo"), html=False)
            return entries
        except CatalogError as err:
            bad = {lines.get(f.line) for f in err.findings} - {None}
            if not bad:
                raise SystemExit(f"the entry pool is refused and no entry is named: {err}") from err
            entries = [message for index, message in enumerate(entries) if index not in bad]


def generate(entries: list, count: int | None, path: Path, max_bytes: int | None = None) -> int:
    """`count` entries (or as many as fit in `max_bytes`), cycling through `entries`; returns the count."""
    parts, size, written = [HEADER], len(HEADER.encode()), 0
    while count is None or written < count:
        entry = _entry(entries[written % len(entries)], written // len(entries))
        if max_bytes is not None and size + len(entry.encode()) > max_bytes:
            break
        parts.append(entry)
        size += len(entry.encode())
        written += 1
    path.write_text("".join(parts), encoding="utf-8")
    return written


def run(command: list[str], env: dict[str, str] = ENV) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {result.returncode}: {result.stderr.decode()[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 160_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", nargs=2, metavar=("COMMAND", "SIZE"),
                        help="print a cProfile of one in-process run of check or compile on SIZE entries")
    args = parser.parse_args()
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise SystemExit("msgfmt not found: apt-get install gettext")
    entries = real_entries()
    catalogs = {"1 KB": OUT / "cli_speed_1kb_ja.po"}
    counts = {"1 KB": generate(entries, None, catalogs["1 KB"], max_bytes=1024)}
    for size in args.sizes:
        label = f"{size // 1000}k"
        catalogs[label] = OUT / f"cli_speed_{size}_ja.po"
        counts[label] = generate(entries, size, catalogs[label])
    if args.profile:
        command, size = args.profile
        po = catalogs[f"{int(size) // 1000}k"]
        sys.argv = ["site-i18n", command, str(po), *(["-o", str(po.with_suffix(".mo"))] if command == "compile"
                                                     else [])]
        from app.tooling.cli import main as cli

        profiler = cProfile.Profile()
        try:
            profiler.runcall(cli)
        except SystemExit:
            pass
        pstats.Stats(profiler).sort_stats("cumtime").print_stats(30)
        return

    tool = [str(PYTHON), "-m", "app.tooling"]
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass": ([str(PYTHON), "-c", "pass"], ENV),
        "python -m app.tooling --help": ([*tool, "--help"], ENV),
    }
    for label, po in catalogs.items():
        check = [*tool, "check", str(po)]
        compile_ = [*tool, "compile", str(po), "-o", str(po.with_suffix(".mo"))]
        commands[f"{label} msgfmt -c"] = ([msgfmt, "-c", "-o", "/dev/null", str(po)], ENV)
        commands[f"{label} check"] = (check, ENV)
        commands[f"{label} check, one process"] = (check, ONE_PROCESS_ENV)
        commands[f"{label} msgfmt -o"] = ([msgfmt, "-o", str(po.with_suffix(".msgfmt.mo")), str(po)], ENV)
        commands[f"{label} compile"] = (compile_, ENV)
        commands[f"{label} compile, one process"] = (compile_, ONE_PROCESS_ENV)
    for command, env in commands.values():  # warm-up: bytecode caches written, files in the page cache
        run(command, env)
    for po in catalogs.values():
        if po.with_suffix(".mo").read_bytes() != po.with_suffix(".msgfmt.mo").read_bytes():
            raise SystemExit(f"{po.name}: compile and msgfmt -o wrote different bytes")
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, (command, env) in commands.items():
            times[name].append(run(command, env))
    median = {name: statistics.median(values) for name, values in times.items()}

    print(f"whole processes, {args.repeat} interleaved rounds, medians (wall s); {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f} at the end")
    print(f"start-up: python -c pass {median['python -c pass']:.3f} s, "
          f"python -m app.tooling --help {median['python -m app.tooling --help']:.3f} s")
    print(f"{'catalog':>8} {'entries':>8} {'MB':>6} {'msgfmt -c':>9} {'check':>7} {'ratio':>6}  "
          f"{'msgfmt -o':>9} {'compile':>7} {'ratio':>6}")
    verdicts = []
    for label, po in catalogs.items():
        check, compiled = median[f"{label} check"], median[f"{label} compile"]
        msgfmt_c, msgfmt_o = median[f"{label} msgfmt -c"], median[f"{label} msgfmt -o"]
        print(f"{label:>8} {counts[label]:8,} {po.stat().st_size / 1e6:6.2f} {msgfmt_c:9.3f} {check:7.3f} "
              f"{check / msgfmt_c:6.2f}  {msgfmt_o:9.3f} {compiled:7.3f} {compiled / msgfmt_o:6.2f}")
        alone_check, alone_compile = median[f"{label} check, one process"], median[f"{label} compile, one process"]
        print(f"{'':>8} one process (SITE_I18N_ONE_PROCESS=1): check {alone_check:.3f} s ({alone_check / msgfmt_c:.2f}), "
              f"compile {alone_compile:.3f} s ({alone_compile / msgfmt_o:.2f})")
        if label == "1 KB":
            verdicts.append(f"1 KB: check {check:.3f} s, compile {compiled:.3f} s; target <= 0.15 s: "
                            f"{'met' if max(check, compiled) <= 0.15 else 'NOT met'}")
        else:
            worst = max(check / msgfmt_c, compiled / msgfmt_o)
            verdicts.append(f"{label}: worst ratio {worst:.2f}; target <= 3: {'met' if worst <= 3 else 'NOT met'}")
    print("\n".join(verdicts))
    print(".mo bytes: compile == msgfmt -o on every catalog")


if __name__ == "__main__":
    main()
