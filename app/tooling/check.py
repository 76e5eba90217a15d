"""`check`: every finding about a project's catalogs (or any given .po files) in one result.

Findings and their severities:
  error    syntax-error, encoding-error, duplicate, unreadable (the file is not a catalog: exit 2),
           header, plural-forms, placeholder-mismatch, markup-mismatch, unsafe-markup, missing-in-catalog,
           stale-mo (content differs), stale-template and literal-text (from extract.py/literals.py),
           glossary (project mode, from glossary.py: an agreed name missing from a translation),
           coverage (below --min-coverage), whitespace-mismatch on a leading/trailing newline,
           untranslated, fuzzy, obsolete (CI must not pass an unfinished catalog),
           domain (a `domain` directive), encoding (a NUL in a string, bytes msgfmt copies unchecked)
  warning  whitespace-mismatch on spaces, stale-mo (only older), header (a fuzzy-marked one, a field Babel
           cannot read), encoding (CRLF, a charset other than UTF-8, invalid bytes in comments)

The source locale's catalog (English: its msgids are the text) is checked like any other, but its empty
msgstrs are not `untranslated` findings and its coverage is 100% by definition; its counts stay msgfmt's.
"""
from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo

from app.tooling.checks import check_catalog
from app.tooling.findings import WARNING, Finding
from app.tooling.glossary import Glossary, glossary_findings, project_glossary
from app.tooling.pofile import CatalogError, PoFile, gc_paused, messages, read_po_file
from app.tooling.stats import CatalogStats, catalog_stats


@dataclass(frozen=True)
class ProjectPaths:
    root: Path
    babel_cfg: Path
    pot: Path
    translations_dir: Path
    templates_dir: Path

    @classmethod
    def from_config(cls, config) -> "ProjectPaths":
        """The paths a Flask app's config (PROJECT_ROOT, TRANSLATIONS_DIR, TEMPLATES_DIR) points at."""
        root = Path(config["PROJECT_ROOT"])
        translations = Path(config["TRANSLATIONS_DIR"])
        return cls(root=root, babel_cfg=root / "babel.cfg", pot=translations / "messages.pot",
                   translations_dir=translations, templates_dir=Path(config["TEMPLATES_DIR"]))


@dataclass
class CatalogReport:
    path: str
    locale: str
    stats: CatalogStats
    source: bool = False  # the source language's catalog: complete by definition

    @property
    def coverage(self) -> float:
        return 100.0 if self.source else self.stats.coverage


@dataclass
class CheckResult:
    catalogs: list[CatalogReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # input that is not a catalog at all: exit 2


def _locale_from_place(path: Path) -> str | None:
    """The locale a catalog's place says it is for: <locale>/LC_MESSAGES/<domain>.po."""
    return path.parent.parent.name if path.parent.name == "LC_MESSAGES" else None


def _key(message) -> tuple:
    return (message.context, message.id[0] if isinstance(message.id, tuple) else message.id)


def _state_findings(catalog: Catalog, path: str, source: bool) -> list[Finding]:
    """untranslated, fuzzy and obsolete entries: errors, because CI must not pass an unfinished catalog."""
    findings = []
    for message in messages(catalog):
        string = message.string
        forms = (string,) if isinstance(string, str) else string
        line, key = message.lineno or 0, _key(message)[1]
        if not (forms and forms[0]):
            if not source:
                findings.append(Finding(path, line, "untranslated", "not translated", key))
        elif "fuzzy" in message.flags:
            findings.append(Finding(path, line, "fuzzy", "marked fuzzy: not used until reviewed", key))
        elif not all(forms) and not source:
            empty = ", ".join(f"msgstr[{n}]" for n, form in enumerate(forms) if not form)
            findings.append(Finding(path, line, "untranslated", f"{empty} empty", key))
    for message in catalog.obsolete.values():
        findings.append(Finding(path, message.lineno or 0, "obsolete",
                                "obsolete (#~) entry: delete it, or restore it in the sources", _key(message)[1]))
    return findings


def _text(value, charset: str):
    return value.decode(charset) if isinstance(value, bytes) else value


def _stale_mo_findings(catalog: Catalog, po_path: Path, path: str) -> list[Finding]:
    """A .mo beside the .po that does not hold what compiling the .po would give."""
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return []  # .mo files are built, never committed: none is not stale
    try:
        with mo_path.open("rb") as fileobj:
            compiled = read_mo(fileobj)
    except Exception as exc:  # read_mo raises struct/index/unicode errors on a corrupt file
        return [Finding(path, 0, "stale-mo", f"{mo_path.name} cannot be read ({exc}): compile again")]

    def translations(source: Catalog, include_fuzzy: bool) -> dict:
        # read_mo leaves contexts as bytes (Babel 2.18); the .mo charset is the one the .po declares
        return {(_text(m.context, source.charset), _key(m)[1]): m.string for m in messages(source)
                if (m.string if isinstance(m.string, str) else any(m.string))
                and (include_fuzzy or "fuzzy" not in m.flags)}

    if translations(compiled, True) != translations(catalog, False):
        return [Finding(path, 0, "stale-mo",
                        f"{mo_path.name} was built from other content than this .po: compile again")]
    if mo_path.stat().st_mtime < po_path.stat().st_mtime:
        return [Finding(path, 0, "stale-mo", f"{mo_path.name} is older than the .po (same translations)",
                        severity=WARNING)]
    return []


def _missing_findings(catalog: Catalog, template: Catalog, path: str, pot_name: str) -> list[Finding]:
    present = {_key(m) for m in messages(catalog)}
    return [Finding(path, 0, "missing-in-catalog",
                    f"in {pot_name} (line {m.lineno}) but not in this catalog: run `flask --app app i18n update`",
                    _key(m)[1])
            for m in messages(template) if _key(m) not in present]


def _check_po(po_path: Path, shown: str, result: CheckResult, *, source_locale: str, locales,
              min_coverage: float | None, template: Catalog | None = None, pot_name: str = "",
              glossary: Glossary | None = None, newstyle: bool = False) -> None:
    try:
        pofile: PoFile = read_po_file(po_path)
    except CatalogError as err:
        result.findings.extend(replace(f, path=shown) for f in err.findings)
        result.unreadable.append(shown)
        return
    catalog = pofile.catalog
    place = _locale_from_place(po_path)
    locale = place or (str(catalog.locale_identifier) if catalog.locale_identifier else "")
    if locales and locale not in locales:
        return
    source = locale == source_locale
    report = CatalogReport(shown, locale, catalog_stats(catalog, pofile), source)
    result.catalogs.append(report)
    findings = result.findings
    findings.extend(replace(f, path=shown) for f in pofile.findings)  # encoding, unreadable header fields
    findings.extend(check_catalog(catalog, shown, pofile=pofile, expected_locale=place, newstyle=newstyle))
    findings.extend(_state_findings(catalog, shown, source))
    findings.extend(_stale_mo_findings(catalog, po_path, shown))
    if template is not None:
        findings.extend(_missing_findings(catalog, template, shown, pot_name))
    if glossary is not None:
        findings.extend(glossary_findings(catalog, shown, glossary))
    if min_coverage is not None and report.coverage < min_coverage:
        findings.append(Finding(shown, pofile.header_line, "coverage",
                                f"{report.coverage:.1f}% translated, below --min-coverage {min_coverage:g}%"))


def shown_path(path, root: Path) -> str:
    """A path relative to the project root when it is inside it, as GitHub annotations and people want it.
    A relative path is already relative to the root (extraction reports paths that way)."""
    path = Path(path)
    if path.is_absolute():
        with contextlib.suppress(ValueError):
            return str(path.resolve().relative_to(Path(root).resolve()))
    return str(path)


def _check_project(project: ProjectPaths, result: CheckResult, **options) -> None:
    from app.tooling.extract import extract_messages, stale_template_findings
    from app.tooling.literals import find_literal_text

    root = project.root
    template = None
    try:
        pofile = read_po_file(project.pot)
    except CatalogError as err:
        if not project.pot.exists():
            result.findings.append(Finding(shown_path(project.pot, root), 0, "stale-template",
                                           "no template: run `flask --app app i18n extract`"))
        else:
            result.findings.extend(err.findings)
            result.unreadable.append(shown_path(project.pot, root))
    else:
        template = pofile.catalog
        try:
            extracted = extract_messages(root, project.babel_cfg)
        except CatalogError as err:
            result.findings.extend(err.findings)
            result.unreadable.extend(sorted({f.path for f in err.findings}))
        else:
            result.findings.extend(stale_template_findings(extracted, template, project.pot))
    try:
        glossary = project_glossary(project.translations_dir)
    except CatalogError as err:
        glossary = None
        result.findings.extend(err.findings)
        result.unreadable.append(shown_path(Path(err.findings[0].path), root))
    for po_path in sorted(project.translations_dir.glob("*/LC_MESSAGES/*.po")):
        # The project's templates render every entry through Jinja's newstyle gettext: all are python-format.
        _check_po(po_path, shown_path(po_path, root), result, template=template, pot_name=project.pot.name,
                  glossary=glossary, newstyle=True, **options)
    result.findings.extend(find_literal_text(sorted(project.templates_dir.rglob("*.html"))))
    # dict.fromkeys: a template that is not UTF-8 is reported by extraction and by the literal-text scan.
    result.findings = list(dict.fromkeys(replace(f, path=shown_path(f.path, root))
                                         for f in result.findings))


def run_check(po_paths, *, project: ProjectPaths | None = None, locales=None, min_coverage: float | None = None,
              source_locale: str = "en") -> CheckResult:
    """Check the given .po files, or with `project` (and no files) the whole project.

    Never raises for bad input: unreadable files become findings and are listed in `.unreadable`.
    Anything a library prints while we work goes to stderr, so stdout stays valid JSON.
    """
    result = CheckResult()
    options = {"source_locale": source_locale, "locales": set(locales or ()), "min_coverage": min_coverage}
    with contextlib.redirect_stdout(sys.stderr), gc_paused():
        if po_paths:
            for po_path in po_paths:
                _check_po(Path(po_path), str(po_path), result, **options)
        elif project is not None:
            _check_project(project, result, **options)
    result.findings.sort(key=lambda f: (f.path, f.line, f.code, f.msgid))
    return result
