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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import cast

from babel.core import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message

from app.tooling.findings import ERROR, WARNING, Finding
from app.tooling.glossary import Glossary, term_findings
from app.tooling.formats import (BRACE_FORMAT, GERMANIC, catalog_strict_forms, flagged_formats, format_check,
                                 newstyle_problem)
from app.tooling.markup import PAGE, TEXT, catalog_kind, translation_markup_problem
from app.tooling.plural_exp import PluralError, PluralForms, read_plural_forms
from app.tooling.plural_table import gnu_plural_forms
from app.tooling.pofile import ENCODING, HEADER, PoFile, is_text_charset, messages

PLACEHOLDER_MISMATCH = "placeholder-mismatch"
UNSAFE_MARKUP = "unsafe-markup"
WHITESPACE_MISMATCH = "whitespace-mismatch"
PLURAL_FORMS = "plural-forms"
_RANGE_RE = re.compile(r"range: ?(\d+)\.\.(\d+)")  # one flag (pofile.py joins "range:" and its numbers)


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
                     markup: str | None = TEXT) -> list[Finding]:
    """Quality findings for one translated, non-fuzzy entry, reported on `line` (default: the msgid's).

    `newstyle`: the entry is rendered into HTML through Jinja's newstyle gettext (the project's catalogs),
    so it is python-format whatever its flags say. `strict`: the plural forms whose directives must match
    msgid_plural's exactly (`formats.strict_forms`). `markup`: what the catalog is for markup.py (PAGE,
    HTML, TEXT), or None to leave markup unjudged (`catalog_rules`).
    """
    msgid, string = message.id, message.string
    ids = (msgid,) if isinstance(msgid, str) else tuple(msgid)
    strings = (string,) if isinstance(string, str) else tuple(string or ())
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
    unsafe = None if markup is None else translation_markup_problem(ids, strings, catalog=markup)
    if unsafe:
        # The site's own rule: it refuses the translation in its own catalogs (English is shown); in
        # another project's catalog, whose text our pages never show, it is advice.
        findings.append(Finding(path, line, UNSAFE_MARKUP, unsafe, key, ERROR if markup == PAGE else WARNING))
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


def _gnu_nplurals(language: str) -> int | None:
    gnu = gnu_plural_forms(language)
    match = re.search(r"nplurals=(\d+)", gnu) if gnu else None
    return int(match.group(1)) if match else None


def _references(language: str) -> tuple[str, dict[str, int]]:
    """The language's English name and the nplurals each reference gives it: GNU gettext's table
    (plural-table.c, where it lists the language) and CLDR's count of plural categories (Babel's
    `plural_form.tags` leaves out the implicit "other"). They differ for French, Spanish, Russian, Polish..."""
    expected = {}
    gnu = _gnu_nplurals(language)
    if gnu is not None:  # every rule in GNU's table declares nplurals
        expected["GNU gettext's plural table"] = gnu
    locale = _locale(language)
    if locale is not None:
        expected["CLDR"] = len(locale.plural_form.tags | {"other"})
    name = (locale.english_name if locale is not None else None) or language
    return name, expected


def _plural_entries(catalog: Catalog) -> tuple[Message | None, Message | None]:
    """The first plural entry, and the first translated non-fuzzy one (msgfmt -c looks only at those)."""
    first = None
    for message in messages(catalog):
        if isinstance(message.id, tuple):
            first = first or message
            if message.string and message.string[0] and "fuzzy" not in message.flags:
                return first, message
    return first, None


def _python_gettext_problem(field: str) -> str | None:
    """Why Python's gettext, which the site runs, cannot use this Plural-Forms field: it takes the text
    after "plural=" in the second ";"-separated part (gettext.GNUTranslations._parse)."""
    try:
        gettext.c2py(field.split(";")[1].split("plural=")[1])
    except (IndexError, ValueError, SyntaxError, RecursionError, MemoryError) as exc:
        return str(exc) or type(exc).__name__
    return None


def _plural_forms_findings(header: str, fields: list[tuple[str, str]], language: str | None,
                           catalog: Catalog, path: str, line: int, site: bool) -> tuple[list[Finding], int | None]:
    """Findings on the plural rule as msgfmt -c reads it from the header's msgstr `header`
    (plural_exp.read_plural_forms), and the nplurals it declares (None without a usable rule).

    msgfmt's errors are errors. Where the rule works but the language's references count other forms
    (Hebrew with 4, Welsh, Galician...) it is a warning naming both counts: the translators chose it.
    `site`: the site's own catalog, which Python's gettext must be able to read too."""
    findings = []
    any_plural, translated_plural = _plural_entries(catalog)
    field = next((value for name, value in fields if name.lower() == "plural-forms"), None)
    try:
        rule = read_plural_forms(header)
    except PluralError as err:
        gnu = gnu_plural_forms(language) if language else None  # msgfmt's help line
        advice = f" (GNU's rule for {language}: {gnu})" if gnu else ""
        return [Finding(path, line, PLURAL_FORMS, f"{err}{advice}")], None
    if rule is None:
        if translated_plural is not None:
            return [Finding(path, translated_plural.lineno or line, PLURAL_FORMS,
                            "the catalog has translated plural entries but the header has no Plural-Forms "
                            "(nplurals=INTEGER; plural=EXPRESSION;)")], None
        if field is not None or (any_plural is not None and site):
            findings.append(Finding(path, line, PLURAL_FORMS,
                                    "no usable Plural-Forms (nplurals=...; plural=...;): gettext uses "
                                    "plural=(n != 1) until plural entries are translated", severity=WARNING))
        return findings, None
    for key in ("nplurals=", "plural="):
        count = header.count(key)  # "nplurals=" does not hold "plural="
        if count > 1:
            findings.append(Finding(path, line, PLURAL_FORMS, f"{key} given {count} times: msgfmt and gettext "
                                    f"read the first (nplurals={rule.nplurals}; plural={rule.expression})",
                                    severity=WARNING))
    if site:
        problem = "it reads no other field" if field is None else _python_gettext_problem(field)
        if problem:
            findings.append(Finding(path, line, PLURAL_FORMS, f"Python's gettext, which the site runs, cannot read "
                                    f"Plural-Forms {(field or '')[:100]!r} ({problem}): write Plural-Forms: "
                                    f"nplurals={rule.nplurals}; plural={rule.expression};"))
    # GNU's table agreeing settles it (no finding whatever CLDR says): Babel's locale data (~10 ms of
    # pickles for the language, root and English) is loaded only when it does not.
    if language and _gnu_nplurals(language) != rule.nplurals:
        name, expected = _references(language)
        if expected and rule.nplurals not in expected.values():
            said = " and ".join(f"{count} in {reference}" for reference, count in expected.items())
            gnu = gnu_plural_forms(language)
            findings.append(Finding(path, line, PLURAL_FORMS,
                                    f"nplurals={rule.nplurals}, but {name} has {said}"
                                    + (f" (GNU: {gnu})" if gnu else " (not in GNU gettext's plural table)")
                                    + ": msgfmt accepts the rule; check that it is the language's",
                                    severity=WARNING))
    return findings, rule.nplurals


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
            except UnicodeError:  # UnicodeEncodeError, or e.g. "idna" refusing an empty label
                return message.lineno or 0
    return None


def header_findings(pofile: PoFile, catalog: Catalog, path: str, expected_locale: str | None = None,
                    site: bool = False) -> tuple[list[Finding], int | None]:
    """`header` and `plural-forms` findings on a catalog's header entry, and the nplurals it declares.

    `expected_locale` is the locale the file's place says it is for (<locale>/LC_MESSAGES). `site`: one
    of the project's own catalogs, which the site serves: what the site needs (a Language Babel knows and
    the directory's, a charset Python reads) is an error there; for any other catalog, whatever msgfmt -c
    accepts is at most a warning.
    """
    header, header_line = pofile.header, pofile.header_line
    if not header_line:
        return [Finding(path, 1, HEADER, 'no header entry (msgid ""): Language, charset and plural forms '
                                         "are unknown")], None
    if pofile.header_untranslated:  # msgfmt -c: "PO file header missing or invalid", a fatal error
        return [Finding(path, header_line, HEADER, 'the header entry (msgid "") has an empty msgstr: Language, '
                                                   "charset and plural forms are unknown")], None
    site_rule = ERROR if site else WARNING
    fields: dict[str, str] = {}
    findings = []
    for name, value in header:
        previous = fields.setdefault(name.lower(), value)
        if previous != value:
            findings.append(Finding(path, header_line, HEADER, f"{name} given twice: {previous!r} and {value!r} "
                                    "(gettext reads the first)", severity=WARNING))
    if catalog.fuzzy:
        findings.append(Finding(path, header_line, HEADER, "the header is marked fuzzy: `pybabel compile` "
                                                           "skips the whole catalog", severity=WARNING))
    language = fields.get("language", "")
    place = f" (the catalog is in the {expected_locale!r} directory)" if expected_locale else ""
    if not language:
        findings.append(Finding(path, header_line, HEADER, f"no Language header{place}", severity=site_rule))
    elif _locale(language) is None:
        findings.append(Finding(path, header_line, HEADER, f"Language {language!r} is not a locale Babel knows{place}",
                                severity=site_rule))
    elif expected_locale and _language_of(language) != _language_of(expected_locale):
        findings.append(Finding(path, header_line, HEADER,
                                f"Language is {language!r} but the catalog is in the {expected_locale!r} directory",
                                severity=site_rule))
    charset = re.search(r"charset=([^\s;]+)", fields.get("content-type", ""))
    if charset is None:
        # msgfmt warns; Python's gettext, which the site runs, needs one in the .mo header
        findings.append(Finding(path, header_line, HEADER, "no charset in the Content-Type header (msgfmt: "
                                "charset conversion will not work): declare charset=UTF-8", severity=site_rule))
    elif not is_text_charset(charset.group(1)):
        # msgfmt warns and copies the bytes; the site cannot build its catalog from it
        findings.append(Finding(path, header_line, HEADER, f"unknown charset {charset.group(1)!r}", severity=site_rule))
    else:
        unencodable = _unencodable_line(catalog, charset.group(1))
        if unencodable:
            # msgfmt copies the bytes of a charset not in its list; Python must encode the text for a .mo
            findings.append(Finding(path, header_line, HEADER,
                                    f"charset {charset.group(1)!r} cannot hold the text at line {unencodable}: "
                                    "a .mo cannot be built (the site shows English); declare charset=UTF-8",
                                    severity=site_rule))
    plural_findings, nplurals = _plural_forms_findings(pofile.header_text, header, language or None, catalog,
                                                       path, header_line, site)
    return findings + plural_findings, nplurals


def _germanic_rule() -> PluralForms:
    """plural=(n != 1), msgfmt's rule without Plural-Forms (read on first use, not at import: ~3 ms)."""
    return cast(PluralForms, read_plural_forms("nplurals=2; plural=(n != 1);"))  # has both parts: never None


def _strict_in_range(strict: frozenset[int], rule: PluralForms | None, flags) -> frozenset[int]:
    """`#, range: MIN..MAX` (the numbers an entry is used with): msgfmt checks a form loosely that the rule
    picks at most once in that range (format.c, check_msgid_msgstr_format_i)."""
    bounds = next((match.groups() for flag in flags if (match := _RANGE_RE.fullmatch(flag))), None)
    if bounds is None:
        return strict
    low, high = (min(int(bound[:10]), 2**31 - 1) for bound in bounds)
    if low > high:
        return strict
    return frozenset(form for form in strict if (rule or _germanic_rule()).histogram(low, high, form) > 1)


@dataclass(frozen=True)
class EntryRules:
    """What judging one entry of a catalog needs: the catalog's plural rule and kind, and in project mode
    the glossary and how unfinished entries count. `catalog_rules` makes it; `check` and the editor's gate
    both judge an entry with it through `entry_findings`, so they cannot disagree."""

    path: str
    nplurals: int | None
    strict: frozenset[int] | None  # the plural forms checked strictly (as msgfmt reads the header)
    rule: PluralForms | None
    markup: str | None  # markup.PAGE, HTML or TEXT; None: not judged (catalog_rules' markup_warnings)
    newstyle: bool  # rendered through Jinja's newstyle gettext (the site's own catalogs)
    msgstr_lines: dict = field(default_factory=dict)  # msgid line -> msgstr line, to report as msgfmt does
    glossary: Glossary | None = None
    locale: str = ""
    # None: untranslated and fuzzy entries are not findings (quality only); else their severity (ERROR for a
    # published catalog, WARNING for a draft's work in progress)
    state_severity: str | None = None
    source: bool = False  # the source language's catalog: its empty msgstrs are not untranslated


def catalog_rules(catalog: Catalog, path: Path | str, *, pofile: PoFile | None = None, newstyle: bool = False,
                  glossary: Glossary | None = None, state_severity: str | None = None,
                  source: bool = False, markup_warnings: bool = True) -> EntryRules:
    """The EntryRules of `catalog` (with `pofile`, the plural rule as msgfmt reads the header as written).
    `markup_warnings=False`: markup is judged only where its findings are errors (`newstyle`: the site's
    pages), so a catalog whose msgids hold HTML needs no HTML tokenizer (its ~50 ms import) to be judged."""
    strict, rule = catalog_strict_forms(catalog), None
    nplurals: int | None = catalog.num_plurals
    if pofile is not None:  # the forms msgfmt checks strictly, from the rule as msgfmt reads it
        try:
            rule = read_plural_forms(pofile.header_text) if pofile.header_line else None
        except PluralError:
            strict = None  # msgfmt has no distribution then: every form of several is checked loosely
            nplurals = None
        else:
            strict = rule.often if rule is not None else GERMANIC
            nplurals = rule.nplurals if rule is not None else None
    markup = catalog_kind((m.id[0] if isinstance(m.id, tuple) else m.id for m in messages(catalog)),
                          page=newstyle) if newstyle or markup_warnings else None
    locale = str(catalog.locale) if catalog.locale else ""
    return EntryRules(str(path), nplurals, strict, rule, markup, newstyle,
                      pofile.msgstr_lines if pofile is not None else {}, glossary, locale, state_severity, source)


def state_findings(message: Message, path: str, source: bool = False, severity: str = ERROR) -> list[Finding]:
    """An `untranslated` or `fuzzy` finding when the entry is not finished (CI must not pass an unfinished
    catalog; a draft's are warnings, `severity`)."""
    string = message.string
    forms = (string,) if isinstance(string, str) else string
    if forms and forms[0] and "fuzzy" not in message.flags and (source or all(forms)):
        return []  # finished (most entries): said before anything is built for a finding
    line, msgid = message.lineno or 0, message.id[0] if isinstance(message.id, tuple) else message.id
    named: dict[str, str] = {"msgid": str(msgid), "msgctxt": message.context or "", "severity": severity}
    if not (forms and forms[0]):
        return [] if source else [Finding(path, line, "untranslated", "not translated", **named)]
    if "fuzzy" in message.flags:
        return [Finding(path, line, "fuzzy", "marked fuzzy: not used until reviewed", **named)]
    if not all(forms) and not source:
        empty = ", ".join(f"msgstr[{n}]" for n, form in enumerate(forms) if not form)
        return [Finding(path, line, "untranslated", f"{empty} empty", **named)]
    return []


def entry_findings(rules: EntryRules, message: Message) -> list[Finding]:
    """Every finding `check` makes about one entry of a catalog judged by `rules`: its state (when the rules
    count it), and for a translated non-fuzzy entry its quality (placeholders, markup, whitespace, plural
    forms) and glossary terms. `check` runs it on every entry; the editor on the entry as it would be saved."""
    msgid, string = message.id, message.string
    if type(string) is str and string and not message.flags and type(msgid) is str and rules.markup != PAGE \
            and "<" not in msgid and "<" not in string and (not rules.newstyle or "%" not in msgid + string) \
            and not (msgid[:1].isspace() or msgid[-1:].isspace() or string[:1].isspace() or string[-1:].isspace()):
        # Most entries, said before anything is built: translated, singular, with no flag (not fuzzy, no format
        # to check), no "<" (markup_problem has nothing to read outside a PAGE catalog), no "%" where newstyle
        # gettext formats it, no space at either end. Only the glossary can find something there.
        return [] if rules.glossary is None else term_findings(message, rules.path, rules.glossary, rules.locale)
    findings = []
    if rules.state_severity is not None:
        findings += state_findings(message, rules.path, rules.source, rules.state_severity)
    # msgfmt -c checks an entry whose first form is translated; the others it calls untranslated
    if not (string if string is None or isinstance(string, str) else string[0]) or "fuzzy" in message.flags:
        return findings
    strict = rules.strict
    if not rules.newstyle and strict and isinstance(message.id, tuple):  # the site checks every form as it is
        strict = _strict_in_range(strict, rules.rule, message.flags)
    findings += message_findings(message, rules.path, rules.nplurals, rules.msgstr_lines.get(message.lineno or 0, 0),
                                 rules.newstyle, strict, rules.markup)
    if rules.glossary is not None:
        findings += term_findings(message, rules.path, rules.glossary, rules.locale)
    return findings


def check_catalog(catalog: Catalog, path: Path | str, *, pofile: PoFile | None = None,
                  expected_locale: str | None = None, newstyle: bool = False, glossary: Glossary | None = None,
                  state_severity: str | None = None, source: bool = False,
                  markup_warnings: bool = True) -> list[Finding]:
    """Header findings and every entry's (`entry_findings`): by default quality only (translated, non-fuzzy
    entries); with `state_severity`, unfinished entries too, and with `glossary`, its terms.
    `markup_warnings=False` leaves out the `unsafe-markup` warnings of a catalog that is not the site's
    (for `compile`, which refuses errors alone; see catalog_rules).

    With `pofile` (what `pofile.read_po_file` read) the header as written is checked too, and findings
    on translations point at the msgstr line as msgfmt's do; without it, only the messages are checked.
    `newstyle`: every entry is rendered through Jinja's newstyle gettext into the site's HTML pages
    (project mode: markup.PAGE).
    """
    path = str(path)
    findings = catalog_header_findings(pofile, catalog, path, expected_locale, newstyle) if pofile is not None else []
    rules = catalog_rules(catalog, path, pofile=pofile, newstyle=newstyle, glossary=glossary,
                          state_severity=state_severity, source=source, markup_warnings=markup_warnings)
    for message in messages(catalog):
        findings.extend(entry_findings(rules, message))
    return findings


def catalog_header_findings(pofile: PoFile, catalog: Catalog, path: str, expected_locale: str | None,
                            newstyle: bool) -> list[Finding]:
    """check_catalog's findings about the file rather than one entry: its header's, and in the site's own
    catalogs (`newstyle`) the strings that lose text."""
    findings, _nplurals = header_findings(pofile, catalog, path, expected_locale, site=newstyle)
    if newstyle and pofile.lost_text_lines:  # msgfmt accepts it, but a page would show the text cut or as U+FFFD
        lines = pofile.lost_text_lines
        findings.append(Finding(path, lines[0], ENCODING, f"{len(lines)} string(s) lose text (a NUL byte, or "
                                "bytes invalid in the charset read as U+FFFD): the site's catalogs may not"))
    return findings
