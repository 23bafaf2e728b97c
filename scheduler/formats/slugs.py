"""Slugs and file names made from titles and names that may contain anything."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

# Windows refuses these as file names whatever the extension ("con.ics" included).
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10)}


def slugify(text: str, separator: str = "-") -> str:
    """Lower-case ASCII letters and digits joined by `separator`: accents are dropped (é -> e), anything else
    (spaces, slashes, dots, other scripts) becomes one separator, and none is left at either end."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", separator, ascii_text.lower()).strip(separator)


def short_digest(text: str) -> str:
    """Eight hex digits that stand for `text`: a stable stand-in when a name has nothing a slug can keep."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def prefixed_slug(text: str, prefix: str) -> str:
    """A slug that starts with a letter and has at least two characters, as frab's track and room slugs need;
    `prefix` is put in front when the plain slug would not be one (empty, starting with a digit, one character)."""
    slug = slugify(text)
    if not slug:
        return f"{prefix}-{short_digest(text)}"
    if not slug[0].isalpha() or len(slug) < 2:
        return f"{prefix}-{slug}"
    return slug


class DistinctNames:
    """Hands out names that are all different: a name already given gets '-2', '-3', ... added.

    Each candidate remembers the number it last got, so a thousand people whose names make the same slug cost
    linear time, not a search from '-2' upwards for each of them."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self._last_number: dict[str, int] = {}

    def name(self, candidate: str) -> str:
        number = self._last_number.get(candidate, 1)
        name = candidate if number == 1 else f"{candidate}-{number}"
        while name in self.taken:
            number += 1
            name = f"{candidate}-{number}"
        self._last_number[candidate] = number
        self.taken.add(name)
        return name


def distinct(candidates: Iterable[str]) -> list[str]:
    """The candidates in order, with '-2', '-3', ... added to any already taken, so every result is unique."""
    names = DistinctNames()
    return [names.name(candidate) for candidate in candidates]


def file_stems(names: Iterable[str], max_length: int = 80) -> list[str]:
    """A safe, distinct file-name stem for each name, in order.

    A stem holds only a-z, 0-9 and inner hyphens, so it has no path separator, no '..' and no leading dot and
    cannot leave its directory. Names that keep nothing (only punctuation, or another script) and names Windows
    reserves get a digest of the name, so they stay distinct and stable.
    """
    stems = []
    for name in names:
        stem = slugify(name)[:max_length].strip("-")
        if not stem:
            stem = f"x-{short_digest(name)}"
        elif stem in _WINDOWS_RESERVED:
            stem = f"{stem}-{short_digest(name)}"
        stems.append(stem)
    return distinct(stems)
