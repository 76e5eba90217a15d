"""`flask --app app i18n extract|update|init|compile|check`: the catalog workflow, on app/tooling.

`check` and `compile` are app/tooling/cli.py's commands (also `python -m app.tooling`, without Flask).

Thin on purpose: each command reads paths from the app's config (so tests can point it at a temporary
project), calls one tooling function, prints what happened, and exits 0 (done), 1 (the catalogs have
errors) or 2 (bad usage, or input that cannot be read at all). Problems go to stderr as `path:line: ...`.
"""
from __future__ import annotations


import click
from flask import current_app
from flask.cli import AppGroup

from .config import all_locales
from .tooling.project_files import ProjectPaths, shown_path
from .tooling.cli import check_command, compile_command, fail
from .tooling.project_files import refuse_outside
from .tooling.pofile import CatalogError

i18n_cli = AppGroup("i18n", help="Extract, merge, compile and check the gettext catalogs.")


def _paths() -> ProjectPaths:
    return ProjectPaths.from_config(current_app.config)


def _shown(path) -> str:
    return shown_path(path, _paths().root)


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
        fail(err)
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
        fail(err)
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
        fail(err)
    click.echo(f"{_shown(path)}: created")
    if locale not in current_app.config["LOCALES"]:
        click.echo(f"{locale} is a draft: checked and on the translation status pages, hidden from visitors; "
                   f"publish it by adding {locale!r} to translations/locales.toml (see TRANSLATING.md)", err=True)


# The catalog commands that need no app: the same objects as `python -m app.tooling check|compile`.
i18n_cli.add_command(compile_command)
i18n_cli.add_command(check_command)
