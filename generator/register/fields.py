"""How a register field is declared: once, on the model, with what every reader of it needs.

Each field of the model (``model``) is declared with ``declare``: its kind of value, whether
it is required, its help text and, for the promise, its place. The order of declaration is
the order of the keys in a file. From these declarations come the validator's field lists and
value checks (``validation``), the JSON Schema (``schema``), the key order the editing
commands write (``staff.editing``), the promise fields amendments may name, and the fields
the translation check and the change summary compare. Adding a field is one ``declare``
line, plus its rule in ``validation`` when it has one; declared ``published``, it follows
the published record's own columns in the open data (``site.published_fields``).
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from dataclasses import dataclass
from typing import Any

# The kinds of value a field holds. Each has one reading rule (``validation.READERS``) and
# one JSON Schema (``schema``).
LINE = "line"  # one line of text
MARKDOWN = "markdown"  # Markdown text, lines allowed
TEXTS = "texts"  # one line, or a map of language code to one line
MARKDOWN_TEXTS = "markdown-texts"  # Markdown, or a map of language code to Markdown
ID = "id"  # a target id
YEAR = "year"  # a policy-address year
QUARTER = "quarter"  # YYYY-Qn
NUMBER = "number"  # a figure, as typed
DATE = "date"  # YYYY-MM-DD
BOOLEAN = "boolean"  # true or false
CHOICE = "choice"  # one of ``choices``
LINES = "lines"  # a list of one-line texts
URLS = "urls"  # a list of http(s) addresses
NAMES = "names"  # a list of promise field names (amendments)
GROUP = "group"  # a mapping of the fields of another model class
ENTRIES = "entries"  # a list of such mappings
KINDS = (LINE, MARKDOWN, TEXTS, MARKDOWN_TEXTS, ID, YEAR, QUARTER, NUMBER, DATE, BOOLEAN)
KINDS += (CHOICE, LINES, URLS, NAMES, GROUP, ENTRIES)
_NONE = object()


@dataclass(frozen=True)
class Spec:
    """What a register field is, as every reader of the register needs to know it."""

    name: str
    kind: str
    help: str
    """One line for staff: the schema's description, shown by editors as they type."""
    required: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None
    """The value a file that leaves the field out means: the model's value then, and
    documented in the schema."""
    bounds: tuple[float, float] | None = None
    """The smallest and largest value of a number."""
    promise: int = 0
    """Part of the published promise when above 0: its place in the list of promise fields
    an amendment may name (due first)."""
    group: type | None = None
    """The model class of a GROUP's mapping or of each of an ENTRIES list's mappings."""
    schema: tuple[tuple[str, Any], ...] = ()
    """Further JSON Schema keywords, (name, value) pairs, for a rule of the field's own in
    ``validation`` that an editor can check as staff type (``exclusiveMinimum``): the
    validator stays the rule, with its words; the schema only warns early."""
    published: bool = False
    """Published in the open data as typed, after the published record's own columns
    (``site.published_fields``); the record's columns are written there by name."""

    @property
    def translated(self) -> bool:
        """True for text that may be given in each language."""
        return self.kind in (TEXTS, MARKDOWN_TEXTS)


def declare(kind: str, help: str, *, required: bool = False, empty: Any = _NONE, **spec: Any):
    """A model field declared as a register field. ``empty`` is the model's value when the
    file leaves the field out (a callable is called for each target), unless a documented
    ``default`` gives it; required fields have none."""
    if kind not in KINDS:
        raise ValueError(f"unknown field kind {kind!r}")
    if spec.get("default") is not None and empty is _NONE:
        empty = spec["default"]
    metadata = {"register": {"kind": kind, "help": help, "required": required, **spec}}
    if empty is _NONE:
        return dataclasses.field(metadata=metadata)
    if callable(empty):
        return dataclasses.field(default_factory=empty, metadata=metadata)
    return dataclasses.field(default=empty, metadata=metadata)


@functools.cache
def specs(cls: type) -> tuple[Spec, ...]:
    """The register fields of the model class ``cls``, in the order a file lists them."""
    hints = typing.get_type_hints(cls)
    found = []
    for f in dataclasses.fields(cls):
        declared = f.metadata.get("register")
        if declared is None:  # not read from the file (source_path, say)
            continue
        group = _model_class(hints[f.name]) if declared["kind"] in (GROUP, ENTRIES) else None
        found.append(Spec(f.name, group=group, **declared))
    return tuple(found)


def names(cls: type) -> tuple[str, ...]:
    """The names of the register fields of ``cls``, in file order."""
    return tuple(s.name for s in specs(cls))


def spec(cls: type, name: str) -> Spec:
    """The declaration of the field ``name`` of ``cls``."""
    return next(s for s in specs(cls) if s.name == name)


def _model_class(hint: Any) -> type:
    """The model class inside ``X | None`` or ``tuple[X, ...]``."""
    for arg in (hint, *typing.get_args(hint)):
        if dataclasses.is_dataclass(arg):
            return arg
    raise TypeError(f"a group or entries field must hold a model class, not {hint!r}")


def promise_fields(cls: type) -> tuple[str, ...]:
    """The promise fields of ``cls`` in promise order; a group's fields follow it, dotted."""
    found: list[str] = []
    for s in sorted((s for s in specs(cls) if s.promise), key=lambda s: s.promise):
        found.append(s.name)
        if s.group is not None:
            found += [f"{s.name}.{part}" for part in names(s.group)]
    return tuple(found)


def translated(cls: type) -> tuple[str, ...]:
    """The fields of ``cls`` whose text may be given in each language."""
    return tuple(s.name for s in specs(cls) if s.translated)
