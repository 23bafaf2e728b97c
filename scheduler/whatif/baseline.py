"""The published schedule a what-if starts from must be a schedule of the conference in the data file.

A baseline of another conference would otherwise be read as "every published talk withdrawn, every talk of the data
file added", and the what-if would write a new version with a proven minimal disruption that means nothing. It is
another conference when

- its schedule.json names a conference (confsched writes the name) other than the data file's `conference.name`
  (calendar UIDs come from that name, so a renamed conference is a different one to every subscribed calendar), or
- more than half of its talks are not talks of the data file (the only test for a schedule.csv, which names none):
  talks leave a programme through a change file's `withdraw`, which keeps them in the data file the what-if reads.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..data import ConferenceData
from ..errors import DataError
from ..schedule import Schedule


def published_conference(path: str | Path) -> str | None:
    """The conference a schedule.json names; None for a schedule.csv or a schedule that names none."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    name = document.get("conference") if isinstance(document, dict) else None
    return name if isinstance(name, str) else None


def check_same_conference(
    data: ConferenceData, data_path: str | Path, baseline: Schedule, baseline_path: str | Path
) -> None:
    """Raise :class:`DataError` (naming the baseline) if `baseline` is a schedule of another conference than `data`."""
    name = published_conference(baseline_path)
    if name is not None and name != data.conference.name:
        raise DataError(
            baseline_path,
            None,
            None,
            f"a schedule of '{name}', but {data_path} is '{data.conference.name}'; "
            "give the schedule published from this data file",
        )
    talk_ids = {talk.id for talk in data.talks}
    published = list(dict.fromkeys(a.talk for a in baseline.assignments))
    unknown = [talk for talk in published if talk not in talk_ids]
    if published and 2 * len(unknown) > len(published):
        examples = ", ".join(f"'{talk}'" for talk in unknown[:3])
        raise DataError(
            baseline_path,
            None,
            None,
            f"{len(unknown)} of its {len(published)} talks are not in {data_path} ({examples}"
            f"{', ...' if len(unknown) > 3 else ''}); it is not a schedule of this conference",
        )
