"""Every example in README.md, docs/staff-guide.md and CONTRIBUTING.md runs as written.

As sqlite-utils tests its documentation: the fenced ```sh blocks (commands) and ```yaml
blocks (register text) are read out of the docs and run, in document order, on a copy of
the project (the sample register, settings, tasks.py, a git repository of its own), one
copy a `## ` section so that examples of different sections never meet. A command must
exit 0; a YAML snippet is put where its text says (a new file, or an entry added to a
target) and `validate` must accept the register. A stale example fails the suite.

Commands that cannot run here are in SKIPPED, each with its reason; every YAML snippet is
in SNIPPETS, saying what it is; an example in neither fails the test, so a new one is
either run or explicitly excused.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.gitenv import GIT_ENV

DOCS = ["README.md", "docs/staff-guide.md", "CONTRIBUTING.md"]
SHELL = {"sh", "bash", "console", "shell"}

# Commands that cannot run in a test, by how they start: the reason each is not run.
SKIPPED = {
    "python3 -m venv": "creates and installs the environment the tests themselves run in",
    "python -m pip install": "installs packages (the tests run in the installed environment)",
    "pip wheel": "builds and installs the package into another site's environment",
    "pip install": "installs packages into another site's environment",
    "git clone": "needs the repository's remote; the test works in a copy instead",
    "cd kpi-portal": "the folder git clone makes; the test already runs in the copy",
    "source .venv/bin/activate": "the test puts .venv/bin on PATH, as activating does",
    "git pull": "needs a remote",
    "git push": "needs a remote",
    "invoke serve": "serves until stopped",
    "invoke test": "the test suite, which this test is part of",
    "python -m pytest": "the test suite, which this test is part of",
    "invoke golden": "rewrites the repository's golden manifest",
    "invoke bench": "builds 1,000 synthetic targets: minutes, and measured, not tested",
}
# Skips kept whether or not the docs show the command today: none of them may ever run
# from a test (a server, the suite itself, the golden manifest, the benchmark).
NEVER_RUN = {"invoke serve", "invoke test", "python -m pytest", "invoke golden", "invoke bench"}

# Each YAML snippet, by its doc and first line: what it is, and so how it is checked.
#   ("new", path)        a file to create: written there, kept, and the register validates
#   ("try", id)          an entry added to target id by hand (the alternative to a command):
#                        added, validated, then the file restored
#   ("keep", id)         an edit the next commands build on (git add, commit): added and kept
#   ("wrote", path)      what the command before it writes: the file reads exactly so
#   ("copy", id, path)   fields of a new target: target id's file with these fields, saved
#                        as path
SNIPPETS = {
    ("README.md", "# yaml-language-server: $schema=../../docs/target.schema.json"): (
        "new",
        "targets/health-bureau/PA2024-021.yaml",
    ),
    ("README.md", "progress:"): ("try", "PA2024-021"),
    ("README.md", "delay:"): ("try", "PA2022-007"),
    ("docs/staff-guide.md", "progress:"): ("try", "PA2023-002"),
    ("docs/staff-guide.md", "# yaml-language-server: $schema=../../docs/target.schema.json"): (
        "wrote",
        "targets/housing-bureau/PA2025-003.yaml",
    ),
    ("docs/staff-guide.md", "delay:"): ("try", "PA2022-007"),
    ("docs/staff-guide.md", "due: 2027-Q4                 # was 2026-Q4"): ("keep", "PA2022-001"),
    ("docs/staff-guide.md", "amendments:"): ("try", "PA2023-001"),
    ("docs/staff-guide.md", "withdrawn:"): ("try", "PA2024-001"),
    ("docs/staff-guide.md", "id: PA2025-004"): (
        "copy",
        "PA2023-001",
        "targets/housing-bureau/PA2025-004.yaml",
    ),
}

FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[ \t]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)


@dataclass
class Block:
    doc: str
    section: str
    lang: str
    text: str
    line: int
    # A bare ``` block right after a shell block (nothing but a blank line between) is what
    # its commands print: every line of it must be in their output.
    output: str | None = None


def blocks(doc: str) -> list[Block]:
    """The fenced blocks of ``doc``, each with the `## ` section it is in."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    found: list[Block] = []
    end = -1
    for match in FENCE.finditer(text):
        before = text[: match.start()]
        body = textwrap.dedent(match["body"])
        follows_shell = found and found[-1].lang in SHELL
        if match["lang"] == "" and follows_shell and not text[end : match.start()].strip():
            found[-1].output = body
        headings = re.findall(r"^## (.+)$", before, re.M)
        section = headings[-1] if headings else ""
        found.append(Block(doc, section, match["lang"], body, before.count("\n") + 1))
        end = match.end()
    return found


def commands(script: str) -> list[str]:
    """The commands of a shell block: one a line, `\\` continuing a line."""
    return [c.strip() for c in script.replace("\\\n", " ").splitlines() if c.strip()]


def skipped(command: str) -> str | None:
    """Why ``command`` is not run: any of its parts (`a && b; c`) is in SKIPPED."""
    for part in re.split(r"&&|\|\||;|\|", command):
        stripped = part.strip().removeprefix(".venv/bin/")
        why = next((why for start, why in SKIPPED.items() if stripped.startswith(start)), None)
        if why:
            return why
    return None


def first_line(text: str) -> str:
    return text.splitlines()[0].rstrip()


def sections(doc: str) -> dict[str, list[Block]]:
    """The runnable blocks of ``doc`` grouped by section, in document order."""
    grouped: dict[str, list[Block]] = {}
    for block in blocks(doc):
        if block.lang in SHELL or block.lang == "yaml":
            grouped.setdefault(block.section, []).append(block)
    return grouped


CASES = [(doc, section) for doc in DOCS for section in sections(doc)]


def make_copy(tmp_path: Path) -> Path:
    """A project of its own: the sample register, settings, tasks, a git repository."""
    copy = tmp_path / "project"
    copy.mkdir()
    for folder in ("targets", "content", "docs", "theme"):
        shutil.copytree(ROOT / folder, copy / folder)
    for name in ("tasks.py", "pelicanconf.py", "publishconf.py", ".gitignore", "pyproject.toml"):
        shutil.copy(ROOT / name, copy / name)
    # No editions: the copy is a register whose quarters are not frozen yet. Its history
    # is its own, from its first commit: the repository's RECORD_SINCE is not in it.
    settings = copy / "pelicanconf.py"
    text = re.sub(r"(?m)^RECORD_SINCE = .*$", "RECORD_SINCE = None", settings.read_text("utf-8"))
    # Charts are cached by a hash of what they draw: the repository's cache keeps a build
    # shown in the docs from rendering every chart again.
    text += f'\nCHART_CACHE_PATH = "{ROOT / ".cache" / "charts"}"\n'  # as ruff formats it
    settings.write_text(text, encoding="utf-8")
    # The environment and the code are the repository's own, as in a clone.
    (copy / ".venv").symlink_to(ROOT / ".venv")
    (copy / "generator").symlink_to(ROOT / "generator")
    git(copy, "init", "-q", "-b", "main")
    git(copy, "add", ".")
    git(copy, "commit", "-q", "-m", "The sample register")
    return copy


def git(copy: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=copy, env=GIT_ENV, check=True, capture_output=True)


def shell(copy: Path, command: str) -> subprocess.CompletedProcess:
    env = {**GIT_ENV, "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", "-c", command], cwd=copy, env=env, capture_output=True, text=True, timeout=300
    )


def validate(copy: Path, where: str) -> None:
    result = shell(copy, "invoke validate")
    assert result.returncode == 0, (
        f"{where}: the register no longer validates:\n{result.stdout}{result.stderr}"
    )


def target_file(copy: Path, target_id: str) -> Path:
    return next((copy / "targets").rglob(f"{target_id}.yaml"))


def merged(path: Path, snippet: str, replace: bool = False) -> str:
    """The target at ``path`` with the snippet's fields: list entries added at the end."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in yaml.safe_load(snippet).items():
        if key in ("progress", "amendments") and not replace:
            data[key] = (data.get(key) or []) + value
        else:
            data[key] = value
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def apply_snippet(copy: Path, block: Block) -> None:
    where = f"{block.doc}:{block.line}"
    key = (block.doc, first_line(block.text))
    assert key in SNIPPETS, f"{where}: a YAML example the test does not know: add it to SNIPPETS"
    kind, *args = SNIPPETS[key]
    if kind == "new":
        (copy / args[0]).write_text(block.text, encoding="utf-8")
        validate(copy, where)
        # Committed, so that an entry added by hand ("try") starts from it as written.
        git(copy, "add", args[0])
        git(copy, "commit", "-q", "-m", f"{where}: a new target")
    elif kind == "wrote":
        written = (copy / args[0]).read_text(encoding="utf-8")
        assert written == block.text, f"{where}: the command writes another file:\n{written}"
    elif kind == "copy":
        (copy / args[1]).write_text(merged(target_file(copy, args[0]), block.text), "utf-8")
        validate(copy, where)
        (copy / args[1]).unlink()
    else:
        path = target_file(copy, args[0])
        before = path.read_text(encoding="utf-8")
        if kind == "try":
            # The alternative to the section's command: added to the file as committed.
            path.write_text(committed(copy, path) or before, encoding="utf-8")
        path.write_text(merged(path, block.text), encoding="utf-8")
        validate(copy, where)
        if kind == "try":
            path.write_text(before, encoding="utf-8")


def committed(copy: Path, path: Path) -> str | None:
    """The file as the copy's last commit has it (None for a file written since)."""
    relative = path.relative_to(copy).as_posix()
    result = subprocess.run(
        ["git", "show", f"HEAD:{relative}"], cwd=copy, env=GIT_ENV, capture_output=True, text=True
    )
    return result.stdout if result.returncode == 0 else None


def write_sheet(copy: Path, block: Block) -> None:
    """updates.csv from the sheet the section shows as a table, saved as the guide says."""
    text = (ROOT / block.doc).read_text(encoding="utf-8")
    table = re.search(r"^[ \t]*\| id \| quarter \|.*?(?=\n[ \t]*\n)", text, re.M | re.S)
    assert table, f"{block.doc}: no sheet (a table headed '| id | quarter |') to import"
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in table[0].splitlines()
        if not re.match(r"^\s*\|[-| ]+\|\s*$", line)
    ]
    with open(copy / "updates.csv", "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)


@pytest.mark.parametrize("doc,section", CASES, ids=[f"{d}:{s}" for d, s in CASES])
def test_doc_examples_run_as_written(doc, section, tmp_path):
    copy = make_copy(tmp_path)
    for block in sections(doc)[section]:
        if block.lang == "yaml":
            apply_snippet(copy, block)
            continue
        printed = []
        for command in commands(block.text):
            if skipped(command):
                continue
            if "updates.csv" in command and not (copy / "updates.csv").exists():
                write_sheet(copy, block)
            result = shell(copy, command)
            assert result.returncode == 0, (
                f"{doc}:{block.line}: {command!r} failed (exit {result.returncode}):\n"
                f"{result.stdout}{result.stderr}"
            )
            printed += (result.stdout + result.stderr).splitlines()
        for line in (block.output or "").splitlines():
            assert line in printed, (
                f"{doc}:{block.line}: the docs show the commands printing\n{line}\n"
                "but they print\n" + "\n".join(printed)
            )


def test_every_yaml_snippet_is_known_and_every_known_one_is_in_the_docs():
    found = {(b.doc, first_line(b.text)) for doc in DOCS for b in blocks(doc) if b.lang == "yaml"}
    assert found - set(SNIPPETS) == set(), "YAML examples the test does not check"
    assert set(SNIPPETS) - found == set(), "SNIPPETS names examples no longer in the docs"


def test_every_skipped_command_is_still_in_the_docs():
    shown = [c for doc in DOCS for b in blocks(doc) if b.lang in SHELL for c in commands(b.text)]
    for start in set(SKIPPED) - NEVER_RUN:
        assert any(skipped(c) and start in c for c in shown), f"{start!r} is shown nowhere"


def test_commands_in_the_docs_are_in_sh_blocks():
    """A command shown in a bare ``` block would not be run: the docs mark them ```sh."""
    for doc in DOCS:
        for block in blocks(doc):
            if block.lang == "":
                starts = [line.split()[0] for line in block.text.splitlines() if line.split()]
                assert not {"invoke", "git", "python", ".venv/bin/invoke"} & set(starts), (
                    f"{doc}:{block.line}: commands in a bare ``` block: mark it ```sh"
                )
