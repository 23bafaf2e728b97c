"""The conference's tracks, in one order and with one colour each, shared by the frab, XLSX and HTML exports."""

from __future__ import annotations

from ..schedule import Schedule

# ColorBrewer "Set3": twelve light colours that stay readable under dark text and when printed.
PALETTE = (
    "#8dd3c7",
    "#ffffb3",
    "#bebada",
    "#fb8072",
    "#80b1d3",
    "#fdb462",
    "#b3de69",
    "#fccde5",
    "#bc80bd",
    "#ccebc5",
    "#ffed6f",
    "#d9d9d9",
)
NO_TRACK_COLOR = "#f4f4f4"


def track_names(schedule: Schedule) -> list[str]:
    """Every track a talk names, sorted, so colours do not depend on the order of talks in the file."""
    return sorted({talk.track for talk in schedule.data.talks if talk.track})


def track_colors(schedule: Schedule) -> dict[str, str]:
    """Track name -> '#rrggbb': the colour the data file gives the track (an imported programme's own), else the
    palette's. Palette colours repeat only when there are more tracks than the palette has colours."""
    given = {track.name: track.color for track in schedule.data.tracks if track.color}
    return {track: given.get(track, PALETTE[index % len(PALETTE)]) for index, track in enumerate(track_names(schedule))}
