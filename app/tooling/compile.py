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
from functools import cache
from itertools import accumulate
from pathlib import Path

from babel.messages.catalog import Catalog

from .checks import check_catalog
from .files import write_atomically
from .findings import ERROR, Finding
from .helper_process import in_child
from .pofile import CatalogError, gc_paused, messages, read_po_file


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
    write_atomically(path, data)
    return True


MO_MAGIC = 0x950412DE
# Entries from which compile judges a catalog in a child process while it builds the bytes: below, the
# fork costs about what it saves.
JUDGED_APART_FROM = 2_000


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
      msgid_plural after), so a page never shows an empty string; no system dependent strings (Python's
      gettext reads only the static ones).

    A c-format entry with ISO C 99 `<PRIu64>`-style directives (or glibc's 'I' flag) is written as msgfmt
    writes it: a "system dependent" string of a revision-1 file (below). One difference, on purpose: where
    nothing is left to write, msgfmt writes no file (an old .mo would go on serving); this is the empty .mo.
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
    keys: list[str] = []
    values: list[str] = []
    add_key, add_value = keys.append, values.append
    c_formats = []  # (index in keys, msgctid, msgid_plural) of c-format entries with a directive
    header = _memory_header(catalog) if header is None else header
    if header:
        add_key("")
        add_value(_without_pot_creation_date(header))
    for message in messages(catalog):  # every entry but the header Babel builds
        string = message.string
        flags = message.flags
        if not string or "fuzzy" in flags:
            continue
        msgid = message.id
        plural = None
        if type(msgid) is str:
            assert isinstance(string, str)  # a singular entry's msgstr is one string (read_po_file's entries)
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
            key, plural = f"{msgid[0]}\0{msgid[1]}", msgid[1]
        context = message.context
        # a system dependent directive is `%<PRI...>` or (in a msgstr) glibc's 'I' flag: none without those
        if not fill and ("c-format" in flags or "possible-c-format" in flags) and ("%" in key or "%" in string) \
                and ("<" in key or "<" in string or "I" in string):
            c_formats.append((len(keys), msgid if plural is None else msgid[0], plural, context))
        add_key(key if context is None else f"{context}\x04{key}")
        add_value(string)
    sysdep = _sysdep_entries(keys, values, c_formats, charset) if c_formats else []
    if sysdep:
        moved = {index for index, *_ in sysdep}
        keys = [key for index, key in enumerate(keys) if index not in moved]
        values = [value for index, value in enumerate(values) if index not in moved]
    # keys are unique (duplicates are errors): strcmp's order is the bytes' order
    key_bytes = [key.encode(charset) for key in keys]
    order = sorted(range(len(key_bytes)), key=key_bytes.__getitem__)  # (sorting (key, value) pairs is 5x slower)
    key_bytes = [key_bytes[index] for index in order]
    value_bytes = [values[index].encode(charset) for index in order]
    count = len(key_bytes)
    size = _hash_size(count + len(sysdep)) if hash_table or sysdep else 0
    table = array("I", bytes(16 * count))
    tables_end = (12 if sysdep else 7) * 4 + 16 * count + 4 * size
    if sysdep:
        segments, pieces = _sysdep_segments(sysdep)
        tables_end += 8 * len(segments) + 8 * len(sysdep) + sum(4 + 8 * len(p) for p in pieces)
    start = tables_end
    for column, column_strings in enumerate((key_bytes, value_bytes)):
        lengths = array("I", map(len, column_strings))
        offsets = array("I", accumulate(map((1).__add__, lengths), initial=start))
        table[2 * count * column:2 * count * (column + 1):2] = lengths
        table[2 * count * column + 1:2 * count * (column + 1):2] = offsets[:-1]
        start = offsets[-1]
    if size:
        table.extend(_hash_table([key.partition(b"\0")[0] for key in key_bytes], size))
    strings = b"\0".join((*key_bytes, *value_bytes)) + b"\0" if count else b""
    if sysdep:
        major = 1 if b"I" in segments else 0  # libintl before 0.15 crashes on the 'I' flag: a new major revision
        header_fields = (MO_MAGIC, (major << 16) + 1, count, 48, 48 + 8 * count, size, 48 + 16 * count,
                         len(segments), 48 + 16 * count + 4 * size, len(sysdep),
                         48 + 16 * count + 4 * size + 8 * len(segments),
                         48 + 16 * count + 4 * size + 8 * len(segments) + 4 * len(sysdep))
        tail, strings = _sysdep_tables(segments, pieces, sysdep, header_fields[11] + 4 * len(sysdep), start, strings)
        table.extend(tail)
        head = struct.pack("<12I", *header_fields)
    else:
        head = struct.pack("<7I", MO_MAGIC, 0, count, 7 * 4, 7 * 4 + 8 * count, size, 7 * 4 + 16 * count)
    if sys.byteorder != "little":
        table.byteswap()
    return b"".join((head, table.tobytes(), strings))


# msgfmt's "system dependent strings" (write-mo.c, .mo minor revision 1): in a c-format entry, ISO C 99
# <inttypes.h> directives (`%<PRIu64>`) and glibc's 'I' flag (in a msgstr) are cut out of the strings into a
# table of segments, which libintl fills in for the C library it runs on. Where format-c-parse.h finds them:
# only in a string it parses as a valid c-format string (formats.parse_c, the same rules), at byte offsets.
SEGMENTS_END = 0xFFFFFFFF


def _sysdep_intervals(data: bytes, translated: bool) -> list[tuple[int, int]]:
    from .formats import FormatError, parse_c

    text = data.decode("latin-1")  # one character a byte: the offsets are the bytes' (directives are ASCII)
    try:
        parse_c(text, translated)
    except FormatError:
        return []
    intervals, i, length = [], 0, len(text)

    def digits(i: int) -> int:
        while i < length and "0" <= text[i] <= "9":
            i += 1
        return i

    def argument_number(i: int) -> int:
        end = digits(i)
        return end + 1 if end > i and text[end:end + 1] == "$" else i

    while (start := text.find("%", i)) >= 0:
        i = argument_number(start + 1)
        while i < length and (text[i] in " +-#0'" or (translated and text[i] == "I")):
            if text[i] == "I":
                intervals.append((i, i + 1))
            i += 1
        for precision in (False, True):
            if precision:
                if text[i:i + 1] != ".":
                    break
                i += 1
            i = argument_number(i + 1) if text[i:i + 1] == "*" else digits(i)
        if text[i:i + 1] == "<":
            end = text.index(">", i) + 1
            intervals.append((i, end))
            i = end
        else:
            while i < length and text[i] in "hlLqjzZt":
                i += 1
            i += 1
    return intervals


def _sysdep_entries(keys: list[str], values: list[str], c_formats: list, charset: str) -> list:
    """(index in keys, msgctid bytes with its NUL, msgid_plural bytes with its NUL or b"", msgstr bytes with
    its NUL, msgctid's intervals, msgstr's intervals) of the entries with system dependent directives."""
    entries = []
    for index, msgid, plural, context in c_formats:
        prefix = b"" if context is None else context.encode(charset) + b"\x04"
        id_intervals = [(start + len(prefix), end + len(prefix))
                        for start, end in _sysdep_intervals(msgid.encode(charset), False)]
        msgstr = values[index].encode(charset) + b"\0"
        str_intervals, offset = [], 0
        for form in msgstr[:-1].split(b"\0"):
            str_intervals += [(start + offset, end + offset) for start, end in _sysdep_intervals(form, True)]
            offset += len(form) + 1
        if id_intervals or str_intervals:
            entries.append((index, prefix + msgid.encode(charset) + b"\0",
                            b"" if plural is None else plural.encode(charset) + b"\0", msgstr,
                            id_intervals, str_intervals))
    return entries


def _sysdep_segments(sysdep: list) -> tuple[list[bytes], list[list[tuple[bytes, int]]]]:
    """The segment names in order of first use (`<PRIu64>` as PRIu64), and each string's pieces: (bytes,
    index of the segment after them, or SEGMENTS_END) — every msgctid first, then every msgstr."""
    segments: list[bytes] = []
    per_entry = []
    for _, msgctid, _, msgstr, id_intervals, str_intervals in sysdep:
        both = []
        for data, intervals in ((msgctid, id_intervals), (msgstr, str_intervals)):
            pieces, last = [], 0
            for start, end in intervals:
                name = data[start:end]
                if len(name) >= 2 and name[:1] == b"<" and name[-1:] == b">":
                    name = name[1:-1]
                if name not in segments:
                    segments.append(name)
                pieces.append((data[last:start], segments.index(name)))
                last = end
            pieces.append((data[last:], SEGMENTS_END))
            both.append(pieces)
        per_entry.append(both)
    return segments, [entry[0] for entry in per_entry] + [entry[1] for entry in per_entry]


def _sysdep_tables(segments: list[bytes], pieces: list, sysdep: list, descriptors_start: int, start: int,
                   strings: bytes) -> tuple[array, bytes]:
    """write_table's third and fourth passes for revision 1: the segment table, the two offset tables, the
    string descriptors; and the strings after the static ones (segment names, then the pieces)."""
    table = array("I")
    data = [strings]
    for name in segments:
        table.extend((len(name) + 1, start))
        data.append(name + b"\0")
        start += len(name) + 1
    descriptor = descriptors_start
    for string_pieces in pieces:
        table.append(descriptor)
        descriptor += 4 + 8 * len(string_pieces)
    plurals = [plural for _, _, plural, *_ in sysdep] + [b""] * len(sysdep)
    for string_pieces, plural in zip(pieces, plurals, strict=False):
        table.append(start)
        for number, (piece, reference) in enumerate(string_pieces):
            last = number == len(string_pieces) - 1
            table.extend((len(piece) + (len(plural) if last else 0), reference))
            data.append(piece)
            start += len(piece)
        data.append(plural)
        start += len(plural)
    return table, b"".join(data)


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
    similar length so little is padding, and of at most 1,024 keys so the ints stay in the CPU's cache (20%
    faster at 160k entries). Same arithmetic, lane by lane; no carry crosses a lane (values stay below
    2**33)."""
    count = len(keys)
    if count < 256:
        return [_hashpjw(key) for key in keys]
    hashes = [0] * count
    order = sorted(range(count), key=list(map(len, keys)).__getitem__)
    start = 0
    while start < count:
        limit = len(keys[order[start]]) * 5 // 4 + 8
        end = start + 1
        while end < count and end - start < 1024 and len(keys[order[end]]) <= limit:
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
        for index, hashed in zip(group, values, strict=False):
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

        def errors() -> list[Finding]:
            # (markup outside the site's pages is only ever a warning: not judged, no HTML tokenizer imported)
            findings = pofile.findings + check_catalog(pofile.catalog, po_path, pofile=pofile, newstyle=html,
                                                       markup_warnings=False)
            return [f for f in findings if f.severity == ERROR]

        # a large catalog is judged on the other core while its bytes are built (helper_process)
        judged = in_child(errors) if len(pofile.catalog) >= JUDGED_APART_FROM else cache(errors)
        try:
            data = pofile_mo_bytes(pofile, hash_table=hash_table)
        except Exception:
            if not judged():  # a catalog's errors are the answer, where its bytes cannot be built
                raise
        refused = judged()
    if refused:
        raise CatalogError(refused)
    write_atomically(Path(mo_path), data)
    return pofile.catalog
