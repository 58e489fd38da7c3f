"""Builds of one output folder run one at a time, and a stopped build stops all of itself.

Real command-line builds in subprocesses: two started together, many times over; and one
signalled while its chart workers render, after which no process of it may be left.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.fingerprint import output_signature
from generator.stopping import Stopped, StopSignals
from tests.conftest import FIXTURE_REGISTER, ROOT, SAMPLE_REGISTER
from tests.test_build import snapshot

# Seconds between the starts of the two builds of a round: from together to well apart.
STAGGER = [0.0, 0.05, 0.2, 0.4, 0.7, 1.0, 1.5, 0.1]


def write_settings(folder: Path, register: Path, cache: Path) -> Path:
    """A settings file in ``folder`` building ``register`` with the chart cache ``cache``."""
    settings = folder / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"TARGETS_PATH = {str(register)!r}\nCHART_CACHE_PATH = {str(cache)!r}\n"
        f"PATH = {str(ROOT / 'content')!r}\nTHEME = {str(ROOT / 'theme')!r}\n"
    )
    return settings


def start(settings: Path, output: Path, *args: str, **options) -> subprocess.Popen:
    """A command-line build of ``output``, running."""
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "--settings", str(settings), "build",
         "--output", str(output), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options,
    )  # fmt: skip


def files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def leftovers(output: Path) -> list[str]:
    """Staging and previous-site folders of ``output`` still on disk."""
    return sorted(
        p.name
        for p in output.parent.iterdir()
        if re.match(rf"{output.name}\.(building|previous)", p.name)
    )


def test_two_builds_of_one_folder_never_publish_half_a_site(tmp_path):
    settings = write_settings(tmp_path, FIXTURE_REGISTER, tmp_path / "cache")
    reference = start(settings, tmp_path / "reference")  # also warms the chart cache
    assert reference.wait(timeout=300) == 0, reference.stderr.read()
    expected = files(tmp_path / "reference")
    assert {"index.html", "data/targets.json"} <= expected
    output = tmp_path / "output"
    outcomes = []
    for stagger in STAGGER:
        first = start(settings, output, "--force")
        time.sleep(stagger)
        second = start(settings, output, "--force")
        for build in (first, second):
            out, err = build.communicate(timeout=300)
            assert "Traceback" not in err
            if build.returncode == 0:
                assert "Built 7 targets" in out, err
                outcomes.append("built")
            else:  # the only other outcome: a clear refusal, and nothing done
                assert build.returncode == 1, err
                assert err.strip() == (
                    f"Error: another build of {output} is running (it holds {output}.lock): "
                    "wait for it to finish, or build into another folder"
                ), err
                outcomes.append("refused")
        # Whatever happened, the folder holds a whole site, and the record tells its truth.
        assert files(output) == expected, stagger
        assert leftovers(output) == []
        record = json.loads(output.with_name("output.last-build.json").read_text())
        assert record["output"] == output_signature(output)
    assert "refused" in outcomes, "the builds never overlapped: the test proved nothing"
    again = start(settings, output)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0 and "Nothing changed since the last build" in out, err


def _processes() -> dict[int, tuple[int, str, str]]:
    """Every process: pid -> (parent pid, state, start time), read from /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # it ended while we looked
            continue
        fields = stat.rsplit(")", 1)[1].split()
        found[int(entry)] = (int(fields[1]), fields[0], fields[19])
    return found


def descendants(pid: int) -> dict[int, str]:
    """The processes below ``pid`` (children, theirs, ...): pid -> start time."""
    table = _processes()
    found, todo = {}, [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, _, started) in table.items():
            if ppid == parent and child not in found:
                found[child] = started
                todo.append(child)
    return found


def alive(processes: dict[int, str]) -> list[int]:
    """Those of ``processes`` still running (a zombie has stopped; a new pid is another)."""
    table = _processes()
    return [
        pid for pid, started in processes.items()
        if pid in table and table[pid][2] == started and table[pid][1] != "Z"
    ]  # fmt: skip


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.fixture
def big_register(tmp_path) -> Path:
    """The sample register three times over (135 targets): seconds of chart rendering."""
    register = tmp_path / "register"
    shutil.copytree(SAMPLE_REGISTER, register)
    for path in sorted(register.rglob("*.yaml")):
        text = path.read_text()
        for copy in ("2", "3"):
            new_id = f"{path.stem}-{copy}"
            path.with_name(f"{new_id}.yaml").write_text(
                text.replace(f"id: {path.stem}\n", f"id: {new_id}\n")
            )
    return register


@pytest.mark.parametrize(
    "stop",
    ["SIGTERM to the build", "SIGINT to its process group (Ctrl-C)"],
)
def test_a_signal_while_charts_render_stops_every_process_and_keeps_the_site(
    tmp_path, fixture_site, big_register, stop
):
    output = tmp_path / "output"
    shutil.copytree(fixture_site, output)  # the previous site
    before = snapshot(output)
    settings = write_settings(tmp_path, big_register, tmp_path / "cold-cache")
    build = start(settings, output, start_new_session=True)
    seen: dict[int, str] = {}
    try:
        deadline = time.monotonic() + 120
        while not any("spawn_main" in command_line(pid) for pid in seen):
            if build.poll() is not None:
                pytest.fail(f"the build ended before rendering in parallel: {build.stderr.read()}")
            assert time.monotonic() < deadline, "no chart worker started"
            seen |= descendants(build.pid)
            time.sleep(0.01)
        time.sleep(0.5)  # the workers are rendering now
        seen |= descendants(build.pid)
        assert any("resource_tracker" in command_line(pid) for pid in seen)
        if stop.startswith("SIGTERM"):
            build.send_signal(signal.SIGTERM)
        else:  # as a terminal does: to every process of the build
            os.killpg(build.pid, signal.SIGINT)
        out, err = build.communicate(timeout=120)
        deadline = time.monotonic() + 10
        while alive(seen) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert alive(seen) == [], [command_line(pid) for pid in alive(seen)]
    finally:  # a test that failed must not leave workers behind it
        for pid in alive(seen):
            os.kill(pid, signal.SIGKILL)
        if build.poll() is None:
            build.kill()
            build.wait()
    signum = signal.SIGTERM if stop.startswith("SIGTERM") else signal.SIGINT
    # It exits (as a stopped program, 128 + the signal), rather than being killed by it.
    assert build.returncode == 128 + signum, (build.returncode, err)
    assert "Traceback" not in err
    signame = signum.name
    assert err.strip().splitlines() == [
        f"Error: the build was stopped ({signame}) before it finished; the previous site "
        f"in {output} is unchanged"
    ]
    assert "Built" not in out
    assert snapshot(output) == before
    assert leftovers(output) == []


def test_a_stop_waits_for_the_swap_and_only_for_it():
    with StopSignals() as stops:
        with stops.deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.1)  # delivered now, and let through: the swap goes on
        assert stops.received == signal.SIGTERM
    with pytest.raises(Stopped) as stopped, StopSignals():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)
    assert stopped.value.name == "SIGINT"
    # Outside a build, the signals are Python's again.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
