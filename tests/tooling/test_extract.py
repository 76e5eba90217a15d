"""extract.py: messages from templates and Python, a stable POT, errors for broken templates."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.tooling.extract import extract_messages, stale_template_findings, write_pot
from app.tooling.pofile import CatalogError

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "templates"


@pytest.fixture
def project(tmp_path) -> Path:
    """A tiny project: the fixture templates and Python, with the repository's real babel.cfg."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    shutil.copy(REPO / "babel.cfg", root / "babel.cfg")
    (root / "translations").mkdir()
    return root


def extract(root: Path):
    return extract_messages(root, root / "babel.cfg")


def by_key(catalog):
    return {(m.context, m.id if not isinstance(m.id, tuple) else m.id[0]): m for m in catalog if m.id}


def test_extracts_templates_and_python_with_comments_context_and_flags(project):
    messages = by_key(extract(project))
    assert messages[(None, "Our partners")].auto_comments == ["heading of the partners page."]
    assert messages[(None, "Our partners")].locations == [("templates/page.html", 4)]
    assert messages[("menu", "Home")].locations == [("templates/page.html", 11)]
    assert messages[("footer", "Home")].locations == [("templates/partials/footer.html", 1)]
    assert "python-format" in messages[(None, "Hello %(name)s")].flags
    plural = messages[(None, "%(count)s partner")]
    assert plural.id == ("%(count)s partner", "%(count)s partners")
    assert messages[(None, "Search")].auto_comments == ["label of the search box."]
    assert messages[("page title", "Search results")].locations == [("app/forms.py", 5)]


def test_multiline_trans_blocks_have_no_newline_or_indent_noise(project):
    ids = {key[1] for key in by_key(extract(project))}
    assert "We work with universities in many countries." in ids  # {% trans trimmed %}
    assert "A plain block spanning lines." in ids  # plain {% trans %}: babel.cfg trimmed = true
    assert not [i for i in ids if "\n" in i or "  " in i]


def test_extract_twice_writes_identical_pot(project):
    pot = project / "translations" / "messages.pot"
    assert write_pot(extract(project), pot) is True
    first = pot.read_bytes()
    os.utime(pot, ns=(1_000_000_000, 1_000_000_000))
    assert write_pot(extract(project), pot) is False
    assert pot.read_bytes() == first
    assert pot.stat().st_mtime_ns == 1_000_000_000  # not even touched
    assert b"POT-Creation-Date" in first and b"YEAR" not in first.split(b'msgid ""')[0]


def test_changed_message_rewrites_pot_with_new_creation_date(project):
    pot = project / "translations" / "messages.pot"
    write_pot(extract(project), pot)
    pot.write_text(_with_creation_date(pot.read_text(encoding="utf-8"), "2001-01-01 00:00+0000"), encoding="utf-8")
    assert write_pot(extract(project), pot) is False  # same messages: the old date is kept
    assert "2001-01-01 00:00+0000" in pot.read_text(encoding="utf-8")
    page = project / "templates" / "page.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Our partners", "Our partner universities"))
    assert write_pot(extract(project), pot) is True
    text = pot.read_text(encoding="utf-8")
    assert "Our partner universities" in text and "2001-01-01" not in text


def _with_creation_date(text: str, date: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(f'"POT-Creation-Date: {date}\\n"\n' if line.startswith('"POT-Creation-Date') else line
                   for line in lines)


@pytest.mark.parametrize("name, line, says", [
    ("unclosed.html", 4, "'endif'"),  # Jinja reports the end of the template: the last token's line
    ("bad_expression.html", 3, "')'"),
])
def test_template_syntax_error_is_an_error_with_file_and_line(project, name, line, says):
    pot = project / "translations" / "messages.pot"
    write_pot(extract(project), pot)
    before = pot.read_bytes()
    shutil.copy(FIXTURES / "broken" / name, project / "templates" / name)
    with pytest.raises(CatalogError) as excinfo:
        extract(project)
    [finding] = excinfo.value.findings
    assert (finding.path, finding.line, finding.code) == (f"templates/{name}", line, "syntax-error")
    assert says in finding.message
    assert pot.read_bytes() == before


def test_mapping_without_silent_false_is_refused(project):
    cfg = project / "babel.cfg"
    cfg.write_text(cfg.read_text().replace("silent = false", ""))
    with pytest.raises(CatalogError) as excinfo:
        extract(project)
    assert excinfo.value.findings[0].code == "config-error"


def test_stale_template_findings_both_directions(project):
    pot_path = project / "translations" / "messages.pot"
    write_pot(extract(project), pot_path)
    with open(pot_path, "rb") as f:
        pot = read_po(f)
    assert stale_template_findings(extract(project), pot, pot_path) == []

    page = project / "templates" / "page.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Our partners", "Our partner universities")
                    .replace("<h1>", "\n\n<h1>"))  # moved lines alone would not be stale
    findings = stale_template_findings(extract(project), pot, pot_path)
    assert {(f.path, f.msgid) for f in findings} == {
        ("templates/page.html", "Our partner universities"),
        (str(pot_path), "Our partners"),
    }
    assert all(f.code == "stale-template" and f.line > 0 for f in findings)
    [old] = [f for f in findings if f.msgid == "Our partners"]
    assert pot_path.read_text(encoding="utf-8").splitlines()[old.line - 1] == 'msgid "Our partners"'


def test_moved_lines_alone_are_not_stale(project):
    pot_path = project / "translations" / "messages.pot"
    write_pot(extract(project), pot_path)
    page = project / "templates" / "page.html"
    page.write_text("\n\n" + page.read_text(encoding="utf-8"))
    with open(pot_path, "rb") as f:
        assert stale_template_findings(extract(project), read_po(f), pot_path) == []


def test_context_distinguishes_messages(project):
    pot_path = project / "translations" / "messages.pot"
    write_pot(extract(project), pot_path)
    footer = project / "templates" / "partials" / "footer.html"
    footer.write_text(footer.read_text().replace('"footer"', '"nav"'))
    with open(pot_path, "rb") as f:
        findings = stale_template_findings(extract(project), read_po(f), pot_path)
    assert sorted(f.msgid for f in findings) == ["Home", "Home"]


def test_template_not_in_utf8_is_an_error(project):
    (project / "templates" / "latin1.html").write_bytes("<p>{{ _('Café') }}</p>".encode("latin-1"))
    with pytest.raises(CatalogError) as excinfo:
        extract(project)
    [finding] = excinfo.value.findings
    assert (finding.path, finding.code) == ("templates/latin1.html", "encoding-error")
    assert "UTF-8" in finding.message
