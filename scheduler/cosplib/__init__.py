"""CoSPLib workbooks: instances, solutions, and the objective as CoSPLib's checker computes it.

CoSPLib (github.com/ahmedkheiri/CoSPLib) is the benchmark library for conference scheduling. An instance is an
Excel workbook with nine sheets (parameters, submissions, tracks, sessions, rooms, tracks_sessions|penalty,
tracks_rooms|penalty, similar tracks, sessions_rooms|penalty); a solution is a workbook whose `sol` sheet gives
each session's track per room, then each session's time slots per room with the submission held there.

This package reads both into typed objects, writes a solution in the same layout (so CoSPLib's own checker can read
it), and scores a solution term by term exactly as CoSPLib's checker does (`Solver/solution.py`, the `evaluate_*`
functions, at v1.0.2). It does not touch confsched's model; docs/cosplib.md describes the concepts and every term.

Names (submissions, tracks, sessions, rooms, people) are kept exactly as written, surrounding spaces included,
because the checker looks them up verbatim; a number in a name cell is read as its text (``7`` -> ``'7'``) and
written back as the number.

Modules, one concept each:

- :mod:`.instance`: the instance (parameters and weights, submissions, tracks, sessions, rooms, penalty matrices)
  and what the checker derives from it (conflicts, time-zone penalties)
- :mod:`.solution`: a solution (the track per session and room, the submission per time slot)
- :mod:`.terms`: the objective's terms, their weights' rows and units
- :mod:`.scoring`: the objective term by term, and what makes a solution infeasible for the checker
- :mod:`.reading`: an instance or a solution from its workbook
- :mod:`.writing`: a solution as a workbook
- :mod:`.generate`: random instance workbooks of any size, for tests and benchmarks
- :mod:`.sheets`, :mod:`.cells`, :mod:`.timezones`: workbooks and sheets, cell values, time-zone labels

Everything other code uses is importable from here.
"""

from .instance import (
    CosplibInstance,
    CosplibParameters,
    CosplibRoom,
    CosplibSession,
    CosplibSubmission,
    CosplibTrack,
    CosplibWeights,
)
from .reading import INSTANCE_SHEETS, read_instance, read_solution
from .scoring import schedule_problems, score
from .solution import SOLUTION_SHEET, CosplibSolution
from .terms import GAP_PENALTY, MULTI_SLOT, OBJECTIVE, SPLIT_PENALTY, TERMS, Term
from .writing import solution_workbook, write_solution

__all__ = [
    "GAP_PENALTY",
    "INSTANCE_SHEETS",
    "MULTI_SLOT",
    "OBJECTIVE",
    "SOLUTION_SHEET",
    "SPLIT_PENALTY",
    "TERMS",
    "CosplibInstance",
    "CosplibParameters",
    "CosplibRoom",
    "CosplibSession",
    "CosplibSolution",
    "CosplibSubmission",
    "CosplibTrack",
    "CosplibWeights",
    "Term",
    "read_instance",
    "read_solution",
    "schedule_problems",
    "score",
    "solution_workbook",
    "write_solution",
]
