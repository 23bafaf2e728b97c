"""The quality report written beside a schedule: report.md for people, report.json for tools."""

from __future__ import annotations

import json

from .schedule import Schedule


def report_document(schedule: Schedule) -> dict:
    stats = schedule.stats
    rules = stats.quality if stats else []
    return {
        "conference": schedule.data.conference.name,
        "status": stats.status if stats else "unknown",
        "proven_optimal": bool(stats and stats.status == "optimal"),
        "penalty": stats.penalty if stats else None,
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
    document = report_document(schedule)
    stage = document["time_stage"]
    lines = [
        f"# Schedule quality: {document['conference']}",
        "",
        f"- status: **{document['status']}**" + (" (proven optimal)" if document["proven_optimal"] else ""),
        f"- total penalty: {document['penalty']:g}",
    ]
    if stage["objective"] is not None:
        gap = f"{stage['gap']:.1%}" if stage["gap"] is not None else "n/a"
        scope = "times and rooms" if schedule.stats and schedule.stats.room_stage == "coupled" else "time stage"
        lines.append(
            f"- {scope}: objective {stage['objective']:g}, best bound {stage['bound']:g}, gap {gap}"
            + (", optimal" if stage["optimal"] else "")
        )
    elif schedule.stats and schedule.stats.improved_day_by_day:
        lines.append("- time stage: improved one day at a time (no bound on this path)")
    elif stats_ran(schedule):
        lines.append("- time stage: no better timetable than the first feasible one was found within the time limit")
    lines += ["", "| rule | weight | violations | penalty | worst offenders |", "|---|---:|---:|---:|---|"]
    for rule in document["rules"]:
        worst = "; ".join(f"{item['about']} ({item['count']})" for item in rule["worst"]) or "-"
        lines.append(f"| {rule['rule']} | {rule['weight']} | {rule['violations']} | {rule['penalty']:g} | {worst} |")
    lines += ["", "One unit of each rule:", ""]
    lines += [f"- **{rule['rule']}**: {rule['unit']}" for rule in document["rules"]]
    return "\n".join(lines) + "\n"


def stats_ran(schedule: Schedule) -> bool:
    """Whether the soft-rule improvement phase ran (and so has something to report)."""
    return bool(schedule.stats and schedule.stats.improvement_ran)
