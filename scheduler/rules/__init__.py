"""The rules of a timetable and the registry of soft rules.

Hard rules that relate talks to each other are one function each, grouped by family (`placement`, `rooms`,
`speakers`); the rules that restrict a single talk are applied in :mod:`scheduler.problem`. Every soft rule is one
:class:`~scheduler.rules.base.SoftRule` object in the module of its family; :data:`RULES` is the one registry the
model, the scorer, the bound, the session plan and the docs table loop over. To add a soft rule, write its encoding
and its score in its family's module, make the object, list it in :data:`RULES` below, and add a test.
"""

from __future__ import annotations

from .audience import ATTENDEE_CONFLICT, ATTENDEE_ROOM_CHANGE, LEVEL_ORDER, ROOM_SIZE
from .base import SoftRule
from .costs import (
    ROOM_BLOCK_COST,
    TALK_BLOCK_COST,
    TALK_ROOM_COST,
    TRACK_BLOCK_COST,
    TRACK_PAIR_COST,
    TRACK_ROOM_COST,
)
from .order import CONTENT_CONFLICT, EXCLUSIVE_TAGS, ORDER
from .sessions import CHAIR_CONFLICT, CHAIR_TALK_OVERLAP, SESSION_MIX, TRACK_CONSECUTIVE, TRACK_GAPS, TRACK_SPLIT
from .speakers import (
    REMOTE_HOURS,
    SPEAKER_DAYS,
    SPEAKER_PAUSE,
    SPEAKER_PREFERENCE,
    SPEAKER_ROOM,
    SPEAKER_ROOM_CHANGE,
)
from .tracks import SIMILAR_TRACKS, TRACK_DAYS, TRACK_PARALLEL, TRACK_ROOM, TRACK_ROOM_OVERALL

# The order of encoding, the time rules first (a model's variables, and so the search, follow it), and of the report.
RULES: dict[str, SoftRule] = {
    rule.name: rule
    for rule in (
        TRACK_PARALLEL,
        SIMILAR_TRACKS,
        TRACK_DAYS,
        ATTENDEE_CONFLICT,
        LEVEL_ORDER,
        ORDER,
        EXCLUSIVE_TAGS,
        CONTENT_CONFLICT,
        SPEAKER_DAYS,
        SPEAKER_PAUSE,
        SPEAKER_PREFERENCE,
        REMOTE_HOURS,
        CHAIR_CONFLICT,
        CHAIR_TALK_OVERLAP,
        TRACK_GAPS,
        TRACK_CONSECUTIVE,
        TRACK_SPLIT,
        TALK_BLOCK_COST,
        TRACK_BLOCK_COST,
        TRACK_PAIR_COST,
        ROOM_SIZE,
        TRACK_ROOM,
        TRACK_ROOM_OVERALL,
        SESSION_MIX,
        SPEAKER_ROOM,
        SPEAKER_ROOM_CHANGE,
        ATTENDEE_ROOM_CHANGE,
        TALK_ROOM_COST,
        TRACK_ROOM_COST,
        ROOM_BLOCK_COST,
    )
}
# the rule charging a `costs` entry, by the fields the entry names, in the order a data file's reference lists them
COST_RULES: dict[tuple[str, ...], str] = {
    rule.cost_fields: rule.name
    for rule in sorted(
        (rule for rule in RULES.values() if rule.cost_fields),
        key=lambda rule: ("talk", "track", "block", "tracks").index(rule.cost_fields[0]),
    )
}
TIME_RULES = [rule for rule in RULES.values() if rule.decided_by == "times"]
ROOM_RULES = [rule for rule in RULES.values() if rule.decided_by == "rooms"]


def rules_table() -> str:
    """The registered soft rules as the Markdown table of docs/format.md (`confsched rules` prints it)."""
    lines = [
        "| rule | hard or soft by default | default weight | one unit of penalty | decided with |",
        "|---|---|---:|---|---|",
    ]
    for rule in RULES.values():
        default = "soft, off" if rule.weight == 0 else "soft"
        unit = f"{rule.unit}; {rule.note}" if rule.note else rule.unit
        lines.append(f"| `{rule.name}` | {default} | {rule.weight:g} | {unit} | {rule.decided_by} |")
    return "\n".join(lines) + "\n"
