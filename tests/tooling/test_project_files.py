"""project_files.py: a catalog or glossary is read only as a regular file inside its directory."""
from __future__ import annotations

import pytest

from app.tooling.pofile import CatalogError
from app.tooling.project_files import outside_problem, refuse_outside


def test_a_regular_file_or_a_link_inside_is_read(tmp_path):
    (tmp_path / "messages.po").write_text("")
    (tmp_path / "link.po").symlink_to(tmp_path / "messages.po")
    assert outside_problem(tmp_path / "messages.po", tmp_path) is None
    assert outside_problem(tmp_path / "link.po", tmp_path) is None
    assert outside_problem(tmp_path / "missing.po", tmp_path) is None  # callers say "missing" their own way


def test_links_outside_dangling_or_looping_and_non_files_are_refused(tmp_path):
    inside = tmp_path / "translations"
    inside.mkdir()
    (tmp_path / "secret").write_text("root:x:0:0")
    (inside / "out.po").symlink_to(tmp_path / "secret")
    (inside / "dangling.po").symlink_to(tmp_path / "nothing")
    (inside / "loop.po").symlink_to(inside / "loop.po")
    (inside / "dir.po").mkdir()
    assert "outside translations/" in outside_problem(inside / "out.po", inside)
    assert "to nothing" in outside_problem(inside / "dangling.po", inside)
    assert "cannot be resolved" in outside_problem(inside / "loop.po", inside)
    assert "not a regular file" in outside_problem(inside / "dir.po", inside)
    with pytest.raises(CatalogError) as refused:
        refuse_outside(inside / "out.po", inside)
    assert "root:x" not in str(refused.value) and "secret" not in str(refused.value)
