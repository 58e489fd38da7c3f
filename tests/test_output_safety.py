"""A build writes and deletes nothing outside its output folder, and leaves a broken one alone.

Each test works on a copy of a repository (register, content, theme, settings, git) in a
temporary folder, and checks every file and folder of that copy, ``.git`` included.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import build, outputs
from generator.fingerprint import BuildRecord, output_signature
from tests.conftest import FIXTURE_REGISTER, ROOT
from tests.gitenv import GIT_ENV

PACKAGE = ROOT / "generator"


@pytest.fixture(scope="session")
def warm_cache(tmp_path_factory) -> Path:
    """One chart cache for every repository copy: builds here render each chart once."""
    return tmp_path_factory.mktemp("charts")


@pytest.fixture
def repo(tmp_path, warm_cache) -> Path:
    """A repository in ``tmp_path/work/repo``: register, content, theme, settings, git."""
    repo = tmp_path / "work" / "repo"
    shutil.copytree(FIXTURE_REGISTER, repo / "targets")
    shutil.copytree(ROOT / "content", repo / "content")
    shutil.copytree(ROOT / "theme", repo / "theme")
    (repo / "settings.py").write_text(
        f"import sys\nfrom pathlib import Path\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from pelicanconf import *\n"
        "TARGETS_PATH = str(Path(__file__).parent / 'targets')\n"
        "PATH = 'content'\nTHEME = 'theme'\n"
        f"CHART_CACHE_PATH = {str(warm_cache)!r}\n"
    )
    for command in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "x"]):
        subprocess.run(["git", *command], cwd=repo, env=GIT_ENV, check=True, capture_output=True)
    return repo


def tree(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (itself included): a file's hash, a link's target, 'dir'."""
    found = {}
    for path in [folder, *sorted(folder.rglob("*"))]:
        if "__pycache__" in path.parts:  # Python's, when it reads the settings file
            continue
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = "-> " + os.readlink(path)
        elif path.is_dir():
            found[name] = "dir"
        else:
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def cli(repo: Path, *args: str) -> subprocess.CompletedProcess:
    """The command line run in ``repo`` as staff would run it."""
    return subprocess.run(
        [sys.executable, "-m", "generator", "--settings", "settings.py", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
    )


def settings_of(repo: Path, **overrides) -> dict:
    return build.read_settings(repo / "settings.py", overrides)


def built(repo: Path, output: Path, force: bool = False, **overrides) -> build.BuildResult:
    """Build ``repo`` into ``output`` in this process."""
    return build.build(settings_of(repo, **overrides), output, force=force)


@pytest.mark.parametrize(
    ("output", "what"),
    [
        ("targets", "is the register (TARGETS_PATH)"),
        ("targets/2023", "lies inside the register (TARGETS_PATH)"),
        ("targets/../targets", "is the register (TARGETS_PATH)"),
        ("output/../content", "is the content folder (PATH)"),
        ("content/pages", "lies inside the content folder (PATH)"),
        ("theme", "is the theme (THEME)"),
        (".", "is the repository"),
        ("..", "contains the repository"),
        (".git", "is the repository's git folder"),
        (".git/objects", "lies inside the repository's git folder"),
        ("editions", "is the published editions (EDITIONS_PATH)"),
        ("editions/new", "lies inside the published editions (EDITIONS_PATH)"),
    ],
)
def test_an_output_over_the_sources_is_refused_before_anything_happens(repo, output, what):
    work = repo.parent
    before = tree(work)
    result = cli(repo, "build", "--output", output)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    message = result.stderr
    assert f"Error: --output {(repo / output).resolve()} {what}" in message
    assert f"build into a folder of its own, such as {repo / 'output'}" in message
    assert tree(work) == before


@pytest.mark.parametrize(("output", "what"), [(".", "is"), ("..", "contains")])
def test_without_git_the_settings_folder_is_the_repository(repo, output, what):
    shutil.rmtree(repo / ".git")
    before = tree(repo.parent)
    result = cli(repo, "build", "--output", output)
    assert result.returncode == 1
    assert f"--output {(repo / output).resolve()} {what} the repository" in result.stderr
    assert tree(repo.parent) == before


def test_a_linked_output_is_judged_by_where_it_leads(repo):
    (repo / "site").symlink_to("targets", target_is_directory=True)
    before = tree(repo.parent)
    result = cli(repo, "build", "--output", "site")
    assert result.returncode == 1
    assert f"--output {repo / 'targets'} is the register (TARGETS_PATH)" in result.stderr
    assert tree(repo.parent) == before


@pytest.mark.parametrize(
    ("output", "what"),
    [
        (PACKAGE, "is the portal's own code"),
        (PACKAGE / "locale", "lies inside the portal's own code"),
        (ROOT, "is the repository"),
        (ROOT.parent, "contains the repository"),
        (Path("/"), "contains the repository"),
    ],
)
def test_the_portal_and_its_repository_are_never_an_output(output, what):
    # Judged without building: a mistake here must not be able to delete the portal itself.
    settings = build.read_settings(ROOT / "pelicanconf.py")
    with pytest.raises(outputs.OutputError) as error:
        outputs.check_paths(output, settings)
    assert f"--output {output.resolve()} {what}" in str(error.value)


def test_an_output_inside_the_portal_code_is_refused(repo):
    output = PACKAGE / "h1-test-site"
    try:
        with pytest.raises(outputs.OutputError, match="lies inside the portal's own code"):
            built(repo, output)
        assert not output.exists()
        assert not list(PACKAGE.glob("h1-test-site*"))
    finally:  # only if the check failed: leave the package as it was
        for leftover in PACKAGE.glob("h1-test-site*"):
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()


def test_a_chart_cache_in_the_register_is_refused(repo):
    (repo / "settings.py").write_text(
        (repo / "settings.py").read_text() + "CHART_CACHE_PATH = 'targets/cache'\n"
    )
    before = tree(repo.parent)
    result = cli(repo, "build", "--output", "output")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        f"Error: CHART_CACHE_PATH {repo / 'targets' / 'cache'} lies inside the register "
        f"(TARGETS_PATH) at {repo / 'targets'}: set it to a folder of its own, such as "
        ".cache/charts"
    ) in result.stderr
    assert tree(repo.parent) == before


def test_an_output_that_is_a_file_is_left_alone(repo):
    (repo / "site").write_text("my notes\n")
    before = tree(repo.parent)
    for _ in range(2):  # and the next build says the same, not "failed unexpectedly"
        result = cli(repo, "build", "--output", "site")
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert (
            f"Error: --output {repo / 'site'} is a file, not a folder: move or delete it, "
            "or build into another folder"
        ) in result.stderr
        assert tree(repo.parent) == before


def test_an_output_below_a_file_is_refused(repo):
    before = tree(repo.parent)
    result = cli(repo, "build", "--output", "settings.py/site")
    assert result.returncode == 1
    assert (
        f"Error: --output {repo / 'settings.py' / 'site'} lies below {repo / 'settings.py'}, "
        "which is a file, not a folder"
    ) in result.stderr
    assert tree(repo.parent) == before


def test_a_lock_file_that_is_a_link_is_not_followed(repo):
    (repo / "output.lock").symlink_to(repo.parent / "elsewhere")
    before = tree(repo.parent)
    result = cli(repo, "build", "--output", "output")
    assert result.returncode == 1
    assert f"Error: cannot make {repo / 'output.lock'} (" in result.stderr
    assert tree(repo.parent) == before  # and nothing was made where it leads


def test_a_folder_that_is_not_a_site_is_not_replaced(repo):
    (repo / "notes").mkdir()
    (repo / "notes" / "draft.md").write_text("unsaved work\n")
    before = tree(repo.parent)
    result = cli(repo, "build", "--output", "notes")
    assert result.returncode == 1
    assert (
        f"Error: --output {repo / 'notes'} holds files that are not a site built by the "
        "portal (it has no data/targets.json), and building would delete them"
    ) in result.stderr
    assert tree(repo.parent) == before


@contextlib.contextmanager
def undeletable(folder: Path):
    """Make the entries of ``folder`` impossible to delete, as a read-only folder is."""
    if os.geteuid() == 0:  # root deletes from read-only folders: mark it immutable instead
        subprocess.run(["chattr", "+i", str(folder)], check=True)
        undo = ["chattr", "-i", str(folder)]
    else:
        folder.chmod(0o555)
        undo = ["chmod", "755", str(folder)]
    try:
        with pytest.raises(PermissionError):  # the test means nothing unless this holds
            (folder / "probe").write_text("")
        yield
    finally:
        subprocess.run(undo, check=True)


def test_a_previous_site_that_cannot_be_deleted_is_left_as_it_was(repo):
    output = repo / "output"
    built(repo, output)
    record = output.with_name("output.last-build.json").read_text()
    with undeletable(output / "charts"):
        before = tree(repo.parent)
        with pytest.raises(outputs.OutputError) as error:
            built(repo, output, force=True)
        assert tree(repo.parent) == before
    message = str(error.value)
    assert f"{output / 'charts'} cannot be emptied" in message
    assert f"chmod -R u+w {output}" in message and "then build again" in message
    assert output.with_name("output.last-build.json").read_text() == record


def test_a_running_build_of_the_same_folder_refuses_a_second(repo):
    from filelock import FileLock

    output = repo / "output"
    built(repo, output)
    before = tree(repo.parent)
    lock = FileLock(output.with_name("output.lock"))
    with lock.acquire(blocking=False), pytest.raises(outputs.OutputError) as error:
        built(repo, output, force=True)
    assert tree(repo.parent) == before
    assert (
        f"another build of {output} is running (it holds {output}.lock): wait for it to "
        "finish, or build into another folder"
    ) in str(error.value)
    assert not built(repo, output, force=True).unchanged  # the lock was all that stopped it


def test_leftovers_of_a_killed_build_are_cleared_by_the_next(repo):
    output = repo / "output"
    built(repo, output)
    # What a build killed with SIGKILL leaves: its lock file (no longer locked: the kernel
    # let go of it), its staging folder and the previous site it had not yet deleted.
    output.with_name("output.lock").write_text("")
    shutil.copytree(output, repo / "output.building-k1ll3d_1")
    shutil.copytree(output, repo / "output.previous-k1ll3d_2")
    mine = repo / "output.building-notes.txt"  # not a name a build makes
    mine.write_text("keep me\n")
    assert not built(repo, output, force=True).unchanged
    assert not (repo / "output.building-k1ll3d_1").exists()
    assert not (repo / "output.previous-k1ll3d_2").exists()
    assert mine.read_text() == "keep me\n"
    assert (output / "index.html").is_file()


def test_a_build_killed_between_the_two_renames_gets_its_site_back(repo):
    output = repo / "output"
    built(repo, output)
    site = tree(output)
    output.rename(repo / "output.previous-k1ll3d_3")  # killed after the first rename
    bad = repo / "targets" / "2023" / "FX-ACH.yaml"
    bad.write_text(bad.read_text().replace("due: 2025-Q2", "due: 2025-Q5"))
    from generator.register.errors import RegisterError

    with pytest.raises(RegisterError):
        built(repo, output)
    assert tree(output) == site
    assert not (repo / "output.previous-k1ll3d_3").exists()


def test_the_record_is_written_only_after_the_swap(repo, monkeypatch):
    output = repo / "output"
    built(repo, output)
    site = tree(output)

    def fail(staging, output):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs, "swap_in", fail)
    with pytest.raises(build.BuildError, match="No space left on device"):
        built(repo, output, force=True)
    monkeypatch.undo()
    assert tree(output) == site
    assert not output.with_name("output.last-build.json").exists()
    assert not list(repo.glob("output.building-*"))
    again = built(repo, output)
    assert not again.unchanged  # the failed build was not taken for a complete one
    record = json.loads(output.with_name("output.last-build.json").read_text())
    assert record["output"] == output_signature(output)


def test_bookkeeping_lives_beside_the_output_and_nowhere_else(repo):
    before = set(tree(repo.parent))
    built(repo, repo / "site")
    added = set(tree(repo.parent)) - before
    assert {p for p in added if not p.startswith("repo/site/")} == {
        "repo/site", "repo/site.lock", "repo/site.last-build.json",
    }  # fmt: skip
    assert BuildRecord(repo / "site").path == repo / "site.last-build.json"


def test_clean_deletes_the_site_and_its_bookkeeping_but_not_during_a_build(repo):
    from filelock import FileLock

    output = repo / "output"
    before = tree(repo.parent)
    built(repo, output)
    (repo / "output.building-k1ll3d_4").mkdir()
    lock = FileLock(output.with_name("output.lock"))
    with lock.acquire(blocking=False), pytest.raises(outputs.OutputError, match="another build"):
        outputs.clean(output)
    assert (output / "index.html").is_file()
    outputs.clean(output)
    assert tree(repo.parent) == before
