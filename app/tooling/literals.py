"""Find visible text in templates that is not marked for translation (finding code `literal-text`).

Two real parsers, no regex guessing: Jinja's own lexer separates template data from Jinja syntax, and
`html.parser.HTMLParser` reads the HTML that remains. Every piece of Jinja syntax (`{{ }}`, `{% %}`,
`{# #}`, and the whole of `{% trans %}...{% endtrans %}`, which is marked) becomes one placeholder
character that is not text, so `<p>{{ _("Hi") }}</p>` has nothing left to report and `<p>Hi</p>` does.
Line numbers survive because the placeholder stream is padded to each Jinja token's own line.

What counts as visible: text nodes outside `<script>`, `<style>` and comments, and the attributes a
person reads (`alt`, `title`, `placeholder`, `aria-label`, and `value` of submit/button/reset inputs).
Text without a letter in any script (numbers, punctuation, `&nbsp;`, `·`, `|`, `→`, `、`) is not text.

Deliberate exceptions use the standard HTML attribute `translate="no"`: it exempts the element and its
descendants, e.g. the language switcher's `<a translate="no">日本語</a>`.
"""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment, TemplateSyntaxError

from .findings import Finding, encoding_error

CODE = "literal-text"
PLACEHOLDER = "\ue000"  # a private-use character: never a letter, never markup
READ_ATTRIBUTES = frozenset({"alt", "title", "placeholder", "aria-label"})
BUTTON_INPUT_TYPES = frozenset({"submit", "button", "reset"})
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                           "source", "track", "wbr"})
HIDDEN_CONTENT = frozenset({"script", "style"})
# Start tags that close an open element of these kinds (HTML's omitted end tags, e.g. `<li>a<li>b`).
CLOSES = {"li": {"li"}, "p": {"p"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "option": {"option"},
          "tr": {"tr", "td", "th"}, "td": {"td", "th"}, "th": {"td", "th"}}
SNIPPET = 60

_env = Environment(extensions=["jinja2.ext.i18n"])


def is_text(value: str) -> bool:
    """True when a person would read `value` as words: it has a letter of some script (kana and kanji too)."""
    return any(ch.isalpha() for ch in value)


def template_data(source: str, name: str) -> str:
    """The template with every Jinja construct replaced by PLACEHOLDER and marked text removed, keeping
    each remaining character on its original line."""
    out: list[str] = []
    line = 1
    in_trans = False
    after_block_begin = False
    for lineno, token, value in _env.lex(source, name=name):
        if lineno > line:
            out.append("\n" * (lineno - line))
            line = lineno
        if token == "data" and not in_trans:
            out.append(value)
            line += value.count("\n")
        elif token in ("variable_begin", "block_begin", "comment_begin", "raw_begin") and not in_trans:
            out.append(PLACEHOLDER)
        if after_block_begin and token == "name":
            in_trans = {"trans": True, "endtrans": False}.get(value, in_trans)
        if token != "whitespace":
            after_block_begin = token == "block_begin"
    return "".join(out)


class _VisibleText(HTMLParser):
    def __init__(self, path: str):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.findings: list[Finding] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, exempt) of open elements

    @property
    def exempt(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def report(self, line: int, text: str, what: str) -> None:
        snippet = " ".join(text.split()).strip(PLACEHOLDER + " ").replace(PLACEHOLDER, "…")
        if len(snippet) > SNIPPET:
            snippet = snippet[: SNIPPET - 1] + "…"
        self.findings.append(Finding(self.path, line, CODE, f"{what} not marked for translation", msgid=snippet))

    def handle_starttag(self, tag, attrs):
        if self.stack and self.stack[-1][0] in CLOSES.get(tag, ()):
            self.stack.pop()
        values = dict(attrs)
        exempt = self.exempt or tag in HIDDEN_CONTENT or (values.get("translate") or "").lower() == "no"
        if not exempt:
            line = self.getpos()[0]
            raw = self.get_starttag_text() or ""
            for name, value in attrs:
                readable = name in READ_ATTRIBUTES or (
                    name == "value" and tag == "input" and (values.get("type") or "").lower() in BUTTON_INPUT_TYPES)
                if readable and value and is_text(value):
                    at = raw.find(f"{name}=")
                    self.report(line + raw.count("\n", 0, max(at, 0)), value, f"{name}= attribute")
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, exempt))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag):
        # HTML lets some end tags be omitted (</li>, </p>): close up to the nearest matching element.
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if self.exempt or not is_text(data):
            return
        line = self.getpos()[0]
        first_letter = next(i for i, ch in enumerate(data) if ch.isalpha())
        self.report(line + data.count("\n", 0, first_letter), data, "text")


def find_literal_text(template_paths) -> list[Finding]:
    """`literal-text` findings for every template, in path and line order."""
    findings = []
    for path in sorted(Path(p) for p in template_paths):
        try:
            source = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:  # extraction reports it too; check keeps one of the two
            findings.append(encoding_error(str(path), err))
            continue
        try:
            data = template_data(source, str(path))
        except TemplateSyntaxError as err:
            findings.append(Finding(str(path), err.lineno or 1, "syntax-error",
                                    f"template syntax error: {err.message}"))
            continue
        parser = _VisibleText(str(path))
        parser.feed(data)
        parser.close()
        findings.extend(parser.findings)
    return findings
