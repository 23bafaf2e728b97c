"""Checks of a finished timetable, written apart from the model: `verify` (every hard rule), `score` (every soft
rule), `explain` (why no timetable exists), `report` (report.md and report.json)."""
