"""The register: find, load and validate every target file under ``targets/``.

Validation reports every problem in one run, each as ``file:line: field: message``,
and nothing is returned until the whole register is valid.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import validation
from .errors import Problem, RegisterError
from .model import Target
from .quarters import Quarter
from .yamldoc import load_document


def display_path(path: Path) -> str:
    """Show ``path`` relative to the working folder when it is inside it."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def register_files(directory: Path) -> tuple[list[Path], list[Problem]]:
    """Return the register's ``*.yaml`` files in a stable order, and misnamed files."""
    if not directory.is_dir():
        return [], [Problem(display_path(directory), None, "", "register folder not found")]
    files = sorted(directory.rglob("*.yaml"), key=lambda p: p.as_posix())
    misnamed = sorted(directory.rglob("*.yml"), key=lambda p: p.as_posix())
    problems = [
        Problem(display_path(p), None, "", "register files must end in .yaml, not .yml")
        for p in misnamed
    ]
    return [p for p in files if p.is_file()], problems


def load_register(
    directory: Path | str,
    *,
    reporting_quarter: Quarter | None = None,
    default_lang: str = "en",
) -> list[Target]:
    """Load and validate every target under ``directory``, sorted by id.

    ``reporting_quarter`` is the REPORTING_QUARTER setting: no progress may be
    reported after it. Raises ``RegisterError`` listing every problem found.
    """
    files, problems = register_files(Path(directory))
    targets: list[Target] = []
    for path in files:
        target, found = read_target(path, default_lang, reporting_quarter)
        problems += found
        if target is not None:
            targets.append(target)
    problems += check_unique_ids(targets)
    if not files and not problems:
        problems.append(Problem(display_path(Path(directory)), None, "", "no *.yaml files"))
    if problems:
        raise RegisterError(problems)
    return sorted(targets, key=lambda t: t.id)


def read_target(
    path: Path, default_lang: str = "en", reporting_quarter: Quarter | None = None
) -> tuple[Target | None, list[Problem]]:
    """Read one target file; return the target (``None`` if invalid) and its problems."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(shown, None, "", f"cannot read file: {exc.strerror}")]
    doc, problems = load_document(shown, raw)
    if doc is None:
        return None, problems
    target, found = validation.build_target(doc, path.stem, default_lang, reporting_quarter)
    problems += found
    return (target if not problems else None), problems


def check_unique_ids(targets: list[Target]) -> list[Problem]:
    """Every id is used once; ids differing only in case count as the same."""
    problems = []
    seen: dict[str, Target] = {}
    for target in sorted(targets, key=lambda t: t.source_path):
        key = target.id.lower()
        # Ids are URL slugs: ids differing only in case collide on case-blind file systems.
        if key in seen:
            other = seen[key].source_path
            problems.append(
                Problem(target.source_path, None, "id", f"{target.id!r} is already used by {other}")
            )
        seen.setdefault(key, target)
    return problems
