"""A CoSPLib solution: the track each room holds in each session, and the submission in each of its time slots.

:mod:`.reading` reads one from a workbook's `sol` sheet, :mod:`.writing` writes one, :mod:`.scoring` scores it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .instance import CosplibInstance

SOLUTION_SHEET = "sol"  # the sheet of a solution workbook that holds the solution


@dataclass
class CosplibSolution:
    """A schedule in CoSPLib's terms, indexed by the instance's session and room positions.

    `tracks[s][r]` is the track held in room r during session s (None: the room is unused). `submissions[s][r][k]`
    is the submission in time slot k of that session in that room (None: empty). A submission needing k slots
    fills k consecutive slots of one session in one room, its name repeated in each.
    """

    tracks: list[list[str | None]]
    submissions: list[list[list[str | None]]]

    @classmethod
    def empty(cls, instance: CosplibInstance) -> CosplibSolution:
        rooms = len(instance.rooms)
        return cls(
            tracks=[[None] * rooms for _ in instance.sessions],
            submissions=[[[None] * session.slots for _ in range(rooms)] for session in instance.sessions],
        )


def check_shape(instance: CosplibInstance, solution: CosplibSolution) -> None:
    """Raise ValueError unless the solution has the instance's sessions, each with its rooms and time slots."""
    rooms = len(instance.rooms)
    if len(solution.tracks) != len(instance.sessions) or len(solution.submissions) != len(instance.sessions):
        raise ValueError(f"the solution has {len(solution.tracks)} sessions; the instance has {len(instance.sessions)}")
    for session, tracks, cells in zip(instance.sessions, solution.tracks, solution.submissions, strict=True):
        if len(tracks) != rooms or len(cells) != rooms or any(len(slots) != session.slots for slots in cells):
            raise ValueError(f"session '{session.name}' does not have {rooms} rooms of {session.slots} time slots")
