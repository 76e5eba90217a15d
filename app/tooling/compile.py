"""Compile `.po` catalogs to `.mo`, atomically, refusing catalogs with errors.

Differences from `pybabel compile`, on purpose: a catalog with checker errors gets no new `.mo` (pybabel
writes one anyway and exits 1), and a catalog whose header is marked fuzzy is compiled like msgfmt does
(pybabel skips it silently with exit 0). A refused catalog keeps its previous `.mo` untouched (the site
never reads it; `check --mo` reports it as stale once the catalog's errors are fixed).
"""
from __future__ import annotations

import os
import struct
import sys
import tempfile
from array import array
from itertools import accumulate, islice
from operator import itemgetter
from pathlib import Path

from babel.messages.catalog import Catalog

from .checks import check_catalog
from .findings import ERROR
from .pofile import CatalogError, gc_paused, read_po_file


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


MO_MAGIC = 0x950412DE


def mo_bytes(catalog: Catalog, header: str | None = None, *, charset: str | None = None,
             hash_table: bool = True, english_for_empty_forms: bool = False) -> bytes:
    """The catalog as GNU `msgfmt -o` writes it, byte for byte (gettext 0.21's write-mo.c, msgfmt.c), from
    the catalog alone: no clock, no environment.

    - `header`: the header entry's msgstr as the .po has it (`PoFile.header_text`; "" when the file has
      none). msgfmt writes it as written, less its `POT-Creation-Date:` line (msgl-header.c's
      message_list_delete_header_field, for reproducible builds). None: a catalog built in memory (the
      editor's preview), given a header of the fields gettext reads (Language, charset, Plural-Forms).
    - `charset`: the codec the strings are encoded back to (`PoFile.charset`: the one they were read
      with, so the bytes are the file's); default the catalog's.
    - Entries as msgfmt_frob_new_message keeps them: fuzzy ones left out (not a fuzzy header), and every
      entry whose msgstr (msgstr[0] for a plural) is empty, the header too. A plural's later empty forms
      are written empty. Keys (msgctxt EOT msgid) sorted as strcmp sorts them; then msgfmt's hash table
      (`hash_table=False` is `msgfmt --no-hash`).
    - `english_for_empty_forms`: what the site serves instead (catalogs.py, the editor's preview): an
      entry is kept when any form is translated, an empty form filled with the English (msgid for form 0,
      msgid_plural after), so a page never shows an empty string.

    Not written: msgfmt's "system dependent" strings (c-format entries with <PRIu64>-style directives,
    .mo minor revision 1); those entries are written as plain strings (README, "Conformance").
    """
    with gc_paused():  # hundreds of thousands of new bytes objects, no cycles: see pofile.gc_paused
        return _mo_bytes(catalog, header, charset or catalog.charset, hash_table, english_for_empty_forms)


def pofile_mo_bytes(pofile, *, hash_table: bool = True) -> bytes:
    """`msgfmt -o` of a strictly read .po (pofile.PoFile): its own header, its own charset."""
    return mo_bytes(pofile.catalog, pofile.header_text if pofile.header_line else "", charset=pofile.charset,
                    hash_table=hash_table)


def _memory_header(catalog: Catalog) -> str:
    language = f"Language: {catalog.locale_identifier}\n" if catalog.locale_identifier else ""
    return (f"{language}MIME-Version: 1.0\nContent-Type: text/plain; charset={catalog.charset}\n"
            f"Content-Transfer-Encoding: 8bit\nPlural-Forms: {catalog.plural_forms}\n")


def _without_pot_creation_date(header: str) -> str:
    """msgl-header.c's message_list_delete_header_field(mlp, "POT-Creation-Date:"): the first line that
    starts with the name (case as written), with its newline."""
    name = "POT-Creation-Date:"
    if header.startswith(name):
        start = 0
    else:
        start = header.find("\n" + name)
        if start < 0:
            return header
        start += 1
    end = header.find("\n", start)
    return header[:start] + ("" if end < 0 else header[end + 1:])


def _mo_bytes(catalog: Catalog, header: str | None, charset: str, hash_table: bool, fill: bool) -> bytes:
    keys, values = [], []
    add_key, add_value = keys.append, values.append
    header = _memory_header(catalog) if header is None else header
    if header:
        add_key("")
        add_value(_without_pot_creation_date(header))
    for message in islice(catalog, 1, None):  # every entry but the header Babel builds
        string = message.string
        if not string or "fuzzy" in message.flags:
            continue
        msgid = message.id
        if type(msgid) is str:
            key = msgid
        else:
            if fill:
                if not any(string):
                    continue
                string = "\0".join(form or msgid[min(index, 1)] for index, form in enumerate(string))
            else:
                if not string[0]:
                    continue
                string = "\0".join(string)
            key = f"{msgid[0]}\0{msgid[1]}"
        context = message.context
        add_key(key if context is None else f"{context}\x04{key}")
        add_value(string)
    # keys are unique (duplicates are errors): strcmp's order is the bytes' order
    keys = [key.encode(charset) for key in keys]
    order = sorted(range(len(keys)), key=keys.__getitem__)  # (sorting (key, value) pairs is 5x slower)
    keys = [keys[index] for index in order]
    values = [values[index].encode(charset) for index in order]
    count = len(keys)
    size = _hash_size(count) if hash_table else 0
    table = array("I", bytes(16 * count))
    start = 7 * 4 + 16 * count + 4 * size
    for column, strings in enumerate((keys, values)):
        lengths = array("I", map(len, strings))
        offsets = array("I", accumulate(map((1).__add__, lengths), initial=start))
        table[2 * count * column:2 * count * (column + 1):2] = lengths
        table[2 * count * column + 1:2 * count * (column + 1):2] = offsets[:-1]
        start = offsets[-1]
    if size:
        table.extend(_hash_table([key.partition(b"\0")[0] for key in keys], size))
    if sys.byteorder != "little":
        table.byteswap()
    head = struct.pack("<7I", MO_MAGIC, 0, count, 7 * 4, 7 * 4 + 8 * count, size, 7 * 4 + 16 * count)
    strings = b"\0".join((*keys, *values)) + b"\0" if count else b""
    return b"".join((head, table.tobytes(), strings))


# msgfmt's hash table (write-mo.c, write_table): size the next prime >= 4/3 of the entries (at least 3),
# open addressing with double hashing on hashpjw (gettext-runtime/intl/hash-string.c). A key's hash stops
# at its first NUL: msgctxt EOT msgid, without msgid_plural.

def _hash_size(count: int) -> int:
    """next_prime(count * 4 / 3) as gnulib-local/lib/mem-hash-map.c computes it (its is_prime calls 1
    prime and 3 not), and at least 3."""
    seed = (count * 4 // 3) | 1
    while True:
        divisor, square = 3, 9
        while square < seed and seed % divisor:
            divisor += 1
            square += 4 * divisor
            divisor += 1
        if seed % divisor:
            break
        seed += 2
    return max(seed, 3)


def _hash_table(keys: list[bytes], size: int) -> array:
    table = array("I", bytes(4 * size))
    for index, value in enumerate(_hashes(keys), 1):
        slot = value % size
        if table[slot]:
            step = 1 + value % (size - 2)
            while True:
                slot = slot - (size - step) if slot >= size - step else slot + step
                if not table[slot]:
                    break
        table[slot] = index
    return table


def _hashpjw(key: bytes) -> int:
    value = 0
    for byte in key:
        value = ((value << 4) + byte) & 0xFFFFFFFF
        top = value & 0xF0000000
        if top:
            value ^= top ^ (top >> 24)
    return value


def _hashes(keys: list[bytes]) -> list[int]:
    """hashpjw of every key. One byte at a time in Python is ~140 ns a byte (3 s for a 160k-entry
    catalog), so large catalogs run it on many keys at once: each key a 40-bit lane of one big int, one
    column of bytes per step (keys right-aligned: leading NULs leave hashpjw at 0), in groups of keys of
    similar length so little is padding. Same arithmetic, lane by lane; no carry crosses a lane (values
    stay below 2**33)."""
    count = len(keys)
    if count < 256:
        return [_hashpjw(key) for key in keys]
    hashes = [0] * count
    order = sorted(range(count), key=lambda index: len(keys[index]))
    start = 0
    while start < count:
        limit = len(keys[order[start]]) * 5 // 4 + 8
        end = start + 1
        while end < count and len(keys[order[end]]) <= limit:
            end += 1
        group = order[start:end]
        width, lanes = len(keys[group[-1]]), len(group)
        padded = b"".join(keys[index].rjust(width, b"\0") for index in group)
        low32 = int.from_bytes(b"\xff\xff\xff\xff\x00" * lanes, "little")
        top4 = int.from_bytes(b"\x00\x00\x00\xf0\x00" * lanes, "little")
        column = bytearray(5 * lanes)
        value = 0
        for position in range(width):
            column[0::5] = padded[position::width]
            value = ((value << 4) + int.from_bytes(column, "little")) & low32
            top = value & top4
            value ^= top ^ (top >> 24)
        raw = value.to_bytes(5 * lanes, "little")
        packed = bytearray(4 * lanes)
        for byte in range(4):
            packed[byte::4] = raw[byte::5]
        values = array("I")
        values.frombytes(packed)
        if sys.byteorder != "little":
            values.byteswap()
        for index, hashed in zip(group, values):
            hashes[index] = hashed
        start = end
    return hashes


def compile_catalog(po_path: Path, mo_path: Path, *, html: bool = True, hash_table: bool = True) -> Catalog:
    """Read `po_path` strictly and write `mo_path` atomically, or raise CatalogError and write nothing.

    Refused: syntax errors, and every error `check` reports on the header (plural forms) or on an entry
    that would go into the `.mo` (placeholder mismatch, whatever verdict.refusal refuses). Warnings pass.
    `html`: a catalog of the project's own templates (HTML, newstyle gettext), as `check` treats them.
    `hash_table=False`: `msgfmt --no-hash`.
    """
    with gc_paused():
        pofile = read_po_file(Path(po_path))
        findings = pofile.findings + check_catalog(pofile.catalog, po_path, pofile=pofile, newstyle=html)
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        raise CatalogError(errors)
    atomic_write(Path(mo_path), pofile_mo_bytes(pofile, hash_table=hash_table))
    return pofile.catalog
