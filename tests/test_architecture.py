"""The shape of the code: packages that import one way, a core free of Pelican, and a
target's fields declared once (the model) and read from there by everything else."""

from __future__ import annotations

import ast
import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest

from generator.build import read_settings
from generator.project.settings import from_pelican
from generator.register import fields, schema, translations, validation
from generator.register.loader import load_register
from generator.register.model import PROMISE_FIELDS, Indicator, ProgressEntry, Target
from generator.site import exports, fundsdata, published_fields
from generator.site.portal import build_portal
from generator.staff import changeset
from tests.conftest import FIXTURE_REGISTER, ROOT

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
# What each package of the pipeline may import of the portal: the ones before it.
MAY_IMPORT = {
    "register": {"register"},
    "assess": {"register", "assess"},
    "project": {"register", "assess", "project"},
    "site": {"register", "assess", "project", "site"},
    "staff": {"register", "assess", "project", "staff"},
}
# The entry points' libraries: the core never imports them. (markupsafe's Markup, the type
# of HTML known to be safe, is not Jinja: the site's Markdown rendering returns it.)
ENTRY_ONLY = {"pelican", "jinja2", "argparse", "invoke"}


def _imports(path: Path) -> set[str]:
    """The modules ``path`` imports, relative imports as ``generator.<...>``."""
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names = [f"{module}.{a.name}" for a in node.names] if not node.module else [module]
            found |= set(names)
    return found


def _core_modules() -> list[Path]:
    return sorted(p for name in MAY_IMPORT for p in (PACKAGE / name).rglob("*.py"))


@pytest.mark.parametrize("path", _core_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_pipeline_imports_one_way(path):
    layer = path.relative_to(PACKAGE).parts[0]
    portal = {m.split(".")[1] for m in _imports(path) if m.startswith("generator.")}
    packages = {m for m in portal if m in MAY_IMPORT}
    assert packages <= MAY_IMPORT[layer], f"{layer} imports {packages - MAY_IMPORT[layer]}"
    # Only the package's own constant may come from the top (CODE, where the code lives).
    assert portal - set(MAY_IMPORT) <= {"CODE"}, f"imports entry points {portal}"


@pytest.mark.parametrize("path", _core_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_core_imports_no_pelican_jinja_or_command_line(path):
    libraries = {m.split(".")[0] for m in _imports(path)}
    assert not libraries & ENTRY_ONLY


def test_the_checker_finds_a_wrong_import(tmp_path, monkeypatch):
    """The rule above can fail: a register module importing the site is caught."""
    bad = PACKAGE / "register" / "model.py"
    copy = tmp_path / "generator" / "register" / "model.py"
    copy.parent.mkdir(parents=True)
    copy.write_text(bad.read_text() + "\nfrom ..site import portal\n")
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "generator")
    with pytest.raises(AssertionError, match="site"):
        test_the_pipeline_imports_one_way(copy)


# --- A target's fields, declared once -----------------------------------------------------


def test_every_register_field_of_the_model_is_declared_and_nothing_else():
    for cls in (Target, Indicator, ProgressEntry):
        declared = set(fields.names(cls))
        model = {f.name for f in dataclasses.fields(cls)} - {"source_path"}
        assert declared == model, cls


def test_the_validator_the_schema_and_the_summary_take_the_declared_fields():
    properties = schema.target_schema()["properties"]
    assert tuple(properties) == validation.TARGET_FIELDS == fields.names(Target)
    assert tuple(properties["indicator"]["properties"]) == fields.names(Indicator)
    assert translations.TRANSLATED_FIELDS == ("title", "description")
    assert PROMISE_FIELDS[:3] == ("due", "start", "indicator")
    required = [s.name for s in fields.specs(Target) if s.required]
    assert schema.target_schema()["required"] == required


def _with_field(cls: type, name: str, declared) -> type:
    """``cls`` with one more declared field, as a new register field would be added."""
    return dataclasses.make_dataclass(
        cls.__name__, [(name, str | None, declared)], bases=(cls,), frozen=True, kw_only=True
    )


def test_a_field_declared_once_reaches_the_validator_schema_and_summary(monkeypatch):
    extended = _with_field(
        Target, "sponsor", fields.declare(fields.LINE, "The sponsoring office.", empty=None)
    )
    assert fields.names(extended)[-1] == "sponsor"
    object_schema = schema._object(extended)
    assert object_schema["properties"]["sponsor"]["description"] == "The sponsoring office."
    target = extended(
        id="X-1", title={"en": "A"}, policy_address=2024, bureau="B", start=None, due=None,
        sponsor="Cabinet Office",
    )  # fmt: skip
    monkeypatch.setattr(changeset, "Target", extended)
    assert changeset._field_values(target)["sponsor"] == "Cabinet Office"


def test_a_field_declared_published_is_in_the_open_data_as_typed():
    @dataclasses.dataclass(frozen=True)
    class Grant:
        currency: str = fields.declare(fields.LINE, "ISO 4217 code.", required=True)
        allocated: float = fields.declare(fields.NUMBER, "Allocated.", required=True)

    extended = _with_field(
        Target, "sponsor", fields.declare(fields.LINE, "Sponsor.", empty=None, published=True)
    )
    money = fields.declare(fields.GROUP, "Money.", empty=None, published=True)
    extended = dataclasses.make_dataclass(
        "Target", [("grant", Grant | None, money)], bases=(extended,), frozen=True, kw_only=True
    )
    target = extended(
        id="X-1", title={"en": "A"}, policy_address=2024, bureau="B", start=None, due=None,
        sponsor="Cabinet Office", grant=Grant("HKD", 120),
    )  # fmt: skip
    assert published_fields.json_values(target) == {
        "sponsor": "Cabinet Office",
        "grant": {"currency": "HKD", "allocated": 120},
    }
    columns = published_fields.csv_columns(extended)
    assert columns == ("sponsor", "grant.currency", "grant.allocated")
    cells = published_fields.csv_cells(target)
    assert [cells[c] for c in columns] == ["Cabinet Office", "HKD", 120]
    # Nothing of today's register is published this way: the record writes it all by name.
    assert published_fields.csv_columns(Target) == ()


def test_the_open_data_writes_the_fields_declared_published(monkeypatch):
    """targets.json and targets.csv carry what published_fields gives, after their own."""
    settings = from_pelican(
        read_settings(ROOT / "pelicanconf.py", {"TARGETS_PATH": str(FIXTURE_REGISTER)})
    )
    targets = load_register(FIXTURE_REGISTER, reporting_quarter=None, default_lang="en")
    portal = build_portal(targets, settings)
    # As if the register declared ``policy_address`` again, as a published "year" field.
    year = dataclasses.replace(fields.spec(Target, "policy_address"), name="year")
    monkeypatch.setattr(published_fields, "published_specs", lambda cls: (year,))
    monkeypatch.setattr(Target, "year", property(lambda t: t.policy_address), raising=False)
    data = json.loads(exports.targets_json(portal))
    assert all(t["year"] == t["policy_address"] for t in data["targets"])
    header, *rows = list(csv.reader(io.StringIO(exports.targets_csv(portal))))
    own = [*exports.CSV_COLUMNS, *exports.title_columns(settings.languages)]
    assert header == [*own, *fundsdata.FUNDS_COLUMNS, "year"]
    assert [row[-1] for row in rows] == [str(t["policy_address"]) for t in data["targets"]]
