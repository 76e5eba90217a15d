"""Quality checks on translations and catalog headers: each returns Findings with a stable code.

Format checks follow the entry's flags, as `msgfmt --check-format` does (Babel would guess python-format
from the msgid; "50% off" then looks like a `% o` directive). Fuzzy, untranslated and obsolete entries
are not checked: they are not used at run time.

`markup_problem` and `format_problem` are also used by the live site on every entry it loads, so they must
be fast and must never reject a legitimate translation (tags in another order, Japanese text, entities, localized URLs).
"""
from __future__ import annotations

import gettext
import html
import re
from collections import Counter
from pathlib import Path

from babel.core import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural

from app.tooling.findings import ERROR, WARNING, Finding
from app.tooling.pofile import HEADER, PoFile, is_text_charset, messages

PLACEHOLDER_MISMATCH = "placeholder-mismatch"
MARKUP_MISMATCH = "markup-mismatch"
UNSAFE_MARKUP = "unsafe-markup"
WHITESPACE_MISMATCH = "whitespace-mismatch"
PLURAL_FORMS = "plural-forms"

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
    parsed = [(name.lower(), _attributes(raw) if raw.strip(" /") else {}) for _, name, raw in tags]
    # Name what makes the markup dangerous before what merely makes it new.
    for name, attributes in parsed:
        if name in _NEVER_ALLOWED_TAGS:
            return f"adds <{name}>"
        for attribute, value in attributes.items():
            if attribute.startswith("on"):
                return f"adds an event-handler attribute {attribute}= to <{name}>"
            if attribute in _URL_ATTRIBUTES and _is_dangerous_url(value) \
                    and value not in allowed.get(name, {}).get(attribute, ()):
                return f"uses a {_URL_NOISE_RE.sub('', value).split(':')[0].lower()}: URL in {attribute}="
    for name, attributes in parsed:
        if name not in allowed:
            return f"adds <{name}>, which the msgid does not have"
        for attribute, value in attributes.items():
            if attribute not in allowed[name]:
                return f"adds attribute {attribute}= to <{name}>, which the msgid's <{name}> does not have"
            if attribute == "style" and value not in allowed[name][attribute]:
                return f"changes style= of <{name}>"
    return None


def tag_counts(text: str) -> Counter:
    """How many times each start and end tag occurs, ignoring attributes and order."""
    return Counter((slash + name) for slash, name, _ in _tags(text))



# printf directives as Python and C write them: %(name)s, %2$d, %-5.2f, and "% o" (so "100% of" holds one,
# as msgfmt says of geeqie's catalog); "%%" is a literal percent sign.
_PRINTF_RE = re.compile(r"%(?:\((\w*)\)|(\d+)\$)?[-#0 +'I]*(?:\*|\d+)?(?:\.(?:\*|\d+))?"
                        r"(?:hh|h|ll|l|L|q|j|z|Z|t)?([diouxXeEfFgGaAcCsSpnr%])")
_BRACE_RE = re.compile(r"\{\{|\}\}|\{([^{}!:]*)(?:![rsa])?(?::[^{}]*)?\}")
# Conversions msgfmt accepts in place of each other.
_SAME_CONVERSION = {"i": "d", "u": "d", "X": "x", "E": "e", "f": "e", "F": "e", "g": "e", "G": "e", "A": "a",
                    "C": "c", "S": "s"}


def printf_placeholders(text: str) -> dict[str, tuple[str, str]]:
    """Argument (name, or position) → (conversion kind, directive as written), for each printf directive."""
    found, position = {}, 0
    for match in _PRINTF_RE.finditer(text):
        name, index, conversion = match.groups()
        if conversion == "%":
            continue
        if name is not None:
            key = f"%({name})"
        else:
            position = int(index) if index else position + 1
            key = f"argument {position}"
        found[key] = (_SAME_CONVERSION.get(conversion, conversion), match.group(0))
    return found


def brace_placeholders(text: str) -> dict[str, tuple[str, str]]:
    """Field (name, or position for `{}`) → ("", field as written), for each str.format replacement field."""
    found, position = {}, 0
    for match in _BRACE_RE.finditer(text):
        name = match.group(1)
        if name is None:  # "{{" or "}}"
            continue
        name = re.split(r"[.\[]", name.strip(), maxsplit=1)[0]
        if not name:
            name, position = str(position), position + 1
        found[name] = ("", match.group(0))
    return found


def _placeholder_problem(extract, ids: tuple[str, ...], strings: tuple[str, ...]) -> str | None:
    source = extract(ids[0])
    plural = len(ids) > 1
    if plural:  # a plural form may leave a placeholder out ("a file"), as msgfmt allows
        source = {**extract(ids[1]), **source}
    for index, form in enumerate(strings):
        if not form:
            continue
        target = extract(form)
        where = f"msgstr[{index}]" if plural else "msgstr"
        extra = [written for key, (_, written) in target.items() if key not in source]
        if extra:
            return f"{where} has {', '.join(extra)}, which the msgid does not"
        changed = [f"{source[key][1]} became {written}" for key, (kind, written) in target.items()
                   if source[key][0] != kind]
        if changed:
            return f"{where}: {', '.join(changed)}"
        missing = [written for key, (_, written) in source.items() if key not in target]
        if missing and not plural:
            return f"{where} lacks {', '.join(missing)}"
    return None


def _newstyle_problem(ids: tuple[str, ...], strings: tuple[str, ...]) -> str | None:
    """Why `form % variables`, as Jinja's newstyle gettext runs it, fails for a translation where it works
    for the msgid, or why the translation's printf placeholders differ from the msgid's."""
    variables: dict[str, int] = {}
    for text in ids:
        # 0 suits every conversion (%s, %d, %f, %c...): a wrong conversion is the placeholder check's to name.
        variables.update((key[2:-1], 0) for key in printf_placeholders(text) if key.startswith("%("))
    if len(ids) > 1:
        variables.setdefault("num", 0)  # ngettext passes num=n
    try:
        ids[0] % variables
    except (ValueError, TypeError, KeyError):
        pass  # the msgid fails by itself: not the translation's doing, only compare placeholders
    else:
        for index, form in enumerate(strings):
            if "%" not in form:
                continue
            try:
                form % variables
            except KeyError as exc:
                return f"{_where(ids, index)} has %({exc.args[0]}), which the msgid does not"
            except (ValueError, TypeError) as exc:
                return f"{_where(ids, index)} % variables raises {type(exc).__name__} ({exc}): write a literal % as %%"
    return _placeholder_problem(printf_placeholders, ids, strings)


def _where(ids: tuple[str, ...], index: int) -> str:
    return f"msgstr[{index}]" if len(ids) > 1 else "msgstr"


def format_problem(msgid: str, msgstr: str) -> str | None:
    """Why `msgstr` breaks Jinja's newstyle gettext (`msgstr % {name: value for each %(name) of the msgid}`,
    `msgstr % {}` without any), or how its printf placeholders differ from the msgid's; None if it is fine.

    A stray "%" ("100%", "50% off") raises at render time; "%%" is a literal percent sign.
    """
    if "%" not in msgstr and "%" not in msgid:
        return None
    return _newstyle_problem((msgid,), (msgstr,))


def _whitespace_problem(msgid: str, msgstr: str) -> tuple[str, str] | None:
    """(severity, reason) when leading or trailing whitespace differs; a newline difference is an error,
    as for msgfmt --check, a space difference a warning."""
    if not (msgid[:1].isspace() or msgid[-1:].isspace() or msgstr[:1].isspace() or msgstr[-1:].isspace()):
        return None  # the common case, in one expression
    for name, index, test in (("begin", 0, str.startswith), ("end", -1, str.endswith)):
        if test(msgid, "\n") != test(msgstr, "\n"):
            return ERROR, f"msgid and msgstr do not both {name} with a newline"
        if msgid[index:][:1].isspace() != msgstr[index:][:1].isspace():
            return WARNING, f"msgid and msgstr do not both {name} with whitespace"
    return None


def message_findings(message: Message, path: str, nplurals: int | None = None, line: int = 0,
                     newstyle: bool = False) -> list[Finding]:
    """Quality findings for one translated, non-fuzzy entry, reported on `line` (default: the msgid's).

    `newstyle`: the entry is rendered through Jinja's newstyle gettext, so it is python-format whatever
    its flags say.
    """
    msgid = message.id
    ids = msgid if isinstance(msgid, tuple) else (msgid,)
    string = message.string
    strings = string if isinstance(string, tuple) else (string,)
    line, key = line or message.lineno or 0, ids[0]
    findings = []
    if len(ids) > 1 and nplurals is not None and len(strings) != nplurals:
        findings.append(Finding(path, line, PLURAL_FORMS,
                                f"has {len(strings)} plural forms but the header says nplurals={nplurals}", key))
    flags = message.flags
    extractors = []
    if newstyle:
        problem = _newstyle_problem(ids, strings) if any("%" in text for text in ids + strings) else None
        if problem:
            findings.append(Finding(path, line, PLACEHOLDER_MISMATCH, problem, key))
    elif ("python-format" in flags and "no-python-format" not in flags) \
            or ("c-format" in flags and "no-c-format" not in flags):
        extractors.append(printf_placeholders)
    if "python-brace-format" in flags and "no-python-brace-format" not in flags:
        extractors.append(brace_placeholders)
    for extract in extractors:
        problem = _placeholder_problem(extract, ids, strings)
        if problem:
            findings.append(Finding(path, line, PLACEHOLDER_MISMATCH, problem, key))
            break
    any_markup = "<" in ids[0] or (len(ids) > 1 and "<" in ids[1])
    for index, form in enumerate(strings):
        if not form:
            continue
        source = ids[1] if index and len(ids) > 1 else ids[0]
        where = f"msgstr[{index}]" if len(ids) > 1 else "msgstr"
        if any_markup or "<" in form:
            unsafe = markup_problem(" ".join(ids), form)
            if unsafe:
                findings.append(Finding(path, line, UNSAFE_MARKUP, f"{where} {unsafe}", key))
            elif tag_counts(form) != tag_counts(source):
                findings.append(Finding(path, line, MARKUP_MISMATCH,
                                        f"{where} tags {_tag_list(form)} differ from msgid tags {_tag_list(source)}",
                                        key))
        whitespace = _whitespace_problem(source, form)
        if whitespace:
            severity, reason = whitespace
            findings.append(Finding(path, line, WHITESPACE_MISMATCH, f"{where}: {reason}", key, severity))
    return findings


def _tag_list(text: str) -> str:
    return " ".join(f"<{tag}>" for tag in sorted(tag_counts(text).elements())) or "(none)"


def _language_of(identifier: str) -> str:
    """The language part of a locale identifier ("ja" for ja_JP, ja-JP or ja), for comparing two."""
    return re.split(r"[-_@.]", identifier, maxsplit=1)[0].lower()


def _locale_plurals(language: str) -> tuple[set[int], str] | None:
    """Acceptable nplurals for a language (gettext's convention as Babel's `init` writes it, and CLDR's
    count of plural categories, which differ for a few languages) and its name; None if unknown."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    return {get_plural(locale).num_plurals, len(locale.plural_form.tags)}, locale.english_name


def _plural_forms_findings(value: str | None, language: str | None, has_plurals: bool, path: str,
                           line: int) -> tuple[list[Finding], int | None]:
    """Findings on the Plural-Forms header, and the nplurals it declares (None if missing or broken)."""
    if value is None:
        if not has_plurals:
            return [], None
        return [Finding(path, line, PLURAL_FORMS, "no Plural-Forms header, but the catalog has plural entries")], None
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d{1,9})\s*;\s*plural\s*=\s*(.+?);?\s*", value)
    if not match:
        return [Finding(path, line, PLURAL_FORMS, f"Plural-Forms cannot be read: {value!r}")], None
    nplurals, expression = int(match.group(1)), match.group(2)
    try:
        plural = gettext.c2py(expression)
        bad = next((n for n in range(1001) if not 0 <= plural(n) < nplurals), None)
    except (ValueError, SyntaxError, ZeroDivisionError, RecursionError) as exc:
        return [Finding(path, line, PLURAL_FORMS, f"plural expression {expression!r} cannot be used: {exc}")], nplurals
    findings = []
    if bad is not None:
        findings.append(Finding(path, line, PLURAL_FORMS,
                                f"plural={expression} gives form {plural(bad)} for n={bad}, but nplurals={nplurals}"))
    expected = _locale_plurals(language) if language else None
    if expected and nplurals not in expected[0]:
        forms = " or ".join(str(n) for n in sorted(expected[0]))
        findings.append(Finding(path, line, PLURAL_FORMS,
                                f"nplurals={nplurals}, but {expected[1]} has {forms} plural forms "
                                f"(Babel suggests: {get_plural(language.replace('-', '_')).plural_forms})"))
    return findings, nplurals


def header_findings(header: list[tuple[str, str]], header_line: int, catalog: Catalog, path: str,
                    expected_locale: str | None = None) -> tuple[list[Finding], int | None]:
    """`header` and `plural-forms` findings on a catalog's header entry, and the nplurals it declares.

    `expected_locale` is the locale the file's place says it is for (translations/<locale>/LC_MESSAGES).
    """
    if not header_line:
        return [Finding(path, 1, HEADER, 'no header entry (msgid ""): Language, charset and plural forms '
                                         "are unknown")], None
    fields: dict[str, str] = {}
    findings = []
    for name, value in header:
        previous = fields.setdefault(name.lower(), value)
        if previous != value:
            findings.append(Finding(path, header_line, HEADER, f"{name} given twice: {previous!r} and {value!r}"))
    if catalog.fuzzy:
        findings.append(Finding(path, header_line, HEADER, "the header is marked fuzzy: `pybabel compile` "
                                                           "skips the whole catalog", severity=WARNING))
    language = fields.get("language", "")
    if not language:
        findings.append(Finding(path, header_line, HEADER, "no Language header"))
    elif _locale_plurals(language) is None:
        findings.append(Finding(path, header_line, HEADER, f"Language {language!r} is not a locale Babel knows"))
    elif expected_locale and _language_of(language) != _language_of(expected_locale):
        findings.append(Finding(path, header_line, HEADER,
                                f"Language is {language!r} but the catalog is in the {expected_locale!r} directory"))
    charset = re.search(r"charset=([^\s;]+)", fields.get("content-type", ""))
    if charset is None:
        findings.append(Finding(path, header_line, HEADER, "no charset in the Content-Type header"))
    elif not is_text_charset(charset.group(1)):
        findings.append(Finding(path, header_line, HEADER, f"unknown charset {charset.group(1)!r}"))
    has_plurals = any(isinstance(message.id, tuple) for message in messages(catalog))
    plural_findings, nplurals = _plural_forms_findings(fields.get("plural-forms"), language or None,
                                                       has_plurals, path, header_line)
    return findings + plural_findings, nplurals


def check_catalog(catalog: Catalog, path: Path | str, *, pofile: PoFile | None = None,
                  expected_locale: str | None = None, newstyle: bool = False) -> list[Finding]:
    """Header and per-message quality findings for a catalog (translated, non-fuzzy entries only).

    With `pofile` (what `pofile.read_po_file` read) the header as written is checked too, and findings
    on translations point at the msgstr line as msgfmt's do; without it, only the messages are checked.
    `newstyle`: every entry is rendered through Jinja's newstyle gettext (project mode).
    """
    path = str(path)
    findings: list[Finding] = []
    nplurals = catalog.num_plurals
    msgstr_lines = {}
    if pofile is not None:
        findings, nplurals = header_findings(pofile.header, pofile.header_line, catalog, path, expected_locale)
        msgstr_lines = pofile.msgstr_lines
    for message in messages(catalog):
        string = message.string
        if not string or (not isinstance(string, str) and not any(string)) or "fuzzy" in message.flags:
            continue
        findings.extend(message_findings(message, path, nplurals, msgstr_lines.get(message.lineno, 0),
                                         newstyle))
    return findings
