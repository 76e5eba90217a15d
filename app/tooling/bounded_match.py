"""difflib's SequenceMatcher with a cap on its work, for text nobody vetted (a catalog's msgids).

A longest-match search is quadratic and the recursion over them can be cubic: `"a" * 316` against
`"ab" * 158` takes 0.3 s, two similar 5,000-character paragraphs minutes. BoundedMatcher counts, before
each search, the steps it will take (for each item of `a` in the range, its occurrences in `b` up to the
range's end: difflib's inner loop) and raises WorkLimit instead of starting one that would overrun the
budget, so the caller can fall back to something plainer in bounded time.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from difflib import Match, SequenceMatcher


class WorkLimit(Exception):
    """The comparison would take more steps than the matcher has left."""


class BoundedMatcher(SequenceMatcher):
    """SequenceMatcher (autojunk off: no letters treated as junk in long texts) that takes at most `budget`
    steps of its inner loop over all the comparisons it makes, then raises WorkLimit."""

    # SequenceMatcher's own attributes (set by set_seqs), which typeshed does not declare
    a: Sequence
    b: Sequence
    b2j: dict

    def __init__(self, budget: int, a: Sequence = "", b: Sequence = ""):
        self.budget = budget
        super().__init__(None, a, b, autojunk=False)

    def find_longest_match(self, alo: int = 0, ahi: int | None = None, blo: int = 0,
                           bhi: int | None = None) -> Match:
        ahi = len(self.a) if ahi is None else ahi
        bhi = len(self.b) if bhi is None else bhi
        steps = ahi - alo  # difflib walks every occurrence in b[:bhi] of each a[i] in the range
        for i in range(alo, ahi):
            occurrences = self.b2j.get(self.a[i])
            if occurrences:
                steps += bisect_left(occurrences, bhi)
        if steps > self.budget:
            raise WorkLimit(f"{steps} steps, {self.budget} left")
        self.budget -= steps
        return super().find_longest_match(alo, ahi, blo, bhi)
