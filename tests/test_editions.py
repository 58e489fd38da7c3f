"""Editions: made from a clean commit, refused otherwise, checked when read, published with
what changed since (real git repositories and real builds in tmp_path)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import build
from generator.assess.gitlog import read_history
from generator.assess.record import build_record
from generator.project.settings import from_pelican
from generator.register.bureaufile import load_content
from generator.register.errors import RegisterError
from generator.register.quarters import Quarter
from generator.site import editions, opendata
from generator.site.editiondiff import compare
from tests.conftest import FIXTURE_REGISTER, ROOT, build_site
from tests.gitenv import GIT_ENV
from tests.sitecheck import soup

QUARTER = "2025-Q3"  # the fixture register's latest reported quarter
COMMIT_DATE = "2025-10-05T09:00:00+00:00"
EDITION = Path("editions") / f"{QUARTER}.json"


def git(repo: Path, *args: str, date: str = COMMIT_DATE) -> str:
    """Run git in the temporary repository ``repo`` with a fixed identity and date."""
    env = {**GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    result = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def make_repo(root: Path, commit: bool = True) -> Path:
    """A repository as staff have it: register, content/, theme/ and the settings file."""
    shutil.copytree(FIXTURE_REGISTER, root / "targets")
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "theme", root / "theme")
    (root / "settings.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"TARGETS_PATH = {str(root / 'targets')!r}\n"
        f"PATH = {str(root / 'content')!r}\nTHEME = {str(root / 'theme')!r}\n"
        "RECORD_SINCE = None\n"  # this repository's whole history is published
    )
    (root / ".gitignore").write_text("__pycache__/\n.cache/\n")
    git(root, "init", "-q", "-b", "main")
    if commit:
        git(root, "add", ".")
        git(root, "commit", "-q", "-m", "Register as of 2025-Q3")
    return root


def edition(repo: Path, quarter: str = QUARTER) -> subprocess.CompletedProcess:
    """``python -m generator edition`` run in ``repo`` as staff would."""
    env = {**GIT_ENV, "GIT_CEILING_DIRECTORIES": str(repo.parent)}
    return subprocess.run(
        [sys.executable, "-m", "generator", "--settings", "settings.py", "edition",
         "--quarter", quarter],
        cwd=repo, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def refused(result: subprocess.CompletedProcess) -> str:
    """The one line a refused command prints; it exits 1, without a traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def fixture_document(register: Path = FIXTURE_REGISTER, quarter: str = QUARTER) -> dict:
    """The targets.json of ``register`` as of ``quarter``, from the portal core, with the
    published record from its git history (none outside git)."""
    pelican = build.read_settings(ROOT / "pelicanconf.py", {"TARGETS_PATH": str(register)})
    settings = from_pelican(pelican)
    bureaus, _ = load_content(pelican["PATH"], settings.languages)
    targets = build.validate(pelican).targets
    record = build_record(read_history(register, settings.default_lang, None), targets)
    return editions.document_as_of(targets, settings, bureaus, Quarter.parse(quarter), record)


# --- Making an edition --------------------------------------------------------------------


def test_edition_freezes_targets_json_with_its_commit(tmp_path):
    repo = make_repo(tmp_path / "repo")
    # An editor's lock file is no change to the register (no reader reads it).
    (repo / "targets" / ".#FX-ON.yaml").write_text("x")
    result = edition(repo)
    assert result.returncode == 0, result.stderr
    data = json.loads((repo / EDITION).read_text(encoding="utf-8"))
    assert data["quarter"] == QUARTER
    assert data["commit"] == git(repo, "rev-parse", "HEAD")
    assert data["commit_date"] == COMMIT_DATE
    assert data["targets_json"] == fixture_document(repo / "targets")
    assert data["targets_json"]["record_available"] is True
    assert f"Wrote {Path('editions') / (QUARTER + '.json')}" in result.stdout.replace(
        str(repo) + os.sep, ""
    )


def test_edition_of_an_earlier_quarter_counts_only_its_figures(tmp_path):
    repo = make_repo(tmp_path / "repo")
    assert edition(repo, "2025-Q2").returncode == 0
    data = json.loads((repo / "editions" / "2025-Q2.json").read_text(encoding="utf-8"))
    assert data["targets_json"]["reporting_quarter"] == "2025-Q2"
    miss = next(t for t in data["targets_json"]["targets"] if t["id"] == "FX-MISS")
    assert (miss["latest_quarter"], miss["latest_value"]) == ("2025-Q1", 5.5)


def test_refused_with_uncommitted_change_to_the_register(tmp_path):
    repo = make_repo(tmp_path / "repo")
    path = repo / "targets" / "2023" / "FX-MISS.yaml"
    path.write_text(path.read_text().replace("value: 5.1", "value: 4.9"))
    assert "uncommitted changes to the register (targets/2023/FX-MISS.yaml)" in refused(
        edition(repo)
    )
    assert not (repo / "editions").exists()


def test_refused_with_an_uncommitted_new_target_or_bureau(tmp_path):
    repo = make_repo(tmp_path / "repo")
    shutil.copy(repo / "targets" / "2024" / "FX-ON.yaml", repo / "targets" / "FX-NEW.yaml")
    (repo / "content" / "bureaus.yaml").write_text("# changed\n", encoding="utf-8")
    line = refused(edition(repo))
    assert "content/bureaus.yaml" in line and "targets/FX-NEW.yaml" in line


def test_refused_when_the_edition_exists(tmp_path):
    repo = make_repo(tmp_path / "repo")
    assert edition(repo).returncode == 0
    before = (repo / EDITION).read_bytes()
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Edition 2025-Q3")
    line = refused(edition(repo))
    assert "exists already: a committed edition never changes" in line
    assert (repo / EDITION).read_bytes() == before


def test_refused_outside_git(tmp_path):
    repo = make_repo(tmp_path / "repo")
    shutil.rmtree(repo / ".git")
    assert "is not in a git repository" in refused(edition(repo))


def test_refused_before_the_first_commit(tmp_path):
    repo = make_repo(tmp_path / "repo", commit=False)
    assert "has no commit yet" in refused(edition(repo))


def test_refused_after_the_latest_reported_quarter(tmp_path):
    repo = make_repo(tmp_path / "repo")
    line = refused(edition(repo, "2025-Q4"))
    assert "2025-Q4 is after the register's latest reported quarter (2025-Q3)" in line
    assert not (repo / "editions").exists()


# --- Reading edition files ----------------------------------------------------------------


def good_edition() -> dict:
    return {
        "quarter": QUARTER,
        "commit": "a" * 40,
        "commit_date": COMMIT_DATE,
        "targets_json": {
            "reporting_quarter": QUARTER,
            "targets": [{"id": "FX-1", "title": "T", "status": "missed", "due": "2025-Q1",
                         "flags": []}],
        },
    }  # fmt: skip


def with_change(change) -> bytes:
    data = good_edition()
    change(data)
    return json.dumps(data).encode()


MALFORMED = {
    "not JSON": (b'{"quarter": "2025-Q3",\n  "commit": }', "2025-Q3.json:2: not valid JSON"),
    "duplicate key": (b'{"quarter": "2025-Q3", "quarter": "2025-Q3"}', "given twice"),
    "NaN": (b'{"quarter": NaN}', "NaN is not a JSON number"),
    "not UTF-8": (b'{"quarter": "\xff"}', "not UTF-8 text"),
    "a list": (b"[]", "must be a JSON object"),
    "deeply nested": (b"[" * 100_000 + b"]" * 100_000, "nested more than"),
    "missing commit": (with_change(lambda d: d.pop("commit")), "commit: required field"),
    "other quarter": (
        with_change(lambda d: d.update(quarter="2025-Q2")),
        "quarter: '2025-Q2' differs from the file name (2025-Q3)",
    ),
    "short commit": (with_change(lambda d: d.update(commit="abc123")), "commit: must be a full"),
    "date without zone": (
        with_change(lambda d: d.update(commit_date="2025-10-05")), "commit_date: must be an ISO"
    ),
    "no targets": (
        with_change(lambda d: d.update(targets_json={})), "targets_json: must be a targets.json"
    ),
    "reporting quarter": (
        with_change(lambda d: d["targets_json"].update(reporting_quarter="2025-Q1")),
        "targets_json.reporting_quarter: must be 2025-Q3",
    ),
    "id as a path": (
        with_change(lambda d: d["targets_json"]["targets"][0].update(id="../x")),
        "targets_json.targets[0].id: must be a target id",
    ),
    "id twice": (
        with_change(lambda d: d["targets_json"]["targets"].append(
            d["targets_json"]["targets"][0])),
        "targets_json.targets[1].id: 'FX-1' is listed twice",
    ),
    "flags not a list": (
        with_change(lambda d: d["targets_json"]["targets"][0].update(flags="none")),
        "targets_json.targets[0].flags: required, a list",
    ),
    "bidi override": (
        with_change(lambda d: d["targets_json"]["targets"][0].update(title="a\u202eb")),
        "targets_json.targets[0].title: the invisible character U+202E",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_edition_is_named_by_file_and_field(tmp_path, case):
    data, expected = MALFORMED[case]
    (tmp_path / f"{QUARTER}.json").write_bytes(data)
    found, problems = editions.read_editions(tmp_path, "editions")
    assert found == []
    message = "\n".join(str(p) for p in problems)
    assert message.startswith("editions/2025-Q3.json") and expected in message, message
    assert "Traceback" not in message


def test_good_edition_is_read_and_kept_byte_for_byte(tmp_path):
    data = with_change(lambda d: None)
    (tmp_path / f"{QUARTER}.json").write_bytes(data)
    (tmp_path / "README.md").write_text("not an edition")
    (tmp_path / f".{QUARTER}.json.swp").write_text("an editor's")
    found, problems = editions.read_editions(tmp_path, "editions")
    assert problems == [] and [e.quarter for e in found] == [Quarter.parse(QUARTER)]
    assert found[0].data == data


def test_misnamed_linked_and_oversized_files_are_refused_unopened(tmp_path, monkeypatch):
    (tmp_path / "latest.json").write_text("{}")
    os.mkfifo(tmp_path / "2025-Q1.json")  # opening a pipe would hang the build
    (tmp_path / "2025-Q2.json").symlink_to("/dev/zero")
    (tmp_path / QUARTER).mkdir()
    (tmp_path / f"{QUARTER}.json").write_bytes(with_change(lambda d: None))
    monkeypatch.setattr(editions, "MAX_EDITION_BYTES", 100)
    _, problems = editions.read_editions(tmp_path, "editions")
    messages = {p.path: p.message for p in problems}
    assert "named after its quarter" in messages["editions/latest.json"]
    assert "named pipe" in messages["editions/2025-Q1.json"]
    assert "a link to '/dev/zero'" in messages["editions/2025-Q2.json"]
    assert "larger than 100 bytes" in messages[f"editions/{QUARTER}.json"]


def test_editions_path_must_be_a_folder(tmp_path):
    (tmp_path / "editions").write_text("")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "elsewhere")
    _, problems = editions.read_editions(tmp_path / "editions", "editions")
    assert [str(p) for p in problems] == [
        "editions: EDITIONS_PATH: a file, not a folder: keep the edition files in a folder "
        "(default editions/)"
    ]
    _, problems = editions.read_editions(tmp_path / "linked", "linked")
    assert "EDITIONS_PATH: a link to a folder" in str(problems[0])


# --- Comparing with today ------------------------------------------------------------------


@pytest.fixture(scope="module")
def document() -> dict:
    return fixture_document()


def test_same_document_is_unchanged(document):
    assert compare(document, json.loads(json.dumps(document))).unchanged


def test_changes_are_grouped_figures_status_promise(document):
    today = json.loads(json.dumps(document))
    record = next(t for t in today["targets"] if t["id"] == "FX-ON")
    record.update(latest_value=320, due="2027-Q4", target=600, status="at_risk")
    record.pop("partner_codes")
    today["targets"].append({**record, "id": "FX-NEW"})
    comparison = compare(document, today)
    (changes,) = comparison.changed
    assert [c.field for c in changes.figures] == ["latest_value"]
    assert [(c.field, c.old, c.new) for c in changes.status] == [("status", "on_track", "at_risk")]
    assert [(c.field, c.old, c.new) for c in changes.promise] == [
        ("due", "2026-Q4", "2027-Q4"), ("target", 500, 600)
    ]  # fmt: skip
    assert [(c.field, c.absent_now) for c in changes.other] == [("partner_codes", True)]
    assert [r["id"] for r in comparison.added] == ["FX-NEW"]
    assert not comparison.unchanged


def test_fields_added_to_the_portal_since_are_not_compared(document):
    today = json.loads(json.dumps(document))
    for record in today["targets"]:
        record["a_later_field"] = record["status"]
    today["generated_by"] = "a later portal"
    assert compare(document, today).unchanged


def test_a_field_one_record_lacked_then_counts(document):
    # delay_url is given for missed targets only: one appearing now is a change.
    today = json.loads(json.dumps(document))
    record = next(t for t in today["targets"] if t["id"] == "FX-ON")
    record["delay_url"] = "delays/FX-ON.html"
    (changes,) = compare(document, today).changed
    assert [(c.field, c.absent_then) for c in changes.other] == [("delay_url", True)]


def test_missing_target_and_history_changes(document):
    today = json.loads(json.dumps(document))
    today["targets"] = [t for t in today["targets"] if t["id"] != "FX-ACH"]
    miss = next(t for t in today["targets"] if t["id"] == "FX-MISS")
    miss["history"][-1]["flags"] = []
    comparison = compare(document, today)
    assert [r["id"] for r in comparison.missing] == ["FX-ACH"]
    (changes,) = comparison.changed
    assert [h.quarter for h in changes.history] == [QUARTER]
    assert comparison.changed[0].history[0].old["flags"] == ["justification_missing"]


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list) and value:
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    else:
        yield path


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_changed_value_is_never_nothing_changed(document, data):
    leaves = [p for p in _leaves(document["targets"])]
    path = data.draw(st.sampled_from(leaves))
    today = json.loads(json.dumps(document))
    holder = today["targets"]
    for key in path[:-1]:
        holder = holder[key]
    old = holder[path[-1]]
    holder[path[-1]] = data.draw(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5), st.just([])).filter(
            # 0 and 0.0 are one JSON number; True and 1 are not
            lambda new: not (new == old and isinstance(new, bool) == isinstance(old, bool))
        )
    )
    assert not compare(document, today).unchanged


# --- A built site with an edition ---------------------------------------------------------


@pytest.fixture(scope="module")
def edition_sites(tmp_path_factory):
    """One repository, built with its edition and again after a figure was corrected."""
    root = tmp_path_factory.mktemp("edition-site")
    repo = make_repo(root / "repo")
    assert edition(repo).returncode == 0
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Edition 2025-Q3")
    overrides = {"PATH": str(repo / "content"), "THEME": str(repo / "theme"),
                 "EDITIONS_PATH": str(repo / "editions"), "RECORD_SINCE": None}  # fmt: skip
    build_site(repo / "targets", root / "before", **overrides)
    path = repo / "targets" / "2023" / "FX-MISS.yaml"
    path.write_text(path.read_text().replace("value: 5.1", "value: 4.9"))
    shutil.copy(repo / "targets" / "2024" / "FX-ON.yaml", repo / "targets" / "FX-NEW.yaml")
    new = repo / "targets" / "FX-NEW.yaml"
    new.write_text(new.read_text().replace("id: FX-ON", "id: FX-NEW"))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Correct FX-MISS 2025-Q3; add FX-NEW",
        date="2025-11-02T09:00:00+00:00")  # fmt: skip
    build_site(repo / "targets", root / "after", **overrides)
    return repo, root / "before", root / "after"


def text_of(path: Path) -> str:
    return " ".join(soup(path).get_text(" ").split())


def test_published_edition_is_the_committed_file(edition_sites):
    repo, before, after = edition_sites
    committed = (repo / EDITION).read_bytes()
    for site in (before, after):
        assert (site / "data" / "editions" / f"{QUARTER}.json").read_bytes() == committed
    # The edition is the targets.json that a build of its commit published, less what the
    # published file says of its own publication (date, licence, bureaus: opendata).
    published = json.loads((before / "data" / "targets.json").read_text(encoding="utf-8"))
    assert json.loads(committed)["targets_json"] == {
        key: value for key, value in published.items() if key not in opendata.ABOUT_KEYS
    }


@pytest.mark.parametrize("root", ["", "zh-hant/"])
def test_nothing_changed_is_said_only_when_true(edition_sites, root):
    _, before, after = edition_sites
    said = {"": "Nothing has changed since this edition was published.",
            "zh-hant/": "此存檔版本發布以來，沒有任何改變。"}[root]  # fmt: skip
    page = f"{root}editions/{QUARTER}.html"
    assert said in text_of(before / page)
    assert said not in text_of(after / page)


def test_page_lists_the_figure_changed_since(edition_sites):
    repo, _, after = edition_sites
    page = soup(after / "editions" / f"{QUARTER}.html")
    section = page.find(id="target-FX-MISS").find_parent("section")
    rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in section.select("tbody tr")]  # fmt: skip
    assert ["Latest figure", "5.1", "4.9"] in rows
    assert ["Progress", "45%", "55%"] in rows
    text = text_of(after / "editions" / f"{QUARTER}.html")
    made_from = git(repo, "rev-parse", "HEAD~2")  # the edition's own commit is HEAD~1
    assert page.select_one("dl.facts code").get_text() == made_from
    assert "1 target added since" in text and "FX-NEW" in text
    assert "FX-ON" not in [s.get("id") for s in page.select("section h4")]


def test_index_and_links_lead_to_the_edition(edition_sites):
    _, _, after = edition_sites
    page = f"{{root}}editions/{QUARTER}.html"

    def leads(links, root):
        return any(link.endswith("/" + page.format(root=root)) for link in links)

    for root in ("", "zh-hant/"):
        index = soup(after / root / "editions" / "index.html")
        assert leads([a["href"] for a in index.select("table.editions a")], root)
        opendata = soup(after / root / "data" / "index.html")
        assert any(a["href"].endswith(f"/{root}editions/index.html") for a in opendata("a"))
        report = soup(after / root / "quarters" / f"{QUARTER}.html")
        assert leads([a["href"] for a in report("a")], root)
        other = soup(after / root / "quarters" / "2025-Q2.html")
        assert not any("editions/" in a["href"] for a in other.select("main a"))


def test_build_refuses_a_malformed_edition(tmp_path):
    folder = tmp_path / "editions"
    folder.mkdir()
    (folder / f"{QUARTER}.json").write_bytes(with_change(lambda d: d.update(commit="x")))
    with pytest.raises(RegisterError) as error:
        build_site(FIXTURE_REGISTER, tmp_path / "site", EDITIONS_PATH=str(folder))
    assert f"{QUARTER}.json: commit: must be a full commit id" in str(error.value)
    assert not (tmp_path / "site").exists()


def test_validate_refuses_a_malformed_edition_as_the_build_does(tmp_path):
    from generator import build

    folder = tmp_path / "editions"
    folder.mkdir()
    (folder / f"{QUARTER}.json").write_bytes(with_change(lambda d: d.update(commit="x")))
    settings = build.read_settings(
        ROOT / "pelicanconf.py",
        {"TARGETS_PATH": str(FIXTURE_REGISTER), "EDITIONS_PATH": str(folder)},
    )
    with pytest.raises(RegisterError) as error:
        build.validate(settings)
    assert f"{QUARTER}.json: commit: must be a full commit id" in str(error.value)
