"""Reading and writing the project's files safely: only regular files are read, without blocking and within
a bound; a file is replaced atomically, never left half-written.

A catalog, a glossary or a side file is whatever git or another process put there: a FIFO would hang the
reader, /dev/zero would be read until memory runs out, a symlink may point anywhere. `read_regular` opens
without blocking (O_NONBLOCK), checks what it opened with fstat before reading a byte (no race between a
check and the open), optionally refuses a symlink (O_NOFOLLOW) and reads at most `limit` bytes.
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class RefusedFile(OSError):
    """Not read: a directory, a FIFO, a device or a socket, or larger than the caller's limit (`reason`)."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.reason = reason


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket or other file"


def read_regular(path: Path, *, follow_symlinks: bool = True, limit: int | None = None) -> bytes:
    """The bytes of `path` if it is a regular file (of at most `limit` bytes); else RefusedFile. Other
    OSErrors (missing, permission denied, a symlink with `follow_symlinks=False`: ELOOP) pass through."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= os.O_NOFOLLOW
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(Path(path), f"not a regular file ({_kind(info.st_mode)})")
        if limit is not None and info.st_size > limit:
            raise RefusedFile(Path(path), f"larger than {limit:,} bytes")
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read() if limit is None else file.read(limit + 1)
        if limit is not None and len(data) > limit:  # grew since fstat
            raise RefusedFile(Path(path), f"larger than {limit:,} bytes")
        return data
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so readers see the old file or the new one, never a part of either."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        # mkstemp creates 0600; keep the mode the file had, or the usual 0644 for a new one.
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
