"""Routine register edits for staff: a new target, a quarterly report, a delay justification.

Edits keep each file's comments, key order and layout (a ruamel.yaml round trip),
and every edited file is validated before it is written: a refused edit leaves
the file exactly as it was.

ruamel writes YAML 1.2 and the validator reads YAML 1.1 (PyYAML): a title "No" that
ruamel leaves unquoted reads back as false, a float it writes as ``1e-05`` reads back as
text. So every new text is quoted when the validator would read it unquoted as anything
but that text, and every number is written as a plain decimal: what an edit writes reads
back as what it was given.
"""

from __future__ import annotations

import datetime
import io
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import LiteralScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from ..register.errors import PortalError, Problem
from ..register.fields import GROUP, names, specs
from ..register.figures import plain_decimal
from ..register.files import list_tree, read_file
from ..register.loader import SourceFile, display_path, read_source
from ..register.model import Target
from ..register.quarters import Quarter
from ..register.slugs import slugify
from ..register.yamldoc import MAX_FILE_BYTES, not_utf8_message, reads_as_text

SCHEMA_LINE = "# yaml-language-server: $schema={path}\n"
# The sample register's layout: list items indented two spaces under their key.
HOUSE_INDENT = (4, 2)


class EditError(PortalError):
    """An edit was refused; the register is unchanged."""


@dataclass(frozen=True)
class Edit:
    """A change to one register file: its text before (None if new) and after."""

    path: Path
    before: str | None
    after: str
    summary: str

    def write(self) -> None:
        """Write the new text, creating the folder if needed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.after, encoding="utf-8", newline="\n")


def find_target_file(targets_dir: Path, target_id: str) -> Path:
    """The file of target ``target_id`` (its file name is its id); raise ``EditError``."""
    matches = _files_named(targets_dir, target_id)
    if not matches:
        raise EditError(
            f"no target '{target_id}' in {display_path(Path(targets_dir))}: check the id "
            "(it is the file name, without .yaml)"
        )
    if len(matches) > 1:
        shown = ", ".join(display_path(p) for p in matches)
        raise EditError(f"target '{target_id}' is in more than one file: {shown}")
    return matches[0]


def _files_named(targets_dir: Path, target_id: str) -> list[Path]:
    # The files the register reads (no links, no leftovers), compared as plain names: an id
    # must never act as a wildcard pattern.
    listed = list_tree(Path(targets_dir)).files
    return [p for p in listed if p.suffix == ".yaml" and p.stem == target_id]


def read_target_text(path: Path) -> str:
    """The text of the register file ``path``, read as the register reads it; ``EditError``."""
    data, refused = read_file(path, MAX_FILE_BYTES, "one target per file")
    if data is None:
        raise EditError(f"{display_path(path)}: {refused}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The words the validator uses: a file cut mid-character is told so, not "not UTF-8".
        raise EditError(f"{display_path(path)}: {not_utf8_message(data, exc)}") from None


class _Verbatim(str):
    """An unquoted text already in the file: written back exactly as it was."""


class _Representer(RoundTripRepresenter):
    """ruamel's round-trip writer, writing what PyYAML reads back as the same value."""

    def represent_new_str(self, data: str) -> Any:
        """A text, in quotes when it would not read back unquoted as that text."""
        if reads_as_text(data):
            return self.represent_str(data)
        return self.represent_scalar("tag:yaml.org,2002:str", data, style="'")

    def represent_plain_float(self, data: float) -> Any:
        """A float as a plain decimal: 0.00001, never 1e-05."""
        if not math.isfinite(data):  # written as .inf or .nan, which validation refuses
            return self.represent_float(data)
        text = plain_decimal(data)
        return self.represent_scalar(_PREFIX + ("float" if "." in text else "int"), text)


_PREFIX = "tag:yaml.org,2002:"
_Representer.add_representer(str, _Representer.represent_new_str)
_Representer.add_representer(float, _Representer.represent_plain_float)
_Representer.add_representer(_Verbatim, RoundTripRepresenter.represent_str)


def _keep_unquoted(node: Any) -> None:
    """Mark the unquoted texts of a loaded file, so that an edit writes them back as they were.

    Quoting one that YAML 1.1 misreads (``title: No``) would silently change a line the
    edit was not about; left as it is, validation reports it, saying how to fix it.
    """
    if isinstance(node, dict):
        items = list(node.items())
    elif isinstance(node, list):
        items = list(enumerate(node))
    else:
        return
    for key, value in items:
        if type(value) is str and not reads_as_text(value):
            node[key] = _Verbatim(value)
        else:
            _keep_unquoted(value)


def round_trip(text: str) -> tuple[YAML, Any]:
    """Parse ``text`` keeping comments and layout; return the YAML engine and the data."""
    indent, offset = HOUSE_INDENT
    # Only block lists ("- item") show how the file indents lists; without one, a new
    # list follows the house style rather than ruamel's guess from the mappings.
    if re.search(r"^\s*- ", text, re.MULTILINE):
        _, guessed, guessed_offset = load_yaml_guess_indent(text)
        if guessed is not None:
            indent, offset = guessed, guessed_offset or 0
    yaml = YAML()
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long lines staff wrote
    yaml.indent(mapping=2, sequence=indent, offset=offset)
    data = yaml.load(text)
    _keep_unquoted(data)
    return yaml, data


def dump(yaml: YAML, data: Any) -> str:
    """Serialise round-trip ``data`` with the engine that parsed it."""
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def checked(edit: Edit, default_lang: str, reporting: Quarter | None = None) -> Edit:
    """Return ``edit`` if its new text is a valid target file; raise ``EditError`` if not.

    ``default_lang`` is DEFAULT_LANG: a title given as plain text is in that language.
    """
    source = SourceFile(display_path(edit.path), edit.path.stem, edit.after.encode("utf-8"))
    _, problems, _ = read_source(source, default_lang, reporting)
    if problems:
        raise EditError(_problem_lines("the edited file would be invalid", problems))
    return edit


def _problem_lines(heading: str, problems: list[Problem]) -> str:
    return heading + ":\n" + "\n".join(str(p) for p in problems)


def markdown_text(text: str) -> str | LiteralScalarString:
    """Multi-line text as a ``|`` block, so it stays readable in the file."""
    text = text.strip()
    return LiteralScalarString(text + "\n") if "\n" in text else text


def number(value: float) -> int | float:
    """Whole numbers as integers, so the file says 12, not 12.0."""
    return int(value) if float(value).is_integer() else value


def new_target_edit(
    targets_dir: Path, fields: dict[str, Any], schema_file: Path | None = None
) -> Edit:
    """A skeleton file for a new target in its bureau's folder.

    ``fields`` holds id, title, policy_address, bureau, due and optionally area, start,
    indicator (unit, baseline, target, direction) and budget (currency, allocated, unit),
    each written where the model declares it. Raises ``EditError``.
    """
    target_id = fields["id"]
    existing = _files_named(targets_dir, target_id)
    if existing:
        raise EditError(f"target '{target_id}' already exists: {display_path(existing[0])}")
    path = Path(targets_dir) / slugify(fields["bureau"]) / f"{target_id}.yaml"
    yaml, data = round_trip("")
    data = CommentedMap()
    for spec in specs(Target):  # in the order a file lists them
        value = fields.get(spec.name)
        if spec.kind == GROUP and value:  # indicator, budget: their parts in declared order
            value = CommentedMap((k, _figure(value[k])) for k in names(spec.group) if k in value)
        if value is not None:
            data[spec.name] = value
    data["progress"] = CommentedSeq()
    header = ""
    if schema_file is not None:
        relative = Path(os.path.relpath(schema_file, path.parent)).as_posix()
        header = SCHEMA_LINE.format(path=relative)
    text = header + dump(yaml, data).replace("progress: []\n", _PROGRESS_HINT)
    return Edit(path, None, text, f"new target {target_id} in {display_path(path)}")


_PROGRESS_HINT = (
    "# Quarterly updates go below, oldest first, e.g.:\n"
    "#   - quarter: 2026-Q1\n"
    "#     value: 12            (milestone targets: percent_complete: 40)\n"
    "#     sources: [https://www.example.gov/...]\n"
    "progress: []\n"
)


def _figure(value: Any) -> Any:
    return number(value) if isinstance(value, float) else value


def progress_edit(path: Path, text: str, entry: dict[str, Any]) -> Edit:
    """Add one quarter's ``entry`` at the end of the file's ``progress`` list.

    ``entry`` has quarter and value or percent_complete, and optionally note, sources,
    verified_by and spent. Raises ``EditError`` for a quarter already reported or out of
    order; the rest (spent negative, less than before, without a budget) is the validator's,
    which ``checked`` runs on the edited file.
    """
    yaml, data = round_trip(text)
    _require_mapping(path, data)
    quarter = Quarter.parse(entry["quarter"])
    progress = data.get("progress")
    if progress is None:
        progress = data["progress"] = CommentedSeq()
    _check_next_quarter(path, progress, quarter)
    _check_kind(path, data, entry)
    if progress.fa.flow_style():  # "progress: []" becomes a readable block list
        progress.fa.set_block_style()
    progress.append(_entry_map(entry))
    if "percent_complete" in entry:  # "100% complete", not a bare 100 that reads as a value
        figure = f"{number(entry['percent_complete'])}% complete"
    else:
        figure = number(entry.get("value"))
    summary = f"{data.get('id', path.stem)}: add {quarter}: {figure}"
    if entry.get("spent") is not None:
        summary += f", spent {number(entry['spent'])}"
    return Edit(path, text, dump(yaml, data), summary)


def _require_mapping(path: Path, data: Any) -> None:
    if not isinstance(data, CommentedMap):
        raise EditError(f"{display_path(path)}: the file is not a target (no fields found)")


def _check_next_quarter(path: Path, progress: list, quarter: Quarter) -> None:
    reported = [Quarter.parse(str(e.get("quarter"))) for e in progress if _has_quarter(e)]
    if quarter in reported:
        raise EditError(
            f"{display_path(path)}: {quarter} is already reported; to correct it, edit that "
            "entry in the file (the correction will show in the change summary)"
        )
    if reported and quarter < max(reported):
        raise EditError(
            f"{display_path(path)}: {quarter} is before the last entry ({max(reported)}); "
            "entries go oldest first, so add a missed quarter by hand in its place"
        )


def _has_quarter(entry: Any) -> bool:
    try:
        Quarter.parse(str(entry.get("quarter")))
    except (AttributeError, ValueError):
        return False
    return True


def _check_kind(path: Path, data: dict, entry: dict) -> None:
    numeric = data.get("indicator") is not None
    if numeric and "value" not in entry:
        raise EditError(f"{display_path(path)}: a numeric target reports a value (--value)")
    if not numeric and "percent_complete" not in entry:
        raise EditError(
            f"{display_path(path)}: a milestone target reports percent complete (--percent)"
        )


def _entry_map(entry: dict[str, Any]) -> CommentedMap:
    result = CommentedMap()
    result["quarter"] = str(entry["quarter"])
    for key in ("value", "percent_complete"):
        if entry.get(key) is not None:
            result[key] = number(entry[key])
    if entry.get("note"):
        result["note"] = markdown_text(entry["note"])
    if entry.get("sources"):
        result["sources"] = CommentedSeq(entry["sources"])
    if entry.get("verified_by"):
        result["verified_by"] = entry["verified_by"]
    if entry.get("spent") is not None:  # 0 is an amount: nothing spent yet
        result["spent"] = number(entry["spent"])
    return result


def delay_edit(path: Path, text: str, delay: dict[str, Any]) -> Edit:
    """Add the ``delay`` block (reason, revised_due, measures, submitted, responsible).

    Raises ``EditError`` when the target already has one.
    """
    yaml, data = round_trip(text)
    _require_mapping(path, data)
    if data.get("delay") is not None:
        raise EditError(
            f"{display_path(path)}: a delay justification is already filed; edit the "
            "'delay:' block in the file to change it"
        )
    block = CommentedMap()
    block["reason"] = markdown_text(delay["reason"])
    block["revised_due"] = str(delay["revised_due"])
    block["measures"] = markdown_text(delay["measures"])
    if delay.get("submitted"):
        block["submitted"] = datetime.date.fromisoformat(str(delay["submitted"]))
    if delay.get("responsible"):
        block["responsible"] = delay["responsible"]
    data["delay"] = block
    summary = (
        f"{data.get('id', path.stem)}: delay justification, revised due {delay['revised_due']}"
    )
    return Edit(path, text, dump(yaml, data), summary)
