"""Only regular files inside the register are read, by every reader alike.

A link, a device, a named pipe or a socket in the register is a problem naming its path,
and is never opened; loops and very deep trees never hang; editor leftovers and hidden
files are ignored by the validator, the fingerprint and the git readers alike.

Every case that could hang or fill the memory on a regression runs in a child process
bounded in time and memory, so that it fails the test instead of stalling the suite or
exhausting the shared machine.
"""

from __future__ import annotations

import os
import resource
import shutil
import socket
import stat
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from generator.assess.corrections import corrections_log
from generator.assess.gitrefs import sources_at_ref
from generator.fingerprint import input_fingerprint
from generator.register.errors import RegisterError
from generator.register.loader import load_register
from generator.register.names import load_glossary
from tests.conftest import FIXTURE_REGISTER, ROOT
from tests.gitenv import GIT_ENV

TIMEOUT = 60  # seconds; every refusal below takes a second or two
MEMORY = 3 * 1024**3  # bytes of address space for a child: reading /dev/zero hits it fast
LINK_WORDS = "git keeps only the link, so the published record could not follow it"

VALIDATE = """\
import sys
from generator.register.errors import RegisterError
from generator.register.loader import load_register
try:
    targets = load_register(sys.argv[1], reporting_quarter=None, default_lang="en")
    print(f"valid: {len(targets)} targets")
except RegisterError as exc:
    print(exc)
    sys.exit(1)
"""
FINGERPRINT = """\
import sys
from pathlib import Path
from generator.fingerprint import input_fingerprint
print(input_fingerprint({}, [Path(a) for a in sys.argv[1:]]))
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def bounded(args: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``args`` bounded in time and memory; a hang fails the test."""
    try:
        return subprocess.run(
            args,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            preexec_fn=_limit_memory,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{args[1:]} was still running after {TIMEOUT} s: it hangs")


def validate_in_child(register: Path) -> subprocess.CompletedProcess:
    """``load_register`` run in a bounded child process."""
    return bounded([sys.executable, "-c", VALIDATE, str(register)])


def fingerprint_in_child(*folders: Path) -> subprocess.CompletedProcess:
    """``input_fingerprint`` run in a bounded child process."""
    return bounded([sys.executable, "-c", FINGERPRINT, *map(str, folders)])


@pytest.fixture
def register(tmp_path) -> Path:
    """A writable copy of the fixture register (7 targets in 2023/ and 2024/)."""
    folder = tmp_path / "targets"
    shutil.copytree(FIXTURE_REGISTER, folder)
    return folder


# --- The hazards: each makes one entry in a register and returns its path and words -------


def linked_bureau_folder(register: Path) -> tuple[Path, str]:
    real = register.parent / "elsewhere-2024"
    (register / "2024").rename(real)
    (register / "2024").symlink_to(real, target_is_directory=True)
    return register / "2024", f"a link to a folder ('{real}'): {LINK_WORDS}"


def linked_file_inside(register: Path) -> tuple[Path, str]:
    # Even a link to a file of the register itself: git would keep only the link.
    (register / "2023" / "FX-ON.yaml").symlink_to("../2024/FX-ON.yaml")
    words = f"a link to '../2024/FX-ON.yaml', not the file itself: {LINK_WORDS}"
    return register / "2023" / "FX-ON.yaml", words


def link_to_dev_zero(register: Path) -> tuple[Path, str]:
    (register / "README.txt").symlink_to("/dev/zero")
    return register / "README.txt", f"a link to '/dev/zero', not the file itself: {LINK_WORDS}"


def device_node(register: Path) -> tuple[Path, str]:
    path = register / "2024" / "ZERO.yaml"
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers
    return path, "a device, not a regular file"


def named_pipe(register: Path) -> tuple[Path, str]:
    path = register / "2024" / "x.yaml"
    os.mkfifo(path)
    return path, "a named pipe (FIFO), not a regular file"


def unix_socket(register: Path) -> tuple[Path, str]:
    path = register / "2024" / "S.yaml"
    here = Path.cwd()
    os.chdir(path.parent)  # a socket's address is short: bind it by its bare name
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(path.name)
        sock.close()
    finally:
        os.chdir(here)
    return path, "a socket, not a regular file"


def link_to_parent(register: Path) -> tuple[Path, str]:
    (register / "2024" / "up").symlink_to("..", target_is_directory=True)
    return register / "2024" / "up", f"a link to a folder ('..'): {LINK_WORDS}"


def links_to_each_other(register: Path) -> tuple[Path, str]:
    (register / "a").symlink_to("b")
    (register / "b").symlink_to("a")
    return register / "a", "not a readable file (a broken link?)"


HAZARDS = [
    linked_bureau_folder,
    linked_file_inside,
    link_to_dev_zero,
    device_node,
    named_pipe,
    unix_socket,
    link_to_parent,
    links_to_each_other,
]


@pytest.mark.parametrize("hazard", HAZARDS, ids=lambda h: h.__name__)
def test_the_validator_refuses_it_naming_the_path(register, hazard):
    path, words = hazard(register)
    done = validate_in_child(register)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{path}: {words}" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize("hazard", HAZARDS, ids=lambda h: h.__name__)
def test_the_fingerprint_finishes_without_opening_it(register, hazard, tmp_path):
    hazard(register)
    content = tmp_path / "site" / "content"  # the same in the hand-written content
    shutil.copytree(FIXTURE_REGISTER, content)
    hazard(content)
    done = fingerprint_in_child(register, content)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip()) == 64


def test_a_linked_folder_is_not_followed_by_the_fingerprint(register, tmp_path):
    # The validator refuses the link: the fingerprint must not read behind it either.
    linked_bureau_folder(register)
    behind = register.parent / "elsewhere-2024" / "FX-ON.yaml"
    before = input_fingerprint({}, [register])
    behind.write_text(behind.read_text().replace("value: 300", "value: 310"))
    assert input_fingerprint({}, [register]) == before


def test_adding_a_refused_entry_changes_the_fingerprint(register):
    # The build hashes before it validates: an unchanged hash would skip the refusal.
    before = fingerprint_in_child(register).stdout
    named_pipe(register)
    after = fingerprint_in_child(register)
    assert after.returncode == 0 and after.stdout != before


def test_a_very_deep_tree_is_refused_not_walked_forever(register):
    deep = register.joinpath(*["d"] * 60)
    deep.mkdir(parents=True)
    shutil.copy(register / "2024" / "FX-ON.yaml", deep / "FX-DEEP.yaml")
    done = validate_in_child(register)
    assert done.returncode == 1
    assert "folders nested more than 32 deep: move its files nearer the top" in done.stdout
    assert "FX-DEEP" not in done.stdout


RACE = """\
import os, sys
from pathlib import Path
from generator.register.files import read_file
swapped, regular = Path(sys.argv[1]), Path(sys.argv[2])
real_lstat = os.lstat
# The check sees the regular file that was there; by the time it is opened, it was swapped.
os.lstat = lambda p, *a, **k: real_lstat(regular if Path(p) == swapped else p, *a, **k)
print(read_file(swapped, 1_000_000))
"""


@pytest.mark.parametrize(
    ("swap", "words"),
    [
        (os.mkfifo, "the file was replaced while it was read: run the command again"),
        (lambda p: p.symlink_to("/dev/zero"), "a link to '/dev/zero', not the file itself"),
    ],
    ids=["swapped for a pipe", "swapped for a link"],
)
def test_a_file_swapped_after_its_check_is_still_refused_unread(register, swap, words):
    swapped = register / "2024" / "SWAP.yaml"
    swap(swapped)
    done = bounded(
        [sys.executable, "-c", RACE, str(swapped), str(register / "2024" / "FX-ON.yaml")]
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("(None, ") and words in done.stdout


# --- Editor leftovers and hidden files --------------------------------------------------------

LEFTOVERS = [
    ".#FX-ON.yaml",
    "FX-ON.yaml~",
    ".FX-ON.yaml.swp",
    "#FX-ON.yaml#",
    ".DS_Store",
    ".git/FX-ON.yaml",
    ".backup/FX-ON.yaml",
]


def add_leftovers(folder: Path) -> None:
    """Editor leftovers beside FX-ON.yaml: garbage, or copies that would clash by id."""
    for name in LEFTOVERS:
        path = folder / "2024" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text("id: FX-ON\ngarbage: [\n" if "#" in name else "id: FX-ON\n")


def test_editor_leftovers_are_ignored_by_the_validator(register):
    add_leftovers(register)
    # A link or a pipe under a leftover's name is never looked at either.
    (register / "2024" / ".#FX-RISK.yaml").symlink_to("/dev/zero")
    os.mkfifo(register / "2024" / "FX-RISK.yaml~")
    done = validate_in_child(register)
    assert done.stdout == "valid: 7 targets\n", done.stdout


def test_a_yml_file_is_still_an_error(register):
    (register / "2024" / "FX-NEW.yml").write_text("id: FX-NEW\n")
    with pytest.raises(RegisterError, match="FX-NEW.yml: register files must end in .yaml"):
        load_register(register, reporting_quarter=None, default_lang="en")


def test_editor_leftovers_do_not_change_the_fingerprint(register):
    before = input_fingerprint({}, [register])
    add_leftovers(register)
    assert input_fingerprint({}, [register]) == before


def sparse_file(path: Path, size: int = 2_000_000) -> None:
    """A file of ``size`` zero bytes that takes no disk space."""
    with open(path, "wb") as file:
        file.truncate(size)


# --- Size limits before any read --------------------------------------------------------------


def test_the_fingerprint_streams_a_large_content_file(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    sparse_file(content / "video.bin", 40 * 1024 * 1024)
    tracemalloc.start()
    try:
        first = input_fingerprint({}, [content])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024
    with open(content / "video.bin", "r+b") as big:
        big.seek(20 * 1024 * 1024)
        big.write(b"x")
    assert input_fingerprint({}, [content]) != first


# --- The names glossary -----------------------------------------------------------------------


def glossary_in_child(content: Path) -> subprocess.CompletedProcess:
    code = (
        "import sys\nfrom generator.register.errors import RegisterError\n"
        "from generator.register.names import load_glossary\n"
        "try:\n    print(load_glossary(sys.argv[1], ('en', 'zh-Hant')))\n"
        "except RegisterError as exc:\n    print(exc)\n    sys.exit(1)\n"
    )
    return bounded([sys.executable, "-c", code, str(content)])


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.symlink_to("/dev/zero"), "a link to '/dev/zero', not the file itself"),
        (os.mkfifo, "a named pipe (FIFO), not a regular file"),
        (sparse_file, "file is larger than 1000000 bytes"),
    ],
    ids=["link to /dev/zero", "named pipe", "too large"],
)
def test_a_glossary_that_is_not_a_small_regular_file_is_refused(tmp_path, make, words):
    path = tmp_path / "names.zh-Hant.yaml"
    make(path)
    done = glossary_in_child(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{path}: {words}" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_a_missing_glossary_is_still_no_glossary(tmp_path):
    assert load_glossary(tmp_path, ("en", "zh-Hant")) == {}


# --- The git readers: corrections log and change summary ------------------------------------


def git(repo: Path, *args: str) -> str:
    """Run git in the temporary repository ``repo``."""
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=GIT_ENV, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A git repository holding the fixture register, committed once."""
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE_REGISTER, repo / "targets")
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "publish")
    return repo


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


def test_the_change_summary_ignores_committed_leftovers(repo):
    clean = sources_at_ref(repo, "main", repo / "targets")
    add_leftovers(repo / "targets")
    commit(repo, "leftovers")
    assert [s.shown for s in sources_at_ref(repo, "main", repo / "targets")] == [
        s.shown for s in clean
    ]


def test_the_corrections_log_ignores_edits_to_committed_leftovers(repo):
    leftover = repo / "targets" / "2024" / ".backup" / "FX-ON.yaml"
    leftover.parent.mkdir()
    shutil.copy(repo / "targets" / "2024" / "FX-ON.yaml", leftover)
    commit(repo, "a hidden copy")
    leftover.write_text(leftover.read_text().replace("value: 300", "value: 310"))
    commit(repo, "the hidden copy edited")
    assert corrections_log(repo / "targets", "en") == []


def test_a_too_large_file_at_the_base_ref_is_refused_unread(repo):
    huge = repo / "targets" / "2024" / "HUGE.yaml"
    huge.write_bytes(b"#" * 2_000_000)
    commit(repo, "huge")
    with pytest.raises(RegisterError, match="main:targets/2024/HUGE.yaml: file is larger than"):
        sources_at_ref(repo, "main", repo / "targets")


def test_the_corrections_log_reads_titles_in_the_default_language_it_is_given(repo):
    # DEFAULT_LANG = "fr": a register titled in French only still has its corrections.
    path = repo / "targets" / "2024" / "FX-ON.yaml"
    text = path.read_text()
    path.write_text(text.replace("title: Connect 500 schools to fibre", "title: {fr: Cible}"))
    commit(repo, "French title")
    path.write_text(path.read_text().replace("value: 300", "value: 310"))
    commit(repo, "corrected")
    log = corrections_log(repo / "targets", "fr")
    assert [(c.target_id, c.field, c.old, c.new) for c in log] == [("FX-ON", "value", 300, 310)]


# --- End to end: the command line refuses, names the path, never hangs ---------------------


@pytest.fixture(scope="module")
def built_project(tmp_path_factory) -> Path:
    """A copy of the fixture register with settings, built once by the command line."""
    project = tmp_path_factory.mktemp("project")
    shutil.copytree(FIXTURE_REGISTER, project / "targets")
    (project / "settings.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"TARGETS_PATH = {str(project / 'targets')!r}\n"
        f"PATH = {str(ROOT / 'content')!r}\nTHEME = {str(ROOT / 'theme')!r}\n"
        f"CHART_CACHE_PATH = {str(project / 'cache')!r}\n"
    )
    done = cli(project, "build")
    assert done.returncode == 0, done.stderr
    return project


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site and its bytes."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def cli(project: Path, *args: str, limited: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "generator", "--settings", str(project / "settings.py")]
    if limited:
        return bounded([*command, *args], cwd=project)
    return subprocess.run(
        [*command, *args], cwd=project, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    "hazard",
    [linked_bureau_folder, link_to_dev_zero, named_pipe, link_to_parent, links_to_each_other],
    ids=lambda h: h.__name__,
)
def test_the_command_line_refuses_it_promptly(built_project, hazard):
    register = built_project / "targets"
    saved = built_project / "saved"
    shutil.copytree(register, saved, symlinks=True)
    site = built_project / "output"
    before = site_files(site)
    assert "index.html" in before
    try:
        path, words = hazard(register)
        shown = path.relative_to(built_project).as_posix()
        for command in ("validate", "build"):
            done = cli(built_project, command, limited=True)
            assert done.returncode == 1, (command, done.stdout, done.stderr)
            assert f"{shown}: {words}" in done.stderr, (command, done.stderr)
            assert "Traceback" not in done.stdout + done.stderr
        assert site_files(site) == before, "the refused build changed the published site"
    finally:
        shutil.rmtree(register)
        shutil.rmtree(built_project / "elsewhere-2024", ignore_errors=True)
        saved.rename(register)
