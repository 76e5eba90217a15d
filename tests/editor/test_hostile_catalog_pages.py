"""Every signed-in page stays within seconds (not minutes) on a hostile catalog: 50 similar 4,200-character msgids,
fuzzy entries whose `#|` msgid is a similar 5,000-character text (English, kanji, and difflib's worst
case), a 6,500-character msgid. Diffs and memory look-ups were 13-30 s each there, and killed workers."""
from __future__ import annotations

import random
import time

import pytest


from app.tooling.entry import EntryKey
from tests.conftest import csrf, sign_in

BOUND = 3.0  # seconds of this process's CPU per page (CPU, not wall time: other tests share the cores); was 13-30 s
rng = random.Random(15)
WORDS = "the of and to in a is that for it as was with be by on not this are or from at which but".split()


def _text(length: int) -> str:
    words = []
    while sum(map(len, words)) + len(words) < length:
        words.append(rng.choice(WORDS))
    return " ".join(words)[:length].strip()


def _vary(text: str, changes: int, alphabet=None) -> str:
    parts = text.split(" ") if alphabet is None else list(text)
    for _ in range(changes):
        parts[rng.randrange(len(parts))] = rng.choice(WORDS if alphabet is None else alphabet)
    return (" " if alphabet is None else "").join(parts)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fuzzy(reference: str, previous: str, msgid: str) -> str:
    return f'#: {reference}\n#, fuzzy\n#| msgid {_quoted(previous)}\nmsgid {_quoted(msgid)}\nmsgstr "古い訳"\n'


BASE = _text(4200)
FUZZY_ENGLISH = _vary(BASE, 20) + " " + _text(780)
KANJI = "".join(rng.choice("東北大学国際戦略室") for _ in range(5000))
HOSTILE = {  # msgid → the entry's text in the catalog
    FUZZY_ENGLISH: _fuzzy("templates/home.html:90", _vary(FUZZY_ENGLISH, 40), FUZZY_ENGLISH),
    KANJI: _fuzzy("templates/home.html:91", _vary(KANJI, 40, "東北大学国際戦略室"), KANJI),
    "ab" * 2500: _fuzzy("templates/home.html:92", "a" * 5000, "ab" * 2500),
    _text(6500): None,
}
HOSTILE = {msgid: entry or f'#: templates/home.html:93\nmsgid {_quoted(msgid)}\nmsgstr ""\n'
           for msgid, entry in HOSTILE.items()}
SIMILAR = [_vary(BASE, 30) for _ in range(50)]


@pytest.fixture
def translator(editor_app, ja_po):
    editor_app.config.update(TRANSLATION_STATUS_ENABLED=True)
    similar = [f'#: templates/home.html:{100 + n}\nmsgid {_quoted(msgid)}\nmsgstr "訳{n}"\n'
               for n, msgid in enumerate(SIMILAR)]
    ja_po.write_text(ja_po.read_text(encoding="utf-8") + "\n" + "\n".join([*similar, *HOSTILE.values()]),
                     encoding="utf-8")
    client = editor_app.test_client()
    assert sign_in(client, "alice").status_code == 302
    return client


def _timed(send) -> tuple[float, object]:
    started = time.process_time()
    response = send()
    return time.process_time() - started, response


def test_every_signed_in_page_takes_at_most_seconds(translator):
    edit = "/ja/translations/edit/"
    pages = ["/ja/translations/", "/ja/translations/?state=all", "/ja/translations/?q=the",
             "/ja/translations/review/home/", edit, f"{edit}?state=all", f"{edit}?q=the&state=all"]
    pages += [f"{edit}{EntryKey(None, msgid).id}/" for msgid in [*HOSTILE, SIMILAR[0]]]
    pages += [f"{edit}{EntryKey(None, SIMILAR[0]).id}/history"]
    times = {}
    for page in pages:
        times[page], response = _timed(lambda page=page: translator.get(page))
        assert response.status_code == 200, page
    fuzzy_page = translator.get(pages[7]).text
    assert "<del>" in fuzzy_page and "<ins>" in fuzzy_page  # a diff is still shown
    similar_page = translator.get(pages[-2]).text
    assert "訳1" in similar_page  # memory still suggests the similar entries' translations
    entry = pages[7]
    token = csrf(translator, entry)
    form = {"csrf_token": token, "msgid": FUZZY_ENGLISH, "msgstr": "新しい訳", "base": "古い訳"}
    times["preview"], response = _timed(lambda: translator.post(entry + "preview", data=form))
    assert response.status_code == 200 and "Preview of your unsaved draft" in response.text
    slow = {page[:80]: round(seconds, 2) for page, seconds in times.items() if seconds > BOUND}
    assert not slow, slow
