"""The solve pipeline: data -> problem -> CP-SAT models -> verified schedule.

- solve.py: ``solve()``, the phases in order (the table of contents)
- context.py: what every phase reads (SolveContext) and hands on (Timetable, ModelSize)
- params.py: SolveParams, the thresholds and time shares; budget.py: TimeBudget, the time limit shared out
- cpsat.py: run_cpsat, the one way the package runs CP-SAT (parameters, hints, Ctrl-C, progress)
- first.py: the hard rules' model and phase 1's timetable (warmstart.py: the track-first layout that hints it)
- coupled.py: times and rooms in one model (small programmes; the exact fallback for rooms)
- placement.py: rooms for phase 1's times (scheduler.search.room_stage), or sessions planned (sessions.py)
- improve.py: phase 2, by session plan, day by day (daybyday.py), neighbourhoods (neighbourhoods.py) or one model
- finish.py: stats from the phases' results, the independent check and score, the lower bound (scheduler.search.bound)
"""

from .budget import TimeBudget
from .params import SolveParams

__all__ = ["SolveParams", "TimeBudget"]
