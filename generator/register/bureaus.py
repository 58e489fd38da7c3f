"""Declared bureaus: ``content/bureaus.yaml``, and a target's bureau resolved to one of them.

Every bureau, department or working group a target names in ``bureau`` or ``partners``
is declared once, with a code that never changes (its lower case is the URL slug), its
name in each language, and the legislature panel that oversees it. A target writes a
declared code or a declared name exactly; anything else is refused with the closest
declared name, so that a look-alike (``Health  Bureau``, a Cyrillic ``Н``) can never
become a bureau of its own and take another's pages. Reading and checking the file
itself is ``bureaufile``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cached_property

from .errors import PortalError, Problem
from .lookalike import difference, skeleton
from .quarters import Quarter
from .slugs import slugify
from .yamldoc import Document

# How alike (difflib ratio of the skeletons) a name must be to a declared one to be
# suggested as its typo.
CLOSE_ENOUGH = 0.6


class UndeclaredBureau(PortalError):
    """A command was given a bureau that content/bureaus.yaml does not declare."""


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
        """The declared bureau and spelling nearest to ``written``, by their skeletons;
        None when none is near (difflib's usual 0.6): "Ministry of Magic" is not a typo
        of "Digital Policy Office", and suggesting it misleads."""
        shape = skeleton(written)
        best, score = None, -1.0
        for bureau in self.entries:
            for spelling in bureau.spellings():
                ratio = difflib.SequenceMatcher(None, shape, skeleton(spelling)).ratio()
                if ratio > score:
                    best, score = (bureau, spelling), ratio
        return best if score >= CLOSE_ENOUGH else None

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

    taken: set[str] = {"index"}
    entries = []
    for name in sorted(names):
        slug, n = slugify(name), 2
        while slug in taken:
            slug, n = f"{slugify(name)}-{n}", n + 1
        taken.add(slug)
        entries.append(Bureau(slug, {default_lang: name}))
    return Bureaus("", default_lang, tuple(entries))


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
        # Codes with their names: a bare list of 19 codes sends staff to the file anyway.
        declared = "; ".join(f"{b.code} {bureaus.name(b)}" for b in bureaus.entries)
        return (
            f"{written!r} is not a declared bureau, nor close to one: write the code or the "
            f"name of one declared in {bureaus.path} ({declared}), or declare it there first"
        )
    bureau, spelling = closest
    suggestion = f"did you mean '{bureaus.name(bureau)}' ({bureau.code})?"
    if skeleton(written) == skeleton(spelling):
        return (
            f"{written!r} is not a declared bureau, only looks like one: {suggestion} "
            f"It differs from '{spelling}' in {difference(written, spelling)}: write the code "
            f"or the name exactly as {bureaus.path} declares it"
        )
    return (
        f"{written!r} is not a declared bureau: {suggestion} Write a code or a name exactly "
        f"as {bureaus.path} declares it, or declare a new bureau there first"
    )
