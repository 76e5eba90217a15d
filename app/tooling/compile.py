"""Compile `.po` catalogs to `.mo`, atomically, refusing catalogs with errors.

Differences from `pybabel compile`, on purpose: a catalog with checker errors gets no new `.mo` (pybabel
writes one anyway and exits 1), and a catalog whose header is marked fuzzy is compiled like msgfmt does
(pybabel skips it silently with exit 0). A refused catalog keeps its previous `.mo` untouched, so that
file stays older than the `.po` and the stale-mo check can see it is out of date.
"""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from .checks import check_catalog
from .findings import ERROR
from .pofile import CatalogError, read_po_file


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


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically write `data` unless the file already holds exactly it; True when written.

    Keeps mtimes (and so make, editors and the site's reload) quiet when a command changes nothing.
    """
    path = Path(path)
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write(path, data)
    return True


def mo_bytes(catalog: Catalog) -> bytes:
    """The catalog as GNU `.mo` bytes: fuzzy and untranslated entries left out, the same bytes every time."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalog(po_path: Path, mo_path: Path, *, html: bool = True) -> Catalog:
    """Read `po_path` strictly and write `mo_path` atomically, or raise CatalogError and write nothing.

    Refused: syntax errors, and every error `check` reports on the header (plural forms) or on an entry
    that would go into the `.mo` (placeholder mismatch, whatever verdict.refusal refuses). Warnings pass.
    `html`: a catalog of the project's own templates (HTML, newstyle gettext), as `check` treats them.
    """
    pofile = read_po_file(Path(po_path))
    findings = check_catalog(pofile.catalog, po_path, pofile=pofile, newstyle=html)
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        raise CatalogError(errors)
    atomic_write(Path(mo_path), mo_bytes(pofile.catalog))
    return pofile.catalog
