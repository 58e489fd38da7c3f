"""Safe YAML loading that keeps the line of every value.

Only plain YAML data is accepted: mappings, sequences and the standard scalar
types. Python tags, duplicate keys and aliases are refused, the last because
an alias can expand a small file into gigabytes ("billion laughs").

Values are read as typed. PyYAML reads YAML 1.1, where ``06000`` is octal 3072,
``1:30`` is 90 and ``No`` is false; editors and ruamel read YAML 1.2, where they are
6000, the text "1:30" and the text "No". So an unquoted value is accepted as a number
only when it is a plain decimal (``6000``, ``-0.25``), and as true or false only when
it is ``true`` or ``false``; any other unquoted word that some YAML reader takes for a
number or a yes/no is refused, saying how to write it. Exponents (``1e3``) are refused
too: a register's figures are written out in digits. Quoted and block text is text.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from . import textsafety
from .errors import Problem
from .figures import DECIMAL, plain_decimal

# The C parser is several times faster; both give the same nodes and marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 1_000_000
# A target is at most four levels deep; far deeper nesting is a mistake or an attack.
MAX_DEPTH = 20

_PREFIX = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_PREFIX + t for t in ("null", "bool", "int", "float", "str", "timestamp")}
_MAP_TAG = _PREFIX + "map"
_SEQ_TAG = _PREFIX + "seq"
_STR, _INT, _FLOAT, _BOOL = (_PREFIX + t for t in ("str", "int", "float", "bool"))
_RESOLVER = yaml.resolver.Resolver()

# Numbers in YAML 1.2 (editors, ruamel) that PyYAML reads as text: "1e3", "08", "0o7".
_YAML12_NUMBER = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+"
)
_NOT_FINITE = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
# The yes/no words of YAML 1.1 in any case; PyYAML knows only some of the spellings.
_YES_NO = {"y": True, "n": False, "yes": True, "no": False, "on": True, "off": False}
_YES_NO |= {"true": True, "false": False}

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


def _special_message(node: yaml.ScalarNode) -> str:
    if node.tag != _implicit_tag(node.value):  # written with a '!' tag
        return _tag_message(node.tag)
    # "=" and "<<" unquoted are YAML's "value" and "merge" keys, not text.
    return (
        f"the bare {node.value} has a special meaning in YAML: write it in quotes, {node.value!r}"
    )


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
        return None, [Problem(path, line, "", not_utf8_message(text, exc))]
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


def not_utf8_message(data: bytes, exc: UnicodeDecodeError) -> str:
    """What is wrong with ``data``, which ``exc`` says is not UTF-8, and what to do."""
    where = f"byte {exc.start + 1} of {len(data)}"
    if exc.reason == "unexpected end of data":  # the start of a character, then nothing
        return (
            f"the file ends in the middle of a character ({where}): it was cut short or saved "
            "in another encoding; restore the end of the file from git or the original, and "
            "save it as UTF-8"
        )
    return (
        f"file is not UTF-8 text: {where} (0x{data[exc.start]:02X}) is not a UTF-8 "
        "character, so it was saved in another encoding (such as Big5 or Latin-1): save it "
        "as UTF-8 (the usual choice in editors)"
    )


def _implicit_tag(text: str) -> str:
    """The tag PyYAML gives ``text`` written unquoted and untagged."""
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))


def reads_as_text(text: str) -> bool:
    """True when ``text`` written unquoted is read back by this module as that same text."""
    return _implicit_tag(text) == _STR and as_typed_problem(text, _STR, text) is None


def as_typed_problem(text: str, tag: str, value: Any, figure: bool = False) -> str | None:
    """Why the unquoted ``text`` (tagged ``tag``, read as ``value``) is not read as typed;
    ``figure``: where a number or a year is expected.

    ``None`` when every YAML reader reads it as a person would.
    """
    yes_no = _YES_NO.get(text.lower())
    explicit = tag == _STR and _implicit_tag(text) != _STR  # "!!str 06000": text on purpose
    if yes_no is not None and text not in ("true", "false") and not explicit:
        who = "YAML" if tag == _BOOL else "some YAML tools"
        if figure:  # quotes would only make it text: what is wanted is a number
            return (
                f"the bare word {text} is read by {who} as {str(yes_no).lower()} (a yes/no), "
                "not a number: write a number"
            )
        return (
            f"the bare word {text} is read by {who} as {str(yes_no).lower()}: "
            f"write it in quotes, {text!r}, if it is text"
        )
    if tag in (_INT, _FLOAT) or (tag == _STR and not explicit and _YAML12_NUMBER.fullmatch(text)):
        return _number_problem(text, value)
    return None


def _number_problem(text: str, value: Any) -> str | None:
    if DECIMAL.fullmatch(text):
        return None
    if _NOT_FINITE.fullmatch(text):
        return f"{text!r} is not a finite number: write a number"
    return f"{_number_advice(text, value)}, or put it in quotes, {text!r}, if it is text"


def _number_advice(text: str, value: Any) -> str:
    """What YAML makes of a number not written as a plain decimal, and how to write it."""
    bare = text.lstrip("+-")
    if ":" in text:
        return (
            f"{text!r} is read by YAML as {value} (a ':' makes it a base-60 number, as in "
            f"times): write {plain_decimal(value)}"
        )
    base = {"0x": ("hexadecimal", 16), "0b": ("binary", 2), "0o": ("octal", 8)}.get(bare[:2])
    if base:
        name, radix = base
        number = int(text.replace("_", "").replace(bare[:2], "", 1), radix)
        who = "YAML 1.2 tools" if bare[:2] == "0o" else "YAML"
        return f"{text!r} is read by {who} as {number} ({bare[:2]} makes it {name}): write {number}"
    digits = _digits(text)
    if isinstance(value, int) and re.fullmatch(r"0[0-7_]+", bare):
        return f"{text!r} is read by YAML as {value} (a leading 0 makes it octal): write {digits}"
    if "e" in text.lower():
        shown = f", {digits}" if digits and len(digits) <= 24 else ""
        return (
            f"{text!r} has an exponent, which YAML readers disagree about: write the number "
            f"out in digits{shown}"
        )
    return (
        f"{text!r} is not written as a plain number ({_why_not_plain(text)}): "
        f"write {digits or 'it in plain digits'}"
    )


def _digits(text: str) -> str | None:
    try:
        return plain_decimal(Decimal(text.replace("_", "")))
    except (InvalidOperation, ValueError):
        return None


def _why_not_plain(text: str) -> str:
    if "_" in text:
        return "YAML readers disagree about _ in numbers"
    if text.startswith("+"):
        return "YAML readers disagree about a leading +"
    if re.match(r"-?0[0-9]", text):
        return "YAML readers disagree about a leading 0"
    return "YAML readers disagree about a number without digits before or after the point"


@functools.cache
def _figure_fields() -> frozenset[str]:
    """The register's fields that hold a number or a year (value, policy_address, ...)."""
    from . import fields, model  # the model's declarations; imported late: they import this

    found: set[str] = set()
    groups = [model.Target]
    while groups:
        for spec in fields.specs(groups.pop()):
            found.update([spec.name] if spec.kind in (fields.NUMBER, fields.YEAR) else [])
            groups += [spec.group] if spec.group is not None else []
    return frozenset(found)


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
            is_scalar = isinstance(key_node, yaml.ScalarNode)
            key = self.scalar(key_node, path, is_key=True) if is_scalar else None
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

    def scalar(self, node: yaml.ScalarNode, path: Path, is_key: bool = False) -> Any:
        # Only an unquoted scalar can be misread: quoted and block scalars are text.
        plain = not node.style
        if node.tag not in _SCALAR_TAGS:
            self.fail(node, path, _special_message(node) if plain else _tag_message(node.tag))
            return None
        try:
            value = self.scalars.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.fail(node, path, f"cannot read this value ({exc}): check it, or put it in quotes")
            return None
        # A quoted scalar is read as typed unless a tag makes it a number: !!int '06000'.
        # A key that is not a word is refused as a key, by the caller.
        misreadable = plain or node.tag in (_INT, _FLOAT, _BOOL)
        figure = bool(path) and path[-1] in _figure_fields()
        if (
            misreadable
            and not is_key
            and (problem := as_typed_problem(node.value, node.tag, value, figure))
        ):
            self.fail(node, path, problem)
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(node, path, f"{node.value!r} is not a finite number: write a number")
            return None
        if isinstance(value, str) and (unsafe := textsafety.unsafe_character(value)):
            self.fail(node, path, unsafe)
            return None
        return value
