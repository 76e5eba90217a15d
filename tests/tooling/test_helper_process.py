"""helper_process: the command line's work on a second core gives what one process gives, and any failure
of a child falls back to this process."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from app.tooling import helper_process
from tests.tooling.test_compile import msgfmt, write_po
from tests.tooling.test_tooling_cli import ENV

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux alone")

HTML_ENTRIES = "".join(f'msgid "<b>Bold {n}</b> &amp; plain"\nmsgstr "<b>太字 {n}</b> &amp; 本文"\n\n'
                       for n in range(10))  # (fewer requests than MAX_REQUESTS)
BROKEN = 'msgid "<em>Partners</em>"\nmsgstr "<i>協定校</i>"\n'


@pytest.fixture
def enabled(monkeypatch):
    monkeypatch.delenv("SITE_I18N_ONE_PROCESS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    helper_process.enable()
    yield
    helper_process._stop_tokenizer()
    monkeypatch.setattr(helper_process, "_enabled", False)
    monkeypatch.setattr(helper_process, "_requests", 0)


def run_tool(*args: str, one_process: bool = False, importtime: bool = False) -> subprocess.CompletedProcess:
    env = {**ENV, "SITE_I18N_ONE_PROCESS": "1"} if one_process else {k: v for k, v in ENV.items()
                                                                       if k != "SITE_I18N_ONE_PROCESS"}
    return subprocess.run([sys.executable, *(["-X", "importtime"] if importtime else []), "-m", "app.tooling",
                           *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.skipif(sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) < 2,
                    reason="a helper needs a second CPU")
def test_check_tokenizes_in_the_helper_and_says_what_one_process_says(tmp_path):
    po = write_po(tmp_path / "ja.po", HTML_ENTRIES + BROKEN)
    helped = run_tool("check", str(po), importtime=True)
    alone = run_tool("check", str(po), one_process=True, importtime=True)
    assert helped.stdout == alone.stdout and "unsafe-markup" in helped.stdout
    assert helped.returncode == alone.returncode
    # this process never imported justhtml: the helper did (its -X importtime lines go nowhere)
    assert "| justhtml\n" not in helped.stderr and "| justhtml\n" in alone.stderr
    assert [line for line in helped.stderr.splitlines() if not line.startswith("import time:")] == \
        [line for line in alone.stderr.splitlines() if not line.startswith("import time:")]


def test_compile_judges_a_large_catalog_in_a_child_and_refuses_or_writes_what_one_process_does(tmp_path):
    entries = "".join(f'#, python-format\nmsgid "Entry %(n)s {n}"\nmsgstr "項目 %(n)s {n}"\n\n'
                      for n in range(helper_process_threshold()))
    good = write_po(tmp_path / "good.po", entries)
    for one_process in (False, True):
        mo = tmp_path / f"good-{one_process}.mo"
        result = run_tool("compile", str(good), "-o", str(mo), one_process=one_process)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "good-False.mo").read_bytes() == (tmp_path / "good-True.mo").read_bytes()
    bad = write_po(tmp_path / "bad.po", entries + '#, python-format\nmsgid "%(n)s left"\nmsgstr "残り %(m)s"\n')
    outputs = []
    for one_process in (False, True):
        result = run_tool("compile", str(bad), "-o", str(tmp_path / "bad.mo"), one_process=one_process)
        assert result.returncode == 1 and not (tmp_path / "bad.mo").exists()
        outputs.append(result.stderr)
    assert outputs[0] == outputs[1] and "placeholder-mismatch" in outputs[0]


def helper_process_threshold() -> int:
    from app.tooling.compile import JUDGED_APART_FROM

    return JUDGED_APART_FROM


def test_a_helper_that_died_is_set_aside_and_the_text_tokenized_here(enabled):
    from justhtml import stream

    helper_process.start_tokenizer()
    assert helper_process.tokenize("<b>x</b>") == tuple(stream("<b>x</b>"))
    pid = helper_process._tokenizer[0]
    os.kill(pid, signal.SIGKILL)
    assert helper_process.tokenize("<i>y</i>") == tuple(stream("<i>y</i>"))
    assert helper_process._tokenizer is None


def test_after_max_requests_the_process_tokenizes_itself(enabled, monkeypatch):
    monkeypatch.setattr(helper_process, "MAX_REQUESTS", 3)
    helper_process.start_tokenizer()
    pid = helper_process._tokenizer[0]
    for n in range(5):
        assert helper_process.tokenize(f"<b>{n}</b>")[0] == ("start", ("b", {}))
    assert helper_process._tokenizer is None
    with pytest.raises(ChildProcessError):  # it ended, and was waited for
        os.waitpid(pid, os.WNOHANG)
    helper_process.start_tokenizer()  # and it is not started again
    assert helper_process._tokenizer is None


def test_work_in_a_child_returns_its_result_or_runs_here_when_the_child_fails(enabled):
    parent = os.getpid()
    assert helper_process.in_child(lambda: ("done", os.getpid() != parent))() == ("done", True)

    def dies() -> str:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return "here"

    assert helper_process.in_child(dies)() == "here"

    def fails() -> str:
        raise ValueError("the same error, here too")

    with pytest.raises(ValueError, match="here too"):
        helper_process.in_child(fails)()


def test_not_enabled_nothing_forks(monkeypatch):
    monkeypatch.setattr(helper_process, "_enabled", False)
    parent = os.getpid()
    assert helper_process.in_child(os.getpid)() == parent
    helper_process.start_tokenizer()
    assert helper_process._tokenizer is None


@pytest.mark.parametrize(("cpus", "one_process", "enabled"), [({0, 1}, None, True), ({0, 1}, "1", False),
                                                             ({0}, None, False)])
def test_enabled_with_a_second_cpu_unless_told_to_keep_to_one_process(monkeypatch, cpus, one_process, enabled):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: cpus)
    if one_process is None:
        monkeypatch.delenv("SITE_I18N_ONE_PROCESS", raising=False)
    else:
        monkeypatch.setenv("SITE_I18N_ONE_PROCESS", one_process)
    monkeypatch.setattr(helper_process, "_enabled", None)
    helper_process.enable()
    assert helper_process._enabled is enabled


def test_a_child_works_when_the_command_started_with_standard_streams_closed(tmp_path):
    """With stdin and stderr closed, os.pipe() hands out their numbers: the pipe must survive the child's
    /dev/null on its standard streams (found by a hostile try: compile wrote no .mo and said "Aborted!")."""
    entries = "".join(f'msgid "Entry {n}"\nmsgstr "項目 {n}"\n\n' for n in range(helper_process_threshold()))
    po, mo = write_po(tmp_path / "ja.po", entries), tmp_path / "ja.mo"
    env = {k: v for k, v in ENV.items() if k != "SITE_I18N_ONE_PROCESS"}
    result = subprocess.run(["sh", "-c", f'"{sys.executable}" -m app.tooling compile "{po}" -o "{mo}" <&- 2>&-'],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0 and "2000 translated" in result.stdout
    assert mo.read_bytes() == msgfmt(po)


def test_finish_stops_a_tokenizer_child_that_was_never_asked_anything(enabled):
    helper_process.start_tokenizer()
    pid = helper_process._tokenizer[0]
    helper_process.finish()
    assert helper_process._tokenizer is None
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
