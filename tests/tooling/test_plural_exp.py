"""Plural-Forms as msgfmt reads them (plural_exp.py), against GNU msgfmt -c run live: random expressions
over every operator of plural.y with junk inserted, unsigned long wrap-around, division by zero in taken
and untaken branches, and the depth where bison's stack (YYMAXDEPTH) gives up."""
from __future__ import annotations

import os
import random
import subprocess
import time
from pathlib import Path

import pytest

from app.tooling.plural_exp import PluralError, read_plural_forms

pytestmark = pytest.mark.conformance  # msgfmt live (make conformance)

ATOMS = ["n", "0", "1", "2", "10", "100", "18446744073709551615", "18446744073709551616", "99999999999999999999999"]
OPERATORS = ["+", "-", "*", "/", "%", "<", ">", "<=", ">=", "==", "!=", "&&", "||"]
JUNK = OPERATORS + ["=", "&", "|", "!", "?", ":", "(", ")", " ", ";", "x", "\t"]


def expression(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth > 4 or roll < .3:
        return rng.choice(ATOMS)
    if roll < .4:
        return "!" + expression(rng, depth + 1)
    if roll < .5:
        return f"({expression(rng, depth + 1)})"
    if roll < .65:
        return f"{expression(rng, depth + 1)} ? {expression(rng, depth + 1)} : {expression(rng, depth + 1)}"
    return expression(rng, depth + 1) + rng.choice(OPERATORS) + expression(rng, depth + 1)


def msgfmt_header_errors(tmp_path: Path, plural_forms: str) -> list[str]:
    po = tmp_path / "p.po"
    po.write_text(f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: {plural_forms}\\n"\n',
                  encoding="utf-8")
    stderr = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True, text=True,
                            env={"LC_ALL": "C", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}).stderr
    return [line.split(": ", 1)[1] for line in stderr.splitlines()
            if line.startswith(f"{po}:2: ") and "warning" not in line]


def our_errors(plural_forms: str) -> list[str]:
    try:
        read_plural_forms(f"Content-Type: text/plain; charset=UTF-8\nPlural-Forms: {plural_forms}\n")
    except PluralError as err:
        return [str(err)]
    return []


def cases(count: int, seed: int = 17) -> list[str]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        text = expression(rng)
        if rng.random() < .3:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(JUNK) + text[at:]
        nplurals = rng.choice(["1", "2", "3", "100", "18446744073709551615", "2x"])
        found.append(rng.choice([f"nplurals={nplurals}; plural={text};", f"plural={text}; nplurals={nplurals}",
                                 f"nplurals={nplurals}; plural={text}"]))
    return found


def test_300_random_plural_forms_get_msgfmts_verdict_and_message(tmp_path):
    differ = [(case, theirs, ours) for case in cases(300)
              if (theirs := msgfmt_header_errors(tmp_path, case)) != (ours := our_errors(case))]
    assert differ == []
    assert sum(bool(our_errors(case)) for case in cases(300)) > 50  # the cases reach both verdicts


@pytest.mark.parametrize("depth", [9996, 9997, 9998])
def test_nesting_as_deep_as_bisons_stack_allows(tmp_path, depth):
    for text in ("(" * depth + "n" + ")" * depth, "!" * depth + "n", "n+(" * (depth // 3) + "n" + ")" * (depth // 3)):
        case = f"nplurals=2; plural={text};"
        assert msgfmt_header_errors(tmp_path, case) == our_errors(case)


def test_short_circuits_and_wrap_around_are_cs():
    header = "Plural-Forms: nplurals=3; plural=0 ? n/0 : (1 || n/0) + (0 && n/0) + (18446744073709551615 + 2 == 1);\n"
    rule = read_plural_forms(header)
    assert [rule.form(n) for n in (0, 5)] == [2, 2] and rule.often == frozenset({2})
    assert read_plural_forms("Language: ja\n") is None


def test_an_expression_too_long_to_evaluate_in_time_is_refused_quickly(tmp_path):
    """Our one departure from msgfmt (README): 1,001 evaluations of 20,000 operations take ~3 s here; a
    longer rule (no language's comes near 100) would hold a worker, so it is an error, found in
    linear time."""
    case = "nplurals=7; plural=" + "+".join(["n%7"] * 7000) + " ? 1 : 0;"
    assert msgfmt_header_errors(tmp_path, case) == []
    start = time.perf_counter()
    assert "over the 20,000" in our_errors(case)[0]
    assert time.perf_counter() - start < 3  # evaluating it: ~3 s per 1,001 values
