"""Open data a journalist expects (issue 14, item 7), read back from real builds: the zip of
every data file, every quarterly figure, the corrections log, the data package (validated
with frictionless), the JSON Schema of targets.json (validated with jsonschema), the
publication's facts, CSV booleans, titles in every language and bureaus by code."""

from __future__ import annotations

import copy
import csv
import importlib.metadata
import io
import json
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import frictionless
import jsonschema
import pytest
import yaml

from generator import build
from generator.site import opendata
from tests.conftest import ROOT, SAMPLE_REGISTER, build_site
from tests.gitenv import GIT_ENV
from tests.sitecheck import soup

SETTINGS = build.read_settings(ROOT / "pelicanconf.py", {})  # SITE_OWNER, licence, languages
LANGUAGES = SETTINGS["LANGUAGES"]
NOT_DATA = {"data/index.html", "data/portal-data.zip"}  # the open data page, and the zip


def rows(site: Path, name: str) -> list[dict[str, str]]:
    """The rows of ``data/<name>``."""
    return list(csv.DictReader(io.StringIO((site / "data" / name).read_text(encoding="utf-8"))))


def data_files(site: Path) -> dict[str, bytes]:
    """Every published file under data/ but the page and the zip, by site-relative path."""
    found = (p for p in (site / "data").rglob("*") if p.is_file())
    files = {p.relative_to(site).as_posix(): p.read_bytes() for p in found}
    return {path: data for path, data in files.items() if path not in NOT_DATA}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The sample register, built once for this module."""
    output = tmp_path_factory.mktemp("open-data") / "output"
    build_site(SAMPLE_REGISTER, output)
    return output


@pytest.fixture(scope="module")
def targets_json(site) -> dict:
    return json.loads((site / "data" / "targets.json").read_text(encoding="utf-8"))


def test_the_zip_holds_exactly_the_data_files(site):
    files = data_files(site)
    with zipfile.ZipFile(site / "data" / "portal-data.zip") as archive:
        held = {
            "data/" + info.filename.removeprefix("portal-data/"): archive.read(info)
            for info in archive.infolist()
        }
        assert all(info.filename.startswith("portal-data/") for info in archive.infolist())
    assert held.keys() == files.keys()
    assert held == files
    assert {"data/progress.csv", "data/corrections.csv", "data/datapackage.json",
            "data/targets.schema.json", "data/bureaus.csv"} <= files.keys()  # fmt: skip
    assert any(path.startswith("data/editions/") for path in files)


def test_two_builds_give_the_same_zip_bytes(site, tmp_path):
    again = tmp_path / "again"
    build_site(SAMPLE_REGISTER, again)
    assert (again / "data/portal-data.zip").read_bytes() == (
        site / "data/portal-data.zip"
    ).read_bytes()
    assert data_files(again) == data_files(site)


def test_the_zip_is_stamped_with_the_published_date(site, targets_json):
    year, month, day = (int(part) for part in targets_json["published"].split("-"))
    with zipfile.ZipFile(site / "data" / "portal-data.zip") as archive:
        infos = archive.infolist()
    assert {info.date_time for info in infos} == {(year, month, day, 0, 0, 0)}
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)


def test_progress_csv_has_every_quarterly_entry(site, targets_json):
    table = rows(site, "progress.csv")
    expected = []
    for record in targets_json["targets"]:
        document = json.loads((site / "data" / "targets" / f"{record['id']}.json").read_text())
        for entry in document["progress"]:
            expected.append((record["id"], record["bureau_code"], record["kind"], entry))
    assert len(table) == len(expected) > 0
    for row, (target_id, code, kind, entry) in zip(table, expected, strict=True):
        assert (row["id"], row["bureau_code"], row["quarter"], row["kind"]) == (
            target_id, code, entry["quarter"], kind)  # fmt: skip
        figure = "value" if kind == "numeric" else "percent_complete"
        assert float(row[figure]) == entry[figure]
        assert row["sources"].split(";") == (entry["sources"] or [""])
        assert row["verified_by"] == (entry["verified_by"] or "")
        assert row["note"] == (entry["note"] or "").replace("\r\n", "\n")


def test_progress_csv_covers_the_register(site):
    written = {(r["id"], r["quarter"]) for r in rows(site, "progress.csv")}
    in_files = set()
    for path in SAMPLE_REGISTER.rglob("*.yaml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        in_files |= {(document["id"], str(e["quarter"])) for e in document.get("progress", [])}
    assert in_files and in_files <= written


def test_targets_json_matches_its_published_schema(site, targets_json):
    schema = json.loads((site / "data" / "targets.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(targets_json)
    # The schema is no formality: it refuses a file that breaks the contract.
    for breaking in (
        lambda d: d.pop("published"),
        lambda d: d["targets"][0].update(status="done"),
        lambda d: d["targets"][0].pop("bureau_code"),
        lambda d: d["bureaus"].update(X={"code": "lower"}),
    ):
        broken = copy.deepcopy(targets_json)
        breaking(broken)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.Draft202012Validator(schema).validate(broken)


def test_each_target_file_matches_its_schema(site):
    schema = json.loads((site / "data" / "targets.schema.json").read_text())
    document = jsonschema.Draft202012Validator(
        {"$defs": schema["$defs"], "$ref": "#/$defs/target_document"}
    )
    files = sorted((site / "data" / "targets").glob("*.json"))
    assert files
    for path in files:
        document.validate(json.loads(path.read_text(encoding="utf-8")))
    one = json.loads((site / "data" / "targets" / "PA2022-001.json").read_text())
    one["progress"][0]["quarter"] = "2025 Q1"
    with pytest.raises(jsonschema.ValidationError):
        document.validate(one)
    one = json.loads(files[0].read_text(encoding="utf-8"))
    one.pop("status")  # the record's fields are required here too
    with pytest.raises(jsonschema.ValidationError):
        document.validate(one)


def test_the_input_schema_stays_and_differs(site):
    published = json.loads((site / "data" / "targets.schema.json").read_text())
    register = json.loads((site / "data" / "schema.json").read_text())
    assert published != register and "targets" in published["properties"]


def test_frictionless_validates_the_data_package(site):
    report = frictionless.validate(str(site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "type", "note"])
    package = json.loads((site / "data" / "datapackage.json").read_text())
    described = {"data/" + r["path"] for r in package["resources"]}
    files = data_files(site)
    assert described == files.keys() - {"data/datapackage.json"}
    tables = {r["path"]: r for r in package["resources"] if r["path"].endswith(".csv")}
    for path, resource in tables.items():
        header = next(csv.reader(io.StringIO((site / "data" / path).read_text())))
        assert [f["name"] for f in resource["schema"]["fields"]] == header, path
        assert all(f["type"] and f["description"] for f in resource["schema"]["fields"])


def test_frictionless_refuses_python_booleans(site, tmp_path):
    copied = tmp_path / "data"
    shutil.copytree(site / "data", copied)
    package = json.loads((copied / "datapackage.json").read_text())
    text = (copied / "targets.csv").read_text()
    assert ",false," in text
    (copied / "targets.csv").write_text(text.replace(",false,", ",False,"))
    for resource in package["resources"]:  # the hashes would fail it anyway: drop them
        resource.pop("hash"), resource.pop("bytes")
    (copied / "datapackage.json").write_text(json.dumps(package))
    report = frictionless.validate(str(copied / "datapackage.json"))
    assert not report.valid
    assert {e[0] for e in report.flatten(["type"])} == {"type-error"}


def test_frictionless_command_line_passes(site, tmp_path):
    """`frictionless validate data/datapackage.json`, from the site's root, as a reader runs it."""
    command = [str(Path(sys.executable).parent / "frictionless"), "validate"]
    done = subprocess.run([*command, "data/datapackage.json"], cwd=site, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]
    # And it can fail: a file changed after the package was made no longer matches its hash.
    shutil.copytree(site / "data", tmp_path / "data")
    with (tmp_path / "data" / "history.csv").open("a") as history:
        history.write("PA2022-001,2099-Q1,on_track,\n")
    done = subprocess.run([*command, "data/datapackage.json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode != 0 and "hash-count" in done.stdout


def test_csv_booleans_are_true_and_false(site):
    for name, columns in (
        ("targets.csv", ("justification_filed",)),
        ("overdue.csv", ("justification_filed", "revised_due_passed")),
        ("amendments.csv", ("correction",)),
    ):
        table = rows(site, name)
        assert table, name
        for column in columns:
            assert {r[column] for r in table} <= {"true", "false"}, (name, column)
        text = (site / "data" / name).read_text()
        assert ",True" not in text and ",False" not in text, name


def test_csv_has_the_title_in_every_language(site, targets_json):
    table = {r["id"]: r for r in rows(site, "targets.csv")}
    assert len(LANGUAGES) > 1
    for record in targets_json["targets"]:
        for lang in LANGUAGES:
            assert table[record["id"]][f"title_{lang}"] == record["titles"].get(lang, ""), lang
    assert table["PA2022-001"]["title_zh-Hant"] == "五年內落成三萬個公共租住單位"


def test_targets_json_says_when_and_by_whom_it_was_published(targets_json):
    register_date = subprocess.run(
        ["git", "log", "-1", "--first-parent", "--format=%cd", "--date=format-local:%Y-%m-%d",
         "--", "."], cwd=SAMPLE_REGISTER, env={**GIT_ENV, "TZ": "UTC"},
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert targets_json["published"] == register_date
    assert targets_json["published_from"] == "commit"
    assert targets_json["publisher"] == SETTINGS["SITE_OWNER"]
    assert targets_json["licence"] == {
        "name": SETTINGS["DATA_LICENSE"], "url": SETTINGS["DATA_LICENSE_URL"]}  # fmt: skip
    assert targets_json["portal_version"] == importlib.metadata.version("kpi-portal")
    newest = max(p.stem for p in (ROOT / "editions").glob("*.json"))
    assert targets_json["edition"] == {"quarter": newest, "url": f"data/editions/{newest}.json"}
    assert targets_json["reporting_period"]["quarter"] == targets_json["reporting_quarter"]
    # Additions only: the contract's fields first, as before, the targets last.
    assert list(targets_json) == [
        "reporting_quarter", "record_available", *opendata.ABOUT_KEYS, "targets"]  # fmt: skip


def test_bureaus_are_keyed_by_code(site, targets_json):
    declared = yaml.safe_load((ROOT / "content" / "bureaus.yaml").read_text(encoding="utf-8"))
    codes = sorted(b["code"] for b in declared)
    assert list(targets_json["bureaus"]) == codes
    assert all(b["code"] == code for code, b in targets_json["bureaus"].items())
    for record in targets_json["targets"]:
        bureau = targets_json["bureaus"][record["bureau_code"]]
        assert bureau["name"] == record["bureau"]
        assert all(code in targets_json["bureaus"] for code in record["partner_codes"])
    table = rows(site, "bureaus.csv")
    assert [r["code"] for r in table] == codes
    hb = next(r for r in table if r["code"] == "HB")
    assert (hb["name_en"], hb["name_zh-Hant"]) == ("Health Bureau", "醫務衞生局")
    assert all(r["bureau_code"] in codes for r in rows(site, "progress.csv"))


def test_the_open_data_page_lists_every_file(site):
    package = json.loads((site / "data" / "datapackage.json").read_text())
    for root in ("", "zh-hant/"):
        page = soup(site / root / "data" / "index.html")
        listed = {a.get_text(strip=True) for a in page.select("table.files a")}
        for resource in package["resources"]:
            path = "data/" + resource["path"]
            if not path.startswith(("data/targets/", "data/editions/")):
                assert path in listed, (root, path)
        assert {"data/portal-data.zip", "data/datapackage.json"} <= listed
        assert "targets.schema.json" in page.get_text()


# --- The corrections log ------------------------------------------------------------------

TARGET = """\
    id: PA2024-001
    title: Build 30 sites
    policy_address: 2024
    bureau: Housing Bureau
    due: 2026-Q4
    indicator: {{unit: sites, baseline: 0, target: 30}}
    progress:
      - {{quarter: 2025-Q1, value: 4}}
      - {{quarter: 2025-Q2, value: {q2}}}
    """


def git(repo: Path, *args: str, date: str) -> str:
    env = {**GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          check=True)  # fmt: skip
    return done.stdout.strip()


def test_a_corrected_figure_is_in_corrections_csv(tmp_path):
    repo = tmp_path / "repo"
    (repo / "targets").mkdir(parents=True)
    path = repo / "targets" / "PA2024-001.yaml"
    git(repo, "init", "-q", "-b", "main", date="2025-07-10T09:00:00+00:00")
    path.write_text(textwrap.dedent(TARGET.format(q2=12)))
    git(repo, "add", ".", date="2025-07-10T09:00:00+00:00")
    git(repo, "commit", "-q", "-m", "Publish", date="2025-07-10T09:00:00+00:00")
    path.write_text(textwrap.dedent(TARGET.format(q2=15)))
    git(repo, "commit", "-q", "-am", "Correct", date="2025-08-20T09:00:00+00:00")
    commit = git(repo, "rev-parse", "HEAD", date="2025-08-20T09:00:00+00:00")
    output = tmp_path / "site"
    build_site(repo / "targets", output, RECORD_SINCE=None)
    assert rows(output, "corrections.csv") == [{
        "id": "PA2024-001", "bureau_code": "HOB", "quarter": "2025-Q2", "field": "value",
        "old": "12", "new": "15", "date": "2025-08-20", "commit": commit,
    }]  # fmt: skip
    assert frictionless.validate(str(output / "data" / "datapackage.json")).valid
    published = json.loads((output / "data" / "targets.json").read_text())["published"]
    assert published == "2025-08-20"  # the register's newest commit


def test_without_history_the_corrections_log_is_not_published(tmp_path):
    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "PA2024-001.yaml").write_text(textwrap.dedent(TARGET.format(q2=12)))
    output = tmp_path / "site"
    build_site(tmp_path / "targets", output)
    assert not (output / "data" / "corrections.csv").exists()
    package = json.loads((output / "data" / "datapackage.json").read_text())
    assert (package["corrections_available"], package["record_available"]) == (False, False)
    assert "amendments.csv has only its header" in package["description"]
    assert "corrections.csv is not published" in package["description"]
    assert "corrections.csv" not in {r["path"] for r in package["resources"]}
    assert frictionless.validate(str(output / "data" / "datapackage.json")).valid
    data = json.loads((output / "data" / "targets.json").read_text())
    assert (data["published"], data["published_from"]) == (None, "unknown")
    with zipfile.ZipFile(output / "data" / "portal-data.zip") as archive:
        assert "portal-data/corrections.csv" not in archive.namelist()
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    page = soup(output / "data" / "index.html")
    assert "data/corrections.csv" not in {a.get_text(strip=True) for a in page.find_all("a")}
    assert "the corrections log is unavailable" in " ".join(page.get_text().split())


HOSTILE = """\
    id: PA2024-002
    title: {en: "=1+1 homes", zh-Hant: "房屋, \\"引號\\""}
    policy_address: 2024
    bureau: Housing Bureau
    due: 2026-Q4
    progress:
      - quarter: 2025-Q1
        percent_complete: 40
        note: "=HYPERLINK(\\"http://x\\")\\nsecond line, with \\"quotes\\""
        sources: [https://example.gov/a, https://example.gov/b]
        verified_by: Audit Commission
    """


def test_hostile_text_in_the_tables_stays_text_and_valid(tmp_path):
    """Formulas, commas, quotes and line breaks in register text: the CSV cells are text
    (formulas defused as elsewhere), the rows parse whole and frictionless accepts them."""
    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "PA2024-002.yaml").write_text(textwrap.dedent(HOSTILE))
    output = tmp_path / "site"
    build_site(tmp_path / "targets", output)
    [row] = rows(output, "progress.csv")
    assert row["note"] == '\'=HYPERLINK("http://x")\nsecond line, with "quotes"'
    assert (row["kind"], row["unit"], row["percent_complete"], row["value"]) == (
        "milestone", "%", "40", "")  # fmt: skip
    assert row["sources"] == "https://example.gov/a;https://example.gov/b"
    [target] = rows(output, "targets.csv")
    assert (target["title_en"], target["title_zh-Hant"]) == ("'=1+1 homes", '房屋, "引號"')
    report = frictionless.validate(str(output / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "type", "note"])
