"""Compile `.po` catalogs to `.mo`, atomically, refusing catalogs with errors.

Differences from `pybabel compile`, on purpose: a catalog with checker errors gets no new `.mo` (pybabel
writes one anyway and exits 1), and a catalog whose header is marked fuzzy is compiled like msgfmt does
(pybabel skips it silently with exit 0). A refused catalog keeps its previous `.mo` untouched (the site
never reads it; `check --mo` reports it as stale once the catalog's errors are fixed).
"""
from __future__ import annotations

import struct
import sys
from array import array
from pathlib import Path

from babel.messages.catalog import Catalog

from .checks import check_catalog
from .files import atomic_write
from .findings import ERROR
from .pofile import CatalogError, gc_paused, read_po_file


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


MO_MAGIC = 0x950412DE


def mo_bytes(catalog: Catalog) -> bytes:
    """The catalog as GNU `.mo` bytes (the format of the gettext manual, "The Format of GNU MO Files"):
    fuzzy and untranslated entries left out, the same bytes every time, in time linear in the catalog.

    Babel's write_mo appends to one bytes object per entry (quadratic: 160k entries took 16 s); this
    joins once. The bytes are write_mo's, without a hash table, except where write_mo is wrong: keys are
    sorted as bytes, context included (GNU libintl binary-searches them; write_mo sorts by msgid, then
    context), and a plural entry with every form empty is untranslated and left out (write_mo writes
    the English msgids as its "translation", so a refused one-form plural showed the singular for n=3).
    """
    with gc_paused():  # hundreds of thousands of new bytes objects, no cycles: see pofile.gc_paused
        return _mo_bytes(catalog)


def _mo_bytes(catalog: Catalog) -> bytes:
    charset = catalog.charset
    pairs = []
    for message in catalog:  # the header entry first, always kept (msgfmt compiles a fuzzy header too)
        string = message.string or ""  # None (Catalog.add's default): untranslated, as for Babel's write_mo
        if message.id:
            if message.fuzzy or not (string if isinstance(string, str) else any(string)):
                continue
        if isinstance(message.id, (tuple, list)):
            key = "\0".join(message.id)
            # write_mo fills an empty form with the msgid (singular for form 0, plural after)
            string = "\0".join(form or message.id[min(index, 1)] for index, form in enumerate(string))
        else:
            key = message.id
            assert isinstance(string, str)  # Babel gives only a plural entry a tuple of forms
        if message.context:
            key = f"{message.context}\x04{key}"
        pairs.append((key.encode(charset), string.encode(charset)))
    pairs.sort(key=lambda pair: pair[0])
    count = len(pairs)
    keys_start = 7 * 4 + 16 * count
    values_start = keys_start + sum(len(key) + 1 for key, _ in pairs)
    table = array("I")
    for column, start in ((0, keys_start), (1, values_start)):
        for pair in pairs:
            table.append(len(pair[column]))
            table.append(start)
            start += len(pair[column]) + 1
    if sys.byteorder != "little":
        table.byteswap()
    header = struct.pack("<7I", MO_MAGIC, 0, count, 7 * 4, 7 * 4 + 8 * count, 0, 0)
    return b"".join((header, table.tobytes(), *(key + b"\0" for key, _ in pairs),
                     *(value + b"\0" for _, value in pairs)))


def compile_catalog(po_path: Path, mo_path: Path, *, html: bool = True) -> Catalog:
    """Read `po_path` strictly and write `mo_path` atomically, or raise CatalogError and write nothing.

    Refused: syntax errors, and every error `check` reports on the header (plural forms) or on an entry
    that would go into the `.mo` (placeholder mismatch, whatever verdict.refusal refuses). Warnings pass.
    `html`: a catalog of the project's own templates (HTML, newstyle gettext), as `check` treats them.
    """
    with gc_paused():
        pofile = read_po_file(Path(po_path))
        findings = pofile.findings + check_catalog(pofile.catalog, po_path, pofile=pofile, newstyle=html)
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        raise CatalogError(errors)
    atomic_write(Path(mo_path), mo_bytes(pofile.catalog))
    return pofile.catalog
