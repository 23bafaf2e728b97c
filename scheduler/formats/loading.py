"""Load a conference data file: safe YAML with line numbers, then pydantic validation (:mod:`scheduler.data`).

Every problem becomes a :class:`DataError` whose text names the file, the line and the item, e.g.
``data.yaml:41: talks[12] 'causal-llm': speaker 'ybengio' is not defined; did you mean 'y.bengio'?``
The model reports each problem with its path in the data (pydantic's ``loc``, or for a cross-item rule the path in
the error's context); the document maps that path to the line it was read from.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..data import CROSS_CHECK, ConferenceData, did_you_mean, out_of_range, split_path
from ..errors import DataError

Path_ = tuple[str | int, ...]

# Limits (docs/format.md, "Limits"): a data file is read whole and parsed in pure Python (about 3 s per MB), and an
# alias copies the value it names, so a few lines can stand for billions of values ("billion laughs").
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ALIAS_VALUES = 200_000  # values that aliases may add, beyond those written out in the file
MAX_DEPTH = 100  # levels of nested mappings and lists
# characters of text (every scalar as written, keys included) once each alias is written out: one long abstract
# named by a thousand aliases would otherwise load in no time and make every export gigabytes
MAX_TEXT_CHARS = 20_000_000
# MAX_NUMBER (scheduler.data): larger numbers, .nan or .inf would overflow the solver's integer arithmetic
_TOP_KEYS = "the keys conference, rooms and talks (and optionally kinds, speakers)"

# YAML 1.1 reads 9:30 as the base-60 integer 570; in a schedule it is always a time, so keep such scalars as text.
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")


# Texts that libyaml and PyYAML read differently, or that only PyYAML refuses: control characters, tabs, a byte-order
# mark inside the text, the bare tag '!', a comment right after a block scalar's '|' or '>'. Only PyYAML reads them,
# so they mean the same whichever parser is installed. (libyaml also reads a '?' inside a plain value in a flow list,
# "[why?]", as YAML allows; PyYAML refuses it.)
_LIBYAML_DIFFERS = re.compile(
    yaml.reader.Reader.NON_PRINTABLE.pattern + r"|[\t\ufeff]|(?:^|[\s\[{,:?-])!|[|>][-+0-9]*#"
)

_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


class YamlDocument:
    """Plain Python data built from a YAML node tree, with the line of every value by its path."""

    def __init__(self, path: Path, text: str):
        self.path = path
        fast = _fast_compose(text)
        if fast is not None:
            loader, node = fast
            try:
                self._read(text, loader, node)
                return
            except (DataError, RecursionError):
                pass  # read again by PyYAML below, so the message and its line are PyYAML's
            finally:
                loader.dispose()
        self._read(text, None, None)

    def _read(self, text: str, loader: yaml.SafeLoader | None, node: yaml.Node | None) -> None:
        """Build the data from `loader`'s node tree, or from PyYAML's own parser when `loader` is None."""
        path = self.path
        self.lines: dict[Path_, int] = {}
        self._built = 0  # values built so far, counting each use of an alias anew
        self._text = 0  # characters of the scalars built so far, counting each use of an alias anew
        self._distinct: set[int] = set()  # the nodes among them (an alias reuses its anchor's node)
        self._open: set[int] = set()  # nodes being built: the path from the root to the current value
        own_loader = loader is None
        try:
            if loader is None:
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
            if own_loader and loader is not None:
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
        self._text += len(node.value)
        if self._text > MAX_TEXT_CHARS:
            raise DataError(
                self.path,
                self.line(where[:2]),
                _label(where[:2]),
                f"the text adds up to more than {MAX_TEXT_CHARS:,} characters, counting each use of an alias; "
                "shorten it or use fewer aliases",
            )
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
        if out_of_range(value) and not (where and where[-1] == "number"):  # a frab id is no solver's number
            raise DataError(self.path, node.start_mark.line + 1, _label(where), out_of_range(value))
        return value

    def line(self, where: Sequence[str | int]) -> int | None:
        """The line of the value at `where`, or of its nearest enclosing value."""
        key = tuple(where)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get(())


def _fast_compose(text: str) -> tuple[yaml.SafeLoader, yaml.Node] | None:
    """libyaml's node tree for `text` (about ten times faster than PyYAML's own parser: 2,000 talks load in seconds,
    not half a minute), or None when libyaml is missing, finds anything wrong or might read the text differently."""
    if not yaml.__with_libyaml__ or _LIBYAML_DIFFERS.search(text):
        return None
    loader = yaml.CSafeLoader(text)  # libyaml refuses nesting beyond 1,000 levels, so its recursion stays bounded
    try:
        node = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        node = None
    if node is None:
        loader.dispose()
        return None
    return loader, node


def _label(where: Sequence[str | int], data: Any = None) -> str | None:
    """The item a path points into, for messages that already name the field's content."""
    return split_path(where, data)[0]


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
    if detail["type"] == CROSS_CHECK:
        return _cross_check_at(document, detail)
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
    item, field = split_path(where, document.data)
    if field:
        message = f"{field}: {message}"
    return DataError(document.path, document.line(detail["loc"]), item, message)


def _cross_check_at(document: YamlDocument, detail: Mapping[str, Any]) -> DataError:
    """A broken cross-item rule: its path (the context's `where`, below the model's `loc`) names the item and line."""
    where = (*detail["loc"], *detail["ctx"]["where"])
    return DataError(document.path, document.line(where), _label(where, document.data), detail["ctx"]["message"])


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
