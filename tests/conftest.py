"""Shared fixtures: real site builds into temporary folders."""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import build

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_REGISTER = ROOT / "tests" / "fixtures" / "register"
SAMPLE_REGISTER = ROOT / "targets"


def build_site(register: Path, output: Path, force=False, **overrides) -> build.BuildResult:
    """Build the site from ``register`` into ``output`` with the project's settings."""
    settings = build.read_settings(
        ROOT / "pelicanconf.py", {"TARGETS_PATH": str(register), **overrides}
    )
    return build.build(settings, output, force=force)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The small fixture register, built once per test run."""
    output = tmp_path_factory.mktemp("fixture") / "output"
    build_site(FIXTURE_REGISTER, output)
    return output


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The shipped sample register, built once per test run."""
    output = tmp_path_factory.mktemp("sample") / "output"
    build_site(SAMPLE_REGISTER, output)
    return output


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project's settings, schema and sample register."""
    shutil.copytree(SAMPLE_REGISTER, tmp_path / "targets")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    (tmp_path / "settings.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"TARGETS_PATH = {str(tmp_path / 'targets')!r}\n"
        f"PATH = {str(ROOT / 'content')!r}\nTHEME = {str(ROOT / 'theme')!r}\n"
    )
    return tmp_path


def run(project: Path, *args: str, settings: Path | None = None) -> subprocess.CompletedProcess:
    """Run the command line on ``project`` as staff would."""
    settings = settings or project / "settings.py"
    return subprocess.run(
        [sys.executable, "-m", "generator", "--settings", str(settings), *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )


def added_lines(before: str, after: str) -> list[str]:
    """The lines ``after`` inserts into ``before``; every line of ``before`` stays as it was."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    opcodes = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    assert all(op in ("equal", "insert") for op, *_ in opcodes), "an existing line changed"
    return [
        line.rstrip("\n") for op, _, _, j1, j2 in opcodes if op == "insert" for line in new[j1:j2]
    ]
