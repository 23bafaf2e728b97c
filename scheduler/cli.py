"""The confsched command line: parses arguments, calls the library, prints results. No scheduling logic here."""

from __future__ import annotations

import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import clock
from . import generate as generator
from .checks.counting import before_search
from .checks.explain import explain as explain_data
from .checks.report import INTERRUPTED, summary_lines, to_report_json, to_report_markdown
from .checks.verify import verify
from .data import ConferenceData
from .errors import ConfschedError, DataError, NoScheduleError, after_ctrl_c, one_line
from .exporters import DEFAULT_FORMATS, EXPORTERS, export, size_problem, writing_seconds
from .formats.atomic import check_output_directory, recover, write_atomic
from .formats.loading import load
from .importers import (
    DATA_IMPORTERS,
    IMPORT_FORMATS,
    PIN_MODES,
    ControlCharactersRemoved,
    SourceBreaksARule,
    baseline_path,
    import_file,
)
from .interrupt import interruptible
from .problem import compile_problem
from .rules.audience import ROOM_SIZE
from .schedule import read_schedule
from .search.cpsat import SEEDS
from .search.solve import solve as solve_schedule
from .whatif import changelog
from .whatif.baseline import check_same_conference
from .whatif.changes import Changes, apply_changes, inline_change, load_changes
from .whatif.reschedule import reschedule
from .whatif.revision import (
    build_revision,
    data_beside,
    refuse_to_overwrite,
    revision_names,
    version_of,
    write_revision,
)

app = typer.Typer(
    name="confsched",
    help="Conference schedule and room-allocation optimizer.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# Names come from data files, paths from the command line: without markup by default, so '[/]' or '[link=...]' in a
# title prints as itself (and cannot raise or send a terminal escape); a print with markup escapes what it quotes.
# Text printed on one line goes through one_line: a line break or control character shows as an escape (\n, \x1b).
out = Console(highlight=False, soft_wrap=True, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

FORMATS_HELP = "Comma-separated: " + ", ".join(EXPORTERS) + " (see docs/exports.md)."
DataArg = Annotated[Path, typer.Argument(help="Conference data file (YAML).", show_default=False)]


NO_ACCEPTED_HELP = (
    "Ignore the data file's 'accepted' list: the source's own double-bookings count as broken rules again."
)


def _accepted(data: ConferenceData, lifted: bool) -> ConferenceData:
    """The data with its accepted exceptions, or (--no-accepted) without them."""
    return data.model_copy(update={"accepted": []}) if lifted and data.accepted else data


def _fail(error: Exception, code: int = 2) -> None:
    # escaped: messages quote names and syntax such as TALK@[DAY]@[HH:MM][@ROOM], which rich would read as markup
    err.print(f"[bold red]error:[/] {escape(str(error))}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


TIME_LIMIT_HELP = "Seconds for the whole command, loading and writing included."


@app.command()
def validate(data_file: DataArg) -> None:
    """Load and validate a data file, without solving."""
    try:
        data = load(data_file)
    except ConfschedError as error:
        _fail(error)
    blocks = sum(len(day.blocks) for day in data.conference.days)
    out.print(
        one_line(
            f"{data_file}: OK: {data.conference.name}: {len(data.talks)} talks, {len(data.speakers)} speakers, "
            f"{len(data.rooms)} rooms, {len(data.conference.days)} day(s), {blocks} blocks"
            + (f"; {len(data.accepted)} accepted exception(s) (accepted:)" if data.accepted else "")
        )
    )
    _fail_if_counted_short(data, f"{data_file} has no schedule")


def _fail_if_counted_short(data, what: str) -> None:
    """Exit 1 with each count that proves `data` has no schedule (scheduler.checks.counting.before_search), if any."""
    findings = before_search(data, compile_problem(data))
    if findings:
        err.print(f"[bold red]error:[/] {escape(one_line(what))}: {escape(one_line(str(findings[0])))}", markup=True)
        for finding in findings[1:]:
            err.print(one_line(f"  - {finding}"), markup=False)
        raise typer.Exit(1)


@app.command()
def solve(
    data_file: DataArg,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Directory for the schedule files.")] = Path("out"),
    time_limit: Annotated[float, typer.Option("--time-limit", help=TIME_LIMIT_HELP, min=0.1)] = 60.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same input and seed, same schedule.")] = 0,
    workers: Annotated[int, typer.Option("--workers", help="CP-SAT worker threads.", min=1, max=64)] = 2,
    deterministic: Annotated[
        bool,
        typer.Option(
            "--deterministic",
            help="Budget the optimisation by CP-SAT's work done, not wall-clock seconds: same input and seed, same "
            "schedule, in more or less time than --time-limit says.",
        ),
    ] = False,
    formats: Annotated[str, typer.Option("--formats", help=FORMATS_HELP)] = ",".join(DEFAULT_FORMATS),
    no_accepted: Annotated[bool, typer.Option("--no-accepted", help=NO_ACCEPTED_HELP)] = False,
) -> None:
    """Solve a data file and write DIR/schedule.csv, schedule.ics and schedule.json."""
    chosen = _formats(formats)
    _check_seed(seed)
    try:
        check_output_directory(out_dir)  # a file in the way, or no permission: say so before solving
        data = _accepted(load(data_file), no_accepted)
        _check_export_size(data_file, data, chosen)  # before the solve, not after it
        # Ctrl-C stops the search and keeps the best verified timetable so far (scheduler.interrupt); the files are
        # written inside the block too, so a first Ctrl-C while writing does not stop it, and a second one leaves the
        # old set of files (scheduler.formats.atomic.write_files)
        with interruptible() as interrupt:
            try:
                with err.status("solving", spinner="dots") as status:
                    schedule = solve_schedule(
                        data,
                        time_limit=time_limit,
                        seed=seed,
                        workers=workers,
                        progress=lambda message: status.update(message),
                        deterministic=deterministic,
                        stop=interrupt.requested.is_set,
                        # --deterministic counts CP-SAT's work, which no wall-clock reading may change
                        reserved=0.0 if deterministic else clock.spent() + writing_seconds(data, chosen),
                    )
            except NoScheduleError:
                if not interrupt.requested.is_set():
                    raise
                err.print("interrupted before a timetable was found; nothing was written", markup=False)
                raise typer.Exit(130) from None
            interrupted = interrupt.requested.is_set() and schedule.stats.status != "optimal"
            if interrupted:
                schedule.stats.status = INTERRUPTED
            # the schedule files and the report are one set: all new, or (after any failure) all as they were
            reports = {"report.md": to_report_markdown(schedule), "report.json": to_report_json(schedule)}
            written = export(schedule, out_dir, chosen, extra=reports)
    except NoScheduleError as error:
        _explain_and_fail(data, error, data_file)
    except DataError as error:
        _fail(error, 2)
    except ConfschedError as error:  # an internal error: the verifier rejected the solver's timetable
        _fail(error, 3)
    _print_summary(schedule)
    _print_written(written)
    if interrupt.requested.is_set():
        what = "the best timetable found so far (not proven optimal)" if interrupted else "the finished timetable"
        err.print(f"interrupted: wrote {what}; every hard rule verified", markup=False)
        raise typer.Exit(130)


def _check_export_size(data_file: Path, data, formats: list[str]) -> None:
    """A DataError naming the data file when the chosen formats would be too large to write (docs/format.md)."""
    problem = size_problem(data, formats)
    if problem:
        raise DataError(data_file, None, None, problem)


def _check_seed(seed: int) -> None:
    """Exit 2 with one line for a seed CP-SAT cannot take (its seed is a 32-bit integer)."""
    if seed not in SEEDS:
        _fail(ValueError(f"--seed {seed}: outside {SEEDS.start:,}..{SEEDS.stop - 1:,}, the seeds CP-SAT accepts"))


def _formats(text: str) -> list[str]:
    """Format names from a comma-separated list; exit 2 naming the first unknown one."""
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in EXPORTERS]
    if unknown or not chosen:
        what = f"unknown format '{unknown[0]}'" if unknown else "no format given"
        _fail(ValueError(f"{what}; choose from {', '.join(EXPORTERS)}"))
    return chosen


def _print_written(paths: list[Path]) -> None:
    """One line per file, except a folder of many (a calendar per speaker) is one line with a count."""
    by_folder: dict[Path, list[Path]] = {}
    for path in paths:
        by_folder.setdefault(path.parent, []).append(path)
    for folder, files in by_folder.items():
        if len(files) > 3:
            out.print(one_line(f"wrote {len(files)} files in {folder}"))
        else:
            for path in files:
                out.print(one_line(f"wrote {path}"))


def _print_summary(schedule) -> None:
    stats = schedule.stats
    data = schedule.data
    placed = f"{len(schedule.assignments)} of {len(data.talks)} talks placed"
    table = Table(title=f"{one_line(data.conference.name)}: {placed}")
    table.add_column("day")
    table.add_column("talks", justify="right")
    table.add_column("rooms used", justify="right")
    table.add_column("first start")
    table.add_column("last end")
    by_day: dict = {}
    for assignment in schedule.assignments:
        by_day.setdefault(assignment.day, []).append(assignment)
    for day, items in by_day.items():
        table.add_row(
            day.isoformat(),
            str(len(items)),
            str(len({a.room for a in items})),
            min(f"{a.start // 60:02d}:{a.start % 60:02d}" for a in items),
            max(f"{a.end // 60:02d}:{a.end % 60:02d}" for a in items),
        )
    out.print(table)
    if stats and stats.quality:
        quality = Table(title=f"soft rules: total penalty {stats.penalty:g}")
        for column in ("rule", "weight", "violations", "penalty", "worst offenders"):
            quality.add_column(column, justify="right" if column in ("weight", "violations", "penalty") else "left")
        for rule in stats.quality:
            if rule.violations:
                worst = "; ".join(f"{one_line(about)} ({count})" for about, count in rule.worst[:3]) or "-"
                quality.add_row(rule.rule, str(rule.weight), str(rule.violations), f"{rule.penalty:g}", worst)
        if quality.row_count:
            out.print(quality)
        # a long list of zero rows hides the ones that cost something; report.md lists every rule
        kept = [rule.rule for rule in stats.quality if not rule.violations]
        if kept:
            out.print(f"no violations: {', '.join(kept)}")
        for line in summary_lines(schedule):
            out.print(line)
    kinds = Counter(talk.kind for talk in data.talks)
    out.print(one_line("kinds: " + ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))))
    if stats:
        first = f"{stats.first_feasible_seconds:.2f} s" if stats.first_feasible_seconds is not None else "n/a"
        out.print(
            f"status: {stats.status}; hard rules verified; model {stats.variables} variables, "
            f"{stats.constraints} constraints; build {stats.build_seconds:.2f} s, first feasible {first}, "
            f"solve {stats.solve_seconds:.2f} s; rooms: {stats.room_stage}; seed {stats.seed}, "
            f"{stats.workers} worker{'s' if stats.workers != 1 else ''}"
            + (f"; {stats.workers_note}" if stats.workers_note else "")
        )


def _explain_and_fail(data, error: NoScheduleError, data_file: Path | None = None) -> None:
    """Print why no schedule exists (when it is proven) and exit 1. A count that proved it before any search (its
    first finding is the error) is said at once, without the diagnosis; `confsched explain` has that."""
    if not error.proven:
        _fail(error, 1)
    if error.findings:
        err.print(f"[bold red]error:[/] {escape(str(error))}", markup=True)
        for finding in error.findings[1:]:
            err.print(one_line(f"  - {finding}"), markup=False)
        if data_file is not None:
            err.print(one_line(f"'confsched explain {data_file}' names the restrictions to relax"), markup=False)
        raise typer.Exit(1)
    with err.status("no schedule; looking for the reason", spinner="dots"):
        explanation = explain_data(data)
    err.print(f"[bold red]error:[/] {escape(str(error))}", markup=True)
    if explanation.feasible is False:
        err.print(explanation.render().removeprefix("no schedule exists.\n"), markup=False)
    raise typer.Exit(1)


@app.command()
def explain(
    data_file: DataArg,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds for the diagnosis.", min=0.1)] = 20.0,
    no_accepted: Annotated[bool, typer.Option("--no-accepted", help=NO_ACCEPTED_HELP)] = False,
) -> None:
    """Say why a data file has no schedule: quick counting checks, then a small set of conflicting restrictions."""
    try:
        data = _accepted(load(data_file), no_accepted)
    except ConfschedError as error:
        _fail(error)
    said = []

    def say_at_once(counted) -> None:  # a count proved it: said before the search for conflicting restrictions
        out.print("\n".join(counted.verdict_lines()), markup=False)
        said.append(counted)

    with err.status("looking for conflicting restrictions", spinner="dots"):
        explanation = explain_data(data, time_limit=time_limit, proven=say_at_once)
    if said:
        if explanation.conflict_lines():
            out.print("\n".join(explanation.conflict_lines()), markup=False)
    else:
        out.print(explanation.render(), markup=False)
    if explanation.feasible is not True:
        raise typer.Exit(1)


def _load_schedule(data_file: Path, schedule_file: Path):
    """The data file and a schedule for it, or one error line and exit 2."""
    try:
        data = load(data_file)
        return data, read_schedule(schedule_file, data)
    except ConfschedError as error:
        _fail(error)


@app.command()
def check(
    data_file: DataArg,
    schedule_file: Annotated[Path, typer.Argument(help="schedule.json or schedule.csv to check.")],
    no_accepted: Annotated[bool, typer.Option("--no-accepted", help=NO_ACCEPTED_HELP)] = False,
) -> None:
    """Re-check every hard rule on a schedule with the independent verifier; exit 1 on any violation."""
    data, schedule = _load_schedule(data_file, schedule_file)
    data = _accepted(data, no_accepted)
    violations = verify(data, schedule.assignments)
    if not violations:
        out.print(one_line(f"{schedule_file}: OK: {len(schedule.assignments)} talks, every hard rule holds"))
        return
    for violation in violations:
        out.print(str(violation), markup=False)
    out.print(one_line(f"{schedule_file}: {len(violations)} violation(s)"))
    _fail_if_counted_short(data, f"and no schedule can keep every hard rule of {data_file}")
    raise typer.Exit(1)


@app.command("export")
def export_schedule(
    schedule_file: Annotated[Path, typer.Argument(help="schedule.json or schedule.csv to export.", show_default=False)],
    data_file: Annotated[Path, typer.Option("--data", help="The data file the schedule is for.", show_default=False)],
    formats: Annotated[str, typer.Option("--format", "--formats", help=FORMATS_HELP, show_default=False)],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Directory for the exported files.")] = Path("out"),
) -> None:
    """Write a schedule in other formats (frab, per-room calendars, XLSX, HTML, ...); refuse one that breaks a rule."""
    chosen = _formats(formats)
    data, schedule = _load_schedule(data_file, schedule_file)
    try:
        _check_export_size(data_file, data, chosen)
    except DataError as error:
        _fail(error)
    violations = verify(data, schedule.assignments)
    if violations:
        for violation in violations:
            err.print(str(violation), markup=False)
        _fail(ValueError(f"{schedule_file} breaks {len(violations)} hard rule(s); nothing was exported"), 1)
    try:
        written = export(schedule, out_dir, chosen)
    except (ConfschedError, OSError) as error:  # ConfschedError: a format the data file cannot take (cosplib)
        _fail(error)
    _print_written(written)


@app.command("import")
def import_programme(
    source: Annotated[Path, typer.Argument(help="The programme: a file, or for csv a directory.", show_default=False)],
    source_format: Annotated[
        str,
        typer.Option("--format", help=f"One of: {', '.join(IMPORT_FORMATS)} (see docs/import.md).", show_default=False),
    ],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="The data file to write (YAML).", show_default=False)],
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="IANA time zone; needed when the source names none (csv, xlsx).")
    ] = None,
    pins: Annotated[
        str,
        typer.Option(
            "--pins",
            help="Pin each talk's current day, start and room (all), its room, or nothing (none: the published "
            "placement is only the baseline written beside the data file).",
        ),
    ] = "none",
) -> None:
    """Turn an existing programme (frab, pretalx, CSV, XLSX) into a data file, and its published timetable into a
    baseline schedule beside it (DATA.published.json) for whatif."""
    if source_format not in IMPORT_FORMATS:
        _fail(ValueError(f"unknown format '{source_format}'; choose from {', '.join(IMPORT_FORMATS)}"))
    if pins not in PIN_MODES:
        _fail(ValueError(f"unknown --pins '{pins}'; choose from {', '.join(PIN_MODES)}"))
    try:
        with warnings.catch_warnings(record=True) as removed:
            warnings.simplefilter("always", ControlCharactersRemoved)
            warnings.simplefilter("always", SourceBreaksARule)
            data = import_file(source, source_format, out_file, timezone=timezone, pins=pins)
    except (ConfschedError, OSError) as error:  # OSError: the data file could not be written
        _fail(error)
    for warning in removed:
        err.print(one_line(f"warning: {warning.message}"))
    blocks = sum(len(day.blocks) for day in data.conference.days)
    out.print(
        one_line(
            f"wrote {out_file}: {data.conference.name}: {len(data.talks)} talks, {len(data.speakers)} speakers, "
            f"{len(data.rooms)} rooms, {len(data.conference.days)} day(s), {blocks} blocks"
            + ("" if source_format in DATA_IMPORTERS else f"; pins: {pins}")
        )
    )
    if source_format not in DATA_IMPORTERS:
        out.print(one_line(f"wrote {baseline_path(out_file)}: the published timetable (whatif --baseline)"))
    if source_format not in DATA_IMPORTERS and data.weights.get(ROOM_SIZE.name) == 0:
        err.print(
            one_line(
                f"note: {ROOM_SIZE.name} is off (weights: {ROOM_SIZE.name}: 0 in the data file): the source gives "
                "capacities but no expected audience, and without one the rule would favour the smallest rooms"
            )
        )


@app.command()
def whatif(
    data_file: DataArg,
    baseline_file: Annotated[
        Path, typer.Option("--baseline", help="The published schedule.json (never modified).", show_default=False)
    ],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Directory for the new version and the changelog.")],
    change_file: Annotated[
        Path | None, typer.Option("--change", help="Change file (YAML, see docs/whatif.md).", show_default=False)
    ] = None,
    speaker_unavailable: Annotated[
        list[str] | None, typer.Option("--speaker-unavailable", help="SPEAKER@DAY[@HH:MM-HH:MM]; repeatable.")
    ] = None,
    room_closed: Annotated[
        list[str] | None, typer.Option("--room-closed", help="ROOM@DAY[@HH:MM-HH:MM]; repeatable.")
    ] = None,
    withdraw: Annotated[list[str] | None, typer.Option("--withdraw", help="TALK; repeatable.")] = None,
    pin: Annotated[
        list[str] | None, typer.Option("--pin", help="TALK@[DAY]@[HH:MM][@ROOM]; empty parts stay free.")
    ] = None,
    duration: Annotated[list[str] | None, typer.Option("--duration", help="TALK=MINUTES; repeatable.")] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help=TIME_LIMIT_HELP, min=0.1)] = 30.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    workers: Annotated[int, typer.Option("--workers", help="CP-SAT worker threads.", min=1, max=64)] = 1,
    no_accepted: Annotated[bool, typer.Option("--no-accepted", help=NO_ACCEPTED_HELP)] = False,
) -> None:
    """Apply changes to a published schedule: the least disruptive new version, a changelog and who is affected."""
    inline = {
        "--speaker-unavailable": speaker_unavailable,
        "--room-closed": room_closed,
        "--withdraw": withdraw,
        "--pin": pin,
        "--duration": duration,
    }
    inputs = {"the baseline": baseline_file, "the data file": data_file, "the change file": change_file}
    _check_seed(seed)
    try:
        check_output_directory(out_dir)
        recover(out_dir)  # a what-if killed while writing: its version is not there, as if it had never run
        before = _accepted(load(data_file), no_accepted)
        baseline = read_schedule(baseline_file, before)
        check_same_conference(before, data_file, baseline, baseline_file)
        changes = load_changes(change_file) if change_file else Changes([])
        for flag, values in inline.items():
            for text in values or []:
                changes = changes + inline_change(flag, text)
        after = apply_changes(before, changes)
        refuse_to_overwrite(out_dir, revision_names(version_of(baseline_file) + 1), inputs)
    except ConfschedError as error:
        _fail(error)
    broken = verify(before, baseline.assignments)
    if broken:
        err.print(
            f"warning: {baseline_file} breaks {len(broken)} hard rule(s) of {data_file} before any change; "
            "its talks are moved too",
            markup=False,
        )
    try:
        # Ctrl-C as in solve: the search stops, the least disruptive verified schedule so far is written (marked
        # interrupted), exit 130; the new version's files are written as one set (scheduler.formats.atomic)
        with interruptible() as interrupt:
            try:
                with err.status("rescheduling", spinner="dots") as status:
                    schedule, disruption = reschedule(
                        after,
                        baseline,
                        changes.costs,
                        time_limit,
                        seed,
                        workers,
                        progress=lambda m: status.update(m),
                        stop=interrupt.requested.is_set,
                        reserved=clock.spent() + writing_seconds(after, [*DEFAULT_FORMATS, "data file", "changelog"]),
                    )
            except NoScheduleError:
                if not interrupt.requested.is_set():
                    raise
                err.print("interrupted before a new schedule was found; nothing was written", markup=False)
                raise typer.Exit(130) from None
            if disruption.interrupted:
                schedule.stats.status = INTERRUPTED
            revision = build_revision(before, changes, baseline, baseline_file, schedule, disruption, data_file.name)
            written = write_revision(out_dir, revision.files, inputs)
    except NoScheduleError as error:
        _explain_and_fail(after, error)
    except DataError as error:  # the output cannot be written (OutputError), or the next data file would be refused
        _fail(error)
    except ConfschedError as error:
        _fail(error, 3)
    out.print(one_line(f"What-if: {after.conference.name}"))
    out.print("\n".join(one_line(line) for line in revision.summary if line))
    _print_changelog(revision.entries)
    out.print(
        f"first schedule after {disruption.seconds_to_schedule:.2f} s, this disruption after "
        f"{disruption.seconds_to_best:.2f} s, finished in {disruption.seconds:.2f} s"
    )
    _print_written(written)
    if interrupt.requested.is_set():
        what = "the least disruptive schedule found so far" if disruption.interrupted else "the finished new version"
        err.print(f"interrupted: wrote {what}; every hard rule verified", markup=False)
        raise typer.Exit(130)


@app.command()
def diff(
    old_file: Annotated[Path, typer.Argument(help="The older schedule.json or .csv.", show_default=False)],
    new_file: Annotated[Path, typer.Argument(help="The newer schedule.json or .csv.", show_default=False)],
    data_file: Annotated[Path, typer.Option("--data", help="The data file (titles, speakers).", show_default=False)],
    old_data_file: Annotated[
        Path | None,
        typer.Option(
            "--old-data",
            help="The older schedule's data file, if another (a withdrawn talk's title and speakers); by default "
            "the data.vN.yaml a what-if wrote beside schedule.vN.json, else --data.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Print the changelog between two schedules: what moved, was added or withdrawn, and who is affected."""
    try:
        data = load(data_file)
        old_data_file = old_data_file or data_beside(old_file)
        old_data = load(old_data_file) if old_data_file else data
        old, new = read_schedule(old_file, old_data), read_schedule(new_file, data)
    except ConfschedError as error:
        _fail(error)
    entries = changelog.compare(old, new)
    moved = sum(entry.change not in (changelog.ADDED, changelog.WITHDRAWN) for entry in entries)
    out.print(one_line(f"{old_file} -> {new_file}: {moved} moved, {len(entries) - moved} added or withdrawn"))
    _print_changelog(entries)
    unknown = [entry.talk for entry in entries if not entry.title]
    if unknown:
        talks = ", ".join(f"'{talk}'" for talk in unknown)
        out.print(one_line(f"not in the data files: {talks}; give --old-data for their titles and speakers"))


def _print_changelog(entries: list) -> None:
    """One line per moved, added or withdrawn talk, then each affected speaker with their new times."""
    if not entries:
        out.print("no talk moved")
        return
    for entry in entries:
        where = f"{changelog.describe_place(entry.old)} -> {changelog.describe_place(entry.new)}"
        out.print(one_line(f"  {entry.talk}: {entry.change}: {where}" + (f" ({entry.why})" if entry.why else "")))
    out.print("affected speakers:")
    for name, items in changelog.affected_speakers(entries).items():
        out.print(one_line(f"  {changelog.speaker_line(name, items)}"))


@app.command()
def serve(
    data_file: DataArg,
    baseline_file: Annotated[
        Path | None,
        typer.Option("--baseline", help="The published schedule.json (never modified); else solve from the page."),
    ] = None,
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Directory for new versions (schedule.vN.*, data.vN.yaml).")
    ] = Path("out"),
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=1, max=65535)] = 8000,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (only this machine by default).")
    ] = "127.0.0.1",
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds each what-if may use.", min=0.1)] = 30.0,
) -> None:
    """A local web view for chairs: the timetable, what-ifs with their diff, versions to compare and download."""
    from .web import serve as serve_web  # starlette and uvicorn load only for this command

    if baseline_file is not None:
        _load_schedule(data_file, baseline_file)  # a bad baseline is one line and exit 2, before the server starts
    try:
        serve_web(data_file, baseline_file, out_dir, host=host, port=port, time_limit=time_limit)
    except ConfschedError as error:
        _fail(error)


@app.command()
def generate(
    out_file: Annotated[Path, typer.Option("--out", "-o", help="Where to write the generated data file.")],
    talks: Annotated[int, typer.Option(help="Number of talks.", min=1)] = 500,
    rooms: Annotated[int, typer.Option(help="Number of rooms.", min=1)] = 20,
    days: Annotated[int, typer.Option(help="Number of days.", min=1)] = 3,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Write a synthetic conference (feasible by construction) for benchmarks and tests."""
    try:
        text = generator.generate_yaml(talks=talks, rooms=rooms, days=days, seed=seed)
        write_atomic(out_file, text)
    except (ValueError, ConfschedError) as error:
        _fail(error)
    out.print(one_line(f"wrote {out_file}: {talks} talks, {rooms} rooms, {days} days (seed {seed})"))


@app.command("rules")
def list_rules() -> None:
    """Print every soft rule with its default weight and unit (the table of docs/format.md), for `weights:`."""
    from .rules import rules_table

    out.print(rules_table(), markup=False, highlight=False, end="", soft_wrap=True)


def main() -> None:
    # Ctrl-C outside a search (reading the data, building the first model, writing files): every file is written
    # atomically (scheduler.formats.atomic), so each one on disk is complete, old or new. Typer turns a
    # KeyboardInterrupt inside a command into a silent exit 130; the chain of the exit still shows it.
    try:
        app()
    except KeyboardInterrupt:
        # every set of files is written as one unit (scheduler.formats.atomic.write_files): the old set or the new
        _interrupted()
    except SystemExit as stop:
        if stop.code == 130 and after_ctrl_c(stop):
            _interrupted()
        raise


def _interrupted() -> None:
    err.print("interrupted", markup=False)
    sys.exit(130)


if __name__ == "__main__":
    main()
