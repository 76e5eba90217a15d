"""Format-string checks with GNU msgfmt's rules (gettext 0.21: format-c.c, format-python.c,
format-python-brace.c and check_msgid_msgstr_format in format.c), and the newstyle check of the live site.

A format string is parsed into a `Spec`: its positional arguments in order and its named arguments, each
with the type msgfmt gives it and the directive as written. Two specs are compared as msgfmt compares
them: a translation may never ask for an argument the reference lacks or give one another type; it must
use every argument ("strict") unless it is a plural form msgfmt checks loosely (see `strict_forms`).

With `msgid_plural`, msgfmt's reference for every msgstr[i] is msgid_plural, not msgid: a one-form
language's msgstr[0] covers every count, so "%(count)s校" is right and "校" lacks %(count)s.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .plural_exp import PluralError, read_plural_forms

C_FORMAT, PYTHON_FORMAT, BRACE_FORMAT = "c-format", "python-format", "python-brace-format"


class FormatError(ValueError):
    """The text is not a valid format string of its kind; the message says why (as msgfmt does)."""


@dataclass
class Spec:
    """What a format string asks of its arguments: type and directive as written, per argument."""

    positional: list[tuple[object, str]] = field(default_factory=list)
    named: dict[str, tuple[object, str]] = field(default_factory=dict)


# --- C (format-c.c) --------------------------------------------------------------------------------
# Types are (kind, size); msgfmt treats two directives as compatible exactly when these are equal:
# %i = %d, %o = %u = %x = %X, all of %e %f %g %a alike; %li, %hi, %zi... each differ from %i.
_C_KINDS = {**dict.fromkeys("di", "int"), **dict.fromkeys("ouxX", "unsigned"),
            **dict.fromkeys("eEfFgGaA", "double"), "p": "pointer", "n": "count"}
_C_SIZES = {"h": "short", "hh": "char", "l": "long", "ll": "long long", "L": "long long", "q": "long long",
            "j": "intmax_t", "z": "size_t", "Z": "size_t", "t": "ptrdiff_t"}
_C99_SIZES = ("MAX", "PTR", "LEAST8", "LEAST16", "LEAST32", "LEAST64", "FAST8", "FAST16", "FAST32", "FAST64",
              "8", "16", "32", "64")


def _digits(text: str, i: int) -> int:
    while i < len(text) and text[i].isascii() and text[i].isdigit():
        i += 1
    return i


def _c_size(text: str, i: int) -> tuple[str, int]:
    size = ""
    while i < len(text) and text[i] in "hlLqjzZt":
        char = text[i]
        if char == "h":
            size = "hh" if size in ("h", "hh") else "h"
        elif char == "l":
            size = "ll" if size in ("l", "ll") else "l"
        else:
            size = char
        i += 1
    return _C_SIZES.get(size, ""), i


def _c99_macro(text: str, i: int) -> tuple[tuple[str, str], int]:
    """A <PRIdMAX>-style directive starting after '<'."""
    if not text.startswith("PRI", i) or i + 3 >= len(text) or text[i + 3] not in "diouxX":
        raise FormatError("the token after '<' is not the name of a format specifier macro (ISO C 99 7.8.1)")
    kind = _C_KINDS[text[i + 3]]
    i += 4
    size = next((s for s in _C99_SIZES if text.startswith(s, i)), None)
    if size is None:
        raise FormatError("the token after '<' is not the name of a format specifier macro (ISO C 99 7.8.1)")
    i += len(size)
    if text[i:i + 1] != ">":
        raise FormatError("the token after '<' is not followed by '>'")
    return (kind, size), i


def parse_c(text: str, translated: bool = False) -> Spec:
    """`text` as msgfmt reads a c-format string; FormatError if msgfmt calls it invalid.
    `translated`: a msgstr, where glibc's 'I' flag is allowed."""
    numbered: list[tuple[int, object, str]] = []
    unnumbered: list[tuple[object, str]] = []
    i, directive = 0, 0

    def add(number: int, type_: object, written: str) -> None:
        if number:
            if unnumbered:
                raise FormatError("the string refers to arguments both through absolute argument numbers "
                                  "and through unnumbered argument specifications")
            numbered.append((number, type_, written))
        else:
            if numbered:
                raise FormatError("the string refers to arguments both through absolute argument numbers "
                                  "and through unnumbered argument specifications")
            unnumbered.append((type_, written))

    def argument_number(i: int) -> tuple[int, int]:
        """(m, index after "m$") for an "m$" at i, else (0, i)."""
        end = _digits(text, i)
        if end > i and text[end:end + 1] == "$":
            if end - i > 9:  # int() of thousands of digits raises; no call has a billion arguments
                raise FormatError(f"in the directive number {directive}, the argument number is too large")
            number = int(text[i:end])
            if number == 0:
                raise FormatError(f"in the directive number {directive}, the argument number 0 is not a "
                                  "positive integer")
            return number, end + 1
        return 0, i

    while True:
        start = text.find("%", i)
        if start < 0:
            break
        directive += 1
        number, i = argument_number(start + 1)
        while i < len(text) and (text[i] in " +-#0'" or (translated and text[i] == "I")):
            i += 1
        for prefix in ("", "."):  # width, then precision: '*', '*m$' (an int argument) or digits
            if prefix:
                if text[i:i + 1] != ".":
                    break
                i += 1
            if text[i:i + 1] == "*":
                star_number, i = argument_number(i + 1)
                add(star_number, ("int", ""), "*")
            else:
                i = _digits(text, i)
        if text[i:i + 1] == "<":
            type_, i = _c99_macro(text, i + 1)
        else:
            size, i = _c_size(text, i)
            if i >= len(text):
                raise FormatError("the string ends in the middle of a directive")
            conversion = text[i]
            if conversion in "%m":
                type_ = None
            elif conversion in "cC":
                type_ = ("char", "wide" if conversion == "C" or size in ("long", "long long") else "")
            elif conversion in "sS":
                type_ = ("string", "wide" if conversion == "S" or size in ("long", "long long") else "")
            elif conversion in _C_KINDS:
                kind = _C_KINDS[conversion]
                if kind == "double":
                    size = "long long" if size == "long long" else ""
                elif kind == "pointer":
                    size = ""
                type_ = (kind, size)
            else:
                raise FormatError(f"in the directive number {directive}, the character '{conversion}' is "
                                  "not a valid conversion specifier")
        i += 1
        if type_ is not None:
            add(number, type_, text[start:i])
    if numbered:
        unnumbered = _numbered_as_positional(numbered)
    return Spec(positional=unnumbered)


def _numbered_as_positional(numbered: list[tuple[int, object, str]]) -> list[tuple[object, str]]:
    """%1$s... as a positional list; each argument used with one type, none skipped."""
    by_number: dict[int, tuple[object, str]] = {}
    for number, type_, written in sorted(numbered, key=lambda item: item[0]):
        if number in by_number and by_number[number][0] != type_:
            raise FormatError(f"the string refers to argument number {number} in incompatible ways")
        by_number.setdefault(number, (type_, written))
    for expected, number in enumerate(by_number, start=1):
        if number != expected:
            raise FormatError(f"the string refers to argument number {number} but ignores argument number "
                              f"{expected}")
    return list(by_number.values())


# --- Python % (format-python.c) ----------------------------------------------------------------
# %s and %r are both "string" (and with precision 0, "any"); every integer conversion is alike.
_PYTHON_KINDS = {"c": "char", **dict.fromkeys("sr", "string"), **dict.fromkeys("iduoxX", "int"),
                 **dict.fromkeys("eEfgG", "float"), "%": None}


def _mixed() -> FormatError:
    return FormatError("the string refers to arguments both through argument names and through unnamed "
                       "argument specifications")


def parse_python(text: str, translated: bool = False) -> Spec:
    """`text` as msgfmt reads a python-format string; FormatError if msgfmt calls it invalid."""
    spec = Spec()
    i, directive = 0, 0
    while True:
        start = text.find("%", i)
        if start < 0:
            break
        directive += 1
        i, name = start + 1, None
        if text[i:i + 1] == "(":
            j = text.find(")", i + 1)  # the name ends at the first ")" unless a "(" comes before it
            if j < 0:
                j = len(text)
            elif "(" in text[i + 1:j]:  # nested parentheses: the ")" that closes them all
                depth, j = 0, i + 1
                while j < len(text) and not (text[j] == ")" and depth == 0):
                    depth += {"(": 1, ")": -1}.get(text[j], 0)
                    j += 1
            if j >= len(text):
                raise FormatError("the string ends in the middle of a directive")
            name, i = text[i + 1:j], j + 1
        while i < len(text) and text[i] in "-+ #0":
            i += 1
        zero_precision = False
        for prefix in ("", "."):
            if prefix:
                if text[i:i + 1] != ".":
                    break
                i += 1
            if text[i:i + 1] == "*":
                if spec.named:
                    raise _mixed()
                spec.positional.append(("int", "*"))
                i += 1
            else:
                end = _digits(text, i)
                zero_precision = bool(prefix) and end > i and not text[i:end].strip("0")
                i = end
        if text[i:i + 1] in ("h", "l", "L"):
            i += 1
        if i >= len(text):
            raise FormatError("the string ends in the middle of a directive")
        conversion = text[i]
        if conversion not in _PYTHON_KINDS:
            raise FormatError(f"in the directive number {directive}, the character '{conversion}' is not a "
                              "valid conversion specifier")
        kind = "any" if zero_precision and conversion in "sr" else _PYTHON_KINDS[conversion]
        i += 1
        written = text[start:i]
        if name is not None:
            if spec.positional:
                raise _mixed()
            previous = spec.named.get(name)
            if previous is not None and kind != previous[0] and "any" not in (kind, previous[0]):
                raise FormatError(f"the string refers to the argument named '{name}' in incompatible ways")
            if previous is None or previous[0] == "any":
                spec.named[name] = (kind, written)
        elif conversion != "%":
            if spec.named:
                raise _mixed()
            spec.positional.append((kind, written))
    return spec


# --- Python str.format (format-python-brace.c) -------------------------------------------------------
# gettext 0.21 names an argument by everything between "{" and its "}": "{n}", "{n:d}", "{n:>10}" and
# "{n:{w}}" are four different arguments, "{n.a}" and "{n[0]}" two more. A field needs a name or a number
# ("{}" and "{!r}" make the string invalid, and msgfmt then checks nothing).
def _ascii_name_end(text: str, i: int) -> int:
    """End of a name ([A-Za-z_][A-Za-z0-9_]*) at i, or i."""
    if i < len(text) and text[i].isascii() and (text[i].isalpha() or text[i] == "_"):
        i += 1
        while i < len(text) and text[i].isascii() and (text[i].isalnum() or text[i] == "_"):
            i += 1
    return i


def _field_end(text: str, i: int, numbers_too: bool = True) -> int:
    end = _ascii_name_end(text, i)
    return _digits(text, i) if end == i and numbers_too else end


def _brace_directive(text: str, i: int, toplevel: bool, spec: Spec) -> int:
    """parse_directive: the directive whose "{" is at i; the index after it."""
    if text[i + 1:i + 2] == "{":
        return i + 2
    name_start = i = i + 1
    end = _field_end(text, i)
    if end == i:
        shown = text[i] if i < len(text) else "end of string"
        raise FormatError(f"'{shown}' cannot start a field name")
    i = end
    while text[i:i + 1] in (".", "["):
        opener = text[i]
        end = _field_end(text, i + 1, numbers_too=opener == "[")
        if end == i + 1:
            raise FormatError(f"a {'getattr' if opener == '.' else 'getitem'} argument does not start with a name")
        i = end
        if opener == "[":
            if text[i:i + 1] != "]":
                raise FormatError("there is an unterminated format directive")
            i += 1
    if text[i:i + 1] == ":":
        if not toplevel:
            raise FormatError("no more nesting is allowed in a format specifier")
        i += 1
        if text[i:i + 1] == "{":
            i = _brace_directive(text, i, False, spec)
        else:  # [[fill]align][sign][#][0][minimumwidth][.precision][type]
            if text[i + 1:i + 2] in ("<", ">", "=", "^"):  # a fill character (any, "}" too), then the align
                i += 2
            elif text[i:i + 1] in ("<", ">", "=", "^"):
                i += 1
            for optional in ("+- ", "#", "0"):
                if text[i:i + 1] and text[i] in optional:
                    i += 1
            i = _digits(text, i)
            if text[i:i + 1] == ".":
                i = _digits(text, i + 1)
            if text[i:i + 1] and text[i] in "bcdoxXneEfFgG%":
                i += 1
        if text[i:i + 1] != "}":
            raise FormatError("there is an unterminated format directive")
    if text[i:i + 1] != "}":
        raise FormatError("there is an unterminated format directive")
    if toplevel:
        name = text[name_start:i]
        spec.named.setdefault(name, ("", "{" + name + "}"))
    return i + 1


def parse_brace(text: str, translated: bool = False) -> Spec:
    """`text` as msgfmt 0.21 reads a python-brace-format string; FormatError if msgfmt calls it invalid."""
    spec, i = Spec(), 0
    text = text.split("\0", 1)[0]  # a C string ends at NUL
    while True:
        i = text.find("{", i)
        if i < 0:
            return spec
        i = _brace_directive(text, i, True, spec)


PARSERS: dict[str, Callable[[str, bool], Spec]] = {C_FORMAT: parse_c, PYTHON_FORMAT: parse_python,
                                                   BRACE_FORMAT: parse_brace}


# --- Comparison (each language's format_check) ---------------------------------------------------
def _compare(kind: str, reference: Spec, target: Spec, strict: bool, ref: str, where: str) -> str | None:
    """msgfmt's verdict on `target` (a msgstr) against `reference` (msgid or msgid_plural)."""
    if kind == PYTHON_FORMAT:
        if reference.named and target.positional:
            return f"{where} uses positional directives ({_listed(target.positional)}) where {ref} uses names"
        if reference.positional and target.named:
            return f"{where} uses named directives ({_listed(target.named.values())}) where {ref} is positional"
    if kind == BRACE_FORMAT:
        # format-python-brace.c: a strictly checked form must name exactly the reference's arguments; a
        # loosely checked one may name any
        if not strict:
            return None
        why = "(gettext: a field's format spec is part of its name)"
        missing = [written for name, (_, written) in reference.named.items() if name not in target.named]
        if missing:
            return f"{where} lacks {', '.join(missing)}, which {ref} has {why}"
        extra = [written for name, (_, written) in target.named.items() if name not in reference.named]
        if extra:
            return f"{where} has {', '.join(extra)}, which {ref} does not {why}"
        return None
    if reference.named or target.named:
        extra = [written for name, (_, written) in target.named.items() if name not in reference.named]
        if extra:
            return f"{where} has {', '.join(extra)}, which {ref} does not"
        missing = [written for name, (_, written) in reference.named.items() if name not in target.named]
        if missing and strict:
            return f"{where} lacks {', '.join(missing)}, which {ref} has"
        changed = [(reference.named[name], target.named[name]) for name in target.named
                   if not _same(reference.named[name][0], target.named[name][0], strict)]
        if changed:
            return f"{where}: " + ", ".join(f"{a[1]} became {b[1]}" for a, b in changed)
    if reference.positional or target.positional:
        # Python needs the tuple's length exactly (a form with one %d less raises TypeError); C only
        # needs a loosely checked plural form to use no more arguments than the reference.
        count_ok = (len(target.positional) == len(reference.positional) if strict or kind == PYTHON_FORMAT
                    else len(target.positional) <= len(reference.positional))
        if not count_ok:
            common = min(len(target.positional), len(reference.positional))
            if len(target.positional) > common:
                return f"{where} has {_listed(target.positional[common:])}, which {ref} does not"
            return f"{where} lacks {_listed(reference.positional[common:])}, which {ref} has"
        # a loosely checked form may use fewer arguments: compare the ones both have
        changed = [(a, b) for a, b in zip(reference.positional, target.positional, strict=False)
                   if not _same(a[0], b[0], strict or kind == C_FORMAT)]
        if changed:
            return f"{where}: " + ", ".join(f"{a[1]} became {b[1]}" for a, b in changed)
    return None


def _same(a: object, b: object, strict: bool) -> bool:
    return a == b or (not strict and "any" in (a, b))


def _listed(arguments: Iterable[tuple[object, str]]) -> str:
    return " ".join(written for _, written in arguments) or "none"


# --- Plural forms ----------------------------------------------------------------------------------
def strict_forms(nplurals: int, expression: str) -> frozenset[int] | None:
    """The plural forms msgfmt -c checks strictly: those the rule picks for at least 5 values of n in
    0..1000 (a form used only for n=1 may drop the number: "one file"). None if the rule cannot be used."""
    try:
        rule = read_plural_forms(f"nplurals={nplurals}; plural={expression};")
    except PluralError:
        return None
    return rule.often if rule is not None else None


def catalog_strict_forms(catalog) -> frozenset[int] | None:
    """`strict_forms` for a Babel catalog's Plural-Forms (Babel's default for its locale without one)."""
    try:
        return strict_forms(catalog.num_plurals, catalog.plural_expr)
    except (ValueError, TypeError, AttributeError):
        return None


GERMANIC = frozenset({1})  # msgfmt's assumption for a catalog without Plural-Forms: plural=(n != 1)


def _forms(ids: tuple[str, ...], strings: tuple[str, ...], strict: frozenset[int] | None):
    """(reference, its name, form, form's name, strict?) for each form, as msgfmt pairs them: none when
    the first form is empty (msgfmt -c skips the entry as untranslated), else every form, an empty one
    too (an empty msgstr[1] lacks the arguments of msgid_plural where form 1 is checked strictly)."""
    plural = len(ids) > 1
    reference, ref = (ids[1], "msgid_plural") if plural else (ids[0], "msgid")
    if not strings or not strings[0]:
        return
    for index, form in enumerate(strings):
        where = f"msgstr[{index}]" if plural else "msgstr"
        is_strict = not plural or len(strings) == 1 or (strict is not None and index in strict)
        yield reference, ref, form, where, is_strict


def format_check(kind: str, ids: tuple[str, ...], strings: tuple[str, ...],
                 strict: frozenset[int] | None = GERMANIC) -> str | None:
    """`msgfmt -c`'s first complaint about an entry flagged `kind` (c-format, python-format,
    python-brace-format), or None. `strict`: see `strict_forms` (None: Plural-Forms unusable, every
    form of several is checked loosely)."""
    parse = PARSERS[kind]
    reference_spec = None
    for reference, ref, form, where, is_strict in _forms(ids, strings, strict):
        if reference_spec is None:
            try:
                reference_spec = parse(reference, False)
            except FormatError:
                return None  # msgfmt checks nothing when the reference itself is not a valid format string
        try:
            target = parse(form, True)
        except FormatError as err:
            return f"{where} is not a valid {kind} string, unlike {ref}: {err}"
        problem = _compare(kind, reference_spec, target, is_strict, ref, where)
        if problem:
            return problem
    return None


def flagged_formats(flags: Iterable[str]) -> list[str]:
    """The formats an entry's flags ask msgfmt to check ("c-format", "possible-c-format"; not "no-...")."""
    flags = set(flags)
    return [kind for kind in PARSERS
            if (kind in flags or f"possible-{kind}" in flags) and f"no-{kind}" not in flags]


def newstyle_problem(ids: tuple[str, ...], strings: tuple[str, ...],
                     strict: frozenset[int] | None = GERMANIC) -> str | None:
    """Why `form % variables`, as Jinja's newstyle gettext runs it, fails for a translation where it works
    for the msgid, or how the translation's directives differ from the reference's (python-format rules)."""
    variables: dict[str, int] = {}
    for text in ids:
        try:
            # 0 suits every conversion (%s, %d, %f, %c...): a wrong conversion is the comparison's to name.
            variables.update((name, 0) for name in parse_python(text).named)
        except FormatError:
            pass
    if len(ids) > 1:
        variables.setdefault("num", 0)  # ngettext passes num=n
    try:
        ids[0] % variables
    except (ValueError, TypeError, KeyError):
        pass  # the msgid fails by itself: not the translation's doing, only compare directives
    else:
        plural = len(ids) > 1
        for index, form in enumerate(strings):
            if "%" not in form:
                continue
            where = f"msgstr[{index}]" if plural else "msgstr"
            try:
                form % variables
            except KeyError as exc:
                return f"{where} has %({exc.args[0]}), which the msgid does not"
            except (ValueError, TypeError) as exc:
                return f"{where} % variables raises {type(exc).__name__} ({exc}): write a literal % as %%"
    return format_check(PYTHON_FORMAT, ids, strings, strict)


def _as_tuple(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def format_problem(msgid: str | tuple[str, ...], msgstr: str | tuple[str, ...] | list[str],
                   strict: frozenset[int] | None = GERMANIC) -> str | None:
    """Why a translation breaks Jinja's newstyle gettext (`msgstr % {name: value, ...}`) or differs from
    its reference's %-directives; None if it is fine. `msgid`/`msgstr` as Babel's Message holds them
    (tuples for a plural entry: (msgid, msgid_plural), (msgstr[0], ...)); `strict`: see `strict_forms`.

    A stray "%" ("100%", "50% off") raises at render time; "%%" is a literal percent sign.
    """
    ids, strings = _as_tuple(msgid), _as_tuple(msgstr)
    if not any("%" in text for text in ids + strings):
        return None
    return newstyle_problem(ids, strings, strict)
