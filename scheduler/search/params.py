"""The solve pipeline's thresholds and time shares, in one place, with the reasons for their defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SolveParams:
    """Which path a solve takes for a programme of a given size, and how the time limit is shared between phases.

    The defaults are what the benchmarks (benchmarks/README.md) were tuned with. Pass other values to
    ``solve(data, params=SolveParams(...))``: tests reach the large-programme paths with a few talks this way, and
    ``python -m benchmarks cosplib --coupled-options N`` sets `coupled_options`.
    """

    coupled_options: int = 400
    """(talk, suitable room) pairs up to which times and rooms are optimised in one model, whose optimum over every
    soft rule can be proven (NeurIPS 2024 tutorials: proven in under a second). Beyond that the room and session
    literals make the one model too slow to improve anything (216 generated talks: nothing better than the first
    timetable in 30 s), so times are improved first and rooms assigned block by block."""

    neighbourhood_talks: int = 100
    """From this many talks the whole time model rarely improves a hinted timetable within a minute, so the times
    are improved a few freed talks at a time (neighbourhood search) instead. Above it (when the one model is not
    used) phase 1 also starts from the track-first layout (scheduler.search.warmstart), which decides much of the
    final timetable on large programmes (1,000 generated talks: first timetable 63,522 -> 22,612)."""

    day_by_day_talks: int = 400
    """Above this many talks (on a conference of more than one day) the times are improved one day at a time: talks
    on different days never overlap, so every rule between two talks is decided within one day, and one model per
    day is small enough to improve at all where neighbourhoods of the whole conference no longer keep up."""

    day_by_day_rooms_share: float = 1 / 3
    """The day-by-day step runs only where the rules rooms decide are at most this share of the penalty of the
    timetable in hand. It sees only the rules times decide, and its new times are kept only if, with their rooms, the
    whole timetable scores lower; where rooms decide much, the search of times and rooms together does more with its
    time (60 s, one-off: generated 500 / 1,000 / 2,000 talks, rooms 50% / 64% / 54% of the penalty, 7,104 / 19,378 /
    37,819 after the step, 6,052 / 17,618 / 34,829 without it; Timefold-shaped 1,000 talks, rooms 3%: 114,868 with
    it, 118,452 without). With --deterministic it always runs: no time is kept for that search there."""

    neighbourhood_size: int = 40
    """Talks freed by the first neighbourhood; the search grows it while sub-problems are proven optimal quickly
    and shrinks it when they are not, so the start only needs to be about right (a second per sub-problem)."""

    neighbourhood_least_size: int = 8
    """Fewest talks a neighbourhood frees after shrinking (by a third after each sub-problem not proven optimal):
    fewer leaves too little to move for anything to improve."""

    neighbourhood_growth: int = 5
    """Talks added to the next neighbourhood after a sub-problem proven optimal: slow growth, since the pairs
    around the freed talks, and with them a sub-problem's time, grow faster than the talks."""

    neighbourhood_least_seconds: float = 0.2
    """The neighbourhood search stops when less than this is left: too short for a sub-problem to be solved."""

    neighbourhood_seconds: float = 2.0
    """Most a neighbourhood's sub-problem may take: most are solved (often proven) in about a second, and one that
    is not is better abandoned for the next neighbourhood than allowed to eat the time limit."""

    room_seconds: float = 20.0
    """Most one room sub-problem (a block's exact room assignment or repair) may take: blocks are small, and a
    block that needs longer is better left to the greedy rooms or the re-timing repair."""

    room_share: float = 0.2
    """Share of the time limit kept back from improving the times, for assigning rooms to the improved times
    afterwards; improved times are kept only if their rooms are found, so without it the improvement could use
    all the time and be thrown away."""

    room_share_max: float = 10.0
    """Most seconds kept for those rooms: the room stage is block by block and rarely needs more, however long
    the time limit."""

    bound_share: float = 0.1
    """Share of the time limit kept for the lower bound at the end of an optimising solve (scheduler.search.bound), so a
    timetable that is not proven optimal still comes with a gap."""

    bound_share_max: float = 10.0
    """Most seconds the lower bound gets: its groups are small models, mostly solved in well under a second each."""

    bound_min_seconds: float = 0.5
    """Fewest seconds the lower bound gets even when the time limit is spent: enough for the small groups (and the
    rooms' part, which needs no search) to give some bound."""

    inside_share: float = 0.25
    """Share of the session plan's time kept for timing the talks inside the planned sessions (a small model,
    every talk held to its block and its track's rooms there); the plan itself gets the rest."""

    inside_share_max: float = 10.0
    """Most seconds kept for that inside step: it is solved in seconds, and the plan's search is where more time
    pays."""

    plan_portfolio: bool = True
    """Search the session plan with CP-SAT's parallel portfolio rather than its interleaved search, which found
    far better plans (556 talks, 30 s: 53 against 7,925). Not with --deterministic: a portfolio run cut short by the
    wall clock is not reproducible (there the plan gets one worker, or interleaved ones before OR-Tools 9.13)."""

    cheapest_rooms: bool = True
    """Before improving times and rooms together, try the rooms' bound's cheapest assignment of talks to rooms with
    times solved for it (scheduler.search.cheapest_rooms): where rooms are most of the penalty it reaches the bound
    at once (side by side with conference-scheduler, 100 events: the proven optimum, 1, in 0.5 s instead of 4.1 s,
    one-off). False skips it."""

    cheapest_rooms_share: float = 0.5
    """That try is made only where those rules are more than this share of the timetable's penalty: the plan is
    blind to every rule of times, which elsewhere it mostly breaks (Timefold-shaped 216 talks, room sizes about 7%
    of the penalty: 2 s spent for nothing, one-off)."""

    cheapest_rooms_talks: int = 1_000
    """Up to this many talks that try is made; above it, building the coupled model of the whole conference takes
    several seconds for a plan that ignores every rule of times."""

    cheapest_rooms_seconds: float = 5.0
    """Most that try may search: with every room fixed, CP-SAT settles the times in well under a second where
    times exist (one-off, 50-500 events side by side)."""

    slot_cells: int = 20_000
    """Up to this many (talk, start, room) cells, the one model of times and rooms (up to `coupled_options` pairs)
    gets the time-indexed layer (scheduler.slots), where every weighted rule has a slot form or a room price: its
    relaxation bounds the optimum closely enough to prove it (Timefold-shaped 36 talks, 759 cells: proven optimal,
    156, see `prove_cells`; the plain model and the neighbourhoods, ladder at b0d4c54: bound 68). 72 talks have
    2,868 cells; at 216 talks (about 37,000 literals, prototype, one-off) CP-SAT did not finish the layer's LP in
    60 s."""

    prove_cells: int = 1_500
    """Up to this many cells, with two workers and not --deterministic, the layered one model keeps the whole time
    but the bound's least (`bound_min_seconds`), with CP-SAT's core-based and LP searches as its two workers, to
    prove the optimum (Timefold-shaped 36 talks, 759 cells: that search alone proves 156 in 43-48 s on some seeds
    and not in 70 s on others; 60 s solves, seeds 0-3, one-off: proven on 2, against none when it left the bound
    its 6 s; at 10 s its timetable is worse than the neighbourhoods', 189 against 167, one-off; see
    scheduler.search.coupled). Above it (72 talks,
    2,868 cells, one-off: bound 266 after 60 s, no proof), or with one worker, the layered model keeps a fifth of
    the neighbourhoods' time, which improve the timetable more."""

    together: bool = True
    """Improve times and rooms together after the earlier phases (scheduler.search.anytime); False stops after
    them, as before that phase existed (tests of the earlier phases, before/after measurements)."""

    together_share: float = 0.8
    """Share of the time limit kept, on programmes up to `together_talks` talks, for improving times and rooms
    together (scheduler.search.anytime) after the earlier phases: those decide times blind to the rules rooms
    decide, or search one model of the whole conference with CP-SAT's few workers, and either stops improving long
    before the limit (side by side with conference-scheduler, 100 events: 41 after 0.1 s, then nothing). Most of
    the time: its sub-problems improve everything the earlier phases improve, rooms included (Timefold-shaped 216
    talks, 60 s, loaded machine: 5,736 with 0.8, about 6,400 with 0.5, 7,558 before the phase existed)."""

    together_talks: int = 400
    """Up to this many talks the time for improving times and rooms together is kept back from the earlier phases,
    and each sub-problem's model is built for the whole conference (every pair of talks that could meet is looked
    at). Above it the phase gets what day-by-day improvement leaves, and its freed talks trade places within their
    own day, in a model of only those days' talks (Timefold-shaped 2,000 talks, one-off runs: about a second to
    build, settle and check such a sub-problem, against 3-4 s for the whole conference's)."""

    swaps: bool = True
    """Above `swaps_talks` talks, swap sessions and talks across days before improving times and rooms together
    (scheduler.search.swaps); False leaves the days as the earlier phases gave them."""

    swaps_talks: int = 100
    """The swaps across days run above this many talks. Above `together_talks` nothing else moves a talk to another
    day; from 100 talks up they also beat the search of times and rooms together, which frees a few talks at a time
    (generated 216 talks, 60 s, one-off: 4,175 with them, 4,814 without); below, that search proves more."""

    swaps_share: float = 0.85
    """Share of the time left that the swaps across days get. Above `together_talks` talks the search after them
    keeps each talk on its day, so only they change the days that decide `speaker-days`, `track-days` and
    `track-consecutive`, and they gain faster (generated 2,000 talks, 60 s, one-off: 19,813 after the layout, 17,109
    with 25 s of swaps, 16,641 with 40 s; without them about 19,400). 60 s, one-off, 0.6 against 0.85 of the time
    left: generated 2,000 talks 17,595 / 16,934, Timefold-shaped 1,000 / 2,000 talks 37,092 / 36,691 and 144,932 /
    140,885; at 216 talks the swaps stop at `swaps_most_per_talk` either way."""

    swaps_most_per_talk: int = 3_000
    """Most moves the swaps try per talk, however long the time limit: by then they have settled."""

    swaps_deterministic_share: float = 0.4
    """With --deterministic, the share of the time limit the swaps' moves follow from, kept back from the day-by-day
    step before them when they will run (that step always runs there and would otherwise take the whole limit)."""

    swaps_moves_per_second: int = 40_000
    """With --deterministic, the moves the swaps try per second of that share (a little less than one core tries in
    a second at 2,000 talks, about 65,000), so that their number follows from the limit, not the clock."""

    together_slots: bool = True
    """Give each of that search's sub-problems the time-indexed layer (scheduler.slots, up to `slot_cells` cells)
    where it sees every weighted rule. False builds them without it."""

    together_size: int = 20
    """Talks freed by the first neighbourhood of each kind in that search; it grows while sub-problems are proven
    optimal and shrinks when they are not."""

    together_least_size: int = 6
    """Fewest talks such a neighbourhood frees after shrinking."""

    together_growth: int = 6
    """Talks added to the next such neighbourhood after a sub-problem proven optimal."""

    together_seconds: float = 1.0
    """Most one such sub-problem may take (four times as much when it frees every talk): many short sub-problems
    beat fewer long ones (216 Timefold-shaped talks, 40 s: 6,226 with 1 s and 20 talks against 6,795 with 2 s and
    30; side by side, 100 events: the optimum in 7 s against 13 s)."""

    together_least_seconds: float = 0.2
    """That search stops when less than this is left."""
