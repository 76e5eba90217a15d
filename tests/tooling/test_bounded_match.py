"""bounded_match.py: the same answers as difflib within the budget, WorkLimit (quickly) beyond it."""
from __future__ import annotations

import random
import time
from difflib import SequenceMatcher

import pytest

from app.tooling.bounded_match import BoundedMatcher, WorkLimit
from app.translators import DIFF_WORK, text_diff


def test_within_the_budget_the_answer_is_difflibs():
    rng = random.Random(18)
    for _ in range(200):
        a = "".join(rng.choice("abc ") for _ in range(rng.randrange(60)))
        b = "".join(rng.choice("abc ") for _ in range(rng.randrange(60)))
        bounded = BoundedMatcher(10**9, a, b)
        assert bounded.get_opcodes() == SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        assert bounded.ratio() == SequenceMatcher(None, a, b, autojunk=False).ratio()


@pytest.mark.parametrize("a, b", [("a" * 3000, "ab" * 1500), ("aab" * 1000, "abb" * 1000), ("東北" * 2500, "北東" * 2500)])
def test_beyond_the_budget_it_stops_in_bounded_time(a, b):
    matcher = BoundedMatcher(DIFF_WORK, a, b)
    started = time.perf_counter()
    with pytest.raises(WorkLimit):
        matcher.get_opcodes()
    assert time.perf_counter() - started < 1  # ~20 ms; difflib alone: minutes
    assert 0 <= matcher.budget <= DIFF_WORK


def _sides(runs):
    return ("".join(text for op, text in runs if op != "insert"), "".join(text for op, text in runs if op != "delete"))


def test_a_diff_too_costly_to_align_shows_the_changed_middle_whole():
    old = "Intro. " + " ".join("a b" for _ in range(2000)) + " Outro."
    new = "Intro. " + " ".join("b a" for _ in range(2000)) + " Outro."
    started = time.perf_counter()
    runs = text_diff(old, new)
    assert time.perf_counter() - started < 0.2
    assert runs[0] == ("equal", "Intro. ") and runs[-1][0] == "equal" and runs[-1][1].endswith(" Outro.")
    assert [op for op, _ in runs[1:-1]] == ["delete", "insert"]
    assert _sides(runs) == (old, new)


def test_every_diff_rebuilds_both_texts():
    rng = random.Random(15)
    for _ in range(300):
        old = "".join(rng.choice(["a", "b", " ", "東", "。"]) for _ in range(rng.randrange(0, 40)))
        new = "".join(rng.choice(["a", "b", " ", "東", "。"]) for _ in range(rng.randrange(0, 40)))
        runs = text_diff(old, new)
        assert _sides(runs) == (old, new) and all(text for _, text in runs)
