"""The shape of the code: packages that import one way, a core free of Pelican, and a
target's fields declared once (the model) and read from there by everything else."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from generator.register import fields, schema, translations, validation
from generator.register.model import PROMISE_FIELDS, Indicator, ProgressEntry, Target
from generator.staff import changeset

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
