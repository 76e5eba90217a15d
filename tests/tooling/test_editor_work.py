"""What `check` reads of the editor's database (app/tooling/editor_work.py): suggestions awaiting review
and open questions about English strings; read-only, and a database that is not there is never created."""
from __future__ import annotations

import sqlite3

from app.comments import Comments
from app.suggestions import Suggestions
from app.tooling.editor_work import awaiting_review, open_source_questions
from app.tooling.entry import EntryKey

HOME = EntryKey("navigation", "Home")
ESTABLISHED = EntryKey("fact label", "Established")


def test_open_suggestions_are_counted_per_locale(tmp_path):
    db = tmp_path / "editor.sqlite3"
    ja = Suggestions(db, "ja")
    ja.suggest(HOME, "alice", ["ホーム"], ["トップ"])
    ja.suggest(HOME, "alice", ["ホーム"], ["トップページ"])  # replaces her own open one
    rejected = ja.suggest(ESTABLISHED, "bob", ["設置"], ["設立"])
    ja.reject(rejected, "rita", "設置 is the office's own word")
    Suggestions(db, "fr").suggest(HOME, "claire", [""], ["Accueil"])
    assert awaiting_review(db) == {"ja": 1, "fr": 1}


def test_open_questions_about_english_are_listed_oldest_first_answered_ones_not(tmp_path):
    db = tmp_path / "editor.sqlite3"
    ja = Comments(db, "ja")
    ja.add(HOME, "alice", "a comment, not a question")
    answered = ja.add(ESTABLISHED, "alice", "Established when?", about_source=True)
    ja.add(HOME, "bob", "Home of what?", about_source=True)
    ja.resolve(answered, "rita")
    [question] = open_source_questions(db)
    assert {key: question[key] for key in ("locale", "msgid", "msgctxt", "user", "text")} == {
        "locale": "ja", "msgid": "Home", "msgctxt": "navigation", "user": "bob", "text": "Home of what?"}
    assert isinstance(question["at"], float)


def test_no_database_reads_as_empty_and_is_not_created(tmp_path):
    db = tmp_path / "editor.sqlite3"
    assert awaiting_review(db) == {} and open_source_questions(db) == []
    assert not db.exists()


def test_a_database_from_before_these_tables_reads_as_empty(tmp_path):
    db = tmp_path / "editor.sqlite3"
    sqlite3.connect(db).close()  # an empty database file
    assert awaiting_review(db) == {} and open_source_questions(db) == []
