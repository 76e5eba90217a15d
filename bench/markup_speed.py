"""Time the markup check (app/tooling/markup.py, what the site, `compile` and `check` run on every
translation) on hostile strings of 1 KB to 1 MB, to show it grows linearly.

    .venv/bin/python bench/markup_speed.py [--repeat 5] [--max-size 1000000]

Shapes, each the msgstr of an HTML entry (`markup_problem(msgid, msgstr, catalog=PAGE)`):
`<a` repeated (the regex this replaced took 25 s on 2 KB of it), `<a a` repeated (attribute names without
end), nested tags (`<b><i>` repeated: a deep open-element stack), and Japanese text with `<em>` pairs. For
each size the median of `--repeat` runs is printed (the tokenizer's cache is cleared before each run), and
the ratio to the previous size: a linear check gives about 10 for each tenfold size.

Then the verdict on real translations: every translated entry of the catalogs in tests/fixtures/po (the
project's own too) judged as the site judges its catalogs (PAGE), cache cleared, median of `--repeat`:
most entries hold no "<" or "&", and those never reach the tokenizer.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.tooling.markup import PAGE, _tokenized, markup_problem, translation_markup_problem  # noqa: E402
from app.tooling.pofile import messages, read_po_file  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

MSGID = "Read <em>the guide</em> and <a href=\"/apply\">apply</a>."
SHAPES = {
    "<a repeated": "<a",
    "<a a repeated": "<a a",
    "nested <b><i>": "<b><i>",
    "text and <em> pairs": "国際戦略<em>東北</em>",
}


def shape(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def timed(msgstr: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        _tokenized.cache_clear()
        start = time.perf_counter()
        markup_problem(MSGID, msgstr, catalog=PAGE)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def real_translations() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    paths = [*sorted((ROOT / "tests" / "fixtures" / "po").glob("co*/*.po")),
             ROOT / "translations" / "ja" / "LC_MESSAGES" / "messages.po"]
    pairs = []
    for path in paths:
        for message in messages(read_po_file(path).catalog):
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if any(strings):
                pairs.append((ids, strings))
    return pairs


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--max-size", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    sizes = [size for size in (1_000, 10_000, 100_000, 1_000_000) if size <= args.max_size]
    print(f"markup_problem on hostile msgstrs, median of {args.repeat} runs; ratio = time / time at the "
          "previous size (linear: ~10)")
    print(f"{'shape':<22}" + "".join(f"{size:>14,} B" for size in sizes))
    for name, unit in SHAPES.items():
        medians = [timed(shape(unit, size), args.repeat) for size in sizes]
        print(f"{name:<22}" + "".join(f"{median * 1000:>13.2f} ms" for median in medians))
        ratios = [later / earlier for earlier, later in pairwise(medians)]
        print(f"{'  ratio':<22}{'':>16}" + "".join(f"{ratio:>15.1f}x" for ratio in ratios))
    pairs = real_translations()
    plain = sum(not any("<" in text or "&" in text for text in ids + strings) for ids, strings in pairs)
    times = []
    for _ in range(args.repeat):
        _tokenized.cache_clear()
        start = time.perf_counter()
        for ids, strings in pairs:
            translation_markup_problem(ids, strings, catalog=PAGE)
        times.append(time.perf_counter() - start)
    print(f"\nreal translations (tests/fixtures/po, the project's): {len(pairs):,} entries, {plain:,} without "
          f"'<' or '&': {statistics.median(times) * 1000:.1f} ms in all")


if __name__ == "__main__":
    main()
