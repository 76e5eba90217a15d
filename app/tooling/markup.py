"""Translations are data: what markup a translation may carry, decided by an HTML-standard tokenizer.

A translation is text, escaped wherever it is rendered, unless its msgid itself holds markup. Then it may hold
exactly the msgid's elements with exactly their attributes and values (any order, each once, properly
nested) and nothing else, except that the values of text attributes (title, alt, aria-label, placeholder)
may be translated (plain text, no markup). It is rendered by `render`: its text and text attributes
escaped and the msgid's own tags re-emitted, so no byte the translator wrote reaches the page as markup.

The tokenizer is justhtml's `stream` (pure Python, follows the HTML standard, passes html5lib-tests, linear
time; bench/markup_speed.py). It reads markup as a browser does: duplicated attributes keep the first value,
only HTML whitespace (tab, LF, FF, CR, space) separates attributes ("<a\u00a0href" is one odd tag name),
a tag never closed with ">" is dropped, and `<script>`/`<style>` contents are raw text.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

from markupsafe import Markup, escape

from .helper_process import tokenize
from .pofile import gc_paused

# The elements of the HTML standard (WHATWG index of elements, plus obsolete ones browsers still build):
# a tag counts as markup only when it names one of these, so `<file>`, `<email@host>`, `(?P<name>...)` in a
# plain-text catalog are placeholders, not markup.
HTML_ELEMENTS = frozenset("""
a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code
col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure footer
form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map
mark menu meta meter nav noscript object ol optgroup option output p param picture pre progress q rp rt
ruby s samp script search section select slot small source span strong style sub summary sup table tbody
td template textarea tfoot th thead time title tr track u ul var video wbr svg math
acronym applet basefont big blink center dir font frame frameset image isindex keygen marquee nobr noembed
noframes plaintext rb rtc strike tt xmp
""".split())
VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta param source track wbr keygen".split())
# Elements whose content is code, not text: their text must be the msgid's, byte for byte.
CODE_ELEMENTS = frozenset({"script", "style"})
# Bidi controls that change the direction of what follows them until a PDF (embeddings, overrides) or a
# PDI (isolates): left open, they reverse the text around the translation too.
_BIDI_OPENERS = {"\u202a": "\u202c", "\u202b": "\u202c", "\u202d": "\u202c", "\u202e": "\u202c",
                 "\u2066": "\u2069", "\u2067": "\u2069", "\u2068": "\u2069"}
_BIDI_CLOSERS = frozenset("\u202c\u2069")
_BIDI_OVERRIDES = frozenset("\u202d\u202e")
_TAG_EVENTS = ("start", "end")


# Appended to a text before tokenizing it: it comes back as the last start tag only when the text ends in
# plain text, not inside a tag, an attribute value, a comment or a <script> (where a browser drops or
# swallows what follows: the translation's end would silently vanish).
_SENTINEL = "x-end-of-translation"


@lru_cache(maxsize=4096)
def _tokenized(text: str) -> tuple[tuple, bool]:
    """The tokenizer's events for `text`, and whether `text` ends in plain text (see _SENTINEL).
    The cyclic GC is paused: on a 1 MB string its passes over the growing event list made the time grow
    faster than the input (bench/markup_speed.py)."""
    with gc_paused():  # (justhtml is imported on first use: ~75 ms a catalog without HTML never needs)
        events = tokenize(f"{text}<{_SENTINEL}>")
    if events and events[-1] == ("start", (_SENTINEL, {})):
        return events[:-1], True
    return events, False


def _events(text: str) -> tuple:
    return _tokenized(text)[0]


def _excerpt(text: str, limit: int = 30) -> str:
    """`text` for a message: at most `limit` characters, invisible and space characters as \\uXXXX."""
    shown = "".join(char if char.isprintable() and (char == " " or not char.isspace()) else f"\\u{ord(char):04x}"
                    for char in text[:limit])
    return shown + ("…" if len(text) > limit else "")


# Attributes that hold human text: a translation may change their values (as plain text, re-escaped by
# `render`). Every other attribute (href and other URLs, rel, class, on*, style...) must be the msgid's.
TEXT_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "placeholder"})


def _tag_key(name: str, attrs: dict) -> tuple:
    """What makes two tags the same: the element and its attributes' names, and the values of all but
    TEXT_ATTRIBUTES."""
    return name, tuple(sorted(((key, None if key in TEXT_ATTRIBUTES else value) for key, value in attrs.items()),
                              key=lambda item: item[0]))


def _shown_tag(name: str, attrs: dict) -> str:
    # a text attribute's value in a tag key is None: any words
    shown = "".join(f' {_excerpt(key)}="{"…" if value is None else _excerpt(value)}"'
                    for key, value in list(attrs.items())[:5])
    return f"<{_excerpt(name)}{shown}{' …' if len(attrs) > 5 else ''}>"


def is_html(msgid: str) -> bool:
    """True when `msgid` holds an element of the HTML standard, written as HTML (closed, or void): the
    entry is markup. `<file>`, `Name <email@host>` and a `<script>` mentioned in prose are not."""
    if "<" not in msgid:
        return False
    open_names = set()
    for kind, data in _events(msgid):
        if kind == "start":
            name = data[0]
            if name in VOID_ELEMENTS:
                return True
            open_names.add(name)
        elif kind == "end" and data in open_names and data in HTML_ELEMENTS:
            return True
    return False


def tags_of(events) -> list[tuple[str, tuple]]:
    """("start", (name, sorted attributes)) and ("end", name) of every tag, in order."""
    return [(kind, _tag_key(*data) if kind == "start" else data) for kind, data in events if kind in _TAG_EVENTS]


def _nesting_problem(events) -> str | None:
    """Why the tags are not properly nested (every start tag closed in order, void elements never)."""
    stack = []
    for kind, data in events:
        if kind == "start" and data[0] not in VOID_ELEMENTS:
            stack.append(data[0])
        elif kind == "end":
            if not stack or stack[-1] != data:
                return f"closes </{_excerpt(data)}> where {'<' + _excerpt(stack[-1]) + '>' if stack else 'nothing'} is open"
            stack.pop()
    return f"never closes <{_excerpt(stack[-1])}>" if stack else None


def _code_texts(events) -> list[str]:
    """The contents of <script> and <style> elements, in order."""
    texts, inside = [], None
    for kind, data in events:
        if kind == "start":
            inside = data[0] if data[0] in CODE_ELEMENTS else None
        elif kind == "text" and inside:
            texts.append(data)
        else:
            inside = None
    return texts


def bidi_problem(msgid: str, msgstr: str) -> str | None:
    """Why the bidi controls of `msgstr` would change the direction of text outside it, or override the
    direction of its own letters (which RTL languages need no more than Japanese does)."""
    if not any("\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069" for char in msgstr):
        return None
    if any(char in _BIDI_OVERRIDES and char not in msgid for char in msgstr):
        return "has a bidi override (U+202D/U+202E) that reverses how its letters are shown"
    expected = []
    for char in msgstr:
        if char in _BIDI_OPENERS:
            expected.append(_BIDI_OPENERS[char])
        elif char in _BIDI_CLOSERS:
            if not expected or expected[-1] != char:
                return f"has a bidi terminator U+{ord(char):04X} that closes nothing"
            expected.pop()
    return "leaves a bidi embedding or isolate open: it would turn the text after it around" if expected else None


# What a catalog is, for markup: PAGE, the project's own (our templates render every entry into HTML, in
# element content and attribute values); HTML, another catalog whose msgids hold HTML; TEXT, plain text.
PAGE, HTML, TEXT = "page", "html", "text"


def catalog_kind(msgids, *, page: bool = False) -> str:
    """PAGE for the project's catalogs, else HTML when any msgid is HTML (`is_html`), else TEXT."""
    return PAGE if page else HTML if any(is_html(msgid) for msgid in msgids) else TEXT


def markup_problem(msgid: str, msgstr: str, *, catalog: str = TEXT) -> str | None:
    """Why `msgstr` may not be shown as the translation of `msgid`, or None.

    An entry whose msgid is HTML, and every entry of a PAGE catalog: the translation must hold exactly the
    msgid's tags (same elements, same attributes and values, each once, any order, properly nested), no
    comment or doctype, the msgid's own script/style text, and end in text (not inside a tag or comment).
    In a PAGE catalog it must also hold no `"` the msgid lacks (the same entry may be rendered into
    aria-label="..."). A plain entry of an HTML catalog: no tag of an HTML element its msgid does not
    mention too (it would show as literal text). In a TEXT catalog a plain entry's translation is text: `<fichier>` for `<file>`, `Name
    <email>` and `(?P<name>...)` are placeholders, and nothing is asked of them.
    """
    if catalog == PAGE or is_html(msgid):
        problem = _html_entry_problem(msgid, msgstr)
        if problem is None and catalog == PAGE and '"' in msgstr and '"' not in msgid:
            problem = 'has a " (it would end an HTML attribute value): write “ ” or 「 」'
        if problem is None and catalog == PAGE and "&" in msgstr and _decoded_percents(msgstr) > msgstr.count("%"):
            # The page formats the decoded text (`% variables`): a % the format check never saw would raise.
            problem = "writes % as a character reference (&#37;): write %% for a percent sign"
        return problem
    if catalog == HTML and "<" in msgstr:
        mentioned = {data[0] if kind == "start" else data for kind, data in _events(msgid) if kind in _TAG_EVENTS}
        for kind, data in _events(msgstr):
            name = data[0] if kind == "start" else data
            if kind in _TAG_EVENTS and name in HTML_ELEMENTS and name not in mentioned:
                shown = _shown_tag(*data) if kind == "start" else f"</{name}>"
                return f"has {shown}, but the English is plain text"
    return None


def _decoded_percents(text: str) -> int:
    """How many % the tokenizer's text and attribute values hold (character references decoded)."""
    return sum(data.count("%") if kind == "text" else sum(value.count("%") for value in data[1].values())
               for kind, data in _events(text) if kind in ("text", "start"))


def _could_hold_markup(msgid: str, msgstr: str) -> bool:
    """False when neither text has a "<" or "&": then both are plain text to the tokenizer, and the
    verdict is known without running it (the common case: most entries have no markup)."""
    return "<" in msgid or "<" in msgstr or "&" in msgid or "&" in msgstr


def _html_entry_problem(msgid: str, msgstr: str) -> str | None:
    if not _could_hold_markup(msgid, msgstr):
        return None
    (source, source_ends_in_text), (target, ends_in_text) = _tokenized(msgid), _tokenized(msgstr)
    if source_ends_in_text and not ends_in_text:
        return "ends inside a tag, comment or <script> never closed: a browser would drop its end"
    for kind, data in target:
        if kind in ("comment", "doctype"):
            return f"adds a {kind}, which the msgid does not have"
        if kind == "start":
            for attribute in TEXT_ATTRIBUTES.intersection(data[1]):
                if is_html(data[1][attribute]):
                    return (f"has markup in <{_excerpt(data[0])}>'s {attribute} attribute "
                            f"({_excerpt(data[1][attribute])}): a translated {attribute} is plain text")
    allowed = Counter(tag for tag in tags_of(source) if tag[0] == "start")
    used: Counter[tuple[str, tuple]] = Counter()
    for kind, data in target:
        if kind != "start":
            continue
        name, attrs = data
        key = ("start", _tag_key(name, attrs))
        if key not in allowed:
            same_name = [dict(attributes) for (_, (tag, attributes)) in allowed if tag == name]
            if not same_name:
                why = "which the msgid does not have" if allowed else "but the English is plain text"
                return f"adds {_shown_tag(name, attrs)}, {why}"
            return (f"has {_shown_tag(name, attrs)}, but the msgid's is "
                    f"{' or '.join(_shown_tag(name, a) for a in same_name)}: attributes and values must be the same")
        used[key] += 1
        if used[key] > allowed[key]:
            return f"has {_shown_tag(name, attrs)} more often than the msgid"
    if used != allowed:
        missing = next(key for key in allowed if used[key] < allowed[key])
        return f"lacks {_shown_tag(missing[1][0], dict(missing[1][1]))} (or it is never closed with '>')"
    ends = Counter(tag for tag in tags_of(target) if tag[0] == "end")
    if ends != Counter(tag for tag in tags_of(source) if tag[0] == "end"):
        return "has other end tags than the msgid"
    if _nesting_problem(source) is None:
        nesting = _nesting_problem(target)
        if nesting:
            return nesting
    elif tags_of(target) != tags_of(source):
        return "changes the order of the msgid's tags, which are not nested properly themselves"
    if _code_texts(target) != _code_texts(source):
        return "changes the code inside <script> or <style>"
    return None


def _shown_bidi_problem(msgid: str, msgstr: str) -> str | None:
    """bidi_problem of `msgstr` as written and, where it holds a character reference (`&#x202E;`), as the
    page shows it: its text decoded by the tokenizer, and each attribute value apart."""
    problem = bidi_problem(msgid, msgstr)
    if problem is None and "&" in msgstr:
        events = _events(msgstr)
        shown = ["".join(data for kind, data in events if kind == "text"),
                 *(value for kind, data in events if kind == "start" for value in data[1].values() if value)]
        problem = next((found for piece in shown if (found := bidi_problem(msgid, piece))), None)
    return problem


@lru_cache(maxsize=1 << 18)  # check and the site's verdict ask it of the same entries: see verdict.refusal
def translation_markup_problem(ids: tuple[str, ...], strings: tuple[str, ...], *, catalog: str) -> str | None:
    """Why one translated form of an entry (msgid, plural msgid) may not be shown: its markup, or in a PAGE
    catalog its bidi controls. None when every form may."""
    for index, form in enumerate(strings):
        if not form:
            continue
        source = ids[1] if index and len(ids) > 1 else ids[0]
        problem = markup_problem(source, form, catalog=catalog) or (
            _shown_bidi_problem(source, form) if catalog == PAGE else None)
        if problem:
            return f"{f'msgstr[{index}]' if len(ids) > 1 else 'msgstr'} {problem}"
    return None


@lru_cache(maxsize=4096)
def render(msgid: str, msgstr: str) -> Markup | None:
    """`msgstr` (or `msgid` itself) as HTML for element content, re-serialized from the tokens: its text
    escaped, its tags the msgid's own, so no byte the translator wrote passes through as markup. None when
    its markup is not the msgid's (the caller shows the English)."""
    if msgstr != msgid and _html_entry_problem(msgid, msgstr):
        return None
    originals: dict[tuple, tuple] = {}
    for kind, data in _events(msgid):
        if kind == "start":
            originals.setdefault(_tag_key(*data), data)
    parts = []
    for kind, data in _events(msgstr):
        if kind == "text":
            parts.append(str(escape(data)))
        elif kind == "start":
            name, attrs = originals[_tag_key(*data)]
            translated = data[1]  # the translation's own text attributes, escaped like its text
            parts.append("<" + name + "".join(
                f' {key}="{escape(translated[key] if key in TEXT_ATTRIBUTES else value)}"'
                for key, value in attrs.items()) + ">")
        elif kind == "end":
            parts.append(f"</{data}>")
    return Markup("".join(parts))


def plain_text(msgstr: str) -> str:
    """What `msgstr` says, tags left out and references decoded, for attribute values and <title> (contexts
    that hold no markup): plain text, for Jinja to escape."""
    return "".join(data for kind, data in _events(msgstr) if kind == "text")
