"""A new version of a published schedule on disk: schedule.vN.json, .csv and .ics beside changes.md and changes.csv.

`schedule.json` counts as version 1 and `schedule.vN.json` as version N; a what-if from version N writes version
N + 1 and never touches the baseline file. The data file with the changes applied is written as data.vN.yaml: the next
what-if starts from it. In the calendar every event keeps its UID; a moved talk's SEQUENCE is one
higher than before (it is stored per assignment in schedule.json, so the next what-if keeps counting), and a withdrawn
talk appears once more, at its old time, with STATUS:CANCELLED and a higher SEQUENCE, so subscribed calendars drop it.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..checks.score import score
from ..data import ConferenceData
from ..errors import OutputError
from ..exporters.csv import to_csv as schedule_csv
from ..exporters.ics import calendar_bytes
from ..exporters.json import to_json
from ..formats.atomic import write_files
from ..formats.writing import checked_yaml
from ..schedule import Schedule
from .changelog import ADDED, WITHDRAWN, Entry, compare, reasons, to_csv, to_markdown
from .changes import Changes
from .reschedule import Disruption

_VERSIONED = re.compile(r"\.v(\d+)$")


@dataclass
class Revision:
    """A what-if's outcome ready to write: the changelog entries, a summary and the files."""

    version: int
    entries: list[Entry]
    summary: list[str]
    files: dict[str, str | bytes]


def build_revision(
    before: ConferenceData,
    changes: Changes,
    baseline: Schedule,
    baseline_path: str | Path,
    schedule: Schedule,
    disruption: Disruption,
    data_name: str,
) -> Revision:
    """The changelog (what moved and why), the summary and the files of the version after `baseline_path`."""
    version = version_of(baseline_path) + 1
    entries = compare(baseline, schedule, reasons(changes, before, baseline, schedule, disruption.must_move))
    penalties = (sum(rule.penalty for rule in score(before, baseline.assignments)), schedule.stats.penalty)
    names = (Path(baseline_path).name, f"schedule.v{version}.json")
    summary = summary_lines(changes.words(before), entries, disruption, penalties, names)
    title = f"What-if: {schedule.data.conference.name}"
    header = f"{data_name} after: " + ("; ".join(changes.words(before)) or "no changes")
    return Revision(
        version, entries, summary, revision_files(schedule, baseline, version, entries, title, summary, header)
    )


def version_of(path: str | Path) -> int:
    """The version a schedule file holds, from its name: schedule.vN.json is N, any other name 1."""
    match = _VERSIONED.search(Path(path).stem)
    return int(match.group(1)) if match else 1


def data_beside(schedule_path: str | Path) -> Path | None:
    """The data file a what-if wrote beside a schedule.vN.json (data.vN.yaml), if it is there."""
    version = version_of(schedule_path)
    candidate = Path(schedule_path).with_name(f"data.v{version}.yaml")
    return candidate if version > 1 and candidate.is_file() else None


def revision_names(version: int) -> list[str]:
    """The files a what-if writes for `version`, in the order they are listed."""
    return [
        f"schedule.v{version}.json",
        f"schedule.v{version}.csv",
        f"schedule.v{version}.ics",
        f"data.v{version}.yaml",
        "changes.md",
        "changes.csv",
    ]


def revision_files(
    schedule: Schedule,
    baseline: Schedule,
    version: int,
    entries: list[Entry],
    title: str,
    preamble: list[str],
    data_header: str,
) -> dict[str, str | bytes]:
    """File name -> content of the new version, the data file with the changes applied, and the changelog."""
    kept = {a.talk for a in schedule.assignments}
    talks = {talk.id: talk for talk in baseline.data.talks}
    cancelled = [
        (talks[a.talk], a.model_copy(update={"sequence": a.sequence + 1}))
        for a in baseline.assignments
        if a.talk not in kept and a.talk in talks
    ]
    calendar = calendar_bytes(schedule, schedule.rows(), schedule.data.conference.name, cancelled)
    names = revision_names(version)
    contents = [
        to_json(schedule),
        schedule_csv(schedule),
        calendar,
        checked_yaml(schedule.data, data_header, names[3]),
        to_markdown(entries, title, preamble),
        to_csv(entries),
    ]
    return dict(zip(names, contents, strict=True))


def refuse_to_overwrite(directory: str | Path, names: list[str], inputs: Mapping[str, str | Path | None]) -> None:
    """Raise :class:`OutputError` if a file `names` would write into `directory` is one of the what-if's `inputs`
    (what it is, e.g. "the data file" -> its path): the baseline, the data file or the change file is never replaced.
    """
    for name in names:
        target = Path(directory) / name
        for what, path in inputs.items():
            if path is not None and _same_file(target, Path(path)):
                raise OutputError(
                    path,
                    f"is {what} of this what-if; the new {name} would overwrite it; choose another --out directory",
                )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return a.resolve() == b.resolve()


def write_revision(
    directory: str | Path, files: dict[str, str | bytes], inputs: Mapping[str, str | Path | None]
) -> list[Path]:
    """Write the files into `directory` as one unit (all of them, or after any failure none: the directory as it
    was); refuse, writing nothing, if one would replace an input (`inputs` as for :func:`refuse_to_overwrite`)."""
    refuse_to_overwrite(directory, list(files), inputs)
    return write_files(directory, files)


def summary_lines(
    change_words: list[str],
    entries: list[Entry],
    disruption: Disruption,
    penalties: tuple[float, float],
    files: tuple[str, str],
) -> list[str]:
    """The what-if in a few lines: the changes, how many talks moved and how, the disruption and the penalty."""
    moved = [entry for entry in entries if entry.change not in (ADDED, WITHDRAWN)]
    kinds = Counter(entry.change.removesuffix(" and room") for entry in moved)
    how = ", ".join(f"{count} to {kind}" for kind, count in kinds.most_common())
    added = sum(entry.change == ADDED for entry in entries)
    withdrawn = sum(entry.change == WITHDRAWN for entry in entries)
    lines = [f"{files[0]} (version {version_of(files[0])}) -> {files[1]} (version {version_of(files[1])})", ""]
    if change_words:
        lines += ["Changes:", *(f"- {words}" for words in change_words), ""]
    else:
        lines += ["No changes given: talks whose place breaks a hard rule of the data file were moved.", ""]
    lines += [
        f"- {len(moved)} talk(s) moved{f' ({how})' if how else ''}, {added} added, {withdrawn} withdrawn",
        f"- disruption {disruption.cost:g} (lower bound {disruption.lower_bound:g}): {disruption.verdict}",
        f"- soft-rule penalty {penalties[0]:g} -> {penalties[1]:g}",
    ]
    if disruption.interrupted:
        lines.append("- interrupted: Ctrl-C stopped the search; this is the best schedule found until then")
    return lines
