"""Safe YAML loading that keeps the line of every value.

Only plain YAML data is accepted: mappings, sequences and the standard scalar
types. Python tags, duplicate keys and aliases are refused, the last because
an alias can expand a small file into gigabytes ("billion laughs").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from . import textsafety
from .errors import Problem

# The C parser is several times faster; both give the same nodes and marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 1_000_000
# A target is at most four levels deep; far deeper nesting is a mistake or an attack.
MAX_DEPTH = 20

_PREFIX = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_PREFIX + t for t in ("null", "bool", "int", "float", "str", "timestamp")}
_MAP_TAG = _PREFIX + "map"
_SEQ_TAG = _PREFIX + "seq"

Path = tuple[str | int, ...]


def field_name(path: Path) -> str:
    """Write a path the way staff read it: ``progress[2].quarter``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass
class Document:
    """A parsed YAML file: plain Python ``data`` and the 1-based line of each value."""

    path: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    refused: set[Path] = field(default_factory=set)

    def line(self, path: Path) -> int | None:
        """Return the line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)

    def problem(self, path: Path, message: str) -> Problem:
        """Return a problem located at ``path`` in this document."""
        return Problem(self.path, self.line(path), field_name(path), message)


EMPTY_FILE = "file is empty: a target needs at least id, title, policy_address, bureau and due"


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    return (
        f"not valid YAML: {exc.problem or exc.context}: check the indentation, colons and "
        "quotes on this line and the one before"
    )


def _tag_message(tag: str) -> str:
    return f"YAML tag {tag!r} is not allowed: remove the '!' tag and write plain text or numbers"


def too_large(path: str) -> Problem:
    """The problem of a file too large to be one target."""
    return Problem(
        path, None, "", f"file is larger than {MAX_FILE_BYTES} bytes: one target per file"
    )


def load_document(path: str, text: bytes) -> tuple[Document | None, list[Problem]]:
    """Parse ``text`` (the bytes of the file shown as ``path``) into a ``Document``.

    Returns the document (``None`` when nothing usable was read) and the problems found.
    """
    if len(text) > MAX_FILE_BYTES:
        return None, [too_large(path)]
    try:
        source = text.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = text[: exc.start].count(b"\n") + 1
        message = "file is not UTF-8 text: save it as UTF-8 (the usual choice in editors)"
        return None, [Problem(path, line, "", message)]
    try:
        node = yaml.compose(source, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        return None, [Problem(path, line, "", _yaml_message(exc))]
    except yaml.reader.ReaderError as exc:
        line = source[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"not valid YAML: the invisible character U+{code:04X} is not allowed: delete it"
        return None, [Problem(path, line, "", message)]
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0]
        return None, [Problem(path, None, "", f"not valid YAML: {first}: check the file")]
    except RecursionError:
        return None, [Problem(path, None, "", "not valid YAML: nested too deeply")]
    if node is None:
        return None, [Problem(path, 1, "", EMPTY_FILE)]
    doc = Document(path, None)
    converter = _Converter(doc, source)
    doc.data = converter.convert(node, ())
    return doc, converter.problems


class _Converter:
    """Turns a YAML node tree into plain values, recording lines and refusing the unsafe."""

    def __init__(self, doc: Document, source: str):
        self.doc = doc
        self.source = source
        self.problems: list[Problem] = []
        self.seen: set[int] = set()
        self.scalars = SafeConstructor()
        self.alias_lines: list[int] | None = None

    def alias_line(self) -> int:
        """The line of the next alias in the file.

        A composed alias is the anchored node itself, so its own position is lost; the
        parser's events still have it, and aliases are met in the same order as events.
        """
        if self.alias_lines is None:
            events = yaml.parse(self.source, Loader=_Loader)
            self.alias_lines = [
                e.start_mark.line + 1 for e in events if isinstance(e, yaml.AliasEvent)
            ]
        return self.alias_lines.pop(0) if self.alias_lines else 0

    def fail(self, node: yaml.Node, path: Path, message: str) -> None:
        self.doc.refused.add(path)
        line = self.doc.lines.get(path, node.start_mark.line + 1)
        self.problems.append(Problem(self.doc.path, line, field_name(path), message))

    def convert(self, node: yaml.Node, path: Path) -> Any:
        # Composed aliases are the same node object seen twice; refusing the second
        # visit stops both expansion bombs and self-referencing structures.
        if id(node) in self.seen:
            self.alias(path)
            return None
        self.seen.add(id(node))
        if len(path) > MAX_DEPTH:
            self.fail(node, path, f"nested more than {MAX_DEPTH} levels deep")
            return None
        self.doc.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return self.sequence(node, path)
        return self.scalar(node, path)

    def alias(self, path: Path) -> None:
        self.doc.refused.add(path)
        line = self.alias_line() or self.doc.line(path)
        message = "YAML aliases (*name) are not allowed in the register: write the value out"
        self.problems.append(Problem(self.doc.path, line, field_name(path), message))

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict | None:
        if node.tag != _MAP_TAG:
            self.fail(node, path, _tag_message(node.tag))
            return None
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if id(key_node) in self.seen:  # an alias used as a key
                self.alias(path)
                continue
            self.seen.add(id(key_node))
            key = self.scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                line = key_node.start_mark.line + 1
                message = "every key must be a plain word, such as 'title'"
                self.problems.append(Problem(self.doc.path, line, field_name(path), message))
                continue
            if key in result:
                line = key_node.start_mark.line + 1
                first = self.doc.lines[(*path, key)]
                self.problems.append(
                    Problem(
                        self.doc.path,
                        line,
                        field_name((*path, key)),
                        f"duplicate key: this field is already given on line {first}; keep one",
                    )
                )
                continue
            # A value's line is its key's line: that is where staff look for "progress:".
            self.doc.lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = self.convert(value_node, (*path, key))
        return result

    def sequence(self, node: yaml.SequenceNode, path: Path) -> list | None:
        if node.tag != _SEQ_TAG:
            self.fail(node, path, _tag_message(node.tag))
            return None
        return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]

    def scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self.fail(node, path, _tag_message(node.tag))
            return None
        try:
            value = self.scalars.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.fail(node, path, f"cannot read this value ({exc}): check it, or put it in quotes")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(node, path, f"{node.value!r} is not a finite number: write a number")
            return None
        if isinstance(value, str) and (unsafe := textsafety.unsafe_character(value)):
            self.fail(node, path, unsafe)
            return None
        return value
