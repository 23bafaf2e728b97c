"""schedule.json: the re-loadable result (every talk's day, start, end and room)."""

from __future__ import annotations

import json

from ..schedule import Schedule, schedule_document


def to_json(schedule: Schedule) -> str:
    return json.dumps(schedule_document(schedule), indent=2, ensure_ascii=False) + "\n"
