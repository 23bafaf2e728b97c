"""The quality report written beside a schedule: report.md for people, report.json for tools."""

from __future__ import annotations

import json

from ..formats.text import markdown
from ..schedule import Schedule

# the status of a schedule written after Ctrl-C stopped the search (confsched solve; scheduler.interrupt)
INTERRUPTED = "interrupted"


def report_document(schedule: Schedule) -> dict:
    stats = schedule.stats
    rules = stats.quality if stats else []
    return {
        "conference": schedule.data.conference.name,
        "status": stats.status if stats else "unknown",
        "proven_optimal": bool(stats and stats.status == "optimal"),
        "penalty": stats.penalty if stats else None,
        "bound": stats.bound if stats else None,
        "gap": stats.penalty_gap if stats else None,
        "time_stage": {
            "objective": stats.time_objective if stats else None,
            "bound": stats.time_bound if stats else None,
            "gap": stats.gap if stats else None,
            "optimal": bool(stats and stats.time_stage_optimal),
        },
        "rules": [
            {
                "rule": rule.rule,
                "weight": rule.weight,
                "violations": rule.violations,
                "penalty": rule.penalty,
                "unit": rule.unit,
                "worst": [{"about": about, "count": count} for about, count in rule.worst],
            }
            for rule in rules
        ],
    }


def to_report_json(schedule: Schedule) -> str:
    return json.dumps(report_document(schedule), indent=2, ensure_ascii=False) + "\n"


def to_report_markdown(schedule: Schedule) -> str:
    """report.md; names from the data file are escaped, so they read as text in any Markdown renderer."""
    document = report_document(schedule)
    lines = [
        f"# Schedule quality: {markdown(document['conference'])}",
        "",
        f"- status: **{document['status']}**"
        + (" (proven optimal)" if document["proven_optimal"] else "")
        + (": best found so far, not proven optimal" if document["status"] == INTERRUPTED else ""),
        f"- total penalty: {document['penalty']:g}",
    ]
    lines += [f"- {line}" for line in summary_lines(schedule)]
    lines += ["", "| rule | weight | violations | penalty | worst offenders |", "|---|---:|---:|---:|---|"]
    for rule in document["rules"]:
        worst = "; ".join(f"{markdown(item['about'])} ({item['count']})" for item in rule["worst"]) or "-"
        lines.append(f"| {rule['rule']} | {rule['weight']} | {rule['violations']} | {rule['penalty']:g} | {worst} |")
    lines += ["", "One unit of each rule:", ""]
    lines += [f"- **{rule['rule']}**: {rule['unit']}" for rule in document["rules"]]
    return "\n".join(lines) + "\n"


def summary_lines(schedule: Schedule) -> list[str]:
    """The penalty against its proven lower bound, and how the times were decided, in one or two lines."""
    stats = schedule.stats
    if stats is None or not stats.improvement_ran:
        return []
    lines = []
    if stats.bound is not None:
        gap = stats.penalty_gap or 0.0
        proven = " (proven optimal)" if stats.status == "optimal" else ""
        lines.append(f"penalty {stats.penalty:g}, lower bound {stats.bound:g}, gap {gap:.1%}{proven}")
    if stats.room_stage == "coupled" and stats.time_objective is not None:
        lines.append(f"times and rooms in one model: objective {stats.time_objective:g}, bound {stats.time_bound:g}")
    elif stats.room_stage == "session plan":
        lines.append("sessions planned first (a track for each room and block), then times and rooms inside them")
    elif stats.neighbourhoods:
        objective = f", time-stage penalty {stats.time_objective:g}" if stats.time_objective is not None else ""
        lines.append(f"time stage: {stats.neighbourhoods} neighbourhoods re-solved{objective}")
    elif stats.improved_day_by_day:
        lines.append("time stage: improved one day at a time")
    elif stats.time_stage_skipped:
        lines.append(f"time stage: {stats.time_stage_skipped}")
    elif stats.time_objective is not None and stats.time_bound is not None:
        optimal = ", optimal" if stats.time_stage_optimal else ""
        lines.append(f"time stage: objective {stats.time_objective:g}, bound {stats.time_bound:g}{optimal}")
    else:
        ended = "before Ctrl-C stopped it" if stats.status == INTERRUPTED else "within the time limit"
        lines.append(f"time stage: no better timetable than the first feasible one was found {ended}")
    if getattr(stats, "swap_moves", 0):
        before, after = stats.swap_penalties
        change = f" (penalty {before:g} -> {after:g})" if before is not None and after is not None else ""
        lines.append(f"swaps across days: {stats.swap_moves:,} moves tried{change}")
    together = getattr(stats, "together_neighbourhoods", 0)
    if together:
        started = stats.together_start_penalty
        change = f" (penalty {started:g} -> {stats.penalty:g})" if started is not None else ""
        lines.append(
            f"times and rooms together: {together} neighbourhoods re-solved, {stats.together_improved} better{change}"
        )
    if getattr(stats, "found_by", ""):
        lines.append(f"best timetable found by {stats.found_by}")
    return lines
