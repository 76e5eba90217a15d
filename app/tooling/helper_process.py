"""The command line's second core: work a `check` or `compile` process hands to a forked child.

A CLI is judged as a whole process (issue 17), and two parts of one run wait on nothing the rest does:

- `tokenize`: importing justhtml takes ~75 ms (its package imports its parser, sanitizer and transforms, not
  only the tokenizer markup.py uses), a fifth of `check` on a 20,000-entry catalog. `start_tokenizer`,
  called once a catalog holding a "<" or "&" has been read, forks a child that imports it on the other
  core while this process parses the catalog, then tokenizes texts on request. A request is a round trip
  through two pipes (~0.1 ms on a 2-core VM, where a short text takes ~15 µs to tokenize), so after
  MAX_REQUESTS the process imports justhtml itself: a catalog full of HTML pays the import, as it did
  before, plus at most MAX_REQUESTS round trips (~7 ms).
- `in_child`: `compile` judges a large catalog in a child while it builds the `.mo` bytes.

Only in a process that called `enable()` (and has a second CPU): `cli.run`, the command line's own
single-threaded process, where forking is safe. The site, the editor, `flask --app app i18n ...` and
in-process callers do all the work themselves. The result is the same either way: a child that fails in any
way (it died, a pipe broke, it raised) is set aside and the work is done here, by the same code.
"""
from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable
from functools import cache
from typing import BinaryIO, TypeVar

T = TypeVar("T")
MAX_REQUESTS = 64

_enabled = False
_tokenizer: tuple[int, BinaryIO, BinaryIO] | None = None  # the child's pid, its requests and its answers
_requests = 0


def enable() -> None:
    """Let this process fork helpers: on Linux (macOS's system libraries are not safe to use in a child
    forked without exec) with a second CPU to run them on, unless SITE_I18N_ONE_PROCESS is set (to keep
    every step in one process: a profiler, a debugger)."""
    global _enabled
    _enabled = sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) > 1 \
        and not os.environ.get("SITE_I18N_ONE_PROCESS")


def _fork(child: Callable[[], None]) -> int:
    """Fork a child that runs `child` with no standard streams (the parent's output is the parent's) and
    ends without running any of the parent's exit code; the child's pid."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child's coverage is not collected: it ends with os._exit)
        status = 1
        try:
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            child()
            status = 0
        finally:
            os._exit(status)
    return pid


def _pipe() -> tuple[int, int]:
    """os.pipe(), its ends above the standard streams: where one of those was closed when the command
    started, os.pipe() would reuse its number, and the child's dup2 of /dev/null onto it would cut the pipe."""
    import fcntl  # (POSIX: only where enable() let the process fork)

    ends = os.pipe()
    if min(ends) > 2:
        return ends
    moved = tuple(fcntl.fcntl(end, fcntl.F_DUPFD_CLOEXEC, 3) for end in ends)
    for end in ends:
        os.close(end)
    return moved[0], moved[1]


def finish() -> None:
    """At the end of the command: a tokenizer child still importing justhtml (no text needed it after all:
    an unreadable catalog, a "<" only in comments) is stopped at once, not left to finish on its own."""
    global _tokenizer
    if _tokenizer is not None:
        try:
            os.kill(_tokenizer[0], signal.SIGKILL)
        except ProcessLookupError:
            pass
        _tokenizer = None


def _tokenized_here(source: str) -> tuple:
    from justhtml import stream  # ~75 ms of import: only where a catalog needs it

    return tuple(stream(source))


def _serve(requests: BinaryIO, answers: BinaryIO) -> None:  # pragma: no cover (runs in the child)
    import justhtml  # noqa: F401 (at once, while the parent is still reading the catalog)

    while True:
        try:
            source = pickle.load(requests)
        except EOFError:  # the parent is done
            return
        try:
            answer: tuple | None = _tokenized_here(source)
        except Exception:  # the parent tokenizes it itself, and meets the same error there
            answer = None
        pickle.dump(answer, answers, pickle.HIGHEST_PROTOCOL)
        answers.flush()


def start_tokenizer() -> None:
    """Fork the tokenizer child, once, in a process that enabled it."""
    global _tokenizer
    if not _enabled or _tokenizer is not None or _requests >= MAX_REQUESTS:
        return
    requests_read, requests_write = _pipe()
    answers_read, answers_write = _pipe()

    def child() -> None:  # pragma: no cover (runs in the child)
        os.close(requests_write)
        os.close(answers_read)
        _serve(os.fdopen(requests_read, "rb"), os.fdopen(answers_write, "wb"))

    pid = _fork(child)
    os.close(requests_read)
    os.close(answers_write)
    _tokenizer = (pid, os.fdopen(requests_write, "wb"), os.fdopen(answers_read, "rb"))


def _stop_tokenizer() -> None:
    global _tokenizer
    if _tokenizer is not None:
        pid, requests, answers = _tokenizer
        _tokenizer = None
        for stream in (requests, answers):
            try:
                stream.close()
            except OSError:
                pass
        os.waitpid(pid, 0)  # it ends at the end of its requests


def tokenize(source: str) -> tuple:
    """justhtml's `stream` events for `source`, from the tokenizer child while there is one."""
    global _requests
    if _tokenizer is not None:
        _requests += 1
        requests, answers = _tokenizer[1], _tokenizer[2]
        try:
            pickle.dump(source, requests, pickle.HIGHEST_PROTOCOL)
            requests.flush()
            answer = pickle.load(answers)
        except (OSError, EOFError, pickle.UnpicklingError):
            answer = None
            _stop_tokenizer()
        if _requests >= MAX_REQUESTS:
            _stop_tokenizer()
        if answer is not None:
            return answer
    return _tokenized_here(source)


def in_child(work: Callable[[], T]) -> Callable[[], T]:
    """Start `work` in a forked child, if this process enabled it; the returned function waits for its
    result (which must pickle), once. Without a child, or if the child fails, `work` runs in this process."""
    if not _enabled:
        return cache(work)
    read_end, write_end = _pipe()

    def child() -> None:  # pragma: no cover (runs in the child)
        os.close(read_end)
        with os.fdopen(write_end, "wb") as out:
            out.write(pickle.dumps(work(), pickle.HIGHEST_PROTOCOL))

    pid = _fork(child)
    os.close(write_end)

    @cache
    def result() -> T:
        with os.fdopen(read_end, "rb") as answer:
            data = answer.read()
        _, status = os.waitpid(pid, 0)
        if status == 0:  # (the child ends 0 only once it has written all of its result)
            return pickle.loads(data)
        return work()

    return result
