"""Load a conference data file: safe YAML with line numbers, pydantic validation, cross-reference checks.

Every problem becomes a :class:`DataError` whose text names the file, the line and the item, e.g.
``data.yaml:41: talks[12] 'causal-llm': speaker 'ybengio' is not defined; did you mean 'y.bengio'?``
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .data import ConferenceData, format_clock
from .errors import DataError
from .objective import SOFT_RULES

Path_ = tuple[str | int, ...]

# Limits (docs/format.md, "Limits"): a data file is read whole and parsed in pure Python (about 3 s per MB), and an
# alias copies the value it names, so a few lines can stand for billions of values ("billion laughs").
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ALIAS_VALUES = 200_000  # values that aliases may add, beyond those written out in the file
MAX_DEPTH = 100  # levels of nested mappings and lists
MAX_NUMBER = 1_000_000  # larger numbers (or .nan, .inf) would overflow the solver's integer arithmetic
_TOP_KEYS = "the keys conference, rooms and talks (and optionally kinds, speakers)"

# YAML 1.1 reads 9:30 as the base-60 integer 570; in a schedule it is always a time, so keep such scalars as text.
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")


_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


class YamlDocument:
    """Plain Python data built from a YAML node tree, with the line of every value by its path."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines: dict[Path_, int] = {}
        self._built = 0  # values built so far, counting each use of an alias anew
        self._distinct: set[int] = set()  # the nodes among them (an alias reuses its anchor's node)
        self._open: set[int] = set()  # nodes being built: the path from the root to the current value
        loader = None
        try:
            loader = yaml.SafeLoader(text)  # refuses control characters here
            try:
                node = loader.get_single_node()
            except RecursionError:  # PyYAML composes nested values recursively
                line = loader.get_mark().line + 1
                raise DataError(path, line, None, f"values are nested more than {MAX_DEPTH} levels deep") from None
            try:
                self.data = None if node is None else self._build(loader, node, ())
            except RecursionError:  # a merge key (<<) that merges the mapping it is in
                raise DataError(path, None, None, "an alias refers to a value that contains it") from None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else None
            problem = error.problem or error.context or "invalid YAML"
            if error.context and error.problem and error.problem.startswith("but "):
                # "expected a single document in the stream" / "but found another document"
                problem = f"{error.context}, {error.problem}"
            raise DataError(path, line, None, f"YAML syntax error: {problem}") from None
        except yaml.reader.ReaderError as error:  # a control character: its own message spans two lines
            line = text.count("\n", 0, error.position) + 1
            raise DataError(
                path, line, None, f"YAML syntax error: character #x{error.character:04x} is not allowed in YAML"
            ) from None
        except yaml.YAMLError as error:
            raise DataError(path, None, None, f"YAML error: {error}".splitlines()[0]) from None
        finally:
            if loader is not None:
                loader.dispose()

    def _guard(self, node: yaml.Node, where: Path_) -> None:
        """Refuse a value that contains itself, nests too deep, or makes aliases expand beyond the budget."""
        if id(node) in self._open:
            raise DataError(
                self.path, node.start_mark.line + 1, _label(where), "an alias refers to a value that contains it"
            )
        if len(where) > MAX_DEPTH:
            raise DataError(
                self.path, node.start_mark.line + 1, None, f"values are nested more than {MAX_DEPTH} levels deep"
            )
        self._built += 1
        self._distinct.add(id(node))
        if self._built - len(self._distinct) > MAX_ALIAS_VALUES:
            top = where[:1]
            raise DataError(
                self.path,
                self.lines.get(top),
                _label(top),
                f"aliases expand to more than {MAX_ALIAS_VALUES:,} values; write the values out or use fewer aliases",
            )

    def _build(self, loader: yaml.SafeLoader, node: yaml.Node, where: Path_) -> Any:
        self._guard(node, where)
        self.lines.setdefault(where, node.start_mark.line + 1)
        if node.tag not in _PLAIN_TAGS:
            raise DataError(
                self.path,
                node.start_mark.line + 1,
                _label(where, None),
                f"the tag '{node.tag}' is not allowed; a data file holds plain YAML values only",
            )
        if isinstance(node, yaml.MappingNode):
            own = {id(key_node) for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge"}
            loader.flatten_mapping(node)
            self._open.add(id(node))
            result: dict[Any, Any] = {}
            written_by: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key = self._build(loader, key_node, (*where, "<key>"))
                if not isinstance(key, str | int):
                    raise DataError(self.path, key_node.start_mark.line + 1, None, "mapping keys must be plain text")
                if key in result and not (id(key_node) in own and written_by[key] not in own):
                    raise DataError(
                        self.path, key_node.start_mark.line + 1, _label(where), f"key '{key}' appears twice"
                    )
                self.lines[(*where, key)] = key_node.start_mark.line + 1
                written_by[key] = id(key_node)
                result[key] = self._build(loader, value_node, (*where, key))
            self._open.discard(id(node))
            return result
        if isinstance(node, yaml.SequenceNode):
            self._open.add(id(node))
            items = [self._build(loader, item, (*where, index)) for index, item in enumerate(node.value)]
            self._open.discard(id(node))
            return items
        if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and _SEXAGESIMAL.match(node.value):
            return node.value
        try:
            value = loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as error:
            raise DataError(
                self.path, node.start_mark.line + 1, _label(where), f"cannot read this value: {error.problem}"
            ) from None
        except ValueError as error:  # e.g. a date such as 2025-02-30
            raise DataError(
                self.path, node.start_mark.line + 1, _label(where), f"cannot read '{node.value}': {error}"
            ) from None
        if _out_of_range(value):
            raise DataError(self.path, node.start_mark.line + 1, _label(where), _out_of_range(value))
        return value

    def line(self, where: Sequence[str | int]) -> int | None:
        """The line of the value at `where`, or of its nearest enclosing value."""
        key = tuple(where)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get(())


def _out_of_range(value: Any) -> str:
    """Why a number is refused (not a number, or too large for the solver), or '' for any other value."""
    if not isinstance(value, int | float) or isinstance(value, bool) or -MAX_NUMBER <= value <= MAX_NUMBER:
        return ""
    if value != value:  # NaN
        return f"{value} is not a number"
    return f"{value:{',' if isinstance(value, int) else 'g'}} is outside -{MAX_NUMBER:,}..{MAX_NUMBER:,}"


def _check_numbers(value: Any, where: Path_, fail: Any) -> None:
    """Every number of validated data within the limit; text such as '1e300' becomes a number only in validation."""
    if isinstance(value, dict):
        for key, inner in value.items():
            _check_numbers(inner, (*where, key), fail)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            _check_numbers(inner, (*where, index), fail)
    elif _out_of_range(value):
        fail(where, _out_of_range(value))


def _split(where: Sequence[str | int], data: Any = None) -> tuple[str | None, str]:
    """Split a path into the item a chair recognises (talks[12] 'causal-llm') and the field inside it (pin.room)."""
    item, node = "", data
    for position, step in enumerate(where):
        if isinstance(step, int):
            item += f"[{step}]"
            node = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
            name = node.get("id", node.get("name", node.get("date"))) if isinstance(node, dict) else None
            if isinstance(name, str | int) or hasattr(name, "isoformat"):
                shown = name.isoformat() if hasattr(name, "isoformat") else name
                return f"{item} '{shown}'", _dotted(where[position + 1 :])
        else:
            item += f".{step}" if item else str(step)
            node = node.get(step) if isinstance(node, dict) else None
    return item or None, ""


def _dotted(where: Sequence[str | int]) -> str:
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in where).lstrip(".")


def _label(where: Sequence[str | int], data: Any = None) -> str | None:
    """The item a path points into, for messages that already name the field's content."""
    return _split(where, data)[0]


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def load(path: str | Path) -> ConferenceData:
    """Read, validate and cross-check a conference data file."""
    path = Path(path)
    return parse(read_text(path), path)


def read_text(path: Path) -> str:
    """A YAML file's text, or a DataError for a missing, unreadable, too large or non-UTF-8 file."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)  # never more: the file may be huge, or endless (/dev/zero)
    except FileNotFoundError:
        raise DataError(path, None, None, "file not found") from None
    except OSError as error:
        raise DataError(path, None, None, f"cannot read the file: {error.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise DataError(path, None, None, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(path, None, None, f"file is not UTF-8 text (byte {error.start})") from None


def parse(text: str, path: str | Path = "<data>") -> ConferenceData:
    """Validate YAML text as a conference data file; `path` is used in messages."""
    path = Path(path)
    document = YamlDocument(path, text)
    if document.data is None:
        raise DataError(path, None, None, f"the file is empty; expected {_TOP_KEYS}")
    if not isinstance(document.data, dict):
        raise DataError(path, 1, None, f"expected a mapping with {_TOP_KEYS}")
    try:
        data = ConferenceData.model_validate(document.data)
    except ValidationError as error:
        raise _first_validation_error(document, error) from None
    check_references(data, document)
    return data


def _first_validation_error(document: YamlDocument, error: ValidationError) -> DataError:
    return validation_error_at(document, first_error(error.errors(include_url=False)))


def first_error(details: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """The pydantic error detail to report: the first, unless it is a missing field beside an unknown key."""
    first = details[0]
    if first["type"] == "missing":
        # a misspelt key ('titel') also makes its field missing ('title'): the unknown key is the one to name
        typo = next(
            (
                detail
                for detail in details
                if detail["type"] == "extra_forbidden" and tuple(detail["loc"][:-1]) == tuple(first["loc"][:-1])
            ),
            None,
        )
        first = typo or first
    return first


def validation_error_at(
    document: YamlDocument, detail: Mapping[str, Any], model: type[BaseModel] = ConferenceData
) -> DataError:
    """One pydantic error detail as `file:line: item: message`, located in the document by its `loc` path.

    `model` is the file's schema, for suggesting a known key in place of an unknown one.
    """
    where = [step for step in detail["loc"] if isinstance(step, str | int)]
    if detail["type"] not in ("missing", "extra_forbidden"):
        where = _in_document(where, document.data)
    message = detail["msg"]
    message = message.removeprefix("Value error, ")
    message = re.sub(r"a valid dictionary( or instance of \w+)?", "a mapping (key: value pairs)", message)
    if detail["type"] == "missing":
        message = f"'{where[-1]}' is missing"
        where = where[:-1]
    elif detail["type"] == "extra_forbidden":
        field = where[-1]
        message = f"unknown key '{field}'{did_you_mean(str(field), known_keys(model, where))}"
        where = where[:-1]
    elif detail["type"] not in ("value_error", "assertion_error") and not isinstance(detail.get("input"), dict | list):
        message = f"{message} (got {detail.get('input')!r})"
    item, field = _split(where, document.data)
    if field:
        message = f"{field}: {message}"
    return DataError(document.path, document.line(detail["loc"]), item, message)


def _in_document(where: list[str | int], data: Any) -> list[str | int]:
    """The longest start of `where` that names a value in the file: pydantic adds the union member it tried
    (weights.order.float), which the file has no level for."""
    node = data
    for depth, step in enumerate(where):
        in_dict = isinstance(node, dict) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if not (in_dict or in_list):
            return where[:depth]
        node = node[step]
    return where


def known_keys(model: type[BaseModel], where: Sequence[str | int]) -> list[str]:
    """The keys the schema allows beside the last step of `where` (the fields of the model it lies in).

    Steps through models, lists, mappings and unions (a union offers every member's keys)."""
    types: list[Any] = [model]
    for step in where[:-1]:
        types = [inner for kind in types for inner in _schema_step(kind, step)]
    return sorted({name for kind in types for member in _members(kind) for name in _fields(member)})


def _members(kind: Any) -> list[Any]:
    """A type with Annotated, Optional and unions taken apart."""
    origin = typing.get_origin(kind)
    if origin is typing.Annotated:
        return _members(typing.get_args(kind)[0])
    if origin in (typing.Union, types.UnionType):
        return [member for arg in typing.get_args(kind) for member in _members(arg)]
    return [kind]


def _fields(kind: Any) -> list[str]:
    return list(kind.model_fields) if isinstance(kind, type) and issubclass(kind, BaseModel) else []


def _schema_step(kind: Any, step: str | int) -> list[Any]:
    inner = []
    for member in _members(kind):
        origin, args = typing.get_origin(member), typing.get_args(member)
        if isinstance(step, str) and step in _fields(member):
            inner.append(member.model_fields[step].annotation)
        elif isinstance(step, int) and origin is list and args:
            inner.append(args[0])
        elif isinstance(step, str) and origin is dict and len(args) == 2:
            inner.append(args[1])
    return inner


def check_references(data: ConferenceData, document: YamlDocument) -> None:
    """Cross-item rules: unique ids, defined names, durations that fit the time grid and some block."""

    def fail(where: Path_, message: str) -> None:
        raise DataError(document.path, document.line(where), _label(where, document.data), message)

    def fail_field(where: Path_, message: str) -> None:
        field = _split(where, document.data)[1]
        fail(where, f"{field}: {message}" if field else message)

    _check_numbers(data.model_dump(), (), fail_field)
    granularity = data.conference.granularity
    for d, day in enumerate(data.conference.days):
        for b, block in enumerate(day.blocks):
            for field, minutes in (("start", block.start), ("end", block.end)):
                if minutes % granularity:
                    fail(
                        ("conference", "days", d, "blocks", b, field),
                        f"{format_clock(minutes)} is not on the {granularity}-minute grid (conference.granularity)",
                    )

    _unique(fail, "rooms", [room.name for room in data.rooms], "room")
    _unique(fail, "speakers", [speaker.id for speaker in data.speakers], "speaker")
    _unique(fail, "talks", [talk.id for talk in data.talks], "talk")

    room_names = {room.name for room in data.rooms}
    speaker_ids = {speaker.id for speaker in data.speakers}
    room_tags = {tag for room in data.rooms for tag in room.tags}
    block_types = {block.type for day in data.conference.days for block in day.blocks if block.type}
    day_dates = {day.date for day in data.conference.days}

    def known_room(where: Path_, name: str) -> None:
        if name not in room_names:
            fail(where, f"room '{name}' is not defined{did_you_mean(name, room_names)}")

    def known_tag(where: Path_, tag: str) -> None:
        if tag not in room_tags:
            fail(where, f"no room has the tag '{tag}'{did_you_mean(tag, room_tags)}")

    def known_block_type(where: Path_, name: str) -> None:
        if name not in block_types:
            listed = ", ".join(sorted(block_types)) or "none"
            fail(where, f"no block has the type '{name}' (block types: {listed}){did_you_mean(name, block_types)}")

    for name, weight in data.weights.items():
        if name not in SOFT_RULES:
            fail(("weights", name), f"unknown soft rule '{name}'{did_you_mean(name, SOFT_RULES)}")
        if weight != "hard" and weight < 0:
            fail(("weights", name), f"weight {weight} is negative; use 0 to turn the rule off")
    talk_ids = {talk.id for talk in data.talks}
    for i, interest in enumerate(data.interest):
        for j, talk_id in enumerate(interest.talks):
            if talk_id not in talk_ids:
                fail(("interest", i, "talks", j), f"talk '{talk_id}' is not defined{did_you_mean(talk_id, talk_ids)}")

    track_names = {track.name for track in data.tracks} | {talk.track for talk in data.talks if talk.track}
    for t, track in enumerate(data.tracks):
        for i, other in enumerate(track.similar):
            if other not in track_names:
                fail(("tracks", t, "similar", i), f"track '{other}' is not used{did_you_mean(other, track_names)}")
        if track.chair is not None and track.chair not in speaker_ids:
            fail(
                ("tracks", t, "chair"),
                f"chair '{track.chair}' is not defined under speakers{did_you_mean(track.chair, speaker_ids)}",
            )

    block_names = {block.name for day in data.conference.days for block in day.blocks if block.name}
    for c, cost in enumerate(data.costs):
        if cost.talk is not None and cost.talk not in talk_ids:
            fail(("costs", c, "talk"), f"talk '{cost.talk}' is not defined{did_you_mean(cost.talk, talk_ids)}")
        for i, track in enumerate([cost.track] if cost.track is not None else cost.tracks or []):
            if track not in track_names:
                at = ("costs", c, "track") if cost.track is not None else ("costs", c, "tracks", i)
                fail(at, f"track '{track}' is not used{did_you_mean(track, track_names)}")
        if cost.block is not None and cost.block not in block_names:
            fail(("costs", c, "block"), f"no block is named '{cost.block}'{did_you_mean(cost.block, block_names)}")
        if cost.room is not None:
            known_room(("costs", c, "room"), cost.room)

    for s, speaker in enumerate(data.speakers):
        for field in ("prefers", "avoids"):
            preference = getattr(speaker, field)
            for i, name in enumerate(preference.rooms if preference else []):
                known_room(("speakers", s, field, "rooms", i), name)

    for kind, rule in data.kinds.items():
        for field, values in (("rooms", rule.rooms), ("block_types", rule.block_types)):
            if values == []:
                fail(("kinds", kind, field), f"an empty '{field}' list allows nothing; leave it out to allow every one")
        for i, name in enumerate(rule.rooms or []):
            known_room(("kinds", kind, "rooms", i), name)
        for i, name in enumerate(rule.block_types or []):
            known_block_type(("kinds", kind, "block_types", i), name)
        for i, tag in enumerate(rule.requires):
            known_tag(("kinds", kind, "requires", i), tag)

    for t, talk in enumerate(data.talks):
        here: Path_ = ("talks", t)
        if data.kinds and talk.kind not in data.kinds:
            fail(
                (*here, "kind"),
                f"kind '{talk.kind}' is not listed under 'kinds'{did_you_mean(talk.kind, data.kinds)} "
                "(once that section exists it lists every kind, e.g. 'talk: {}')",
            )
        for i, speaker in enumerate(talk.speakers):
            if speaker not in speaker_ids:
                fail((*here, "speakers", i), f"speaker '{speaker}' is not defined{did_you_mean(speaker, speaker_ids)}")
        for field in ("after", "conflicts"):
            for i, other in enumerate(getattr(talk, field)):
                if other == talk.id:
                    what = "come after" if field == "after" else "conflict with"
                    fail((*here, field, i), f"a talk cannot {what} itself")
                if other not in talk_ids:
                    fail((*here, field, i), f"talk '{other}' is not defined{did_you_mean(other, talk_ids)}")
        if len(set(talk.speakers)) != len(talk.speakers):
            fail((*here, "speakers"), "a speaker is listed twice")
        for field, values in (("rooms", talk.rooms), ("block_types", talk.block_types)):
            if values == []:
                fail((*here, field), f"an empty '{field}' list allows nothing; leave it out to allow every one")
        for i, name in enumerate(talk.rooms or []):
            known_room((*here, "rooms", i), name)
        for i, name in enumerate(talk.block_types or []):
            known_block_type((*here, "block_types", i), name)
        for i, tag in enumerate(talk.requires):
            known_tag((*here, "requires", i), tag)
        if talk.duration % granularity:
            fail(
                (*here, "duration"),
                f"duration {talk.duration} minutes is not a multiple of the {granularity}-minute granularity",
            )
        if talk.pin is not None:
            if talk.pin.room is not None:
                known_room((*here, "pin", "room"), talk.pin.room)
            if talk.pin.day is not None and talk.pin.day not in day_dates:
                fail((*here, "pin", "day"), f"pinned to {talk.pin.day.isoformat()}, which is not a conference day")
            if talk.pin.start is not None and talk.pin.start % granularity:
                fail((*here, "pin", "start"), f"pinned start is not on the {granularity}-minute grid")
        _check_fits_some_block(data, talk, lambda message, where=here: fail(where, message))


def _unique(fail: Any, section: str, ids: list[str], what: str) -> None:
    first: dict[str, int] = {}
    for index, item_id in enumerate(ids):
        if item_id in first:
            fail((section, index), f"duplicate {what} '{item_id}' (first defined at {section}[{first[item_id]}])")
        first[item_id] = index


def _check_fits_some_block(data: ConferenceData, talk: Any, fail: Any) -> None:
    rule = data.kind_rule(talk.kind)
    allowed_types = talk.block_types if talk.block_types is not None else rule.block_types
    usable = [
        block
        for day in data.conference.days
        if talk.pin is None or talk.pin.day is None or talk.pin.day == day.date
        for block in day.blocks
        if allowed_types is None or block.type in allowed_types
    ]
    if not usable:
        fail(f"no block of an allowed type ({', '.join(allowed_types or [])}) on the allowed days")
    longest = max(block.end - block.start for block in usable)
    if talk.duration > longest:
        fail(f"duration {talk.duration} minutes is longer than every block it may use (longest: {longest} minutes)")
