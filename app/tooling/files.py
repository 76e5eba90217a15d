"""Reading and writing the project's files safely: only regular files are read, without blocking and within
a bound; a file is replaced atomically, never left half-written.

A catalog, a glossary or a side file is whatever git or another process put there: a FIFO would hang the
reader, /dev/zero would be read until memory runs out, a symlink may point anywhere. `read_regular` opens
without blocking (O_NONBLOCK), checks what it opened with fstat before reading a byte (no race between a
check and the open), optionally refuses a symlink (O_NOFOLLOW) and reads at most `limit` bytes.

The editor's side files (its lock file) are opened with `open_side_file`: created by the editor itself
(O_CREAT | O_EXCL | O_NOFOLLOW, 0600), or else a regular file of the server's user with one link; a
symlink, FIFO, device or directory in their place is refused, never followed.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
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


@dataclass(frozen=True)
class FileVersion:
    """Which file was read: the inode, size and mtime_ns it had when opened and the SHA-256 of what was read.
    Equal versions are the same bytes in the same file (a rewrite in place changes the digest, a replace the
    inode)."""

    inode: int
    size: int
    mtime_ns: int
    digest: str


def read_regular(path: Path, *, follow_symlinks: bool = True, limit: int | None = None) -> bytes:
    """The bytes of `path` if it is a regular file (of at most `limit` bytes); else RefusedFile. Other
    OSErrors (missing, permission denied, a symlink with `follow_symlinks=False`: ELOOP) pass through."""
    return _read(path, follow_symlinks, limit)[0]


def read_version(path: Path, *, follow_symlinks: bool = True, limit: int | None = None
                 ) -> tuple[bytes, FileVersion]:
    """`read_regular`, and the version of the file that was read."""
    data, info = _read(path, follow_symlinks, limit)
    return data, FileVersion(info.st_ino, info.st_size, info.st_mtime_ns, _digest(data))


def _digest(data: bytes) -> str:
    import hashlib  # here: OpenSSL's ~3 ms of start-up, which reading alone does not need

    return hashlib.sha256(data).hexdigest()


def _read(path: Path, follow_symlinks: bool, limit: int | None) -> tuple[bytes, os.stat_result]:
    """The bytes and the fstat of what was opened (read_regular's checks); no digest (a 20 MB catalog's
    SHA-256 is ~20 ms a command that only reads it does not need)."""
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
        return data, info
    finally:
        os.close(fd)


class UnsafeSideFile(RefusedFile):
    """Something other than a file the editor created is where its side file goes: refused, not followed."""


def open_side_file(path: Path) -> int:
    """A read-write descriptor of the side file `path` (the caller closes it): created here, 0600, when
    missing; an existing one only if it is a regular file of this user with a single link. Anything else
    (a symlink, even to a regular file; a FIFO; a device; a directory; a hard link to another file)
    raises UnsafeSideFile. Other OSErrors (a read-only directory: EROFS) pass through."""
    path = Path(path)
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise UnsafeSideFile(path, "is a symbolic link: refused") from None
        if err.errno == errno.EISDIR:
            raise UnsafeSideFile(path, "is a directory: refused") from None
        raise
    info = os.fstat(fd)
    problem = (None if stat.S_ISREG(info.st_mode) else f"is {_kind(info.st_mode)}, not a file: refused")
    problem = problem or (f"belongs to another user (uid {info.st_uid}): refused" if info.st_uid != os.getuid()
                          else f"has {info.st_nlink} links (a hard link): refused" if info.st_nlink != 1 else None)
    if problem:
        os.close(fd)
        raise UnsafeSideFile(path, problem)
    return fd


class FileChanged(Exception):
    """`atomic_write(..., unchanged=...)`: the file is no longer the version given; nothing was replaced."""


def atomic_write(path: Path, data: bytes, *, unchanged: FileVersion | None = None,
                 limit: int | None = None) -> FileVersion:
    """Replace `path` with `data` so readers see the old file or the new one, never a part of either;
    return the version written.

    `unchanged`: replace only if the file is still that version (read again, within `limit`, just before
    the rename), else raise FileChanged. The temporary file is removed whatever fails (ENOSPC, EROFS…).
    """
    info = _replace(Path(path), data, unchanged, limit)
    return FileVersion(info.st_ino, info.st_size, info.st_mtime_ns, _digest(data))


def write_atomically(path: Path, data: bytes) -> None:
    """atomic_write for a caller that keeps no version of what it wrote (`compile`): no SHA-256 of `data`
    (~12 ms for a 160,000-entry .mo, and hashlib's import)."""
    _replace(Path(path), data, None, None)


def _replace(path: Path, data: bytes, unchanged: FileVersion | None, limit: int | None) -> os.stat_result:
    """atomic_write's replacement; the fstat of the file written."""
    import tempfile  # here: ~4 ms of start-up (shutil, random...) a command that writes nothing does not need

    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
            info = os.fstat(tmp.fileno())
        # mkstemp creates 0600; keep the mode the file had, or the usual 0644 for a new one.
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp_name, mode)
        if unchanged is not None and read_version(path, follow_symlinks=False, limit=limit)[1] != unchanged:
            raise FileChanged(path)
        os.replace(tmp_name, path)
        return info
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
