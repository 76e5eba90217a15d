"""Time writing `.mo` files of 20k, 80k and 160k entries: our `mo_bytes` against GNU `msgfmt` and Babel's
`write_mo`, medians and ratios from one run.

    .venv/bin/python bench/mo_speed.py [--sizes 20000 80000 160000] [--repeat 3] [--babel-max 20000]

Catalogs come from bench/check_speed.py's generator (wrapped strings, contexts, plurals, fuzzy and
untranslated entries). Timed, in rounds (one run of each per round, so machine noise hits all alike):
- `msgfmt -o FILE.mo FILE.po` as a process: GNU's whole job, reading the .po included;
- `mo_bytes(catalog)` in process, on a catalog already read: what replaced Babel's write_mo;
- `write_mo(buffer, catalog)` in process (Babel's; quadratic: each entry appends to one bytes object),
  only up to --babel-max entries (on these catalogs it took 5.9 s at 20k and 116 s at 80k);
- `compile_catalog(po, mo)` in process: our whole `compile` (strict read, every check, mo_bytes, atomic
  write), for comparison with msgfmt's whole job.
The target is mo_bytes <= 2x msgfmt at 160k entries.
"""
from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from babel.messages.mofile import write_mo  # noqa: E402

from app.tooling.compile import compile_catalog, mo_bytes  # noqa: E402
from app.tooling.pofile import read_catalog  # noqa: E402
from check_speed import generate_catalog  # noqa: E402


def seconds(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def babel_write_mo(catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 80_000, 160_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--babel-max", type=int, default=20_000, help="time Babel's write_mo up to this size")
    args = parser.parse_args()
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise SystemExit("msgfmt not found: apt-get install gettext")

    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    print(f"{'entries':>8} {'msgfmt s':>9} {'mo_bytes s':>10} {'x msgfmt':>8} {'write_mo s':>10} {'x msgfmt':>8} "
          f"{'compile s':>9} {'x msgfmt':>8}")
    for size in args.sizes:
        po = out / f"bench_{size}_ja.po"
        if not po.exists():
            generate_catalog(po, size)
        catalog = read_catalog(po)
        gnu_mo, our_mo = out / f"bench_{size}_gnu.mo", out / f"bench_{size}_ours.mo"
        times: dict[str, list[float]] = {"msgfmt": [], "mo_bytes": [], "write_mo": [], "compile": []}
        for _ in range(args.repeat):
            command = [msgfmt, "-o", str(gnu_mo), str(po)]
            times["msgfmt"].append(seconds(partial(subprocess.run, command, check=True)))
            times["mo_bytes"].append(seconds(partial(mo_bytes, catalog)))
            if size <= args.babel_max:
                times["write_mo"].append(seconds(partial(babel_write_mo, catalog)))
            times["compile"].append(seconds(partial(compile_catalog, po, our_mo)))
        median = {name: statistics.median(values) for name, values in times.items() if values}
        base = median["msgfmt"]
        babel = (f"{median['write_mo']:10.3f} {median['write_mo'] / base:8.2f}" if times["write_mo"]
                 else f"{'-':>10} {'-':>8}")
        print(f"{size:8,} {base:9.3f} {median['mo_bytes']:10.3f} {median['mo_bytes'] / base:8.2f} {babel} "
              f"{median['compile']:9.3f} {median['compile'] / base:8.2f}")
        if size == max(args.sizes):
            ratio = median["mo_bytes"] / base
            verdict = "met" if ratio <= 2 else "MISSED"
            print(f"mo_bytes / msgfmt at {size:,} entries = {ratio:.2f}  target <= 2: {verdict}")


if __name__ == "__main__":
    main()
