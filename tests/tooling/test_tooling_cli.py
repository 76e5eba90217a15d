"""`python -m app.tooling check|compile` (the `site-i18n` console script): the catalog commands as whole
processes, without Flask; the same commands as `flask --app app i18n check|compile` (tests/test_cli.py)."""
from __future__ import annotations

import gc
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from app.config import PROJECT_ROOT
from tests.tooling.test_compile import HEADER, msgfmt, write_po

ENV = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}


def tool(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.tooling", *args], capture_output=True, text=True,
                          cwd=cwd or PROJECT_ROOT, env=env or ENV, timeout=120)


def test_the_catalog_commands_import_no_web_framework():
    code = ("import sys, app, app.tooling.cli, app.tooling.check, app.tooling.compile; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug', 'jinja2', "
            "'flask_babel', 'flask_wtf') or m in ('app.editor', 'app.pages', 'app.i18n', 'app.catalogs')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, check=True)
    assert result.stdout == "[]\n"
    # and the site is still the site: create_app brings in Flask
    code = "import sys, app; app.create_app(); print('flask' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, check=True)
    assert result.stdout.endswith("True\n")


def test_a_catalog_without_html_does_not_import_the_html_tokenizer(tmp_path):
    po = write_po(tmp_path / "ja.po", 'msgid "Hello"\nmsgstr "こんにちは"\n')
    code = ("import sys; from app.tooling.check import run_check; "
            f"run_check([{str(po)!r}]); print('justhtml' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, check=True)
    assert result.stdout.endswith("False\n")  # issue 17: ~85 ms of start-up a catalog with no HTML never needs


def test_compile_judges_no_markup_outside_the_sites_pages(tmp_path):
    """Another project's catalog: unsafe markup is a warning there, which compile does not refuse, so compile
    does not judge markup (nor import the HTML tokenizer); its errors are still check's errors."""
    po = write_po(tmp_path / "ja.po", 'msgid "<b>Bold</b> text"\nmsgstr "<i>太字</i>"\n\n'
                                      '#, python-format\nmsgid "%(n)d <em>partners</em>"\nmsgstr "%(m)d 校"\n')
    code = ("import sys; from pathlib import Path; from app.tooling.compile import compile_catalog; "
            "from app.tooling.pofile import CatalogError\n"
            f"try: compile_catalog(Path({str(po)!r}), Path({str(tmp_path / 'ja.mo')!r}), html=False)\n"
            "except CatalogError as err: print(sorted((f.line, f.code) for f in err.findings))\n"
            "print('justhtml' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, check=True)
    assert result.stdout == "[(12, 'placeholder-mismatch')]\nFalse\n"
    checked = tool("check", str(po))
    assert "unsafe-markup" in checked.stderr + checked.stdout  # check still reports the markup warning


def test_compile_a_po_file_writes_msgfmts_bytes(tmp_path):
    po = write_po(tmp_path / "ja.po",
                  'msgid "Hello"\nmsgstr "こんにちは"\n\n#, fuzzy\nmsgid "Draft"\nmsgstr "下書き"\n')
    result = tool("compile", str(po), "-o", str(tmp_path / "out.mo"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("out.mo: 1 translated, 1 fuzzy, 0 untranslated\n")
    assert (tmp_path / "out.mo").read_bytes() == msgfmt(po)
    assert tool("compile", "--no-hash", str(po)).returncode == 0
    assert (tmp_path / "ja.mo").read_bytes() == msgfmt(po, "--no-hash")


def test_compile_refuses_a_catalog_with_errors_and_writes_nothing(tmp_path):
    po = write_po(tmp_path / "ja.po", '#, python-format\nmsgid "%(n)d partners"\nmsgstr "%(m)d 校"\n')
    result = tool("compile", str(po))
    assert result.returncode == 1
    assert "placeholder-mismatch" in result.stderr and "refused, ja.mo not written" in result.stderr
    assert not (tmp_path / "ja.mo").exists()
    assert tool("compile", str(po), str(po), "-o", str(tmp_path / "x.mo")).returncode == 2  # -o takes one file


def test_check_exit_status_is_the_checks(tmp_path):
    good = write_po(tmp_path / "good.po", 'msgid "Hello"\nmsgstr "こんにちは"\n')
    broken = write_po(tmp_path / "broken.po", 'msgid "Hello"\nmsgstr "unterminated\n')
    assert tool("check", str(good)).returncode == 0
    result = tool("check", "--format", "json", str(broken))
    assert result.returncode == 2 and '"syntax-error"' in result.stdout


def test_the_project_is_compiled_as_flask_compiles_it(tmp_path):
    root = tmp_path / "project"
    ja = root / "translations" / "ja" / "LC_MESSAGES"
    ja.mkdir(parents=True)
    po = write_po(ja / "messages.po", 'msgid "Hello"\nmsgstr "こんにちは"\n', header=HEADER)
    env = {**ENV, "SITE_TRANSLATIONS_DIR": str(root / "translations")}
    result = tool("compile", env=env)
    assert result.returncode == 0, result.stderr
    assert "ja/LC_MESSAGES/messages.mo: 1 translated, 0 fuzzy, 0 untranslated" in result.stdout
    assert (ja / "messages.mo").read_bytes() == msgfmt(po)


def test_the_console_script_is_declared():
    scripts = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"site-i18n": "app.tooling.cli:run"}
    assert tool("--help").stdout.startswith("Usage: python -m app.tooling [OPTIONS] COMMAND")


def test_in_process_without_flask_uses_the_sites_settings(tmp_path, monkeypatch):
    """The same commands through click's runner, no Flask app behind them: the settings come from the
    environment (app/config.py), as for `python -m app.tooling`."""
    from click.testing import CliRunner

    from app.tooling.cli import main

    root = tmp_path / "project"
    ja = root / "translations" / "ja" / "LC_MESSAGES"
    ja.mkdir(parents=True)
    po = write_po(ja / "messages.po", 'msgid "Hello"\nmsgstr "こんにちは"\n')
    monkeypatch.setenv("SITE_TRANSLATIONS_DIR", str(root / "translations"))
    result = CliRunner().invoke(main, ["compile"])
    assert result.exit_code == 0, result.output
    assert (ja / "messages.mo").read_bytes() == msgfmt(po)
    result = CliRunner().invoke(main, ["check", "--locale", "ja", "--format", "json"])
    assert result.exit_code in (0, 1) and '"path"' in result.output
    assert CliRunner().invoke(main, ["check", "--locale", "xx"]).exit_code == 2
    assert gc.isenabled()  # the command pauses the cyclic collector only while it runs


def test_the_process_ends_with_the_command_s_status_and_all_of_its_output(tmp_path):
    """cli.run ends the process without freeing the catalog (os._exit): what was written is flushed first,
    piped output included, and the status is the command's (1 errors, 2 bad usage)."""
    entries = "".join(f'msgid "Entry %(n)s {n}"\nmsgstr "項目 {n}"\n\n' for n in range(3000))
    po = write_po(tmp_path / "ja.po", "#, python-format\n" + entries.replace('\n\nmsgid', '\n\n#, python-format\nmsgid'))
    result = tool("check", "--format", "json", str(po))
    assert result.returncode == 1 and result.stdout.rstrip().endswith("}")
    assert result.stdout.count('"placeholder-mismatch"') == 3000
    usage = tool("check", "--no-such-option")
    assert usage.returncode == 2 and "No such option" in usage.stderr
    assert tool("check", str(write_po(tmp_path / "ok.po", 'msgid "A"\nmsgstr "あ"\n'))).returncode == 0
