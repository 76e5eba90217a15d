"""python-brace-format as GNU msgfmt 0.21 checks it (format-python-brace.c), against msgfmt -c run live on
mutants: a field's format spec is part of its name ("{n}" and "{n:d}" are different arguments), a loosely
checked plural form may name anything, and a msgid that is not a valid brace string is not checked."""
from __future__ import annotations

import os
import re
import subprocess

import pytest

from app.tooling.checks import PLACEHOLDER_MISMATCH, check_catalog
from app.tooling.formats import BRACE_FORMAT, format_check
from app.tooling.pofile import read_po_file

pytestmark = pytest.mark.conformance  # msgfmt live (make conformance)

MSGIDS = ["{n} files", "{n:d} files", "{n:>10}", "{n:.2f} MB", "{n:{w}}", "{n:}", "{0} of {1}", "{0:d}",
          "{user.name} said {msg[0]}", "{{literal}} {x}", "{}", "{n!r}", "{n:xyz}"]


def mutants(msgid: str) -> list[str]:
    fields = re.findall(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)?\}", msgid)
    found = [msgid, "no fields", msgid + " {extra}", msgid.replace("{{", "{")]
    for field in fields:
        name = re.split(r"[:.\[!]", field[1:-1], maxsplit=1)[0]
        found += [msgid.replace(field, ""), msgid.replace(field, "{" + name + "}"),
                  msgid.replace(field, "{" + name + ":d}"), msgid.replace(field, "{" + name + ":>10}"),
                  msgid.replace(field, "{" + name + ":.2f}"), msgid.replace(field, "{" + name + ":{w}}"),
                  msgid.replace(field, "{" + name + ":}"), msgid.replace(field, field + field),
                  msgid.replace(field, field[:-1]), msgid.replace(field, "{" + name + "x}")]
    return list(dict.fromkeys(found))


def quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def test_brace_mutants_get_msgfmts_verdict_line_by_line(tmp_path):
    entries, count = [], 0
    for msgid in MSGIDS:
        for mutant in mutants(msgid):
            count += 1
            entries.append(f'#, python-brace-format\nmsgctxt "{count}"\nmsgid "{quoted(msgid)}"\n'
                           f'msgstr "{quoted(mutant)}"\n')
            # a plural entry: msgstr[0] (n == 1 only) is checked loosely, msgstr[1] strictly
            entries.append(f'#, python-brace-format\nmsgctxt "p{count}"\nmsgid "{quoted(msgid)}"\n'
                           f'msgid_plural "{quoted(msgid)}"\nmsgstr[0] "{quoted(mutant)}"\nmsgstr[1] "{quoted(msgid)}"\n')
    po = tmp_path / "brace.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  '"Plural-Forms: nplurals=2; plural=n != 1;\\n"\n\n' + "\n".join(entries), encoding="utf-8")
    stderr = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True, text=True,
                            env={"LC_ALL": "C", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}).stderr
    theirs = {int(line) for line in re.findall(rf"^{re.escape(str(po))}:(\d+): (?!warning)", stderr, re.MULTILINE)}
    pofile = read_po_file(po)
    ours = {f.line for f in check_catalog(pofile.catalog, po, pofile=pofile) if f.code == PLACEHOLDER_MISMATCH}
    assert count >= 100 and len(theirs) >= 40  # mutants msgfmt rejects and accepts, both in numbers
    assert ours == theirs


def test_a_format_spec_makes_another_argument():
    assert "{n:d}" in format_check(BRACE_FORMAT, ("{n:d} files",), ("{n} ファイル",))
    assert format_check(BRACE_FORMAT, ("{n:d} files",), ("{n:d} ファイル",)) is None
    assert format_check(BRACE_FORMAT, ("{n:{w}}",), ("{n:{w}}",)) is None
    assert format_check(BRACE_FORMAT, ("{0}",), ("{0:d}",)) is not None
