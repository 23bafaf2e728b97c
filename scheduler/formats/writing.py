"""Write a conference data file: the YAML a chair would write by hand, which `load` reads back unchanged."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from ..data import ConferenceData
from ..errors import DataError
from .atomic import megabytes, write_atomic
from .loading import MAX_FILE_BYTES, parse

_CLOCK = re.compile(r"^\d{1,2}:\d{2}$")
_SCALARS = (str, int, float, bool, dt.date, type(None))


class _DataFileDumper(yaml.SafeDumper):
    """Writes like the bundled data files: times quoted (docs/format.md: other YAML tools read 9:30 as a number),
    short all-scalar mappings and lists on one line (blocks, pins, speaker lists), multi-line text as a block."""

    def ignore_aliases(self, data: object) -> bool:
        return True  # a repeated date is written again, not as an anchor (&id001) and alias that puzzle readers


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "'" if _CLOCK.match(value) else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_mapping(dumper: yaml.SafeDumper, value: dict) -> yaml.Node:
    one_line = all(_fits_one_line(item) for item in value.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=one_line)


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    one_line = all(_fits_one_line(item) for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=one_line)


def _fits_one_line(value: object) -> bool:
    """A scalar short enough to sit inside a one-line mapping or list; long text reads better on its own line."""
    if isinstance(value, str):
        return "\n" not in value and len(value) <= 60
    return isinstance(value, _SCALARS)


_DataFileDumper.add_representer(str, _represent_text)
_DataFileDumper.add_representer(dict, _represent_mapping)
_DataFileDumper.add_representer(list, _represent_list)


def to_yaml(data: ConferenceData, header: str = "") -> str:
    """The data file as YAML: fields at their default and empty lists left out, times as "HH:MM", dates ISO.

    `header` becomes '#' comment lines at the top.
    """
    # python mode keeps dates as dates (written unquoted, as chairs write them); times are already "HH:MM" text
    document = data.model_dump(mode="python", exclude_defaults=True)
    comments = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    body = yaml.dump(document, Dumper=_DataFileDumper, sort_keys=False, allow_unicode=True, width=120)
    return comments + ("\n" if comments else "") + body


def write_data(path: str | Path, data: ConferenceData, header: str = "") -> Path:
    """Write the data file atomically, after checking that `validate` accepts it exactly as written."""
    text = checked_yaml(data, header, path)
    return write_atomic(path, text)


def checked_yaml(data: ConferenceData, header: str, path: str | Path) -> str:
    """The data file's text, once `validate` would accept it exactly as written (its size included): a file
    confsched would refuse is never written. A DataError naming `path` otherwise."""
    text = to_yaml(data, header)
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise DataError(
            path,
            None,
            None,
            f"the data file would be {size / (1024 * 1024):.1f} MB, larger than the {megabytes(MAX_FILE_BYTES)} a data "
            "file may be",
        )
    parse(text, path)
    return text
