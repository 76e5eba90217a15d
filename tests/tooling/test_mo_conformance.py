"""`.mo` bytes against GNU msgfmt's, live, on every file of GNU gettext's own test inputs msgfmt compiles.

The inputs are ../shared/testdata/gnu-gettext-tests/suite (or GNU_GETTEXT_TESTS, as test_conformance.py);
without them the module is skipped with the reason. `make conformance` runs it and prints the figures.

Files msgfmt writes with "system dependent" strings (a c-format entry with `%<PRIu64>`-style directives or
the 'I' flag: a revision-1 file) are counted apart, and compared byte for byte like the others. Where msgfmt
writes no file at all (nothing left to write: no header, every entry untranslated or fuzzy), `compile`
writes an empty `.mo` instead, so an old one cannot keep serving stale translations (README.md,
"Conformance with GNU msgfmt").
"""
from __future__ import annotations

import os
import struct
import subprocess
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.tooling.compile import pofile_mo_bytes
from app.tooling.pofile import CatalogError, read_po_file


# GNU gettext's test inputs, as tests/tooling/test_conformance.py finds them (GNU_GETTEXT_TESTS, else
# ../shared/testdata/gnu-gettext-tests beside the project).
SUITE = Path(os.environ.get("GNU_GETTEXT_TESTS")
             or Path(PROJECT_ROOT).parent / "shared" / "testdata" / "gnu-gettext-tests") / "suite"
FILES = sorted(SUITE.glob("*.po")) if SUITE.is_dir() else []
ENV = {"LC_ALL": "C", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}

pytestmark = pytest.mark.conformance
EMPTY_MO = struct.pack("<10I", 0x950412DE, 0, 0, 28, 28, 3, 28, 0, 0, 0)


def msgfmt(path: Path, out: Path, *options: str) -> bytes | None:
    if out.exists():
        out.unlink()
    result = subprocess.run(["msgfmt", *options, "-o", str(out), str(path)], capture_output=True, env=ENV,
                            timeout=60)
    return out.read_bytes() if result.returncode == 0 and out.exists() else b"" if result.returncode == 0 \
        else None


@pytest.mark.skipif(not FILES, reason=f"GNU gettext's test inputs not found at {SUITE} (set GNU_GETTEXT_TESTS)")
def test_mo_bytes_equal_msgfmts_on_gnus_suite(tmp_path):
    out = tmp_path / "msgfmt.mo"
    same, empty, sysdep, rejected, different = 0, 0, [], 0, []
    for path in FILES:
        reference = msgfmt(path, out)
        if reference is None:
            rejected += 1
            continue
        try:
            pofile = read_po_file(path)
        except CatalogError as err:
            different.append(f"{path.name}: msgfmt compiles it, we cannot read it: {err}")
            continue
        data = pofile_mo_bytes(pofile)
        if reference == b"":
            empty += 1
            if data != EMPTY_MO:
                different.append(f"{path.name}: nothing to write, but not the empty .mo")
        elif data != reference:
            different.append(f"{path.name}: bytes differ")
        elif pofile_mo_bytes(pofile, hash_table=False) != msgfmt(path, out, "--no-hash"):
            different.append(f"{path.name}: --no-hash bytes differ")
        else:
            same += 1
            if struct.unpack_from("<I", reference, 4)[0] != 0:
                sysdep.append(path.name)
    print(f"\n.mo bytes on {len(FILES)} GNU test inputs: {same} byte-identical with and without the hash "
          f"table ({len(sysdep)} of them with system dependent strings), {empty} where msgfmt writes no file "
          f"(ours: the empty .mo), {rejected} msgfmt rejects, {len(different)} different"
          + "".join(f"\n  {line}" for line in different))
    assert different == []
    assert same + empty + rejected == len(FILES) and len(sysdep) >= 10


def system_catalogs(limit: int = 200) -> list[Path]:
    """Up to `limit` of the installed packages' .mo files (every language, many with plurals and contexts),
    spread evenly over the sorted list."""
    found = sorted(Path("/usr/share/locale").glob("*/LC_MESSAGES/*.mo"))
    return found[::max(1, len(found) // limit)][:limit]


@pytest.mark.skipif(not system_catalogs(), reason="no .mo files under /usr/share/locale")
def test_mo_bytes_equal_msgfmts_on_the_systems_catalogs(tmp_path):
    """Real catalogs of many projects and languages: the installed .mo files, turned back into .po files by
    msgunfmt, then compiled by msgfmt and by us. (msgunfmt's .po files have no comments or flags: this
    exercises the writer more than the reader.)"""
    out = tmp_path / "msgfmt.mo"
    same, different = 0, []
    for number, mo in enumerate(system_catalogs()):
        po = tmp_path / f"{number}.po"
        if subprocess.run(["msgunfmt", "-o", str(po), str(mo)], capture_output=True, env=ENV).returncode:
            continue
        reference = msgfmt(po, out)
        if reference is None:
            continue
        pofile = read_po_file(po)
        if pofile_mo_bytes(pofile) != reference or pofile_mo_bytes(pofile, hash_table=False) != msgfmt(
                po, out, "--no-hash"):
            different.append(str(mo))
        else:
            same += 1
    print(f"\n.mo bytes on {same + len(different)} installed catalogs (msgunfmt, then msgfmt): {same} "
          f"byte-identical with and without the hash table" + "".join(f"\n  {line}" for line in different))
    assert different == [] and same >= min(50, len(system_catalogs()) // 2)
