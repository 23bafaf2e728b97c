"""Hypothesis strategies that turn valid data files into malformed ones, for fuzzing the loader.

A mutated file starts from a valid seed (the bundled programmes, the infeasible examples, a small generated
conference), optionally gets one structural change (a value anywhere replaced by a random YAML value, a key
dropped, renamed or added, a list item duplicated), is written out as YAML, and then gets a few byte-level changes
(bit flips, truncation, inserted YAML syntax or random bytes, deleted ranges, shuffled lines).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from scheduler.generate import generate_yaml

ROOT = Path(__file__).resolve().parents[2]

# Pieces of YAML syntax and awkward values that random bytes would rarely produce.
# fmt: off
TOKENS = [
    b": ", b"- ", b"&a ", b"*a", b"<<: *a", b"!!python/object/apply:os.system [id]", b"!!binary aGk=", b"!custom ",
    b"{", b"}", b"[", b"]", b",", b"\t", b"\n  ", b"\n", b"? ", b"|\n", b">-\n", b"#", b"~", b"'", b'"', b"\\",
    b"\xef\xbb\xbf", b"\r\n", b"\r", b"\x00", b"\x07", b"\xff\xfe", b"%YAML 1.1\n", b"---\n", b"...\n",
    b"null", b"true", b"2024-02-30", b"2024-13-01", b"25:00", b"9.30", b"12:60", b"-1", b"0", b"1e309", b".nan",
    b".inf", b"0x1F", b"0o17", b"1_000", b"9:30:15", b"2001-12-14t21:59:43.10-05:00", b"\xe2\x80\xa8", b"hard",
]
KEYS = [
    "conference", "rooms", "talks", "speakers", "kinds", "weights", "tracks", "interest", "id", "title", "duration",
    "pin", "day", "start", "end", "room", "capacity", "tags", "unavailable", "blocks", "date", "timezone",
    "granularity", "starts", "after", "conflicts", "requires", "block_types", "attendance", "kind", "name",
]
# fmt: on

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["09:00", "24:00", "25:00", "9.30", "", " ", "hard", "talk", "Hall", "Europe/Vienna", "grid"]),
)
yaml_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)


@cache
def seeds() -> tuple[tuple[str, bytes], ...]:
    """(name, bytes) of every valid seed file."""
    paths = sorted((ROOT / "data").glob("*.yaml")) + sorted((ROOT / "tests" / "infeasible").glob("*.yaml"))
    files = [(path.name, path.read_bytes()) for path in paths]
    files.append(("generated", generate_yaml(talks=30, rooms=3, days=2, seed=1).encode("utf-8")))
    return tuple(files)


@cache
def seed_document(name: str) -> Any:
    return yaml.safe_load(dict(seeds())[name])


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside a loaded document."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _copy(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _copy(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_copy(value) for value in node]
    return node


@st.composite
def structural(draw: st.DrawFn, name: str) -> bytes:
    """The seed with one value changed, dropped, renamed, added or duplicated, written out as YAML."""
    document = _copy(seed_document(name))
    paths = _paths(document)
    path = draw(st.sampled_from(paths))
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    operation = draw(st.sampled_from(["replace", "drop", "rename", "add", "duplicate"]))
    if not path:
        document = draw(yaml_values)
    elif operation == "replace":
        parent[path[-1]] = draw(yaml_values)
    elif operation == "drop":
        del parent[path[-1]]
    elif operation == "rename" and isinstance(parent, dict):
        value = parent.pop(path[-1])
        parent[draw(st.sampled_from(KEYS) | st.text(max_size=8))] = value
    elif operation == "add" and isinstance(parent[path[-1]], dict):
        parent[path[-1]][draw(st.sampled_from(KEYS) | st.text(max_size=8))] = draw(yaml_values)
    elif operation == "duplicate" and isinstance(parent, list):
        parent.insert(path[-1], _copy(parent[path[-1]]))
    else:
        parent[path[-1]] = draw(yaml_values)
    try:
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=draw(st.booleans())).encode("utf-8")
    except (yaml.YAMLError, ValueError, OverflowError):  # e.g. a datetime PyYAML cannot write
        return dict(seeds())[name]


def _lines(raw: bytes) -> list[bytes]:
    return raw.splitlines(keepends=True) or [b""]


@st.composite
def byte_level(draw: st.DrawFn, raw: bytes) -> bytes:
    """A few byte-level changes to `raw`."""
    data = bytearray(raw)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        operation = draw(st.sampled_from(["flip", "truncate", "token", "bytes", "delete", "line"]))
        if operation == "flip" and data:
            index = min(position, len(data) - 1)
            data[index] ^= draw(st.integers(1, 255))
        elif operation == "truncate":
            del data[position:]
        elif operation == "token":
            data[position:position] = draw(st.sampled_from(TOKENS))
        elif operation == "bytes":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        elif operation == "delete":
            del data[position : position + draw(st.integers(1, 40))]
        else:
            lines = _lines(bytes(data))
            first, second = (draw(st.integers(0, len(lines) - 1)) for _ in range(2))
            how = draw(st.sampled_from(["duplicate", "drop", "swap", "indent", "dedent"]))
            if how == "duplicate":
                lines.insert(first, lines[first])
            elif how == "drop":
                del lines[first]
            elif how == "swap":
                lines[first], lines[second] = lines[second], lines[first]
            elif how == "indent":
                lines[first] = b"  " + lines[first]
            else:
                lines[first] = lines[first].lstrip(b" ")
            data = bytearray(b"".join(lines))
    return bytes(data)


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    """A malformed (or, now and then, still valid) data file."""
    name, raw = draw(st.sampled_from(seeds()))
    if draw(st.booleans()):
        raw = draw(structural(name))
    if draw(st.integers(0, 3)):
        raw = draw(byte_level(raw))
    return raw
