"""`flask --app app users add|list|passwd|remove`: editor accounts. Passwords are prompted (twice) on a
terminal, or read from the first line of stdin when it is not one; never taken from the command line."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from .config import all_locales
from .accounts import ROLES, AccountError, Accounts


def _accounts() -> Accounts:
    return Accounts(current_app.config["EDITOR_DB"], all_locales(current_app.config))


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.group("users")
def users_cli():
    """Accounts of the in-browser translation editor."""


@users_cli.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="translator", show_default=True)
@click.option("--locale", "locales", multiple=True, help="A locale the user may edit (repeat for several).")
@with_appcontext
def add_user(name, role, locales):
    """Create an account; the password is prompted, or read from stdin."""
    try:
        user = _accounts().add(name, _read_password(), role, locales)
    except AccountError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"added {user.name} ({user.role}; {' '.join(user.locales) or 'no locale'})")


@users_cli.command("list")
@with_appcontext
def list_users():
    """Every account with its role and locales."""
    for user in _accounts().all():
        click.echo(f"{user.name}\t{user.role}\t{' '.join(user.locales)}")


@users_cli.command("passwd")
@click.argument("name")
@with_appcontext
def change_password(name):
    """Set a new password (prompted, or read from stdin); signs the user out everywhere."""
    try:
        _accounts().set_password(name, _read_password())
    except AccountError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"password of {name} changed")


@users_cli.command("remove")
@click.argument("name")
@with_appcontext
def remove_user(name):
    """Delete an account (its audit rows stay)."""
    try:
        _accounts().remove(name)
    except AccountError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"removed {name}")
