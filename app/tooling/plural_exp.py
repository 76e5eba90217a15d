"""Plural-Forms as GNU msgfmt (gettext 0.21) reads and checks it: `check_plural` in msgl-check.c, the
grammar and lexer of plural.y, and plural_eval's arithmetic on unsigned long.

msgfmt does not split the header into fields for this: it takes the number after the first "nplurals=" and
the expression after the first "plural=" anywhere in the header's msgstr, and the expression ends at ";", a
newline or the end. So "plural=n != 1; nplurals=2;", a missing final ";" and a second "nplurals=" (ignored)
all work at run time, and gettext's own runtime (libintl) reads them the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

ULONG = 1 << 64  # msgfmt evaluates in unsigned long: + - * wrap around, and a value >= 2**63 is "negative"
SAMPLE = range(1001)  # msgfmt evaluates the rule for n = 0..1000
OFTEN = 5  # a form the rule picks at least this often in SAMPLE counts as used "infinitely often"

# Binding strength of the binary operators, as plural.y's %left/%right lines order them ('?' lowest).
_BINARY = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4, "+": 5, "-": 5,
           "*": 6, "/": 6, "%": 6}
_TERNARY = 0
_TWO_CHARS = ("==", "!=", "<=", ">=", "&&", "||")
MAX_OPERATIONS = 20_000  # a limit of ours, not msgfmt's: 1,001 evaluations of 20,000 operations take ~3 s
_STACK_LIMIT = 10000  # bison's YYMAXDEPTH: a parse that needs more states fails ("memory exhausted")


class PluralError(ValueError):
    """The header's Plural-Forms is one msgfmt -c rejects; the message is msgfmt's reason."""


def _wrapped(digits: str) -> int:
    """The number as msgfmt's unsigned long accumulator holds it (wrapped around), in linear time."""
    value = 0
    for start in range(0, len(digits), 18):
        chunk = digits[start:start + 18]
        value = (value * 10 ** len(chunk) + int(chunk)) % ULONG
    return value


def _tokens(text: str):
    """plural.y's yylex: only spaces and tabs separate tokens; ";", a newline or the end stops it."""
    i, end = 0, len(text)
    while True:
        while i < end and text[i] in " \t":
            i += 1
        if i >= end or text[i] in ";\n\0":
            yield "end", None
            return
        char = text[i]
        if char.isascii() and char.isdigit():
            j = i
            while j < end and text[j].isascii() and text[j].isdigit():
                j += 1
            yield "num", _wrapped(text[i:j])
            i = j
        elif text[i:i + 2] in _TWO_CHARS:
            yield "op", text[i:i + 2]
            i += 2
        elif char in "<>*/%+-":
            yield "op", char
            i += 1
        elif char in "n?:()!":
            yield char, None
            i += 1
        else:  # a lone '=', '&' or '|' and anything else: the lexer's error token
            raise PluralError("invalid plural expression")


def parse(text: str) -> tuple:
    """The expression at the start of `text` as a tree: ("n",), ("num", k), ("!", a), (op, a, b), ("?", a, b, c).
    Raises PluralError where plural.y's parser fails. Iterative (operator precedence, no recursion): a deeply
    nested expression is no Python RecursionError."""
    operands: list[tuple] = []
    operators: list[str] = []  # binary operators, "(", "!", "?" and ":" waiting for their right side

    def reduce_one() -> None:
        op = operators.pop()
        if op == "!":
            operands.append(("!", operands.pop()))
        elif op == ":":
            if operators.pop() != "?":
                raise PluralError("invalid plural expression")
            c, b, a = operands.pop(), operands.pop(), operands.pop()
            operands.append(("?", a, b, c))
        else:
            b, a = operands.pop(), operands.pop()
            operands.append((op, a, b))

    def strength(op: str) -> int:
        return _TERNARY if op in "?:" else _BINARY.get(op, -1)

    def shifted(extra: int = 0) -> None:
        """bison's stack holds its first state and one per symbol not yet reduced: the pending operands
        and operators are exactly those symbols (`extra`: a token shifted before its rule reduces)."""
        if 1 + len(operands) + len(operators) + extra >= _STACK_LIMIT:
            raise PluralError("invalid plural expression")

    expect_operand = True
    for kind, value in _tokens(text):
        if expect_operand:
            if kind == "n":
                operands.append(("n",))
            elif kind == "num":
                operands.append(("num", value))
            elif kind in "(!":
                operators.append(kind)
                shifted()
                continue
            else:
                raise PluralError("invalid plural expression")
            shifted()
            while operators and operators[-1] == "!":  # '!' binds tighter than every binary operator
                reduce_one()
            expect_operand = False
            continue
        if kind == "op":  # left-associative: first reduce what binds at least as tightly
            while operators and operators[-1] not in "(?" and strength(operators[-1]) >= _BINARY[value]:
                reduce_one()
            operators.append(value)
            shifted()
        elif kind == "?":  # right-associative, lowest: reduce only binary operators
            while operators and operators[-1] not in "(?:":
                reduce_one()
            operators.append("?")
            shifted()
        elif kind == ":":
            while operators and operators[-1] not in "(?":
                reduce_one()
            if not operators or operators[-1] != "?":
                raise PluralError("invalid plural expression")
            operators.append(":")
            shifted()
        elif kind == ")":
            while operators and operators[-1] != "(":
                if operators[-1] == "?":
                    raise PluralError("invalid plural expression")
                reduce_one()
            if not operators:
                raise PluralError("invalid plural expression")
            shifted(1)
            operators.pop()
            while operators and operators[-1] == "!":
                reduce_one()
            continue
        elif kind == "end":
            while operators:
                if operators[-1] in "(?":
                    raise PluralError("invalid plural expression")
                reduce_one()
            return operands[0]
        else:
            raise PluralError("invalid plural expression")
        expect_operand = True
    raise AssertionError("the token stream always ends with 'end'")  # pragma: no cover


def _program(tree: tuple) -> tuple[tuple, ...]:
    """The tree as postfix instructions with jumps, so `&&`, `||` and `?:` evaluate only what C evaluates
    (a division by zero in a branch not taken is no error), and neither compiling nor evaluating recurses."""
    code: list[list] = []
    tasks: list = [tree]  # a subtree to compile, or a function that emits or patches an instruction

    def jump(kind: str, slots: list[int]):
        def emit() -> None:
            slots.append(len(code))
            code.append([kind, None])
        return emit

    def land(slots: list[int], index: int, before: tuple = ()):
        def patch() -> None:
            code.extend(before)
            code[slots[index]][1] = len(code)
        return patch

    while tasks:
        task = tasks.pop()
        if callable(task):
            task()
            continue
        op = task[0]
        if op in ("n", "num"):
            code.append(list(task))
        elif op == "!":
            tasks += [lambda: code.append(["!"]), task[1]]
        elif op in ("&&", "||"):  # a; jump to the end with 0 (&&) or 1 (||) if decided; b; as 0 or 1
            slots: list[int] = []
            tasks += [land(slots, 0, (["bool"],)), task[2], jump(op, slots), task[1]]
        elif op == "?":  # a; jump if false to c; b; jump to the end; c
            slots = []
            tasks += [land(slots, 1), task[3], land(slots, 0), jump("jmp", slots), task[2], jump("jf", slots),
                      task[1]]
        else:
            tasks += [lambda op=op: code.append(["bin", op]), task[2], task[1]]
    return tuple(map(tuple, code))


def _binary(op: str, a: int, b: int) -> int:
    if op == "+":
        return (a + b) % ULONG
    if op == "-":
        return (a - b) % ULONG
    if op == "*":
        return a * b % ULONG
    if op == "/":
        return a // b  # ZeroDivisionError: msgfmt's SIGFPE
    if op == "%":
        return a % b
    return int({"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b, "==": a == b, "!=": a != b}[op])


def evaluate(program: tuple[tuple, ...], n: int) -> int:
    """plural_eval: the form for `n` (unsigned long). Raises ZeroDivisionError as msgfmt gets SIGFPE."""
    stack: list[int] = []
    pc, end = 0, len(program)
    while pc < end:
        instruction = program[pc]
        op = instruction[0]
        pc += 1
        if op == "n":
            stack.append(n)
        elif op == "num":
            stack.append(instruction[1])
        elif op == "bin":
            b = stack.pop()
            stack.append(_binary(instruction[1], stack.pop(), b))
        elif op == "!":
            stack.append(int(not stack.pop()))
        elif op == "bool":
            stack.append(int(bool(stack.pop())))
        elif op == "jf":
            if not stack.pop():
                pc = instruction[1]
        elif op == "jmp":
            pc = instruction[1]
        elif op == "&&":
            if not stack[-1]:
                stack[-1] = 0
                pc = instruction[1]
            else:
                stack.pop()
        else:  # "||"
            if stack[-1]:
                stack[-1] = 1
                pc = instruction[1]
            else:
                stack.pop()
    return stack[-1]


@dataclass(frozen=True)
class PluralForms:
    nplurals: int
    expression: str  # as written after "plural=", up to where msgfmt stops reading it
    often: frozenset[int]  # the forms the rule picks at least OFTEN times for n = 0..1000
    program: tuple

    def form(self, n: int) -> int:
        return evaluate(self.program, n)

    def histogram(self, low: int, high: int, form: int) -> int:
        """How often the rule picks `form` for n = low..high (at most 1001 values: plural_expression_histogram)."""
        count = 0
        for n in range(low, min(high, low + 1000) + 1):
            try:
                count += evaluate(self.program, n) == form
            except ZeroDivisionError:
                return 0
        return count


@lru_cache(maxsize=256)
def read_plural_forms(header: str) -> PluralForms | None:
    """The plural rule msgfmt takes from a header's msgstr, None when it lacks "plural=" or "nplurals="
    (then msgfmt uses plural=(n != 1), and it is an error only in a catalog with translated plural entries).
    Raises PluralError with msgfmt's message for a rule msgfmt -c rejects."""
    plural_at, nplurals_at = header.find("plural="), header.find("nplurals=")  # msgfmt's c_strstr: the first
    if plural_at < 0 or nplurals_at < 0:
        return None
    digits_at = nplurals_at + len("nplurals=")
    while digits_at < len(header) and header[digits_at] in " \t\n\v\f\r":
        digits_at += 1
    digits_end = digits_at
    while digits_end < len(header) and header[digits_end] in "0123456789":
        digits_end += 1
    if digits_end == digits_at:
        raise PluralError("invalid nplurals value")
    # strtoul saturates at ULONG_MAX (a longer number is larger still)
    nplurals = min(int(header[digits_at:min(digits_end, digits_at + 21)]), ULONG - 1)
    text = header[plural_at + len("plural="):]
    tree = parse(text)
    stop = next((i for i, char in enumerate(text) if char in ";\n"), len(text))
    program = _program(tree)
    if len(program) > MAX_OPERATIONS:  # no language's rule comes near; evaluating it 1,001 times would take seconds
        raise PluralError(f"plural expression of {len(program):,} operations: over the {MAX_OPERATIONS:,} `check` "
                          "evaluates (msgfmt would; gettext runs it on every plural lookup)")
    counts: dict[int, int] = {}
    for n in SAMPLE:
        try:
            value = evaluate(program, n)
        except ZeroDivisionError:
            raise PluralError("plural expression can produce division by zero") from None
        if value >= ULONG // 2:
            raise PluralError("plural expression can produce negative values")
        if value >= nplurals:
            raise PluralError(f"nplurals = {nplurals} but plural expression can produce values as large as {value}")
        counts[value] = counts.get(value, 0) + 1
    often = frozenset(form for form, count in counts.items() if count >= OFTEN)
    return PluralForms(nplurals, text[:stop].strip(" \t"), often, program)
