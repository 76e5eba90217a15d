"""Catalogs, templates and glossary.csv are read only as regular files inside their directory.

git stores symlinks: a catalog or glossary that is a symlink to /etc/passwd would otherwise put that file's
lines on the status page, in the log and in CI annotations. Such a file is refused with a short finding that
names neither the target nor its content. (pofile.read_po_file refuses FIFOs and devices by themselves.)
"""
from __future__ import annotations

import contextlib
import stat
from dataclasses import dataclass
from pathlib import Path

from .findings import Finding
from .pofile import UNREADABLE, CatalogError


def outside_problem(path: Path, directory: Path) -> str | None:
    """Why `path` must not be read as one of `directory`'s files, or None (also when it does not exist:
    callers say so their own way)."""
    path = Path(path)
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return "is a symlink to nothing: not read" if path.is_symlink() else None
    except (OSError, RuntimeError):  # a symlink loop
        return "is a symlink that cannot be resolved: not read"
    if not resolved.is_relative_to(Path(directory).resolve()):
        return f"is a symlink to a file outside {Path(directory).name}/: not read"
    if not stat.S_ISREG(resolved.stat().st_mode):
        return "is not a regular file: not read"
    return None


def refuse_outside(path: Path, directory: Path) -> None:
    """Raise CatalogError (an `unreadable` finding) when `outside_problem` says `path` must not be read."""
    problem = outside_problem(path, directory)
    if problem:
        raise CatalogError([Finding(str(path), 0, UNREADABLE, problem)])


@dataclass(frozen=True)
class ProjectPaths:
    root: Path
    babel_cfg: Path
    pot: Path
    translations_dir: Path
    templates_dir: Path

    @classmethod
    def from_config(cls, config) -> "ProjectPaths":
        """The paths a Flask app's config (PROJECT_ROOT, TRANSLATIONS_DIR, TEMPLATES_DIR) points at."""
        root = Path(config["PROJECT_ROOT"])
        translations = Path(config["TRANSLATIONS_DIR"])
        return cls(root=root, babel_cfg=root / "babel.cfg", pot=translations / "messages.pot",
                   translations_dir=translations, templates_dir=Path(config["TEMPLATES_DIR"]))


def shown_path(path, root: Path) -> str:
    """A path relative to the project root when it is inside it, as GitHub annotations and people want it.
    A relative path is already relative to the root (extraction reports paths that way)."""
    path = Path(path)
    if path.is_absolute():
        with contextlib.suppress(ValueError):
            return str(path.resolve().relative_to(Path(root).resolve()))
    return str(path)
