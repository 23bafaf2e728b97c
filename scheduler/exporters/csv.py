"""schedule.csv: one row per talk, for spreadsheets (text that a spreadsheet would run as a formula is neutralised)."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from ..data import format_clock
from ..formats.spreadsheet_cells import csv_text
from ..schedule import CSV_COLUMNS, Schedule


def to_csv(schedule: Schedule) -> str:
    return csv_text(talk_table(schedule))


def talk_table(schedule: Schedule) -> pd.DataFrame:
    """One row per talk in time order, with the CSV columns (the XLSX "All talks" sheet shows the same table).

    Speakers are named by their names, except people who share a name with another speaker, who are named by id:
    two people called Sam Lee stay two when the table is imported again (with the speakers table)."""
    names = Counter(speaker.display_name for speaker in schedule.data.speakers)
    shared = {speaker.id for speaker in schedule.data.speakers if names[speaker.display_name] > 1}
    rows = [
        {
            "talk_id": talk.id,
            "title": talk.title,
            "kind": talk.kind,
            "track": talk.track or "",
            "speakers": "; ".join(
                speaker if speaker in shared else name
                for speaker, name in zip(talk.speakers, schedule.speaker_names(talk), strict=True)
            ),
            "day": assignment.day.isoformat(),
            "start": format_clock(assignment.start),
            "end": format_clock(assignment.end),
            "room": assignment.room,
        }
        for talk, assignment in schedule.rows()
    ]
    return pd.DataFrame(rows, columns=CSV_COLUMNS)
