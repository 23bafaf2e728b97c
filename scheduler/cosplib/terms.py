"""The objective's terms as CoSPLib's checker reports them: each term's name, the parameters-sheet row of its weight,
and what one unit of it is; plus the multi-slot term, which has fixed penalties instead of a weight.

:mod:`.scoring` computes every term; docs/cosplib.md describes them.
"""

from __future__ import annotations

from dataclasses import dataclass

OBJECTIVE = "objective"
MULTI_SLOT = "Submissions with multiple timeslots in different sessions"
# the multi-slot term's fixed penalties (it has no weight)
SPLIT_PENALTY = 10_000_000  # per (session, room) holding some but not all slots of a multi-slot submission
GAP_PENALTY = 1_000_000_000  # per multi-slot submission whose slot indices are not consecutive; also the whole
# term's value as soon as one multi-slot submission is not scheduled at all


@dataclass(frozen=True)
class Term:
    """One term of the objective: the checker's name, its weight in the parameters sheet and what one unit is."""

    name: str  # as the checker reports it (without its trailing colon)
    weight: str  # the CosplibWeights field
    label: str  # the parameters sheet's label in column D
    row: int  # that label's row (column E holds the weight)
    unit: str


TERMS: tuple[Term, ...] = (
    Term(
        "Tracks_Sessions|Penalty",
        "tracks_sessions",
        "Tracks_Sessions|Penalty:",
        2,
        "the tracks_sessions|penalty value of (track, session), once per room holding the track in that session",
    ),
    Term(
        "Tracks_Rooms|Penalty",
        "tracks_rooms",
        "Tracks_Rooms|Penalty:",
        3,
        "the tracks_rooms|penalty value of each (track, room) used, once per session",
    ),
    Term(
        "Sessions_Rooms|Penalty",
        "sessions_rooms",
        "Sessions_Rooms|Penalty:",
        4,
        "the sessions_rooms|penalty value of each (session, room) that holds a track",
    ),
    Term(
        "Similar Tracks",
        "similar_tracks",
        "Similar Tracks:",
        5,
        "the similar-tracks value of each pair of rooms holding two different tracks in one session",
    ),
    Term(
        "Number of rooms per track",
        "rooms_per_track",
        "Number of Rooms per Track:",
        6,
        "one room a track uses beyond its first",
    ),
    Term(
        "Parallel tracks",
        "parallel_tracks",
        "Parallel Tracks:",
        7,
        "one room beyond the first holding the same track in one session",
    ),
    Term(
        "Consecutive tracks",
        "consecutive_tracks",
        "Consecutive Tracks:",
        8,
        "one track whose sessions are not a run of consecutive sessions (sheet order)",
    ),
    Term(
        "Submissions timezones",
        "submissions_timezones",
        "Submissions_Timezones:",
        9,
        "the time-zone penalty (0, small or big) of each time slot a submission fills, on its own clock",
    ),
    Term(
        "Submissions order",
        "submissions_order",
        "Submissions Order:",
        10,
        "one ordered submission off its position in its track, or two of a track's ordered ones in one time slot",
    ),
    Term(
        "Submissions_Sessions|Penalty",
        "submissions_sessions",
        "Submissions_Sessions|Penalty:",
        11,
        "the submission's penalty for its session, once per time slot it occupies",
    ),
    Term(
        "Submissions_Rooms|Penalty",
        "submissions_rooms",
        "Submissions_Rooms|Penalty:",
        12,
        "the submission's penalty for its room, once per time slot it occupies",
    ),
    Term(
        "Presenters conflicts [Session Level]",
        "presenters_conflicts",
        "Presenters Conflicts:",
        13,
        "one pair of presenter-conflicting submissions (a shared presenter, or a presenter chairing the other's track) "
        "in one session, different rooms",
    ),
    Term(
        "Attendees conflicts [Session Level]",
        "attendees_conflicts",
        "Attendees Conflicts:",
        14,
        "one pair of attendee-conflicting submissions in one session in different rooms",
    ),
    Term(
        "Chairs conflicts",
        "chairs_conflicts",
        "Chairs Conflicts:",
        15,
        "one pair of rooms holding two tracks that share a chair in one session",
    ),
    Term(
        "Presenters conflicts [Timeslot Level]",
        "presenters_conflicts_timeslot",
        "Presenters Conflicts Timeslot Level:",
        16,
        "one pair of presenter-conflicting submissions in one time slot of a session",
    ),
    Term(
        "Attendees conflicts [Timeslot Level]",
        "attendees_conflicts_timeslot",
        "Attendees Conflicts Timeslot Level:",
        17,
        "one pair of attendee-conflicting submissions in the same time slot of one session",
    ),
)
