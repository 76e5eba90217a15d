"""accounts.py: hashes, roles, locales, throttling held in the database."""
from __future__ import annotations

import sqlite3

import pytest

from app.accounts import (MAX_FAILURES_PER_ADDRESS, AccountError, Accounts, Throttled)
from tests.conftest import PASSWORD


@pytest.fixture
def accounts(tmp_path) -> Accounts:
    return Accounts(tmp_path / "editor.sqlite3", ("en", "ja"))


def test_passwords_are_stored_as_scrypt_hashes(accounts):
    accounts.add("alice", PASSWORD, "translator", ["ja"])
    stored = sqlite3.connect(accounts.db_path).execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("scrypt:") and PASSWORD not in stored
    assert accounts.authenticate("alice", PASSWORD, "10.0.0.1").name == "alice"
    assert accounts.authenticate("alice", "wrong password", "10.0.0.1") is None


def test_roles_and_locales():
    from app.accounts import User
    translator, reviewer, admin = (User("u", role, ("ja",), "") for role in ("translator", "reviewer", "admin"))
    assert translator.can_edit("ja") and not translator.can_review("ja") and not translator.can_edit("fr")
    assert reviewer.can_review("ja") and not reviewer.can_review("fr")
    assert admin.can_edit("fr") and admin.can_review("fr")


@pytest.mark.parametrize("name, password, role, locales, message", [
    ("bad name!", PASSWORD, "translator", ["ja"], "a name is"),
    ("bob", PASSWORD, "boss", ["ja"], "unknown role"),
    ("bob", PASSWORD, "translator", ["xx"], "unknown locale"),
    ("bob", "short", "translator", ["ja"], "at least 10"),
])
def test_bad_accounts_are_refused(accounts, name, password, role, locales, message):
    with pytest.raises(AccountError, match=message):
        accounts.add(name, password, role, locales)


def test_duplicates_and_unknown_users(accounts):
    accounts.add("alice", PASSWORD, "translator", ["ja"])
    with pytest.raises(AccountError, match="exists"):
        accounts.add("alice", PASSWORD, "translator", ["ja"])
    for change in (lambda: accounts.set_password("nobody", PASSWORD), lambda: accounts.remove("nobody")):
        with pytest.raises(AccountError, match="no user"):
            change()


def test_throttling_is_held_in_the_database_for_every_process(accounts, tmp_path):
    accounts.add("alice", PASSWORD, "translator", ["ja"])
    for _ in range(5):
        assert accounts.authenticate("alice", "guess", "10.0.0.1") is None
    other_worker = Accounts(tmp_path / "editor.sqlite3")  # another process opens the same file
    with pytest.raises(Throttled):
        other_worker.authenticate("alice", PASSWORD, "10.0.0.2")


def test_one_address_guessing_many_names_is_throttled(accounts):
    for number in range(MAX_FAILURES_PER_ADDRESS):
        accounts.authenticate(f"user{number}", "guess", "10.0.0.9")
    with pytest.raises(Throttled):
        accounts.authenticate("someone-else", "guess", "10.0.0.9")
    assert accounts.authenticate("someone-else", "guess", "10.0.0.10") is None  # another address is not


def test_a_success_clears_the_names_failures(accounts):
    accounts.add("alice", PASSWORD, "translator", ["ja"])
    for _ in range(4):
        accounts.authenticate("alice", "guess", "10.0.0.1")
    assert accounts.authenticate("alice", PASSWORD, "10.0.0.1")
    for _ in range(4):
        accounts.authenticate("alice", "guess", "10.0.0.1")
    assert accounts.authenticate("alice", PASSWORD, "10.0.0.1")
