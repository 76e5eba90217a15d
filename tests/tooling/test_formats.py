"""Format checks with msgfmt's rules: parsing, comparison, and plural forms against msgid_plural."""
from __future__ import annotations

import random

import pytest

from app.tooling.formats import (BRACE_FORMAT, C_FORMAT, PYTHON_FORMAT, FormatError, flagged_formats,
                                 format_check, format_problem, parse_brace, parse_c, parse_python,
                                 strict_forms)

JAPANESE = strict_forms(1, "0")
GERMAN = strict_forms(2, "(n != 1)")
RUSSIAN = strict_forms(3, "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)")


@pytest.mark.parametrize(("kind", "msgid", "msgstr", "valid"), [
    (C_FORMAT, "%o", "%u", True),            # msgfmt: every unsigned conversion alike
    (C_FORMAT, "%u", "%X", True),
    (C_FORMAT, "%e", "%a", True),            # every floating-point conversion alike
    (C_FORMAT, "%i", "%li", False),          # a size modifier is another type
    (C_FORMAT, "%lli", "%Li", True),         # both long long for msgfmt 0.21
    (C_FORMAT, "%i", "%o", False),           # signed and unsigned differ
    (C_FORMAT, "%s%g", "%2$g%1$s", True),
    (C_FORMAT, "%2$u%1$s", "%1$s", False),
    (C_FORMAT, "%g%*g", "%*g%g", False),     # '*' takes an int argument of its own
    (C_FORMAT, "%%", "%", False),            # a lone % is not a directive
    (C_FORMAT, "%y", "%d", True),            # an invalid msgid is not checked
    (C_FORMAT, "%d", "%Id", True),           # glibc's I flag, in a msgstr only
    (C_FORMAT, "%<PRId64>", "%<PRId64>", True),
    (C_FORMAT, "%<PRId64>", "%<PRIu64>", False),
    (PYTHON_FORMAT, "%s", "%r", True),
    (PYTHON_FORMAT, "%i", "%x", True),
    (PYTHON_FORMAT, "%c", "%.0s", False),
    (PYTHON_FORMAT, "%(a)s", "%s", False),   # a mapping, then a tuple
    (PYTHON_FORMAT, "%(a)s %(b)d", "%(b)d %(a)s", True),
    (PYTHON_FORMAT, "%(a)s", "%(a)s %(c)s", False),
    (PYTHON_FORMAT, "%(a)s", "x", False),
    (BRACE_FORMAT, "{a} {b}", "{b} {a} {b}", True),
    (BRACE_FORMAT, "{a}", "{a} {c}", False),
    (BRACE_FORMAT, "{a}", "{a", False),
    (BRACE_FORMAT, "{}{}", "{1}{0}", True),
    (BRACE_FORMAT, "{{{x}", "{x}", True),
])
def test_format_check_follows_msgfmt(kind, msgid, msgstr, valid):
    assert (format_check(kind, (msgid,), (msgstr,)) is None) == valid


@pytest.mark.parametrize(("parse", "text"), [
    (parse_c, "%"), (parse_c, "%1$s %s"), (parse_c, "%2$s"), (parse_c, "%1$s %1$d"), (parse_c, "%0$s"),
    (parse_c, "%<PRIx>"), (parse_c, "%k"), (parse_c, "%" + "9" * 5000 + "$d"), (parse_python, "%(a"), (parse_python, "%(a)s %s"),
    (parse_python, "%(a)s %(a)d"), (parse_python, "%s %(a)s"), (parse_python, "%*(a)s"),
    (parse_brace, "{!r}"), (parse_brace, "{a.}"), (parse_brace, "{a[}"), (parse_brace, "{0}{}"),
    (parse_brace, "{}{0}"), (parse_brace, "{a:{b:x}}"),
])
def test_invalid_format_strings_are_refused_with_a_reason(parse, text):
    with pytest.raises(FormatError) as exc:
        parse(text)
    assert str(exc.value)


def test_parsed_arguments_keep_what_was_written():
    assert parse_c("%-5.2f and %lu%%").positional == [(("double", ""), "%-5.2f"), (("unsigned", "long"), "%lu")]
    assert parse_python("%(n)d %(n).0s").named == {"n": ("int", "%(n)d")}
    # msgfmt 0.21 names a field by all of it, format spec included (format-python-brace.c)
    assert list(parse_brace("{user.name} {items[0]:{w}} {x:>10}").named) == ["user.name", "items[0]:{w}", "x:>10"]


def test_flags_choose_the_formats():
    assert flagged_formats(["c-format", "fuzzy"]) == [C_FORMAT]
    assert flagged_formats(["possible-python-format"]) == [PYTHON_FORMAT]
    assert flagged_formats(["python-format", "no-python-format"]) == []


def test_strict_forms_are_those_used_for_many_numbers():
    assert (JAPANESE, GERMAN, RUSSIAN) == ({0}, {1}, {0, 1, 2})
    assert strict_forms(2, "n/0") is None


# Plural entries: msgid_plural is the reference for every form; strictness as msgfmt -c decides.
PARTNERS = ("One partner.", "%(count)s partners.")


@pytest.mark.parametrize(("strings", "strict", "problem"), [
    (("%(count)s校",), JAPANESE, None),                       # one form covers every count
    (("校",), JAPANESE, "msgstr[0] lacks %(count)s"),
    (("Ein Partner.", "%(count)s Partner."), GERMAN, None),  # form 0 is used for n=1 only
    (("Ein Partner.", "Partner."), GERMAN, "msgstr[1] lacks %(count)s"),
    (("%(count)s партнёр", "%(count)s партнёра", "партнёров"), RUSSIAN, "msgstr[2] lacks %(count)s"),
    (("%(count)s校", "%(total)s"), GERMAN, "msgstr[1] has %(total)"),
])
def test_plural_forms_are_compared_with_msgid_plural(strings, strict, problem):
    found = format_problem(PARTNERS, strings, strict)
    assert found == problem if problem is None else problem in found


def test_a_python_plural_form_that_drops_a_positional_directive_is_caught():
    # "eine Datei" % 1 raises TypeError at run time, even for the form msgfmt checks loosely.
    ids, strings = ("%d file", "%d files"), ("eine Datei", "%d Dateien")
    with pytest.raises(TypeError):
        strings[0] % 1
    assert "msgstr[0] lacks %d" in format_check(PYTHON_FORMAT, ids, strings, GERMAN)
    # C's printf ignores an unused argument: msgfmt allows it in a loosely checked form.
    assert format_check(C_FORMAT, ids, strings, GERMAN) is None
    assert "msgstr[1] lacks %d" in format_check(C_FORMAT, ids, ("%d Datei", "Dateien"), GERMAN)


def test_random_directives_give_a_verdict_never_an_exception():
    rng = random.Random(8)
    alphabet = "%(){}[].:!$*0123456789sdiuxXeEfgGcCpnrlhLqjzZtI<>PRI-+ #'abw"
    for _ in range(3000):
        text, other = ("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(2))
        for kind in (C_FORMAT, PYTHON_FORMAT, BRACE_FORMAT):
            verdict = format_check(kind, (text, other), (other, text, ""), GERMAN)
            assert verdict is None or verdict.startswith("msgstr[")
        assert format_problem(text, other) is None or "msgstr" in format_problem(text, other)
