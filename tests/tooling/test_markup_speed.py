"""The markup check runs in time linear in its input, on the shapes that made the old regex cubic
(bench/markup_speed.py prints the full table)."""
from __future__ import annotations

import time

import pytest

from app.tooling.markup import PAGE, _tokenized, markup_problem

MSGID = 'Read <em>the guide</em> and <a href="/apply">apply</a>.'


def fastest(msgstr: str, runs: int = 3) -> float:
    """The fastest of `runs` (the least disturbed by other processes on a shared machine)."""
    times = []
    for _ in range(runs):
        _tokenized.cache_clear()
        start = time.perf_counter()
        assert markup_problem(MSGID, msgstr, catalog=PAGE) is not None
        times.append(time.perf_counter() - start)
    return min(times)


@pytest.mark.parametrize("unit", ["<a", "<a a", "<b><i>"])
def test_time_grows_linearly_from_100_kb_to_1_mb(unit):
    small, large = (unit * (size // len(unit)) for size in (100_000, 1_000_000))
    ratio = fastest(large) / fastest(small)
    assert ratio < 20, f"{unit!r}: 1 MB took {ratio:.1f} times as long as 100 KB (linear: ~10)"
