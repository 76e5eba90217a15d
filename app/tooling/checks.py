"""Quality checks on translations: each returns Findings with a stable code.

`markup_problem` is also used by the live site on every entry it loads, so it must be fast and must never
reject a legitimate translation (tags in another order, Japanese text, entities, localized URLs).
"""
from __future__ import annotations

import html
import re
from collections import Counter

# A start or end tag; attribute values may contain ">" inside quotes.
_TAG_RE = re.compile(r"""<(/?)([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
# Where a browser would start reading markup: "<" then a letter, "/", "!" or "?". ("a < b" is text.)
_MARKUP_START_RE = re.compile(r"<[a-zA-Z/!?]")
_ATTRIBUTE_RE = re.compile(r"""([^\s"'=<>/`]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background",
                             "cite", "data", "codebase", "srcset", "ping", "longdesc", "usemap", "srcdoc"})
_DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
_NEVER_ALLOWED_TAGS = frozenset({"script"})
# Browsers ignore ASCII whitespace and control characters inside a URL scheme ("java\tscript:").
_URL_NOISE_RE = re.compile(r"[\x00-\x20\x7f]+")


def _tags(text: str) -> list[tuple[str, str, str]]:
    """(slash, lower-case name, raw attribute text) of every tag in `text`."""
    return [(slash, name.lower(), attrs) for slash, name, attrs in _TAG_RE.findall(text)]


def _attributes(raw: str) -> dict[str, str]:
    attributes = {}
    for name, value in _ATTRIBUTE_RE.findall(raw):
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        attributes[name.lower()] = html.unescape(value)
    return attributes


def _is_dangerous_url(value: str) -> bool:
    return _URL_NOISE_RE.sub("", value).lower().startswith(_DANGEROUS_SCHEMES)


def _not_a_tag_count(text: str, tag_count: int | None = None) -> int:
    """How many '<' a browser would read as the start of markup that is not a complete tag."""
    if tag_count is None:
        tag_count = len(_TAG_RE.findall(text))
    return len(_MARKUP_START_RE.findall(text)) - tag_count


def markup_problem(msgid: str, msgstr: str) -> str | None:
    """Why the HTML in `msgstr` must not be trusted, or None when it only uses what the msgid uses.

    Not allowed: a tag the msgid lacks, `<script>`, an `on*` event-handler attribute, a javascript:/data:/
    vbscript: URL, an attribute the msgid's tag of that name lacks, a tag that is never closed with ">",
    comments or declarations. Order, entities, text and attribute values (localized links) are free.
    """
    if "<" not in msgstr:
        return None
    tags = _TAG_RE.findall(msgstr)
    if _not_a_tag_count(msgstr, len(tags)) > _not_a_tag_count(msgid):
        if "<!" in msgstr or "<?" in msgstr:
            return "adds a comment, declaration or processing instruction"
        return "has a '<' that starts a tag never closed with '>'"
    if not tags:
        return None
    allowed: dict[str, dict[str, set[str]]] = {}
    for _, name, raw in _tags(msgid):
        attributes = allowed.setdefault(name, {})
        for attribute, value in _attributes(raw).items():
            attributes.setdefault(attribute, set()).add(value)
    for _, name, raw in tags:
        name = name.lower()
        if name in _NEVER_ALLOWED_TAGS:
            return f"adds <{name}>"
        if name not in allowed:
            return f"adds <{name}>, which the msgid does not have"
        if not raw.strip(" /"):
            continue
        for attribute, value in _attributes(raw).items():
            if attribute.startswith("on"):
                return f"adds an event-handler attribute {attribute}= to <{name}>"
            if attribute not in allowed[name]:
                return f"adds attribute {attribute}= to <{name}>, which the msgid's <{name}> does not have"
            if value in allowed[name][attribute]:
                continue
            if attribute == "style":
                return f"changes style= of <{name}>"
            if attribute in _URL_ATTRIBUTES and _is_dangerous_url(value):
                return f"uses a {_URL_NOISE_RE.sub('', value).split(':')[0].lower()}: URL in {attribute}="
    return None


def tag_counts(text: str) -> Counter:
    """How many times each start and end tag occurs, ignoring attributes and order."""
    return Counter((slash + name) for slash, name, _ in _tags(text))
