"""`check`: every finding about a project's catalogs (or any given .po files) in one result.

Findings and their severities (msgfmt -c's verdict is the line: what it rejects is an error, what it accepts
is at most a warning, except the site's own rules on the site's own catalogs):
  error    syntax-error, encoding-error, duplicate, unreadable (the file is not a catalog: exit 2),
           header and plural-forms where msgfmt -c fails, placeholder-mismatch, missing-in-catalog,
           not-in-template, stale-mo (only with check_mo: the site reads .po files, never .mo files),
           stale-template and literal-text (from extract.py/literals.py),
           glossary (project mode, from glossary.py: an agreed name missing from a translation),
           coverage (below --min-coverage), whitespace-mismatch on a leading/trailing newline,
           untranslated, fuzzy, obsolete (CI must not pass an unfinished catalog),
           domain (a `domain` directive), encoding (text in EUC-TW, which only msgfmt can check);
           in the site's catalogs also unsafe-markup (verdict.refusal), `%` as newstyle gettext runs it,
           and the header, plural-forms and encoding findings below that the site needs
  warning  whitespace-mismatch on spaces, header (Language missing, unknown or not the directory's;
           charset missing or unknown; a field twice; a fuzzy-marked header; a field Babel cannot read),
           plural-forms (an nplurals the language's references disagree with; a field twice),
           unsafe-markup in a catalog of another project, encoding (CRLF, a charset other than UTF-8,
           invalid bytes in comments or unchecked strings, a NUL in a string),
           a draft locale's empty and unreviewed entries (not published yet: work in progress)

The source locale's catalog (English: its msgids are the text) is checked like any other, but its empty
msgstrs are not `untranslated` findings and its coverage is 100% by definition; its counts stay msgfmt's.
"""
from __future__ import annotations

import contextlib
import io
import re
import sys
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo

from app.tooling.check_cache import CheckCache, JudgeOptions, judge_whole
from app.tooling.compile import mo_bytes
from app.tooling.findings import ERROR, WARNING, Finding, shorten
from app.tooling.glossary import GLOSSARY, Glossary, project_glossary
from app.tooling.helper_process import start_tokenizer
from app.tooling.pofile import UNREADABLE, CatalogError, gc_paused, messages, parse_po, read_po_bytes, read_po_file
from app.tooling.project_files import ProjectPaths, outside_problem, shown_path  # noqa: F401 (re-exported)
from app.tooling.stats import CatalogStats, catalog_stats

if TYPE_CHECKING:  # subprocess, tarfile and tempfile serve --since alone: imported there (~5 ms of start-up)
    import tarfile

COMPILED_ANYWAY = frozenset({"untranslated", "fuzzy", GLOSSARY})  # error findings `compile` does not refuse


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
    since: str | None = None  # `--since REF`: findings are only those new since that git ref
    read: dict[Path, Catalog] = field(default_factory=dict)  # each catalog checked, as read (by its path)
    # From the editor's database (the CLI fills them; tooling never opens it): suggestions waiting for a
    # reviewer per locale (not translations: never counted as translated), and open questions about English
    # strings as dicts (locale, msgid, msgctxt, user, at, text).
    awaiting_review: dict[str, int] = field(default_factory=dict)
    source_questions: list[dict] = field(default_factory=list)


def _locale_from_place(path: Path) -> str | None:
    """The locale a catalog's place says it is for: <locale>/LC_MESSAGES/<domain>.po."""
    return path.parent.parent.name if path.parent.name == "LC_MESSAGES" else None


def _key(message) -> tuple:
    return (message.context, message.id[0] if isinstance(message.id, (tuple, list)) else message.id)


def _named(message) -> dict:
    """The msgid and msgctxt that name `message` in a Finding."""
    context, msgid = _key(message)
    return {"msgid": msgid, "msgctxt": context or ""}


def _obsolete_findings(catalog: Catalog, path: str) -> list[Finding]:
    """Obsolete (`#~`) entries: errors, because CI must not pass an unfinished catalog."""
    return [Finding(path, message.lineno or 0, "obsolete",
                    "obsolete (#~) entry: delete it, or restore it in the sources", **_named(message))
            for message in catalog.obsolete.values()]


def _mo_content(catalog: Catalog) -> dict:
    """What a .mo compiled from `catalog` holds: its translated, non-fuzzy entries, plurals as tuples.
    read_mo leaves contexts as bytes and plural ids/strings as lists (Babel 2.18); the .mo charset is the
    one the .po declares."""
    def text(value):
        return value.decode(catalog.charset) if isinstance(value, bytes) else value

    def forms(value):
        return (value,) if isinstance(value, str) else tuple(value)

    return {(text(m.context), forms(m.id)): forms(m.string) for m in messages(catalog)
            if any(forms(m.string)) and "fuzzy" not in m.flags}


def _stale_mo_findings(catalog: Catalog, po_path: Path, path: str) -> list[Finding]:
    """With `--mo` (a gettext program serves the .mo files): a .mo beside the .po that does not hold what
    compiling the .po gives. Asked only for a .po `compile` accepts, so the advice always works; the site
    itself reads .po files and never serves a .mo."""
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return []  # .mo files are built, never committed: none is not stale
    advice = f"rebuild it (`flask --app app i18n compile`, or `msgfmt -o {mo_path.name} {po_path.name}`)"
    try:
        with mo_path.open("rb") as fileobj:
            compiled = read_mo(fileobj)
    except Exception as exc:  # read_mo raises struct/index/unicode errors on a corrupt file
        return [Finding(path, 0, "stale-mo", f"{mo_path.name} cannot be read ({exc}): {advice}")]
    # Against what compiling gives now (the writer leaves some entries out), not the .po's entries.
    if _mo_content(compiled) != _mo_content(read_mo(io.BytesIO(mo_bytes(catalog)))):
        return [Finding(path, 0, "stale-mo", f"{mo_path.name} holds other translations than this .po: {advice}")]
    return []


def _shown_key(message) -> str:
    context, msgid = _key(message)
    shown = f'msgid "{shorten(msgid)}"'
    return f'msgctxt "{shorten(context)}" {shown}' if context else shown


def _template_findings(catalog: Catalog, template: Catalog, path: str, pot_name: str) -> list[Finding]:
    """POT entries the catalog lacks (`missing-in-catalog`) and catalog entries the POT lacks
    (`not-in-template`). `update` keeps a catalog in the POT's order, so when one of each sits between the
    same neighbours, a msgid (or msgctxt) was most likely edited in the catalog: one finding names both
    lines and says to restore it. Linear: one pass over each."""
    position = {_key(m): index for index, m in enumerate(messages(template))}
    present = set()
    # POT position of the entry before them -> catalog entries not in the POT
    unmatched: defaultdict[int, deque[Message]] = defaultdict(deque)
    before = -1
    for message in messages(catalog):
        key = _key(message)
        if key in position:
            before = position[key]
            present.add(key)
        else:
            unmatched[before].append(message)
    update = "`flask --app app i18n update`"
    findings = []
    before = -1
    for index, message in enumerate(messages(template)):
        key = _key(message)
        if key in present:
            before = index
        elif unmatched[before]:
            edited = unmatched[before].popleft()
            findings.append(Finding(
                path, edited.lineno or 0, "missing-in-catalog",
                f"line {edited.lineno} has {_shown_key(edited)} where {pot_name} line {message.lineno} has "
                f"{_shown_key(message)}: restore the msgid if it was edited (translators never change it), or "
                f"run {update} if the English changed", **_named(message)))
        else:
            findings.append(Finding(path, 0, "missing-in-catalog",
                                    f"in {pot_name} (line {message.lineno}) but not in this catalog: run {update}",
                                    **_named(message)))
    findings.extend(Finding(path, message.lineno or 0, "not-in-template",
                            f"not in {pot_name}: run {update} (the entry becomes obsolete), or restore its "
                            "msgid if it was edited", **_named(message))
                    for left in unmatched.values() for message in left)
    return findings


def _check_po(po_path: Path, shown: str, result: CheckResult, *, source_locale: str, locales,
              min_coverage: float | None, template: Catalog | None = None, pot_name: str = "",
              glossary: Glossary | None = None, newstyle: bool = False, check_mo: bool = False,
              draft_locales=(), cache: CheckCache | None = None) -> None:
    place = _locale_from_place(po_path)
    # A draft is in progress: CI passes it unfinished; once published it must be complete.
    options = JudgeOptions(shown, place, newstyle, glossary, WARNING if place in draft_locales else ERROR,
                           place == source_locale)
    judged = None
    try:
        data = read_po_bytes(po_path)
        if b"<" in data or b"&" in data:  # markup to tokenize: justhtml is imported on the other core meanwhile
            start_tokenizer()
        if cache is not None and place:  # (the project's catalogs: their place says their locale)
            judged = cache.judged(po_path, data, options)
        pofile = judged.pofile if judged is not None else parse_po(data, po_path)
    except CatalogError as err:
        result.findings.extend(replace(f, path=shown) for f in err.findings)
        result.unreadable.append(shown)
        return
    catalog = pofile.catalog
    result.read[po_path] = catalog
    locale = place or (str(catalog.locale_identifier) if catalog.locale_identifier else "")
    if locales and locale not in locales:
        return
    if not place:
        options = replace(options, state_severity=WARNING if locale in draft_locales else ERROR,
                          source=locale == source_locale)
    report = CatalogReport(shown, locale, catalog_stats(catalog, pofile), options.source)
    result.catalogs.append(report)
    findings = result.findings
    # The reader's own findings (encoding, header fields Babel cannot read), then the header's and every
    # entry's (checks.entry_findings, which the editor's gate runs too).
    if judged is None:
        judged = judge_whole(data, pofile, options)
        if cache is not None and place:
            cache.keep(po_path, judged)
    quality = judged.findings
    findings.extend(quality)
    findings.extend(_obsolete_findings(catalog, shown))
    # errors first: compile refuses them (unfinished entries and glossary terms it does not judge)
    if check_mo and not any(f.severity == ERROR and f.code not in COMPILED_ANYWAY for f in quality):
        findings.extend(_stale_mo_findings(catalog, po_path, shown))
    if template is not None:
        about = (pot_name, [(m.id, m.context, m.lineno) for m in messages(template)])
        if judged.template is None or judged.template[0] != about:
            judged.template = (about, _template_findings(catalog, template, shown, pot_name))
        findings.extend(judged.template[1])
    if min_coverage is not None and report.coverage < min_coverage:
        findings.append(Finding(shown, pofile.header_line, "coverage",
                                f"{report.coverage:.1f}% translated, below --min-coverage {min_coverage:g}%"))


def _check_project(project: ProjectPaths, result: CheckResult, cache: CheckCache | None = None, **options) -> None:
    from app.tooling.extract import stale_template_findings

    root = project.root
    template = pofile = None
    try:
        pofile = None if _outside(project.pot, project.translations_dir, result) else read_po_file(project.pot)
    except CatalogError as err:
        if not project.pot.exists():
            result.findings.append(Finding(shown_path(project.pot, root), 0, "stale-template",
                                           "no template: run `flask --app app i18n extract`"))
        else:
            result.findings.extend(err.findings)
            result.unreadable.append(shown_path(project.pot, root))
    if pofile is not None:
        template = pofile.catalog
        extracted = _of_sources(cache, "extracted", lambda: _extracted(project))
        if isinstance(extracted, CatalogError):
            result.findings.extend(extracted.findings)
            result.unreadable.extend(sorted({f.path for f in extracted.findings}))
        else:
            result.findings.extend(stale_template_findings(extracted, template, project.pot))
    try:
        glossary = project_glossary(project.translations_dir)
    except CatalogError as err:
        glossary = None
        result.findings.extend(err.findings)
        result.unreadable.append(shown_path(Path(err.findings[0].path), root))
    before_catalogs = len(result.findings)
    for po_path in sorted(project.translations_dir.glob("*/LC_MESSAGES/*.po")):
        if _outside(po_path, project.translations_dir, result):
            continue
        # The project's templates render every entry through Jinja's newstyle gettext: all are python-format.
        _check_po(po_path, shown_path(po_path, root), result, template=template, pot_name=project.pot.name,
                  glossary=glossary, newstyle=True, cache=cache, **options)
    scan = _of_sources(cache, "literal-text", lambda: _literal_text(project))
    scanned = len(result.findings)
    result.findings.extend(scan.findings)
    result.unreadable.extend(scan.unreadable)
    shown = {path: shown_path(path, root) for path in {f.path for f in result.findings}}
    findings = [f if shown[f.path] == f.path else replace(f, path=shown[f.path]) for f in result.findings]
    # A template that is not UTF-8 is reported by extraction and by the literal-text scan: once is enough.
    # Only those two are compared (hashing every finding of a 20,000-entry catalog cost ~30 ms a status page).
    extracted = set(findings[:before_catalogs])
    result.findings = findings[:scanned] + [f for f in findings[scanned:] if f not in extracted]


def _of_sources(cache: CheckCache | None, name: str, compute):
    """compute(): once for the life of `cache` when the sources cannot change while it lives (see CheckCache)."""
    if cache is None or not cache.fixed_sources:
        return compute()
    if name not in cache.sources:
        cache.sources[name] = compute()
    return cache.sources[name]


def _extracted(project: ProjectPaths) -> Catalog | CatalogError:
    """The messages of the project's sources, or why they cannot be extracted."""
    from app.tooling.extract import extract_messages

    try:
        return extract_messages(project.root, project.babel_cfg)
    except CatalogError as err:
        return err


def _literal_text(project: ProjectPaths) -> CheckResult:
    """Visible text in the templates that was never marked for translation."""
    from app.tooling.literals import find_literal_text

    scan = CheckResult()
    templates = [path for path in sorted(project.templates_dir.rglob("*.html"))
                 if not _outside(path, project.templates_dir, scan)]
    scan.findings.extend(find_literal_text(templates))
    return scan


def _outside(path: Path, directory: Path, result: CheckResult) -> bool:
    """True (and an `unreadable` finding) when project file `path` is a symlink out of `directory` or not
    a regular file: it is not read, so its content can appear nowhere."""
    problem = outside_problem(path, directory)
    if problem:
        result.findings.append(Finding(str(path), 0, UNREADABLE, problem))
        result.unreadable.append(str(path))
    return problem is not None


class _CheckOptions(TypedDict):
    """run_check's options, passed on to each _check_po (and _check_project)."""
    source_locale: str
    locales: set[str]
    min_coverage: float | None
    check_mo: bool
    draft_locales: frozenset[str]


def run_check(po_paths, *, project: ProjectPaths | None = None, locales=None, min_coverage: float | None = None,
              source_locale: str = "en", check_mo: bool = False, draft_locales=(),
              site_translations: Path | None = None, cache: CheckCache | None = None) -> CheckResult:
    """Check the given .po files, or with `project` (and no files) the whole project.

    A given file inside `site_translations` (the site's TRANSLATIONS_DIR) is one of the site's catalogs and
    is checked as project mode checks it (newstyle gettext, HTML pages), so the verdict is the same.

    Never raises for bad input: unreadable files become findings and are listed in `.unreadable`.
    Anything a library prints while we work goes to stderr, so stdout stays valid JSON.
    `check_mo`: also report `stale-mo` (for .mo files some gettext program serves; the site never does).
    `cache`: the project's catalogs judged before (check_cache), for a process that checks them again and
    again (the status page); taken without waiting, and not used when another check is using it.
    """
    result = CheckResult()
    options = _CheckOptions(source_locale=source_locale, locales=set(locales or ()), min_coverage=min_coverage,
                            check_mo=check_mo, draft_locales=frozenset(draft_locales))
    with contextlib.redirect_stdout(sys.stderr), gc_paused():
        if po_paths:
            for po_path in po_paths:
                site = site_translations is not None and \
                    Path(po_path).resolve().is_relative_to(Path(site_translations).resolve())
                _check_po(Path(po_path), str(po_path), result, newstyle=site, **options)
        elif project is not None:
            usable = cache is not None and cache.lock.acquire(blocking=False)
            try:
                _check_project(project, result, cache=cache if usable else None, **options)
            finally:
                if usable and cache is not None:
                    cache.lock.release()
    result.findings.sort(key=lambda f: (f.path, f.line, f.code, f.msgid))
    return result


class GitError(Exception):
    """`--since` cannot read the project at that ref: not a git repository, an unknown ref, no git."""


def _git(cwd: Path, *args: str) -> str:
    import subprocess

    try:
        done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError as err:
        raise GitError("git is not installed") from err
    if done.returncode:
        raise GitError(done.stderr.strip() or f"git {args[0]} failed")
    return done.stdout.strip()


def _inside_tree(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """tarfile's "data" filter, skipping (not failing on) what it refuses: a symlink out of the tree."""
    import tarfile

    try:
        return tarfile.data_filter(member, path)
    except tarfile.FilterError:
        return None


def _project_at(project: ProjectPaths, ref: str, destination: Path) -> ProjectPaths:
    """The project's files as git `ref` holds them, unpacked under `destination` (read-only for the repo:
    `git archive`, as `git show REF:path` for each file, in one process)."""
    import tarfile

    root = project.root.resolve()
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel")).resolve()
    except GitError as err:
        raise GitError(f"{project.root} is not in a git repository ({err})") from err
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    except GitError as err:
        raise GitError(f"{ref!r} is not a commit in {top}") from err
    prefix = root.relative_to(top).as_posix()
    tree = commit if prefix == "." else f"{commit}:{prefix}"
    archive = destination / "tree.tar"
    try:  # run at the top: in a subdirectory, git archives only that subdirectory of `tree`
        _git(top, "archive", "--format=tar", f"--output={archive}", tree)
    except GitError as err:
        raise GitError(f"{prefix} cannot be read at {ref!r}: {err}") from err
    old_root = destination / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(old_root, filter=_inside_tree)

    def moved(path: Path) -> Path:
        try:
            return old_root / Path(path).resolve().relative_to(root)
        except ValueError as err:
            raise GitError(f"{path} is outside the project root {project.root}") from err

    return ProjectPaths(root=old_root, babel_cfg=moved(project.babel_cfg), pot=moved(project.pot),
                        translations_dir=moved(project.translations_dir), templates_dir=moved(project.templates_dir))


def _identity(finding: Finding) -> tuple:
    """What a finding is about, without where: lines move when anything above them changes. An entry is
    named by its msgctxt and msgid; other findings by their message, numbers aside (line numbers in it).
    A POT entry missing from a catalog is as untranslated as the entry `update` then adds for it."""
    code = "untranslated" if finding.code == "missing-in-catalog" else finding.code
    about = (finding.msgctxt, finding.msgid) if finding.msgid else (re.sub(r"\d+", "#", finding.message),)
    return (finding.path, code, finding.severity) + about


def run_check_since(project: ProjectPaths, ref: str, **options) -> CheckResult:
    """The project's check with only the findings new since git `ref`: what this change made untranslated,
    fuzzy or broken. The same check runs on the project as `ref` holds it; a finding is old when that run
    had one with the same identity (each old one excuses one new one). Raises GitError when `ref` cannot be
    read; the exit status is the usual one, on the new findings (2 if the current files cannot be read)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="i18n-since-") as tmp:
        before = run_check([], project=_project_at(project, ref, Path(tmp)), **options)
    result = run_check([], project=project, **options)
    old = Counter(map(_identity, before.findings))
    new = []
    for finding in result.findings:
        identity = _identity(finding)
        if old[identity]:
            old[identity] -= 1
        else:
            new.append(finding)
    result.findings, result.since = new, ref
    return result
