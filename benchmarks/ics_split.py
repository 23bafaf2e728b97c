"""The per-room, per-speaker and per-track calendars (ics-split) on ever more speakers: python benchmarks/ics_split.py

Each size is a programme with one talk per speaker (every tenth talk a panel with a second speaker), ten rooms and
twenty tracks, placed without a solve (the exporter needs a timetable, not a good one). It prints one Markdown row
per size: calendars and events written, events made, seconds, and milliseconds per event written. The work is linear
when the last column stays flat as the speakers grow (it was quadratic: 5,000 speakers took 71 s, 20,000 did not
finish in 120 s). tests/test_exports.py checks the same structure at a small size, by counting, not timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root holds the scheduler package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduler.data import ConferenceData, format_clock
from scheduler.exporters import ics
from scheduler.exporters.ics_split import to_split_ics
from scheduler.schedule import Assignment, Schedule

ROOMS = 10
TRACKS = 20
SLOT = 30  # minutes per talk; 48 talks per room and day, from 00:00 to 24:00
FIRST_DAY = dt.date(2025, 6, 2)


def build_schedule(speakers: int) -> Schedule:
    """`speakers` speakers, a talk each (every tenth also with the next speaker), placed room by room, day by day."""
    per_day = ROOMS * (24 * 60 // SLOT)
    days = [
        {"date": FIRST_DAY + dt.timedelta(days=day), "blocks": [{"start": "00:00", "end": "24:00"}]}
        for day in range(-(-speakers // per_day))
    ]
    talks = [
        {
            "id": f"t{index}",
            "title": f"Talk {index}",
            "duration": SLOT,
            "track": f"Track {index % TRACKS}",
            "speakers": [f"s{index}"] + ([f"s{(index + 1) % speakers}"] if index % 10 == 0 and speakers > 1 else []),
        }
        for index in range(speakers)
    ]
    data = ConferenceData.model_validate(
        {
            "conference": {"name": "Split", "timezone": "Europe/Vienna", "granularity": SLOT, "days": days},
            "rooms": [{"name": f"Room {room}", "capacity": 100} for room in range(ROOMS)],
            "speakers": [{"id": f"s{index}", "name": f"Speaker {index}"} for index in range(speakers)],
            "talks": talks,
        }
    )
    assignments = []
    for index in range(speakers):
        day, within = divmod(index, per_day)
        slot, room = divmod(within, ROOMS)
        assignments.append(
            Assignment(
                talk=f"t{index}",
                day=FIRST_DAY + dt.timedelta(days=day),
                start=format_clock(slot * SLOT),
                end=format_clock((slot + 1) * SLOT),
                room=f"Room {room}",
            )
        )
    return Schedule(data, assignments)


def measure(speakers: int) -> tuple[int, int, int, float]:
    """(calendars, events written, events made, seconds) of exporting ics-split for `speakers` speakers."""
    schedule = build_schedule(speakers)
    made = 0
    original = ics.talk_event

    def counting(*args, **kwargs):
        nonlocal made
        made += 1
        return original(*args, **kwargs)

    ics.talk_event = counting
    try:
        started = time.perf_counter()
        files = to_split_ics(schedule)
        seconds = time.perf_counter() - started
    finally:
        ics.talk_event = original
    written = sum(content.count(b"BEGIN:VEVENT") for content in files.values())
    return len(files), written, made, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/ics_split.py", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="speakers, comma-separated")
    parser.add_argument("--time-limit", type=float, help="ignored: nothing here is solved (for `python -m benchmarks`)")
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    lines = [
        f"ics-split export (Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)",
        "",
        "| speakers | calendars | events written | events made | seconds | ms per event written |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    print("\n".join(lines), flush=True)
    for size in (int(part) for part in args.sizes.split(",") if part.strip()):
        calendars, written, made, seconds = measure(size)
        row = f"| {size:,} | {calendars:,} | {written:,} | {made:,} | {seconds:.1f} | {1000 * seconds / written:.2f} |"
        lines.append(row)
        print(row, flush=True)
    if args.output:
        args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
