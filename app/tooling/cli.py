"""The catalog commands without the web application: `python -m app.tooling check|compile`, or the
`site-i18n` console script (pyproject.toml). `flask --app app i18n check|compile` are these very commands
(app/cli.py adds them to its group), so both give the same output and exit status.

A CLI is judged as a whole process: this module imports click and the tooling a command needs, never
Flask, the site or the editor (`python -X importtime -m app.tooling check FILE` shows it). Settings are
the site's (app/config.py: `SITE_TRANSLATIONS_DIR`...); under `flask --app app` they are that app's config.
Exit status: 0 done, 1 the catalogs have errors, 2 bad usage or input that cannot be read at all.
"""
from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click

from . import helper_process
from .findings import Finding
from .pofile import CatalogError


def project_config():
    """The running app's config under `flask --app app` (its CLI runner's too), else the site's defaults."""
    load_app = getattr(click.get_current_context().find_root().obj, "load_app", None)
    if load_app is not None:  # flask's ScriptInfo
        return load_app().config
    from app.config import default_config, resolve_locales

    config = default_config()
    resolve_locales(config)
    return config


def project_paths(config=None):
    from .project_files import ProjectPaths

    return ProjectPaths.from_config(config if config is not None else project_config())


def shown(path) -> str:
    from .project_files import shown_path

    return shown_path(path, project_paths().root)


def echo_findings(findings: list[Finding]) -> None:
    for f in findings:
        where = f"{shown(f.path)}:{f.line}" if f.line else shown(f.path)
        click.echo(f"{where}: {f.severity}: {f.code}: {f.message}", err=True)


def fail(err: CatalogError) -> None:
    """Input the command cannot work on at all (exit 2); whatever it would have written is left as it was."""
    echo_findings(err.findings)
    sys.exit(2)


@click.group(name="site-i18n", help="Check and compile gettext catalogs (the site's, or any .po files).")
def main():
    # One short-lived process per run, whose objects (a catalog's hundreds of thousands of strings, tuples
    # and Messages) hold no reference cycles worth collecting: the cyclic collector would only walk them
    # again and again (pofile.gc_paused does the same around reading; this covers the whole command).
    # Turned back on when the command is done, for a caller in the same process (tests, click's runner).
    if gc.isenabled():
        gc.disable()
        click.get_current_context().call_on_close(gc.enable)


def run(prog_name: str | None = None) -> None:
    """The command line's entry (`python -m app.tooling`, `site-i18n`): main(), then the process ends with
    its exit status at once, output flushed, without freeing what the command built one object at a time
    (a 160,000-entry catalog's objects took ~1 s to free), as msgfmt ends. Its work may use a second core
    (helper_process: this process is single-threaded, so forking is safe)."""
    gc.disable()  # for the whole process (main() then leaves it off)
    helper_process.enable()
    try:
        main(prog_name=prog_name)
        status = 0
    except SystemExit as done:
        status = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
    helper_process.finish()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # (None: the command was started with that stream closed)
            stream.flush()
    os._exit(status)


@main.command("compile")
@click.argument("po_files", nargs=-1, metavar="[PO_FILE]...",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="MO_FILE",
              help="Where to write the .mo of the one PO_FILE given (default: beside it, as .mo).")
@click.option("--no-hash", is_flag=True, help="Write no hash table, as `msgfmt --no-hash` (the same bytes).")
def compile_command(po_files, output, no_hash):
    """Compile every catalog of the project to .mo (or only PO_FILE...), refusing catalogs with errors.

    \b
    The .mo is what GNU `msgfmt -o` writes, byte for byte. A refused catalog's old .mo is left as it was
    (the site never reads it: it compiles the .po itself). A PO_FILE given is any project's catalog:
    the site's own page rules (markup in HTML templates) do not apply to it.
    """
    from .compile import compile_catalog
    from .project_files import refuse_outside
    from .stats import catalog_stats

    if output is not None and len(po_files) != 1:
        raise click.BadParameter("give exactly one PO_FILE with it", param_hint="--output")
    config = paths = None
    if po_files:
        catalogs = list(po_files)
    else:
        config = project_config()
        paths = project_paths(config)
        catalogs = sorted(paths.translations_dir.glob("*/LC_MESSAGES/*.po"))
        if not catalogs:
            click.echo(f"no catalogs under {shown(paths.translations_dir)}", err=True)
    refused = False
    for po in catalogs:
        mo = output or po.with_suffix(".mo")
        try:
            if paths is not None:
                refuse_outside(po, paths.translations_dir)  # a symlink out of translations/ is never read
            catalog = compile_catalog(po, mo, html=paths is not None, hash_table=not no_hash)
        except CatalogError as err:
            echo_findings(err.findings)
            click.echo(f"{shown(po)}: refused, {mo.name} not written", err=True)
            refused = True
            continue
        if catalog.fuzzy:
            # pybabel would skip this catalog silently; msgfmt ignores the header's fuzziness, and so do we.
            click.echo(f"{shown(po)}: warning: header is marked fuzzy (compiled anyway)", err=True)
        stats = catalog_stats(catalog)
        source = ""
        if config is not None and po.parent.parent.name == config["DEFAULT_LOCALE"]:
            source = " (source language: its msgids are shown)"
        click.echo(f"{shown(mo)}: {stats.translated} translated, {stats.fuzzy} fuzzy, "
                   f"{stats.untranslated} untranslated{source}")
    if refused:
        sys.exit(1)


@main.command("check")
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
    from app.config import all_locales, editor_db_path

    from . import report
    from .check import GitError, run_check, run_check_since
    from .editor_work import awaiting_review, open_source_questions

    config = project_config()
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
            result = run_check_since(project_paths(config), since, **options)
        except GitError as err:
            raise click.BadParameter(str(err), param_hint="--since") from err
    else:
        result = run_check(list(po_files), project=None if po_files else project_paths(config),  # never raises
                           site_translations=Path(config["TRANSLATIONS_DIR"]), **options)
    result.awaiting_review = awaiting_review(editor_db_path(config))
    result.source_questions = open_source_questions(editor_db_path(config))
    render = {"text": report.render_text, "json": report.render_json, "github": report.render_github,
              "markdown": report.render_markdown}
    click.echo(render[output_format](result), nl=False)
    sys.exit(report.exit_status(result))
