"""accounts.py: hashes, roles, locales, throttling held in the database."""
from __future__ import annotations

import importlib
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.accounts import (FIRST_DELAY, FREE_FAILURES_PER_ADDRESS_AND_NAME, FREE_FAILURES_PER_NAME, MAX_DELAY,
                          AccountError, Accounts, Throttled)
from app.db import opened
from tests.conftest import PASSWORD

accounts_module = importlib.import_module("app.accounts")


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
    for _ in range(FREE_FAILURES_PER_ADDRESS_AND_NAME):
        assert accounts.authenticate("alice", "guess", "10.0.0.1") is None
    other_worker = Accounts(tmp_path / "editor.sqlite3")  # another process opens the same file
    with pytest.raises(Throttled) as throttled:
        other_worker.authenticate("alice", PASSWORD, "10.0.0.1")
    assert 0 < throttled.value.retry_after <= FIRST_DELAY


def test_failures_with_many_names_from_one_address_do_not_lock_anybody_else(accounts):
    """Behind a reverse proxy every visitor may have the same address: guessing names there must not lock
    out a translator who knows their password."""
    accounts.add("alice", PASSWORD, "translator", ["ja"])
    for number in range(50):
        assert accounts.authenticate(f"random{number}", "guess", "10.0.0.9") is None
    assert accounts.authenticate("alice", PASSWORD, "10.0.0.9").name == "alice"


def test_a_name_guessed_from_one_address_waits_there_but_not_from_another(accounts):
    accounts.add("alice", PASSWORD, "translator", ["ja"])
    for _ in range(FREE_FAILURES_PER_ADDRESS_AND_NAME):
        accounts.authenticate("alice", "guess", "10.0.0.9")
    with pytest.raises(Throttled):
        accounts.authenticate("alice", PASSWORD, "10.0.0.9")
    assert accounts.authenticate("alice", PASSWORD, "10.0.0.10").name == "alice"


def test_a_name_guessed_from_many_addresses_waits_everywhere(accounts):
    accounts.add("alice", PASSWORD, "translator", ["ja"])
    for number in range(FREE_FAILURES_PER_NAME):
        accounts.authenticate("alice", "guess", f"10.0.1.{number}")
    with pytest.raises(Throttled):
        accounts.authenticate("alice", PASSWORD, "10.0.2.1")
    assert accounts.authenticate("bob", "guess", "10.0.2.1") is None  # other names are not


def test_delays_grow_with_each_failure_up_to_the_maximum(accounts, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(accounts_module.time, "time", lambda: clock[0])
    accounts.add("alice", PASSWORD, "translator", ["ja"])
    for _ in range(FREE_FAILURES_PER_ADDRESS_AND_NAME):
        assert accounts.authenticate("alice", "guess", "10.0.0.1") is None
    waits = []
    for _ in range(8):
        with pytest.raises(Throttled) as throttled:
            accounts.authenticate("alice", "guess", "10.0.0.1")
        waits.append(throttled.value.retry_after)
        clock[0] += throttled.value.retry_after
        assert accounts.authenticate("alice", "guess", "10.0.0.1") is None  # one more guess, then a longer wait
    assert waits == [min(MAX_DELAY, FIRST_DELAY * 2 ** n) for n in range(8)]
    clock[0] += MAX_DELAY
    assert accounts.authenticate("alice", PASSWORD, "10.0.0.1").name == "alice"


def test_parallel_guesses_check_no_more_than_the_free_failures(accounts):
    accounts.add("alice", PASSWORD, "translator", ["ja"])

    def guess(number: int) -> str:
        try:  # each guess on its own connection, as in separate workers
            return "checked" if Accounts(accounts.db_path).authenticate("alice", f"guess {number}", "10.0.0.1") \
                is None else "signed in"
        except Throttled:
            return "throttled"

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(pool.map(guess, range(40)))
    assert outcomes.count("checked") == FREE_FAILURES_PER_ADDRESS_AND_NAME
    assert outcomes.count("throttled") == 40 - FREE_FAILURES_PER_ADDRESS_AND_NAME
    rows = sqlite3.connect(accounts.db_path).execute("SELECT COUNT(*) FROM login_failures").fetchone()[0]
    assert rows == 2 * FREE_FAILURES_PER_ADDRESS_AND_NAME  # one per key and guess checked


def test_names_no_account_can_have_are_not_recorded(accounts):
    for _ in range(30):
        assert accounts.authenticate("x" * 10_000, "guess", "10.0.0.1") is None
    with opened(accounts.db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM login_failures").fetchone()[0] == 0


def test_a_success_clears_the_names_failures(accounts):
    accounts.add("alice", PASSWORD, "translator", ["ja"])
    for _ in range(FREE_FAILURES_PER_ADDRESS_AND_NAME - 1):
        accounts.authenticate("alice", "guess", "10.0.0.1")
    assert accounts.authenticate("alice", PASSWORD, "10.0.0.1")
    for _ in range(FREE_FAILURES_PER_ADDRESS_AND_NAME - 1):
        accounts.authenticate("alice", "guess", "10.0.0.1")
    assert accounts.authenticate("alice", PASSWORD, "10.0.0.1")
