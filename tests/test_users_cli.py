"""`flask --app app users ...` (users_cli.py): the password is read from stdin or a prompt, never an argument."""
from __future__ import annotations

import pytest

from app import create_app
from app.accounts import Accounts
from tests.conftest import PASSWORD, editor_config


@pytest.fixture
def runner(translations_copy, tmp_path):
    return create_app(editor_config(translations_copy, tmp_path / "instance")).test_cli_runner()


def test_cli_add_list_passwd_remove_with_the_password_on_stdin(runner, tmp_path):
    result = runner.invoke(args=["users", "add", "alice", "--role", "reviewer", "--locale", "ja"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "added alice (reviewer; ja)" in result.output and PASSWORD not in result.output
    assert runner.invoke(args=["users", "list"]).output == "alice\treviewer\tja\n"
    accounts = Accounts(tmp_path / "instance" / "editor.sqlite3")
    assert accounts.authenticate("alice", PASSWORD, "x")
    assert runner.invoke(args=["users", "passwd", "alice"], input="another long password\n").exit_code == 0
    assert accounts.authenticate("alice", "another long password", "x")
    assert runner.invoke(args=["users", "remove", "alice"]).exit_code == 0
    assert runner.invoke(args=["users", "list"]).output == ""


def test_cli_errors_exit_1_with_the_reason(runner):
    result = runner.invoke(args=["users", "add", "bob", "--locale", "xx"], input=PASSWORD + "\n")
    assert result.exit_code == 1 and "unknown locale 'xx'" in result.output
    assert runner.invoke(args=["users", "remove", "nobody"]).exit_code == 1
    assert runner.invoke(args=["users", "passwd", "nobody"], input=PASSWORD + "\n").exit_code == 1
    assert "--password" not in runner.invoke(args=["users", "add", "--help"]).output
