"""The staff commands read files as the register does: no pipe, link or leftover is opened."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import FIXTURE_REGISTER, ROOT
from tests.test_file_reading import bounded

SETTINGS = """import sys
sys.path.insert(0, {root!r})
from pelicanconf import *
TARGETS_PATH = {targets!r}
PATH = {content!r}
THEME = {theme!r}
"""


@pytest.fixture
def project(tmp_path):
    shutil.copytree(FIXTURE_REGISTER, tmp_path / "targets")
    (tmp_path / "settings.py").write_text(
        SETTINGS.format(
            root=str(ROOT),
            targets=str(tmp_path / "targets"),
            content=str(ROOT / "content"),
            theme=str(ROOT / "theme"),
        )
    )
    return tmp_path


def cli(project, *args):
    import sys

    return bounded(
        [sys.executable, "-m", "generator", "--settings", str(project / "settings.py"), *args],
        cwd=project,
    )


def test_a_pipe_given_as_the_csv_is_refused_not_read(project):
    pipe = project / "updates.csv"
    os.mkfifo(pipe)
    result = cli(project, "import-progress", "--csv", str(pipe), "--dry-run")
    assert result.returncode == 1, result.stderr
    assert "updates.csv" in result.stderr and "not a regular file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_copy_in_a_hidden_folder_is_not_taken_for_the_target(project):
    original = next((project / "targets").rglob("*.yaml"))
    backup = project / "targets" / ".backup"
    backup.mkdir()
    shutil.copy(original, backup / original.name)
    before = (backup / original.name).read_bytes()
    result = cli(
        project, "report", "--id", original.stem, "--quarter", "2026-Q3", "--percent", "50"
    )
    # One file, the real one, is edited (or refused on its merits): the leftover is untouched.
    assert "more than one file" not in result.stderr
    assert (backup / original.name).read_bytes() == before


@pytest.mark.parametrize("make", ["fifo", "link_outside"])
def test_a_pipe_or_link_in_the_content_folder_is_refused_before_pelican_opens_it(project, make):
    from tests.contentdir import content_with

    content = content_with(project)
    hazard = content / "pages" / "notes.md"
    if make == "fifo":
        os.mkfifo(hazard)
    else:
        hazard.symlink_to("/etc/hostname")
    settings = project / "settings.py"
    settings.write_text(settings.read_text() + f"PATH = {str(content)!r}\n")
    for command in ("validate", "build"):
        result = cli(project, command, *(["--output", str(project / "out")] * (command == "build")))
        assert result.returncode == 1, result.stdout + result.stderr
        assert "notes.md" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "out").exists()
