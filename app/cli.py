"""`flask --app app i18n extract|update|init|compile|check`: the catalog workflow, on app/tooling.

Thin on purpose: each command reads paths from the app's config (so tests can point it at a temporary
project), calls one tooling function, prints what happened, and exits 0 (done), 1 (the catalogs have
errors) or 2 (bad usage, or input that cannot be read at all). Problems go to stderr as `path:line: ...`.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .config import all_locales
from .tooling.check import ProjectPaths, shown_path
from .tooling.project_files import refuse_outside
from .tooling.findings import Finding
from .tooling.pofile import CatalogError

i18n_cli = AppGroup("i18n", help="Extract, merge, compile and check the gettext catalogs.")


def _paths() -> ProjectPaths:
    return ProjectPaths.from_config(current_app.config)


def _shown(path) -> str:
    return shown_path(path, _paths().root)


def _locale_of(po: Path) -> str:
    return po.parent.parent.name  # translations/<locale>/LC_MESSAGES/messages.po


def _echo_findings(findings: list[Finding]) -> None:
    for f in findings:
        where = f"{_shown(f.path)}:{f.line}" if f.line else _shown(f.path)
        click.echo(f"{where}: {f.severity}: {f.code}: {f.message}", err=True)


def _fail(err: CatalogError) -> None:
    """Input the command cannot work on at all (exit 2); whatever it would have written is left as it was."""
    _echo_findings(err.findings)
    sys.exit(2)


@i18n_cli.command("extract")
def extract_command():
    """Extract messages from templates and Python into the POT.

    Writes translations/messages.pot only when its messages change; a template syntax error exits 2.
    """
    from .tooling.extract import extract_messages, write_pot

    paths = _paths()
    try:
        catalog = extract_messages(paths.root, paths.babel_cfg)
    except CatalogError as err:
        _fail(err)
    changed = write_pot(catalog, paths.pot)
    state = "written" if changed else "unchanged"
    click.echo(f"{_shown(paths.pot)}: {len(catalog)} messages, {state}")


@i18n_cli.command("update")
def update_command():
    """Merge the POT into every catalog.

    A changed English string keeps its translation, marked fuzzy; a removed one becomes obsolete (#~).
    """
    from .tooling.workflow import po_path, update_catalogs

    paths, config = _paths(), current_app.config
    # Published and draft catalogs alike. The source language needs no catalog (gettext shows its
    # msgids); merge into it only if one was made.
    locales = [locale for locale in all_locales(config) if locale != config["DEFAULT_LOCALE"]
               or po_path(paths.translations_dir, locale).exists()]
    try:
        for path in [paths.pot, *(po_path(paths.translations_dir, locale) for locale in locales)]:
            refuse_outside(path, paths.translations_dir)  # a symlink out of translations/ is never read
        results = update_catalogs(paths.pot, paths.translations_dir, locales)
    except CatalogError as err:
        _fail(err)
    for result in results:
        click.echo(f"{_shown(result.path)}: {'updated' if result.changed else 'unchanged'}")


@i18n_cli.command("init")
@click.argument("locale")
def init_command(locale):
    """Start a catalog for LOCALE from the POT, with LOCALE's plural rule."""
    from .tooling.workflow import init_catalog

    paths = _paths()
    try:
        path = init_catalog(paths.pot, paths.translations_dir, locale)
    except CatalogError as err:
        _fail(err)
    click.echo(f"{_shown(path)}: created")
    if locale not in current_app.config["LOCALES"]:
        click.echo(f"{locale} is a draft: checked and on the translation status pages, hidden from visitors; "
                   f"publish it by adding {locale!r} to translations/locales.toml (see TRANSLATING.md)", err=True)


@i18n_cli.command("compile")
def compile_command():
    """Compile every catalog to .mo, refusing catalogs with errors.

    A refused catalog's old .mo is left as it was (the site never reads it: it compiles the .po itself).
    """
    from .tooling.compile import compile_catalog
    from .tooling.stats import catalog_stats

    catalogs = sorted(_paths().translations_dir.glob("*/LC_MESSAGES/*.po"))
    source_locale = current_app.config["DEFAULT_LOCALE"]
    if not catalogs:
        click.echo(f"no catalogs under {_shown(_paths().translations_dir)}", err=True)
    refused = False
    for po in catalogs:
        try:
            refuse_outside(po, _paths().translations_dir)  # a symlink out of translations/ is never read
            catalog = compile_catalog(po, po.with_suffix(".mo"))
        except CatalogError as err:
            _echo_findings(err.findings)
            click.echo(f"{_shown(po)}: refused, {po.with_suffix('.mo').name} not written", err=True)
            refused = True
            continue
        if catalog.fuzzy:
            # pybabel would skip this catalog silently; msgfmt ignores the header's fuzziness, and so do we.
            click.echo(f"{_shown(po)}: warning: header is marked fuzzy (compiled anyway)", err=True)
        stats = catalog_stats(catalog)
        source = " (source language: its msgids are shown)" if _locale_of(po) == source_locale else ""
        click.echo(f"{_shown(po.with_suffix('.mo'))}: {stats.translated} translated, {stats.fuzzy} fuzzy, "
                   f"{stats.untranslated} untranslated{source}")
    if refused:
        sys.exit(1)


def _add_editor_work(result, db_path: Path) -> None:
    """Suggestions awaiting review and open questions about English strings, from the editor's database
    when there is one (none: nothing to add, and none is created)."""
    from .comments import open_source_questions
    from .suggestions import awaiting_review

    result.awaiting_review = awaiting_review(db_path)
    result.source_questions = [{"locale": q.locale, "msgid": q.key.msgid, "msgctxt": q.key.context or "",
                                "user": q.user, "at": q.at, "text": q.text}
                               for q in open_source_questions(db_path)]


@i18n_cli.command("check")
@click.argument("po_files", nargs=-1, metavar="[PO_FILE]...",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github", "markdown"]),
              default="text", show_default=True,
              help="text for people, json for tools, github for Actions annotations, markdown for a pull-request "
                   "comment or $GITHUB_STEP_SUMMARY.")
@click.option("--min-coverage", type=click.FloatRange(0, 100), metavar="PCT",
              help="Fail when a catalog has fewer than PCT% of its messages translated.")
@click.option("--locale", "locales", multiple=True, metavar="L",
              help="Only check this locale's catalog (repeatable).")
@click.option("--since", metavar="REF",
              help="Only findings new since git REF (a branch, tag or commit): what this change broke.")
@click.option("--mo", "check_mo", is_flag=True,
              help="Also report stale-mo: a .mo beside a catalog holding other translations (for a gettext "
                   "program that serves .mo files; this site reads the .po files).")
def check_command(po_files, output_format, min_coverage, locales, since, check_mo):
    """Check the catalogs, or only PO_FILE... when given.

    \b
    With no PO_FILE, checks the whole project: messages.pot against the sources (stale-template), every
    catalog, and the templates for visible text not marked for translation (literal-text).
    With --since REF, the same check also runs on the project as git REF holds it, and only findings that
    are new since then are reported (and decide the exit status).
    Exit status: 0 clean, 1 errors found, 2 bad usage, a file that cannot be read, or a REF git cannot read.
    """
    from .tooling import report
    from .tooling.check import GitError, run_check, run_check_since

    config = current_app.config
    known = all_locales(config)
    unknown = [locale for locale in locales if locale not in known]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)} has no catalog (locales: {', '.join(known)})",
                                 param_hint="--locale")
    options = {"locales": list(locales) or None, "min_coverage": min_coverage,
               "source_locale": config["DEFAULT_LOCALE"], "check_mo": check_mo,
               "draft_locales": config["DRAFT_LOCALES"]}
    if since is not None:
        if po_files:
            raise click.BadParameter("compares the whole project: give no PO_FILE with it", param_hint="--since")
        try:
            result = run_check_since(_paths(), since, **options)
        except GitError as err:
            raise click.BadParameter(str(err), param_hint="--since") from err
    else:
        result = run_check(list(po_files), project=None if po_files else _paths(),  # never raises
                           site_translations=Path(config["TRANSLATIONS_DIR"]), **options)
    _add_editor_work(result, Path(config["EDITOR_DB"]))  # set by auth.init_app
    render = {"text": report.render_text, "json": report.render_json, "github": report.render_github,
              "markdown": report.render_markdown}
    click.echo(render[output_format](result), nl=False)
    sys.exit(report.exit_status(result))
