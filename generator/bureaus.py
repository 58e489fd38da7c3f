"""Declared bureaus: ``content/bureaus.yaml``, and a target's bureau resolved to one of them.

Every bureau, department or working group a target names in ``bureau`` or ``partners``
is declared once, with a code that never changes (its lower case is the URL slug), its
name in each language, and the legislature panel that oversees it. A target writes a
declared code or a declared name exactly; anything else is refused with the closest
declared name, so that a look-alike (``Health  Bureau``, a Cyrillic ``Н``) can never
become a bureau of its own and take another's pages.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .errors import Problem, RegisterError
from .quarters import Quarter
from .yamldoc import EMPTY_FILE, Document, load_document

BUREAUS_FILE = "bureaus.yaml"
CODE_RE = re.compile(r"^[A-Z][A-Z0-9-]{1,15}$")
KINDS = ("bureau", "department", "working_group")
FIELDS = ("code", "name", "kind", "panel", "abolished")
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

# Letters of other scripts drawn like Latin ones (Cyrillic, Greek, dotless i), and dashes
# and quotes of other widths. Fullwidth and other compatibility forms are covered by NFKC,
# and invisible format characters (zero-width space, joiners) are dropped.
CONFUSABLES = {
    **dict(zip("АВЕЅІЈКМНОРСТХУҮԚԜ", "ABESIJKMHOPCTXYYQW", strict=True)),
    **dict(zip("авеѕіјкмнорстхуүԁһԛԝ", "abesijkmhopctxyydhqw", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
    **dict(zip("αικνορτυχı", "aikvoptuxi", strict=True)),
    **dict.fromkeys("‐‑‒–—―−﹣", "-"),
    **dict.fromkeys("‘’ʼ′", "'"),
}
# Latin letters and digits that look alike in many fonts, folded after lower-casing.
_ASCII_FOLDS = (("rn", "m"), ("vv", "w"), ("l", "i"), ("1", "i"), ("|", "i"), ("0", "o"))


def skeleton(text: str) -> str:
    """What ``text`` looks like: equal skeletons cannot be told apart on a page."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(CONFUSABLES.get(c, c) for c in text if unicodedata.category(c) != "Cf")
    text = " ".join(text.casefold().split())
    for written, drawn in _ASCII_FOLDS:
        text = text.replace(written, drawn)
    return text


@dataclass(frozen=True)
class Bureau:
    """One declared bureau, department or working group."""

    code: str
    names: dict[str, str]
    kind: str = "bureau"
    panel: dict[str, str] = field(default_factory=dict)
    abolished: Quarter | None = None
    line: int | None = None

    @property
    def slug(self) -> str:
        """Its URL slug: ``bureaus/<slug>.html``, ``feeds/bureaus/<slug>/``."""
        return self.code.lower()

    def spellings(self) -> tuple[str, ...]:
        """Every way a target may write it: the code, then its name in each language."""
        return (self.code, *dict.fromkeys(self.names.values()))


@dataclass(frozen=True)
class Bureaus:
    """The declared bureaus, in the order declared."""

    path: str
    default_lang: str
    entries: tuple[Bureau, ...] = ()

    def name(self, bureau: Bureau) -> str:
        """The name a bureau is published under: its name in the default language."""
        return bureau.names[self.default_lang]

    def resolve(self, written: str) -> Bureau | None:
        """The bureau whose code or name is exactly ``written``, or None."""
        return self._exact.get(written)

    def by_name(self, name: str) -> Bureau | None:
        """The bureau published under ``name`` (see ``name``)."""
        found = self._exact.get(name)
        return found if found is not None and self.name(found) == name else None

    @cached_property
    def _exact(self) -> dict[str, Bureau]:
        # Every target looks its bureau up: a dict built once, not a scan each time.
        return {s: b for b in reversed(self.entries) for s in b.spellings()}

    def closest(self, written: str) -> tuple[Bureau, str] | None:
        """The declared bureau and spelling nearest to ``written``, by their skeletons."""
        shape = skeleton(written)
        best, score = None, -1.0
        for bureau in self.entries:
            for spelling in bureau.spellings():
                ratio = difflib.SequenceMatcher(None, shape, skeleton(spelling)).ratio()
                if ratio > score:
                    best, score = (bureau, spelling), ratio
        return best

    def glossary(self) -> dict[str, dict[str, str]]:
        """Each bureau's published name in every language it is declared in."""
        names: dict[str, dict[str, str]] = {}
        for bureau in self.entries:
            for lang, text in bureau.names.items():
                names.setdefault(lang, {})[self.name(bureau)] = text
        return names

    def listing(self) -> str:
        """The declared bureaus as lines ``HB  Health Bureau``, for staff."""
        return "\n".join(f"  {b.code:<8} {self.name(b)}" for b in self.entries)


def implied(names: list[str] | set[str], default_lang: str) -> Bureaus:
    """A stand-in for bureaus.yaml: one entry per name, for callers that need no URLs."""
    from .portal import slugify  # only here: the portal imports this module

    taken: set[str] = {"index"}
    entries = []
    for name in sorted(names):
        slug, n = slugify(name), 2
        while slug in taken:
            slug, n = f"{slugify(name)}-{n}", n + 1
        taken.add(slug)
        entries.append(Bureau(slug, {default_lang: name}))
    return Bureaus("", default_lang, tuple(entries))


# --- Reading content/bureaus.yaml ----------------------------------------------------------


def bureaus_path(content: Path | str) -> Path:
    """Where the declared bureaus are kept: ``bureaus.yaml`` in the content folder."""
    return Path(content) / BUREAUS_FILE


def load_bureaus(content: Path | str, languages: tuple[str, ...]) -> Bureaus:
    """Read and check ``<content>/bureaus.yaml``; raise ``RegisterError`` naming file and line.

    ``languages`` is the LANGUAGES setting, the default language first.
    """
    from .register import display_path  # the register imports this module

    path = bureaus_path(content)
    shown = display_path(path)
    if not path.is_file():
        message = (
            "not found: declare every bureau the register names in this file "
            "(see docs/REGISTER.md, 'Bureaus')"
        )
        raise RegisterError([Problem(shown, None, "", message)])
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise RegisterError([Problem(shown, None, "", f"cannot read: {exc.strerror}")]) from None
    bureaus, problems = read_bureaus(shown, text, languages)
    if problems:
        raise RegisterError(problems)
    return bureaus


def read_bureaus(shown: str, text: bytes, languages: tuple[str, ...]) -> tuple[Bureaus, list]:
    """The bureaus declared in ``text`` (the file shown as ``shown``) and its problems."""
    default = languages[0]
    doc, problems = load_document(shown, text)
    if doc is None or problems:
        if [p.message for p in problems] == [EMPTY_FILE]:  # that message speaks of targets
            problems = [Problem(shown, 1, "", _EMPTY)]
        return Bureaus(shown, default), problems
    if not isinstance(doc.data, list) or not doc.data:
        return Bureaus(shown, default), [doc.problem((), _EMPTY)]
    entries: list[tuple[int, Bureau]] = []
    for i in range(len(doc.data)):
        bureau, found = _entry(doc, i, languages)
        problems += found
        if bureau is not None:
            entries.append((i, bureau))
    problems += _clashes(doc, entries)
    return Bureaus(shown, default, tuple(b for _, b in entries)), problems


_EMPTY = (
    "must be a list of bureaus, each starting '- code: ...' with its name: "
    "see the comments at the top of the sample content/bureaus.yaml"
)


def _entry(doc: Document, i: int, languages: tuple[str, ...]) -> tuple[Bureau | None, list]:
    data = doc.data[i]
    if not isinstance(data, dict):
        message = "each bureau must be a mapping of fields: code, name, kind, panel, abolished"
        return None, [doc.problem((i,), message)]
    problems = [doc.problem((i, k), _unknown_field(k)) for k in data if k not in FIELDS]
    code = _code(doc, i, problems)
    names = _names(doc, (i, "name"), languages, problems, required=True)
    panel = _names(doc, (i, "panel"), languages, problems, required=False)
    kind = data.get("kind", "bureau")
    if kind not in KINDS:
        message = f"{kind!r} is not a kind of bureau: write one of {', '.join(KINDS)}"
        problems.append(doc.problem((i, "kind"), message))
    abolished = _quarter(doc, (i, "abolished"), problems)
    if problems:
        return None, problems
    return Bureau(code, names, kind, panel, abolished, doc.line((i,))), []


def _unknown_field(key) -> str:
    close = difflib.get_close_matches(str(key), FIELDS, n=1)
    if close:
        return f"unknown field; did you mean '{close[0]}'?"
    return f"unknown field: remove it, or use one of {', '.join(FIELDS)}"


def _code(doc: Document, i: int, problems: list) -> str:
    code = doc.data[i].get("code")
    if code is None:
        problems.append(doc.problem((i,), "required field 'code' is missing: add 'code: ...'"))
    elif not isinstance(code, str) or not CODE_RE.match(code):
        message = (
            f"{code!r} is not a bureau code: write 2 to 16 capital letters, digits or '-', "
            "starting with a letter, such as HB"
        )
        problems.append(doc.problem((i, "code"), message))
    elif code == "INDEX" or "-BY-" in code:
        # bureaus/index.html lists the bureaus; x-by-status.html is a page's other order.
        message = f"{code!r} is kept for the site's own pages (INDEX, -BY-): choose another code"
        problems.append(doc.problem((i, "code"), message))
    else:
        return code
    return ""


def _names(doc: Document, path: tuple, languages: tuple[str, ...], problems: list,
           required: bool) -> dict[str, str]:  # fmt: skip
    value = doc.data[path[0]].get(path[1])
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        example = f"{{{languages[0]}: ..., zh-Hant: ...}}"
        problems.append(doc.problem(path, f"must be a map of language to text, such as {example}"))
        return {}
    names = {}
    for lang, text in value.items():
        message = _lang_problem(lang, languages) or _text_problem(text)
        if message:
            problems.append(doc.problem((*path, lang), message))
        else:
            names[lang] = text
    if required and languages[0] not in value:
        message = f"the default language '{languages[0]}' must be given: add '{languages[0]}: ...'"
        problems.append(doc.problem(path, message))
    return names


def _lang_problem(lang, languages: tuple[str, ...]) -> str | None:
    if not isinstance(lang, str) or not LANG_RE.match(lang):
        return f"{lang!r} is not a language code (such as en, zh-Hant)"
    for known in languages:
        if lang != known and lang.lower() == known.lower():
            return f"'{lang}' is written '{known}' in LANGUAGES: write '{known}'"
    return None


def _text_problem(text) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return "must be text: write the name after the colon"
    if text != " ".join(text.split()):
        return "must be one line with single spaces, none at either end: retype the spaces"
    if any(unicodedata.category(c) == "Cf" for c in text):
        return "has an invisible character: retype the name"
    return None


def _quarter(doc: Document, path: tuple, problems: list) -> Quarter | None:
    value = doc.data[path[0]].get(path[1])
    if value is None:
        return None
    try:
        return Quarter.parse(str(value))
    except ValueError:
        problems.append(doc.problem(path, f"{value!r} is not a quarter (use YYYY-Qn)"))
        return None


def _clashes(doc: Document, entries: list[tuple[int, Bureau]]) -> list[Problem]:
    """Codes unique; no two bureaus with codes or names that look the same."""
    problems = []
    seen: dict[str, tuple[Bureau, str]] = {}
    for i, bureau in entries:
        for spelling in bureau.spellings():
            other, written = seen.setdefault(skeleton(spelling), (bureau, spelling))
            if other is bureau:
                continue
            if spelling == written:
                how = f"is already used by {other.code} (line {other.line})"
            else:
                how = (
                    f"cannot be told apart from '{written}' of {other.code} (line {other.line}): "
                    f"it differs only in {_difference(spelling, written)}"
                )
            message = (
                f"{spelling!r} {how}: give each bureau a code and names of its own; "
                "a code is never reused, even after its bureau is abolished"
            )
            problems.append(doc.problem(_where(i, bureau, spelling), message))
    return problems


def _where(i: int, bureau: Bureau, spelling: str) -> tuple:
    if spelling == bureau.code:
        return (i, "code")
    lang = next(lang for lang, name in bureau.names.items() if name == spelling)
    return (i, "name", lang)


# --- A target's bureau and partners --------------------------------------------------------


def check_target(doc: Document, bureaus: Bureaus) -> tuple[dict[str, object], list[Problem]]:
    """Resolve a target file's ``bureau`` and ``partners`` to declared bureaus.

    Returns the published names (``bureau``, ``partners``) to put in the target, and a
    problem for each value that is not a declared code or name written exactly.
    Values that are not one line of text are left to the field checks.
    """
    data = doc.data if isinstance(doc.data, dict) else {}
    problems: list[Problem] = []
    resolved: dict[str, object] = {}
    bureau = data.get("bureau")
    if _is_name(bureau):
        resolved["bureau"] = _resolve(doc, ("bureau",), bureau, bureaus, problems)
    partners = data.get("partners")
    if isinstance(partners, list):
        names = [_resolve(doc, ("partners", i), p, bureaus, problems) if _is_name(p) else p
                 for i, p in enumerate(partners)]  # fmt: skip
        resolved["partners"] = tuple(n for n in names if isinstance(n, str) and n.strip())
    return resolved, problems


def _is_name(value) -> bool:
    return isinstance(value, str) and bool(value.strip()) and "\n" not in value.strip()


def _resolve(doc: Document, path: tuple, written: str, bureaus: Bureaus, problems: list) -> str:
    bureau = bureaus.resolve(written)
    if bureau is not None:
        return bureaus.name(bureau)
    problems.append(doc.problem(path, undeclared_message(written, bureaus)))
    return written


def undeclared_message(written: str, bureaus: Bureaus) -> str:
    """Why ``written`` is refused, with the closest declared bureau and what to do."""
    closest = bureaus.closest(written)
    if closest is None:
        return f"{written!r} is not a declared bureau: declare it in {bureaus.path} first"
    bureau, spelling = closest
    suggestion = f"did you mean '{bureaus.name(bureau)}' ({bureau.code})?"
    if skeleton(written) == skeleton(spelling):
        return (
            f"{written!r} is not a declared bureau, only looks like one: {suggestion} "
            f"It differs from '{spelling}' in {_difference(written, spelling)}: write the code "
            f"or the name exactly as {bureaus.path} declares it"
        )
    return (
        f"{written!r} is not a declared bureau: {suggestion} Write a code or a name exactly "
        f"as {bureaus.path} declares it, or declare a new bureau there first"
    )


def _difference(written: str, declared: str) -> str:
    """How two look-alike spellings differ, in words staff can act on."""
    chars = [c for c in dict.fromkeys(written) if c not in declared and not c.isascii()]
    kinds = (
        ("invisible character", [c for c in chars if unicodedata.category(c) == "Cf"]),
        ("compatibility form (NFKC)", [c for c in chars if unicodedata.normalize("NFKC", c) != c]),
    )
    parts = [_characters(what, found) for what, found in kinds if found]
    odd = {c for _, found in kinds for c in found}
    if others := [c for c in chars if c not in odd and not c.isspace()]:
        parts.append(_characters("look-alike character", others))
    plain = "".join(c for c in written if c.isascii() or c.isspace())
    if " ".join(written.split()) != written:
        parts.append("spacing")
    if " ".join(plain.split()) != declared and " ".join(plain.split()).lower() == declared.lower():
        parts.append("letter case")
    return ", ".join(parts) or "look-alike letters (such as I for l, 0 for O)"


def _characters(what: str, chars: list[str]) -> str:
    named = f"U+{ord(chars[0]):04X} ({unicodedata.name(chars[0], 'unnamed')})"
    more = f" and {len(chars) - 1} more" if len(chars) > 1 else ""
    return f"the {what} {named}{more}"


def merge_glossary(glossary: dict, bureaus: Bureaus, glossary_files: dict[str, str]) -> dict:
    """The names glossary with every bureau's names added from bureaus.yaml.

    A glossary entry for a declared bureau's name is refused: its translations are kept
    in bureaus.yaml only, so that a name has one translation. ``glossary_files`` names
    each language's glossary file, for the message.
    """
    declared = bureaus.glossary()
    problems = [
        Problem(glossary_files.get(lang, lang), None, name,
                f"is a declared bureau: its name in each language is kept in {bureaus.path}; "
                "remove it here")
        for lang, names in sorted(glossary.items())
        for name in names if bureaus.by_name(name) is not None
    ]  # fmt: skip
    if problems:
        raise RegisterError(problems)
    langs = sorted(set(glossary) | set(declared))
    return {lang: {**glossary.get(lang, {}), **declared.get(lang, {})} for lang in langs}


# --- Everything the site reads from the content folder, checked together -------------------


def read_content(content: Path | str, languages: tuple[str, ...]) -> tuple:
    """bureaus.yaml and every language's names glossary: (bureaus, glossary, problems).

    The glossary comes back with the bureaus' names merged in. ``bureaus`` is None when
    bureaus.yaml itself has problems (the register then cannot be checked against it).
    """
    from .names import glossary_path, load_glossary
    from .register import display_path

    problems: list[Problem] = []
    try:
        glossary = load_glossary(content, languages)
    except RegisterError as exc:
        glossary, problems = {}, list(exc.problems)
    try:
        bureaus = load_bureaus(content, languages)
    except RegisterError as exc:
        return None, glossary, problems + exc.problems
    files = {lang: display_path(glossary_path(Path(content), lang)) for lang in languages}
    try:
        glossary = merge_glossary(glossary, bureaus, files)
    except RegisterError as exc:
        problems += exc.problems
    return bureaus, glossary, problems


def load_content(content: Path | str, languages: tuple[str, ...]) -> tuple[Bureaus, dict]:
    """The declared bureaus and the glossary with their names; raise ``RegisterError``."""
    bureaus, glossary, problems = read_content(content, languages)
    if problems or bureaus is None:
        raise RegisterError(problems)
    return bureaus, glossary
