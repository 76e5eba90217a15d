"""files.py: the regular-file guard (no FIFO, device, directory; optionally no symlink; a bound) and
atomic writes."""
from __future__ import annotations

import errno
import os

import pytest

from app.tooling import files
from app.tooling.files import RefusedFile, atomic_write, read_regular


def test_a_regular_file_is_read(tmp_path):
    path = tmp_path / "messages.po"
    path.write_bytes(b"msgid \"\"\n")
    assert read_regular(path) == b"msgid \"\"\n"
    assert read_regular(path, limit=9) == b"msgid \"\"\n"


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "messages.po"
    os.mkfifo(fifo)  # no writer: a blocking open or read would hang here
    with pytest.raises(RefusedFile) as refused:
        read_regular(fifo)
    assert refused.value.reason == "not a regular file (a FIFO)"


@pytest.mark.parametrize("path, kind", [("/dev/zero", "a device"), ("/", "a directory")])
def test_a_device_or_directory_is_refused(path, kind):
    with pytest.raises(RefusedFile, match=kind):
        read_regular(path)


def test_a_file_over_the_limit_is_refused(tmp_path):
    path = tmp_path / "messages.po.valid"
    path.write_bytes(b"x" * 11)
    with pytest.raises(RefusedFile, match="larger than 10 bytes"):
        read_regular(path, limit=10)


def test_a_symlink_is_followed_only_when_asked(tmp_path):
    target = tmp_path / "elsewhere"
    target.write_bytes(b"secret")
    link = tmp_path / "messages.po.lock"
    link.symlink_to(target)
    assert read_regular(link) == b"secret"
    with pytest.raises(OSError) as refused:
        read_regular(link, follow_symlinks=False)
    assert refused.value.errno == errno.ELOOP


def test_a_missing_file_is_an_ordinary_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_regular(tmp_path / "missing.po")



def test_atomic_write_replaces_content_and_leaves_no_temp(tmp_path):
    target = tmp_path / "messages.mo"
    target.write_bytes(b"old")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["messages.mo"]


def test_atomic_write_new_file_is_world_readable(tmp_path):
    target = tmp_path / "messages.mo"
    atomic_write(target, b"x")
    assert target.stat().st_mode & 0o777 == 0o644


def test_atomic_write_keeps_existing_mode(tmp_path):
    target = tmp_path / "messages.po"
    target.write_bytes(b"old")
    target.chmod(0o664)
    atomic_write(target, b"new")
    assert target.stat().st_mode & 0o777 == 0o664


def test_interrupted_rename_keeps_old_file_and_removes_temp(tmp_path, monkeypatch):
    target = tmp_path / "messages.mo"
    target.write_bytes(b"old complete file")

    def crash(src, dst):
        raise OSError("disk gone")

    monkeypatch.setattr(files.os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old complete file"
    assert [p.name for p in tmp_path.iterdir()] == ["messages.mo"]


def test_interrupted_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "messages.mo"

    def crash(fd):
        raise KeyboardInterrupt  # e.g. Ctrl-C between write and rename

    monkeypatch.setattr(files.os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"half")
    assert list(tmp_path.iterdir()) == []


def test_a_side_file_is_created_0600_by_the_caller_and_reopened(tmp_path):
    side = tmp_path / "messages.po.lock"
    os.close(files.open_side_file(side))
    assert side.stat().st_mode & 0o777 == 0o600
    os.close(files.open_side_file(side))  # its own regular file: opened again


@pytest.mark.parametrize("make, reason", [
    (lambda p, t: p.symlink_to(t), "symbolic link"),
    (lambda p, t: p.symlink_to("/dev/zero"), "symbolic link"),
    (lambda p, t: os.mkfifo(p), "FIFO"),
    (lambda p, t: p.mkdir(), "directory"),
    (lambda p, t: os.link(t, p), "hard link"),
])
def test_anything_else_in_a_side_files_place_is_refused(tmp_path, make, reason):
    target = tmp_path / "target"
    target.write_bytes(b"keep")
    side = tmp_path / "messages.po.lock"
    make(side, target)
    with pytest.raises(files.UnsafeSideFile, match=reason):
        files.open_side_file(side)
    assert target.read_bytes() == b"keep"


def test_atomic_write_replaces_only_the_version_read(tmp_path):
    target = tmp_path / "messages.po"
    target.write_bytes(b"one")
    data, version = files.read_version(target)
    target.write_bytes(b"two")  # someone else, in between
    with pytest.raises(files.FileChanged):
        atomic_write(target, b"three", unchanged=version)
    assert target.read_bytes() == b"two" and [p.name for p in tmp_path.iterdir()] == ["messages.po"]
    written = atomic_write(target, b"three", unchanged=files.read_version(target)[1])
    assert files.read_version(target)[1] == written


def test_atomic_write_removes_its_temp_file_on_a_full_disk(tmp_path, monkeypatch):
    target = tmp_path / "messages.po"
    target.write_bytes(b"old")

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(files.os, "fsync", no_space)
    with pytest.raises(OSError) as failed:
        atomic_write(target, b"new")
    assert failed.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["messages.po"]
