"""The changelog between two versions of a schedule: which talks moved, from where to where, why, and who is affected.

Used by `confsched whatif` (with the reasons the change file gives) and `confsched diff` (any two schedules).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..checks.verify import Violation
from ..data import ConferenceData, Talk, format_clock
from ..formats.spreadsheet_cells import csv_text
from ..formats.text import markdown
from ..schedule import Assignment, Schedule
from .changes import Changes, forcing_change
from .disruption import describe_move

ADDED, WITHDRAWN = "added", "withdrawn"
CSV_COLUMNS = [
    "talk",
    "title",
    "change",
    "old_day",
    "old_start",
    "old_end",
    "old_room",
    "new_day",
    "new_start",
    "new_end",
    "new_room",
    "why",
]


@dataclass(frozen=True)
class Entry:
    """One talk whose placement differs between the two versions."""

    talk: str
    title: str
    old: Assignment | None
    new: Assignment | None
    change: str
    why: str
    speakers: tuple[str, ...]


def compare(old: Schedule, new: Schedule, why: Mapping[str, str] | None = None) -> list[Entry]:
    """Every talk that moved, was added or was withdrawn, in the new (else old) time order."""
    why = why or {}
    talks = {talk.id: (talk, old.data) for talk in old.data.talks} | {
        talk.id: (talk, new.data) for talk in new.data.talks
    }
    entries = []
    for talk_id in sorted({a.talk for a in old.assignments} | {a.talk for a in new.assignments}):
        before, after = old.assignment(talk_id), new.assignment(talk_id)
        if before is not None and after is not None:
            if _place(before) == _place(after):
                continue
            change = describe_move(new.data, before, after)
        else:
            change = ADDED if after is not None else WITHDRAWN
        talk, data = talks.get(talk_id, (None, new.data))
        entries.append(
            Entry(
                talk=talk_id,
                title=talk.title if talk else "",
                old=before,
                new=after,
                change=change,
                why=why.get(talk_id, ""),
                speakers=tuple(_speaker_names(data, talk)) if talk else (),
            )
        )
    return sorted(entries, key=lambda entry: (*_when_key(entry.new or entry.old), entry.talk))


def reasons(
    changes: Changes,
    before: ConferenceData,
    old: Schedule,
    new: Schedule,
    must_move: Mapping[str, list[Violation]],
) -> dict[str, str]:
    """Why each talk moved: the change that forced it, the rule its old place breaks, or the talk it made room for."""
    talks = {talk.id: talk for talk in before.talks} | {talk.id: talk for talk in new.data.talks}
    forced: dict[str, str] = {}
    moved: list[str] = []
    for talk_id in sorted({a.talk for a in old.assignments} | {a.talk for a in new.assignments}):
        before_placed, after_placed = old.assignment(talk_id), new.assignment(talk_id)
        if before_placed is not None and after_placed is not None and _place(before_placed) == _place(after_placed):
            continue
        talk = talks.get(talk_id)
        cause = None
        if talk is not None:
            cause = forcing_change(changes, before, talk, before_placed or after_placed)
        if cause is None and talk_id in must_move:
            cause = "its place breaks a hard rule: " + "; ".join(str(v) for v in must_move[talk_id])
        if cause is not None:
            forced[talk_id] = cause
        else:
            moved.append(talk_id)
    result = dict(forced)
    for talk_id in moved:
        result[talk_id] = f"moved to make room for '{_made_room_for(talk_id, forced, talks, old, new)}'"
    return result


def _made_room_for(
    talk_id: str, forced: Mapping[str, str], talks: Mapping[str, Talk], old: Schedule, new: Schedule
) -> str:
    """The forced talk that took this talk's old room or needed its speakers' time; else the nearest forced one."""
    vacated = old.assignment(talk_id)
    speakers = set(talks[talk_id].speakers) if talk_id in talks else set()
    candidates = [other for other in forced if new.assignment(other) is not None]
    for other in candidates:
        placed = new.assignment(other)
        if vacated is None or placed.day != vacated.day:
            continue
        overlaps = placed.start < vacated.end and vacated.start < placed.end
        if overlaps and (
            placed.room == vacated.room or speakers & set(talks[other].speakers if other in talks else [])
        ):
            return other
    same_day = [other for other in candidates if vacated and new.assignment(other).day == vacated.day]
    return (same_day or candidates or sorted(forced) or ["the changes"])[0]


def affected_speakers(entries: list[Entry]) -> dict[str, list[Entry]]:
    """Speaker name -> the entries of their talks, by name."""
    result: dict[str, list[Entry]] = {}
    for entry in entries:
        for name in entry.speakers:
            result.setdefault(name, []).append(entry)
    return dict(sorted(result.items(), key=lambda item: item[0].casefold()))


def describe_place(placed: Assignment | None) -> str:
    """'2024-12-10 09:30-12:00, West Ballroom A', or '-' for none."""
    if placed is None:
        return "-"
    return f"{placed.day.isoformat()} {format_clock(placed.start)}-{format_clock(placed.end)}, {placed.room}"


def speaker_line(name: str, entries: list[Entry]) -> str:
    """One affected speaker and what happened to each of their talks."""
    parts = []
    for entry in entries:
        if entry.new is None:
            parts.append(f"'{entry.title}' is withdrawn (was {describe_place(entry.old)})")
        elif entry.old is None:
            parts.append(f"'{entry.title}' is new: {describe_place(entry.new)}")
        else:
            parts.append(f"'{entry.title}' now {describe_place(entry.new)} (was {describe_place(entry.old)})")
    return f"{name}: " + "; ".join(parts)


def to_markdown(entries: list[Entry], title: str, preamble: list[str] | None = None) -> str:
    """changes.md: a heading, optional preamble lines, the table of moved talks and the affected speakers.

    Titles and names are escaped (scheduler.formats.text.markdown): a '|' or a line break cannot split the table, and
    markup such as <script> reads as text."""
    lines = [f"# {markdown(title)}", ""]
    if preamble:
        lines += [*(markdown(line) for line in preamble), ""]
    if not entries:
        lines += ["No talk moved.", ""]
        return "\n".join(lines)
    lines += ["| talk | title | change | old | new | why |", "|---|---|---|---|---|---|"]
    for entry in entries:
        cells = [
            entry.talk,
            entry.title,
            entry.change,
            describe_place(entry.old),
            describe_place(entry.new),
            entry.why or "-",
        ]
        lines.append("| " + " | ".join(markdown(cell) for cell in cells) + " |")
    lines += ["", "## Affected speakers", ""]
    lines += [f"- {markdown(speaker_line(name, items))}" for name, items in affected_speakers(entries).items()]
    return "\n".join(lines) + "\n"


def to_csv(entries: list[Entry]) -> str:
    """changes.csv: one row per moved, added or withdrawn talk."""
    rows = []
    for entry in entries:
        row = {"talk": entry.talk, "title": entry.title, "change": entry.change, "why": entry.why}
        for prefix, placed in (("old", entry.old), ("new", entry.new)):
            row[f"{prefix}_day"] = placed.day.isoformat() if placed else ""
            row[f"{prefix}_start"] = format_clock(placed.start) if placed else ""
            row[f"{prefix}_end"] = format_clock(placed.end) if placed else ""
            row[f"{prefix}_room"] = placed.room if placed else ""
        rows.append(row)
    return csv_text(pd.DataFrame(rows, columns=CSV_COLUMNS))


def _place(placed: Assignment) -> tuple:
    return placed.day, placed.start, placed.end, placed.room


def _when_key(placed: Assignment) -> tuple:
    return placed.day, placed.start


def _speaker_names(data: ConferenceData, talk: Talk) -> list[str]:
    names = {speaker.id: speaker.display_name for speaker in data.speakers}
    return [names.get(speaker, speaker) for speaker in talk.speakers]
