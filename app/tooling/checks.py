"""Quality checks on translations and catalog headers: each returns Findings with a stable code.

Format checks follow the entry's flags, as `msgfmt --check-format` does (Babel would guess python-format
from the msgid; "50% off" then looks like a `% o` directive). Fuzzy, untranslated and obsolete entries
are not checked: they are not used at run time.

`format_problem` is also used by the live site (through verdict.refusal) on every entry it loads, so it
must be fast and must never reject a legitimate translation. Markup is markup.py's to judge.
"""
from __future__ import annotations

import codecs
import gettext
import re
from dataclasses import replace
from pathlib import Path

from babel.core import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message

from app.tooling.findings import ERROR, WARNING, Finding
from app.tooling.formats import (BRACE_FORMAT, GERMANIC, catalog_strict_forms, flagged_formats, format_check,
                                 newstyle_problem)
from app.tooling.markup import TEXT, catalog_kind, translation_markup_problem
from app.tooling.plural_table import gnu_plural_forms
from app.tooling.pofile import HEADER, PoFile, is_text_charset, messages

PLACEHOLDER_MISMATCH = "placeholder-mismatch"
UNSAFE_MARKUP = "unsafe-markup"
WHITESPACE_MISMATCH = "whitespace-mismatch"
PLURAL_FORMS = "plural-forms"


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
                     newstyle: bool = False, strict: frozenset[int] | None = GERMANIC,
                     markup: str = TEXT) -> list[Finding]:
    """Quality findings for one translated, non-fuzzy entry, reported on `line` (default: the msgid's).

    `newstyle`: the entry is rendered into HTML through Jinja's newstyle gettext (the project's catalogs),
    so it is python-format whatever its flags say. `strict`: the plural forms whose directives must match
    msgid_plural's exactly (`formats.strict_forms`). `markup`: what the catalog is for markup.py (PAGE,
    HTML, TEXT).
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
    kinds = flagged_formats(message.flags)
    problem = None
    if newstyle:
        kinds = [BRACE_FORMAT] if BRACE_FORMAT in kinds else []
        if any("%" in text for text in ids + strings):
            problem = newstyle_problem(ids, strings, strict)
    for kind in kinds:
        problem = problem or format_check(kind, ids, strings, strict)
    if problem:
        findings.append(Finding(path, line, PLACEHOLDER_MISMATCH, problem, key))
    # The markup half of verdict.refusal (the same function), so check reports what the site refuses.
    unsafe = translation_markup_problem(ids, strings, catalog=markup)
    if unsafe:
        findings.append(Finding(path, line, UNSAFE_MARKUP, unsafe, key))
    for index, form in enumerate(strings):
        if not form:
            continue
        source = ids[1] if index and len(ids) > 1 else ids[0]
        where = f"msgstr[{index}]" if len(ids) > 1 else "msgstr"
        whitespace = _whitespace_problem(source, form)
        if whitespace:
            severity, reason = whitespace
            findings.append(Finding(path, line, WHITESPACE_MISMATCH, f"{where}: {reason}", key, severity))
    return [replace(f, msgctxt=message.context) for f in findings] if message.context else findings


def _language_of(identifier: str) -> str:
    """The language part of a locale identifier ("ja" for ja_JP, ja-JP or ja), for comparing two."""
    return re.split(r"[-_@.]", identifier, maxsplit=1)[0].lower()


def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _expected_nplurals(locale: Locale, language: str) -> dict[str, int]:
    """nplurals each reference gives a language: GNU gettext's table (gettext's plural-table.c, where it
    lists the language) and CLDR's count of plural categories (Babel's `plural_form.tags` leaves out
    the implicit "other"). They differ for French, Spanish, Russian, Polish...: either is accepted."""
    expected = {}
    gnu = gnu_plural_forms(language)
    if gnu:
        expected["GNU gettext's plural table"] = int(re.search(r"nplurals=(\d+)", gnu).group(1))
    expected["CLDR"] = len(locale.plural_form.tags | {"other"})
    return expected


def _plural_forms_findings(value: str | None, language: str | None, has_plurals: bool, path: str,
                           line: int) -> tuple[list[Finding], int | None]:
    """Findings on the Plural-Forms header, and the nplurals it declares (None if missing or broken)."""
    if value is None:
        if not has_plurals:
            return [], None
        return [Finding(path, line, PLURAL_FORMS, "no Plural-Forms header, but the catalog has plural entries")], None
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d{1,9})\s*;\s*plural\s*=\s*(.+?);?\s*", value)
    if not match:
        return [Finding(path, line, PLURAL_FORMS, f"Plural-Forms cannot be read: {value[:200]!r}")], None
    nplurals, expression = int(match.group(1)), match.group(2)
    try:
        plural = gettext.c2py(expression)
        bad = next((n for n in range(1001) if not 0 <= plural(n) < nplurals), None)
    except (ValueError, SyntaxError, ZeroDivisionError, RecursionError, OverflowError, MemoryError) as exc:
        return [Finding(path, line, PLURAL_FORMS,
                        f"plural expression {expression[:200]!r} cannot be used: {exc}")], nplurals
    findings = []
    if bad is not None:
        findings.append(Finding(path, line, PLURAL_FORMS,
                                f"plural={expression} gives form {plural(bad)} for n={bad}, but nplurals={nplurals}"))
    locale = _locale(language) if language else None
    if locale is not None:
        expected = _expected_nplurals(locale, language)
        if nplurals not in expected.values():
            gnu = gnu_plural_forms(language)
            said = " and ".join(f"{count} in {reference}" for reference, count in expected.items())
            findings.append(Finding(path, line, PLURAL_FORMS,
                                    f"nplurals={nplurals}, but {locale.english_name} has {said}"
                                    + (f" (GNU: {gnu})" if gnu else " (not in GNU gettext's plural table)")))
    return findings, nplurals


def _unencodable_line(catalog: Catalog, charset: str) -> int | None:
    """The line of the first entry whose text `charset` cannot encode (a .mo is written in the declared
    charset), or None. msgfmt reads a charset it does not know as bytes; Babel and Python cannot."""
    if codecs.lookup(charset).name == "utf-8":
        return None
    for message in messages(catalog):
        for text in (*(message.id if isinstance(message.id, tuple) else (message.id,)),
                     *(message.string if isinstance(message.string, tuple) else (message.string,)),
                     message.context or ""):
            try:
                text.encode(charset)
            except UnicodeEncodeError:
                return message.lineno or 0
    return None


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
    elif _locale(language) is None:
        findings.append(Finding(path, header_line, HEADER, f"Language {language!r} is not a locale Babel knows"))
    elif expected_locale and _language_of(language) != _language_of(expected_locale):
        findings.append(Finding(path, header_line, HEADER,
                                f"Language is {language!r} but the catalog is in the {expected_locale!r} directory"))
    charset = re.search(r"charset=([^\s;]+)", fields.get("content-type", ""))
    if charset is None:
        findings.append(Finding(path, header_line, HEADER, "no charset in the Content-Type header"))
    elif not is_text_charset(charset.group(1)):
        findings.append(Finding(path, header_line, HEADER, f"unknown charset {charset.group(1)!r}"))
    else:
        unencodable = _unencodable_line(catalog, charset.group(1))
        if unencodable:
            findings.append(Finding(path, header_line, HEADER,
                                    f"charset {charset.group(1)!r} cannot hold the text at line {unencodable}: "
                                    "a .mo cannot be built (the site shows English); declare charset=UTF-8"))
    has_plurals = any(isinstance(message.id, tuple) for message in messages(catalog))
    plural_findings, nplurals = _plural_forms_findings(fields.get("plural-forms"), language or None,
                                                       has_plurals, path, header_line)
    return findings + plural_findings, nplurals


def check_catalog(catalog: Catalog, path: Path | str, *, pofile: PoFile | None = None,
                  expected_locale: str | None = None, newstyle: bool = False) -> list[Finding]:
    """Header and per-message quality findings for a catalog (translated, non-fuzzy entries only).

    With `pofile` (what `pofile.read_po_file` read) the header as written is checked too, and findings
    on translations point at the msgstr line as msgfmt's do; without it, only the messages are checked.
    `newstyle`: every entry is rendered through Jinja's newstyle gettext into the site's HTML pages
    (project mode: markup.PAGE).
    """
    path = str(path)
    findings: list[Finding] = []
    nplurals = catalog.num_plurals
    msgstr_lines = {}
    if pofile is not None:
        findings, nplurals = header_findings(pofile.header, pofile.header_line, catalog, path, expected_locale)
        msgstr_lines = pofile.msgstr_lines
    strict = catalog_strict_forms(catalog)
    markup = catalog_kind((m.id[0] if isinstance(m.id, tuple) else m.id for m in messages(catalog)),
                          page=newstyle)
    for message in messages(catalog):
        string = message.string
        if not string or (not isinstance(string, str) and not any(string)) or "fuzzy" in message.flags:
            continue
        findings.extend(message_findings(message, path, nplurals, msgstr_lines.get(message.lineno, 0),
                                         newstyle, strict, markup))
    return findings

