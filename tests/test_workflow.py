"""The pull-request tooling agrees with the project.

The GitHub workflows have the triggers, permissions and steps they need; the pull-request
tests are .ci/run itself, on every pull request; every install, in the workflows, .ci/run
and the README, takes the exact versions of constraints.txt, which pins every package the
project needs; every ``invoke`` command the workflows run, or that the staff guide shows,
names a task of tasks.py with options it has; and CODEOWNERS routes every bureau folder of
the register to its own reviewers.
"""

from __future__ import annotations

import contextlib
import fnmatch
import importlib
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from invoke import Collection
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PULL_REQUEST = ROOT / ".github" / "workflows" / "pull-request.yml"
PUBLISH = ROOT / ".github" / "workflows" / "publish.yml"
CODEOWNERS = ROOT / ".github" / "CODEOWNERS"
STAFF_GUIDE = ROOT / "docs" / "staff-guide.md"
TARGETS = ROOT / "targets"

CI_RUN = ROOT / ".ci" / "run"
CONSTRAINTS = ROOT / "constraints.txt"
# The tasks staff use; the guide must show each of them.
STAFF_TASKS = ["validate", "build", "changes", "new-target", "report", "justify", "import-progress"]


# --- Reading the files ------------------------------------------------------------------------


def load_workflow(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(workflow, dict), f"{path.name} is not a YAML mapping"
    return workflow


def triggers(workflow: dict) -> dict:
    """The workflow's events as a dict of event name to its settings (or None)."""
    # PyYAML reads YAML 1.1, where the bare key `on` is the boolean True.
    on = workflow["on"] if "on" in workflow else workflow.get(True)
    assert on, "the workflow has no 'on:' triggers"
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on


def steps(workflow: dict, job: str | None = None) -> list[dict]:
    jobs = [workflow["jobs"][job]] if job else workflow["jobs"].values()
    return [step for each in jobs for step in each.get("steps", [])]


def run_scripts(workflow: dict, job: str | None = None) -> list[str]:
    return [step["run"] for step in steps(workflow, job) if "run" in step]


def uses(workflow: dict, action: str, job: str | None = None) -> list[dict]:
    """The steps of ``job`` (default: any job) that use ``action`` (any version)."""
    return [s for s in steps(workflow, job) if s.get("uses", "").split("@")[0] == action]


def job_running(workflow: dict, command: str) -> str:
    """The id of the job with a step whose script contains ``command``."""
    found = [
        name
        for name in workflow["jobs"]
        if any(command in script for script in run_scripts(workflow, name))
    ]
    assert found, f"no job runs {command!r}"
    return found[0]


# --- Finding `invoke` commands ---------------------------------------------------------------

# A lookahead, so that a second command on the same line is found too.
INVOKE = re.compile(r"(?<![\w.-])invoke[ \t]+(?=(?P<rest>[^\n]*))")
QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
# Where a shell command ends: a comment, a chain, a pipe, a redirection, an inline-code tick.
COMMAND_END = re.compile(r"\s#|&&|\|\||[;|>`]")


def invoke_commands(text: str) -> list[tuple[str, str | None, list[str]]]:
    """Every ``invoke`` command in shell text: (command, task or None, its --options)."""
    text = re.sub(r"\s*\\\n\s*", " ", text)  # join lines continued with a backslash
    commands = []
    for match in INVOKE.finditer(text):
        raw = match["rest"]
        # Blank out quoted values, keeping positions: they are never options or ends.
        masked = QUOTED.sub(lambda quoted: '"' + "_" * (len(quoted[0]) - 2) + '"', raw)
        end = COMMAND_END.search(masked)
        cut = end.start() if end else len(raw)
        words = masked[:cut].split()
        # Options before the task name are invoke's own (`invoke --help report`).
        while words and words[0].startswith("-"):
            words.pop(0)
        task = words[0] if words else None
        options = [word.split("=")[0] for word in words[1:] if word.startswith("--")]
        commands.append((f"invoke {raw[:cut].strip()}", task, options))
    return commands


def code_in_markdown(text: str) -> list[str]:
    """The contents of the fenced code blocks and inline code spans of a Markdown text."""
    fence = re.compile(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```[ \t]*$", re.S | re.M)
    blocks = fence.findall(text)
    spans = re.findall(r"`([^`\n]+)`", fence.sub("", text))
    return blocks + spans


def workflow_commands() -> list[tuple[str, str, str | None, list[str]]]:
    found = []
    for path in (PULL_REQUEST, PUBLISH):
        for script in run_scripts(load_workflow(path)):
            found += [(path.name, *command) for command in invoke_commands(script)]
    return found


def guide_commands() -> list[tuple[str, str, str | None, list[str]]]:
    found = []
    for code in code_in_markdown(STAFF_GUIDE.read_text(encoding="utf-8")):
        found += [(STAFF_GUIDE.name, *command) for command in invoke_commands(code)]
    return found


def command_id(command: tuple) -> str:
    where, text, _task, _options = command
    return f"{where}: {text[:70]}"


@pytest.fixture(scope="module")
def tasks() -> Collection:
    """The invoke tasks of the project's tasks.py, as `invoke` itself loads them."""
    root = str(ROOT)
    added = root not in sys.path
    if added:
        sys.path.insert(0, root)
    try:
        module = importlib.import_module("tasks")
    finally:
        if added:
            sys.path.remove(root)
    assert Path(module.__file__).resolve() == ROOT / "tasks.py", module.__file__
    return Collection.from_module(module)


@pytest.fixture(scope="module")
def task_options(tasks) -> dict[str, set[str]]:
    """Each task name (with dashes, as typed) and the --options it accepts."""
    return {
        context.name: {*context.flags, *context.inverse_flags, "--help"}
        for context in tasks.to_contexts()
    }


def check_command(command, tasks, task_options) -> None:
    where, text, task, options = command
    if task is None:  # `invoke --list` and the like: no task named
        return
    names = {*tasks.task_names, *(a for aliases in tasks.task_names.values() for a in aliases)}
    assert task in names, (
        f"{where}: {text!r} names no task of tasks.py; tasks are: {', '.join(sorted(names))}"
    )
    primary = next(name for name, aliases in tasks.task_names.items() if task in (name, *aliases))
    unknown = [option for option in options if option not in task_options[primary]]
    assert not unknown, (
        f"{where}: {text!r}: 'invoke {task}' has no option {', '.join(unknown)}; "
        f"it has {', '.join(sorted(task_options[primary]))}"
    )


# --- (a) the workflows ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PULL_REQUEST, PUBLISH], ids=lambda path: path.name)
def test_workflow_is_valid_yaml_with_jobs_and_steps(path):
    workflow = load_workflow(path)
    assert workflow.get("name")
    triggers(workflow)
    assert workflow.get("jobs"), "no jobs"
    for name, job in workflow["jobs"].items():
        assert job.get("runs-on"), f"job {name} has no runs-on"
        assert job.get("steps"), f"job {name} has no steps"
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"job {name}: {step}"
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@\S+", step["uses"]), step["uses"]


def test_pull_request_checks_report_on_every_pull_request():
    # A required check that a path filter skips never reports, and the pull request waits.
    on = triggers(load_workflow(PULL_REQUEST))
    assert "pull_request" in on
    settings = on["pull_request"] or {}
    filters = [key for key in ("paths", "paths-ignore", "branches-ignore") if key in settings]
    assert not filters, f"pull_request has a filter ({', '.join(filters)}): remove it"
    for name, job in load_workflow(PULL_REQUEST)["jobs"].items():
        assert "if" not in job, f"job {name} runs only on some pull requests"


def test_pull_request_has_read_only_permissions():
    workflow = load_workflow(PULL_REQUEST)
    assert workflow.get("permissions") == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        assert job.get("permissions", {"contents": "read"}) == {"contents": "read"}, name


def test_pull_request_validates_builds_summarises_and_uploads_a_preview():
    workflow = load_workflow(PULL_REQUEST)
    job = job_running(workflow, "invoke validate")

    checkout = uses(workflow, "actions/checkout", job)
    assert checkout, "no checkout"
    assert checkout[0].get("with", {}).get("fetch-depth") == 0, "'invoke changes' needs history"
    python = uses(workflow, "actions/setup-python", job)
    assert python, "no setup-python"
    assert str(python[0]["with"]["python-version"]) == "3.11"
    assert python[0]["with"].get("cache") == "pip"

    script = "\n".join(run_scripts(workflow, job))
    order = [
        "pip install -c constraints.txt -e .",
        "invoke validate",
        "invoke build",
        "invoke changes --base",
        'cat changes.md >> "$GITHUB_STEP_SUMMARY"',
    ]
    for command in order:
        assert command in script, f"{job} does not run {command!r}"
    positions = [script.index(command) for command in order]
    assert positions == sorted(positions), f"{job} runs these out of order: {order}"
    changes = next(c for c in invoke_commands(script) if c[1] == "changes")
    assert "--output" in changes[2] and "changes.md" in changes[0]
    assert "origin/" in changes[0], "compare with the pull request's base branch"

    upload = uses(workflow, "actions/upload-artifact", job)
    assert upload, "no upload of the site preview"
    assert upload[0]["with"]["path"].rstrip("/") == "output"
    assert upload[0]["with"].get("name")
    assert 1 <= int(upload[0]["with"]["retention-days"]) <= 30
    assert steps(workflow, job)[-1] is upload[0], "upload the preview after the build"


def test_pull_request_tests_are_ci_run_itself():
    # .ci/run installs the HTML checker, Chromium and fonts and requires their tests to
    # run: a job that only ran pytest would let them skip there unseen.
    workflow = load_workflow(PULL_REQUEST)
    job = job_running(workflow, ".ci/run")
    scripts = [script.strip() for script in run_scripts(workflow, job)]
    assert "bash .ci/run" in scripts, f"job {job} runs .ci/run within another command"
    assert not any("pytest" in script for script in scripts), "the tests run in .ci/run only"
    assert steps(workflow, job)[-1]["run"].strip() == "bash .ci/run"
    # Debian's Chromium at /usr/bin/chromium, as the browser tests expect, installed as root.
    image = workflow["jobs"][job]["container"]["image"]
    assert re.fullmatch(r"python:3\.11-bookworm", image), image
    checkout = uses(workflow, "actions/checkout", job)
    assert checkout and steps(workflow, job)[0] is checkout[0]


def test_ci_run_requires_every_checker_and_runs_the_readmes_test_command():
    script = CI_RUN.read_text(encoding="utf-8")
    for variable in ("KPI_REQUIRE_BROWSER", "KPI_REQUIRE_HTML_CHECKER", "KPI_REQUIRE_PDF"):
        assert re.search(rf"^export .*\b{variable}=1\b", script, re.M), variable
    for package in ("chromium", "fonts-noto-cjk", "libpango-1.0-0", "vnu-jar@"):
        assert package in script, package
    command = script.rstrip().splitlines()[-1]
    assert command in install_commands(ROOT / "README.md"), (
        f".ci/run's last line is not the README's: {command}"
    )
    assert "pytest" in command


def test_publish_runs_on_main_and_by_hand():
    on = triggers(load_workflow(PUBLISH))
    assert "main" in (on.get("push") or {}).get("branches", [])
    assert "workflow_dispatch" in on
    assert "pull_request" not in on, "only main is published"


def test_publish_builds_and_deploys_to_pages():
    workflow = load_workflow(PUBLISH)
    assert workflow.get("permissions") == {
        "contents": "read",
        "pages": "write",
        "id-token": "write",
    }
    assert workflow.get("concurrency", {}).get("group") == "pages"

    # publishconf.py: the public address reaches feeds and link previews, and a build
    # without the register's full history is refused.
    job = job_running(workflow, "invoke publish")
    script = "\n".join(run_scripts(workflow, job))
    install = "python -m pip install -c constraints.txt -e ."
    assert script.index(install) < script.index("invoke publish")
    checkout = uses(workflow, "actions/checkout", job)
    assert checkout and checkout[0].get("with", {}).get("fetch-depth") == 0
    assert uses(workflow, "actions/configure-pages", job)
    upload = uses(workflow, "actions/upload-pages-artifact", job)
    assert upload and upload[0]["with"]["path"].rstrip("/") == "output"
    build_step = next(s for s in steps(workflow, job) if "invoke publish" in s.get("run", ""))
    env = build_step.get("env", {}) | workflow.get("env", {})
    assert "PORTAL_SAMPLE_DATA" in env and "PORTAL_SITEURL" in env

    deploy = [name for name in workflow["jobs"] if uses(workflow, "actions/deploy-pages", name)]
    assert deploy, "no deploy-pages step"
    needs = workflow["jobs"][deploy[0]].get("needs", [])
    if deploy[0] != job:
        assert job in ([needs] if isinstance(needs, str) else needs)
    assert workflow["jobs"][deploy[0]]["environment"]["name"] == "github-pages"


# --- (b) the workflows' invoke commands -------------------------------------------------------


def test_the_workflows_run_invoke_commands():
    tasks_run = {task for _, _, task, _ in workflow_commands()}
    assert {"validate", "build", "changes"} <= tasks_run


@pytest.mark.parametrize("command", workflow_commands(), ids=command_id)
def test_workflow_invoke_command_names_an_existing_task(command, tasks, task_options):
    check_command(command, tasks, task_options)


# --- (c) CODEOWNERS ---------------------------------------------------------------------------


def codeowners_rules() -> list[tuple[str, list[str]]]:
    rules = []
    for line in CODEOWNERS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            pattern, *owners = line.split()
            rules.append((pattern, owners))
    return rules


def codeowners_matches(pattern: str, path: str) -> bool:
    """Whether a CODEOWNERS ``pattern`` covers ``path`` (gitignore rules, simplified)."""
    parts = path.split("/")
    # A slash at the start or in the middle anchors the pattern at the repository root.
    if "/" not in pattern.strip("/") and not pattern.startswith("/"):
        return any(fnmatch.fnmatchcase(part, pattern.strip("/")) for part in parts)
    return _match_parts(pattern.strip("/").split("/"), parts)


def _match_parts(pattern: list[str], parts: list[str]) -> bool:
    if not pattern:  # the pattern named a folder holding the path
        return True
    if pattern[0] == "**":
        return any(_match_parts(pattern[1:], parts[i:]) for i in range(len(parts) + 1))
    return (
        bool(parts)
        and fnmatch.fnmatchcase(parts[0], pattern[0])
        and _match_parts(pattern[1:], parts[1:])
    )


def bureau_folders() -> list[str]:
    return sorted(path.name for path in TARGETS.iterdir() if path.is_dir())


def test_codeowners_lines_name_owners():
    rules = codeowners_rules()
    assert rules, "CODEOWNERS has no rules"
    for pattern, owners in rules:
        assert owners, f"CODEOWNERS: {pattern} has no owner"
        for owner in owners:
            assert re.fullmatch(r"@[\w-]+(/[\w.-]+)?|[^@\s]+@[^@\s]+", owner), owner


@pytest.mark.parametrize("folder", bureau_folders())
def test_every_bureau_folder_has_its_codeowners_line(folder):
    sample = f"targets/{folder}/PA2099-001.yaml"
    matching = [(p, o) for p, o in codeowners_rules() if codeowners_matches(p, sample)]
    assert matching, f"no CODEOWNERS line covers targets/{folder}/: add one"
    pattern, _owners = matching[-1]  # the last matching line wins
    assert pattern.strip("/").removesuffix("/**") == f"targets/{folder}", (
        f"targets/{folder}/ has no CODEOWNERS line of its own (its files go to {pattern}): "
        f"add '/targets/{folder}/ @your-org/your-team' after the general rules"
    )


def test_codeowners_names_no_missing_bureau_folder():
    folders = set(bureau_folders())
    for pattern, _owners in codeowners_rules():
        parts = pattern.strip("/").removesuffix("/**").split("/")
        if len(parts) == 2 and parts[0] == "targets" and "*" not in parts[1]:
            assert parts[1] in folders, f"CODEOWNERS: {pattern} is not a folder of targets/"


# --- (d) the staff guide's invoke commands ----------------------------------------------------


def test_the_staff_guide_shows_every_staff_task():
    shown = {task for _, _, task, _ in guide_commands()}
    missing = [task for task in STAFF_TASKS if task not in shown]
    assert not missing, f"docs/staff-guide.md shows no 'invoke {missing[0]}' command"


@pytest.mark.parametrize("command", guide_commands(), ids=command_id)
def test_staff_guide_invoke_command_names_an_existing_task(command, tasks, task_options):
    check_command(command, tasks, task_options)


# --- (e) pinned installs ---------------------------------------------------------------------

PIN = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!-]+)")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    """constraints.txt's pins, by normalized name; any other line fails the test."""
    found = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        pin = PIN.fullmatch(line.strip())
        assert pin, f"constraints.txt:{number}: {line!r} is not an exact pin (name==version)"
        found[normalized(pin["name"])] = pin["version"]
    return found


def locked_python() -> str:
    """The Python version constraints.txt was resolved on, from its header."""
    found = re.search(r"resolved on Python (3\.\d+)", CONSTRAINTS.read_text(encoding="utf-8"))
    assert found, "constraints.txt's header does not say which Python it was resolved on"
    return found[1]


def project_requirements() -> list[Requirement]:
    """pyproject.toml's dependencies and test extra, as written there now."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: the installed metadata, as of the last install
        return [Requirement(r.split(";")[0]) for r in metadata.requires("kpi-portal") or []]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [
        Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]
    ]


def needed_packages() -> dict[str, list[Requirement]]:
    """Every package kpi-portal[test] needs, directly or through another, by normalized name,
    with each requirement on it.

    Markers are read for the Python constraints.txt was resolved on, so the answer does
    not depend on the Python running the tests; what each package needs is read from its
    installed metadata.
    """
    environment = {"python_version": locked_python()}
    environment["python_full_version"] = environment["python_version"] + ".0"
    needed: dict[str, list[Requirement]] = {}
    queue, seen = [(Requirement("kpi-portal"), project_requirements())], set()
    while queue:
        requirement, declared = queue.pop()
        for dependency in declared:
            marker, extras = dependency.marker, requirement.extras or {""}
            if marker and not any(marker.evaluate({**environment, "extra": e}) for e in extras):
                continue
            key = normalized(dependency.name)
            needed.setdefault(key, []).append(dependency)
            if (key, frozenset(dependency.extras)) in seen:
                continue
            seen.add((key, frozenset(dependency.extras)))
            # A package not installed here: its name is checked, what it needs cannot be.
            with contextlib.suppress(metadata.PackageNotFoundError):
                queue.append((dependency, list(map(Requirement, metadata.requires(key) or []))))
    return needed


def install_commands(path: Path) -> list[str]:
    """The lines of a Markdown file's code that install the project (pip install ... -e)."""
    code = "\n".join(code_in_markdown(path.read_text(encoding="utf-8")))
    return [line.strip() for line in code.splitlines() if re.search(r"pip install .*-e ", line)]


def test_constraints_pin_every_package_the_project_needs_exactly():
    pinned = pins(CONSTRAINTS.read_text(encoding="utf-8"))
    needed = needed_packages()
    # The direct ones, from pyproject.toml's dependencies and test extra, and ruff among them.
    assert {"pelican", "weasyprint", "pytest", "ruff", "setuptools"} <= needed.keys()
    missing = sorted(name for name in needed if name not in pinned)
    assert not missing, f"constraints.txt pins no version of {', '.join(missing)}: invoke lock"
    wrong = [
        f"{name}=={pinned[name]} ({requirement} is asked for)"
        for name, requirements in needed.items()
        for requirement in requirements
        if not requirement.specifier.contains(pinned[name], prereleases=True)
    ]
    assert not wrong, f"constraints.txt pins versions not allowed: {wrong}; invoke lock"
    unneeded = sorted(name for name in pinned if name not in needed)
    assert not unneeded, f"constraints.txt pins {', '.join(unneeded)}, which nothing needs"


def test_ruff_is_pinned_exactly():
    # A new ruff formats or lints differently: the lint check would fail on no change.
    ruff = [r for r in project_requirements() if normalized(r.name) == "ruff"]
    assert ruff and re.fullmatch(r"==[\d.]+", str(ruff[0].specifier)), ruff


@pytest.mark.parametrize("path", [PULL_REQUEST, PUBLISH, CI_RUN], ids=lambda path: path.name)
def test_every_install_takes_the_constraints(path):
    text = path.read_text(encoding="utf-8")
    scripts = run_scripts(load_workflow(path)) if path.suffix == ".yml" else [text]
    installs = [
        line.strip()
        for script in scripts
        for line in script.splitlines()
        if re.search(r"\bpip install\b", line)
    ]
    assert installs, f"{path.name} installs nothing"
    for install in installs:
        assert "-c constraints.txt -e " in install, f"{path.name}: {install!r}"


def test_the_readme_and_contributing_install_with_the_constraints():
    readme = install_commands(ROOT / "README.md")
    assert len(readme) >= 2, f"the README's quick start has no build and test set-up: {readme}"
    for path in (ROOT / "README.md", ROOT / "CONTRIBUTING.md"):
        for command in install_commands(path):
            assert "pip install -c constraints.txt -e " in command, f"{path.name}: {command}"
    assert CI_RUN.read_text(encoding="utf-8").rstrip().splitlines()[-1] in readme


def test_invoke_lock_pins_what_a_venv_holds(tmp_path):
    # --venv: the freeze of the venv running the tests, without a fresh install.
    output = tmp_path / "constraints.txt"
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "lock", "--venv", sys.prefix, "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = output.read_text(encoding="utf-8")
    assert "invoke lock" in text.split("\n\n")[0]
    python = ".".join(map(str, sys.version_info[:2]))
    assert f"resolved on Python {python}" in text
    written = pins(text)
    # setuptools too, which a plain pip freeze leaves out on Python < 3.12; never pip, nor
    # the project itself.
    for name in ("pytest", "setuptools", "ruff"):
        assert written[name] == metadata.version(name), name
    assert "pip" not in written and "kpi-portal" not in written
    assert list(written) == sorted(written), "by name, so that a new lock's diff is short"
    assert f"Wrote {len(written)} pins to {output}" in done.stdout


def test_invoke_lock_refuses_a_folder_that_is_no_venv(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "lock", "--venv", str(tmp_path), "--output",
         str(tmp_path / "c.txt")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert f"--venv: {tmp_path} is not a virtual environment" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "c.txt").exists()


# --- The parsing above, on its own ------------------------------------------------------------


def test_invoke_commands_are_parsed_like_a_shell():
    text = (
        'invoke report --id X --quarter 2026-Q3 --note "see --fake" \\\n'
        "  --verified-by=Audit # --comment\n"
        "invoke --help new-target && .venv/bin/invoke build --output out; invoke --list\n"
        "invoke.Collection is not a command"
    )
    assert [(task, options) for _, task, options in invoke_commands(text)] == [
        ("report", ["--id", "--quarter", "--note", "--verified-by"]),
        ("new-target", []),
        ("build", ["--output"]),
        (None, []),
    ]


@pytest.mark.parametrize(
    ("pattern", "covered"),
    [
        ("*", True),
        ("/targets/", True),
        ("/targets/housing-bureau/", True),
        ("targets/housing-bureau/**", True),
        ("/targets/transport-bureau/", False),
        ("*.yaml", True),
        ("housing-bureau/", True),
        ("/housing-bureau/", False),
        ("/generator/", False),
    ],
)
def test_codeowners_patterns_are_matched_like_github(pattern, covered):
    assert codeowners_matches(pattern, "targets/housing-bureau/PA2023-001.yaml") is covered


# --- (f) warm builds: the build's caches kept between runs ------------------------------------

# The workflow each settings file builds with, and the step that builds.
CACHED_BUILDS = [(PUBLISH, "publishconf.py", "invoke publish"),
                 (PULL_REQUEST, "pelicanconf.py", "invoke build")]  # fmt: skip


def cache_folder(settings_file: str) -> Path:
    """The folder the build keeps its caches in: CHART_CACHE_PATH as the settings resolve it."""
    from generator.build import read_settings

    return Path(read_settings(ROOT / settings_file)["CHART_CACHE_PATH"]).resolve()


def cache_problems(workflow: dict, build_command: str, cache: Path) -> list[str]:
    """What keeps the job that runs ``build_command`` from building warm, if anything."""
    job = job_running(workflow, build_command)
    job_steps = steps(workflow, job)
    build = next(i for i, s in enumerate(job_steps) if build_command in s.get("run", ""))
    keeping = [
        (i, step)
        for i, step in enumerate(job_steps)
        if step.get("uses", "").split("@")[0] == "actions/cache"
        and any(
            cache.is_relative_to((ROOT / path).resolve()) and (ROOT / path).resolve() != ROOT
            for path in str(step.get("with", {}).get("path", "")).split()
        )
    ]
    if not keeping:
        return [f"{job}: no actions/cache step keeps {cache.relative_to(ROOT)} (or a folder of it)"]
    index, step = keeping[0]
    key = str(step["with"].get("key", ""))
    restore_keys = str(step["with"].get("restore-keys", "")).splitlines()
    python = next(s.get("id") for s in job_steps if s.get("uses", "").startswith("actions/setup-"))
    problems = []
    if index > build:
        problems.append(f"{job}: the cache is restored after the build step")
    for needed in ("hashFiles('constraints.txt')", "runner.os", f"steps.{python}.outputs."):
        if needed not in key:
            problems.append(f"{job}: the cache key does not name {needed}")
    # A key found exactly is not saved again: a key of its own each run saves every run's
    # additions, and restore-keys finds the newest.
    if not any(run in key for run in ("github.run_id", "github.sha")):
        problems.append(f"{job}: the cache key is the same every run, so it is saved once")
    if not any(key.startswith(k) and "hashFiles('constraints.txt')" in k for k in restore_keys):
        problems.append(f"{job}: no restore-keys prefix of the key with the constraints")
    return problems


@pytest.mark.parametrize(("path", "settings_file", "build"), CACHED_BUILDS,
                         ids=lambda value: getattr(value, "name", None))  # fmt: skip
def test_both_workflows_restore_and_save_the_build_caches_before_building(
    path, settings_file, build
):
    cache = cache_folder(settings_file)
    assert cache.is_relative_to(ROOT), f"{settings_file}: CHART_CACHE_PATH {cache} is outside"
    assert cache_problems(load_workflow(path), build, cache) == []


# Each fault the check above guards against, made in the real workflow's text.
CACHE_FAULTS = {
    "another folder": (r"path: \.cache\n", "path: .cache/other\n", "no actions/cache step"),
    "the whole checkout": (r"path: \.cache\n", "path: .\n", "no actions/cache step"),
    "no constraints": (r"-\$\{\{ hashFiles\('constraints.txt'\) \}\}-\$\{\{ github.run_id",
                       "-${{ github.run_id", "does not name hashFiles('constraints.txt')"),
    "no system": (r"key: site-\$\{\{ runner.os \}\}", "key: site", "does not name runner.os"),
    "no python": (r"(key: .*)-python\$\{\{ steps.python.outputs.python-version \}\}", r"\1",
                  "does not name steps.python.outputs."),
    "one key": (r"-\$\{\{ github.run_id \}\}-\$\{\{ github.run_attempt \}\}", "",
                "the same every run"),
    "no restore-keys": (r"\n *restore-keys: \|\n.*\n", "\n", "no restore-keys prefix"),
}  # fmt: skip


@pytest.mark.parametrize("fault", CACHE_FAULTS)
@pytest.mark.parametrize(("path", "settings_file", "build"), CACHED_BUILDS,
                         ids=lambda value: getattr(value, "name", None))  # fmt: skip
def test_the_cache_check_fails_on_the_fault_it_guards(path, settings_file, build, fault):
    pattern, replacement, problem = CACHE_FAULTS[fault]
    text, made = re.subn(pattern, replacement, path.read_text(encoding="utf-8"))
    assert made == 1, f"{fault}: the fault was not made in {path.name}"
    problems = cache_problems(yaml.safe_load(text), build, cache_folder(settings_file))
    assert any(problem in found for found in problems), problems


@pytest.mark.parametrize(("path", "settings_file", "build"), CACHED_BUILDS,
                         ids=lambda value: getattr(value, "name", None))  # fmt: skip
def test_the_cache_check_fails_on_a_cache_restored_after_the_build(path, settings_file, build):
    workflow = load_workflow(path)
    job = job_running(workflow, build)
    job_steps = workflow["jobs"][job]["steps"]
    cache = next(s for s in job_steps if s.get("uses", "").startswith("actions/cache@"))
    job_steps.remove(cache)
    job_steps.append(cache)
    problems = cache_problems(workflow, build, cache_folder(settings_file))
    assert problems == [f"{job}: the cache is restored after the build step"]
