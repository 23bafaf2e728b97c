"""What the web view works on: the data file, the versions on disk, the what-ifs not yet accepted, the solve running.

Every answer comes from the library functions the command line calls (load, read_schedule, solve, reschedule,
build_revision, write_revision, export), so the page and `confsched whatif` write the same files. Nothing here takes a
path from the browser: versions are numbers, formats are names from :data:`DOWNLOADS`, what-ifs are random tokens.

Versions: the baseline (or, without one, OUT/schedule.json) is version `version_of(its name)` with the data file
given on the command line; every later version N is OUT/schedule.vN.json with OUT/data.vN.yaml, as `confsched whatif`
writes them. A what-if always starts from the newest version; accepting it writes the next one under a lock and is
refused if another tab wrote that version first.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..checks.explain import explain
from ..checks.report import INTERRUPTED, to_report_json, to_report_markdown
from ..checks.verify import Violation, verify
from ..data import ConferenceData
from ..errors import NoScheduleError
from ..exporters import DEFAULT_FORMATS, EXPORTERS, export
from ..formats.atomic import write_atomic
from ..formats.loading import load
from ..schedule import Schedule, read_schedule
from ..search.solve import solve
from ..whatif.changes import Changes, apply_changes
from ..whatif.reschedule import Disruption, reschedule
from ..whatif.revision import Revision, build_revision, version_of, write_revision

# the formats a version can be downloaded in: name -> (file the exporter writes, media type)
DOWNLOADS = {
    "csv": ("schedule.csv", "text/csv; charset=utf-8"),
    "ics": ("schedule.ics", "text/calendar; charset=utf-8"),
    "json": ("schedule.json", "application/json"),
    "frab-xml": ("frab/schedule.xml", "application/xml"),
    "frab-json": ("frab/schedule.json", "application/json"),
    "xlsx": ("schedule.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "html": ("schedule.html", "text/html; charset=utf-8"),
}
_VERSION_FILE = re.compile(r"^schedule\.v(\d+)\.json$")
_PROGRESS = re.compile(r"penalty (\S+), bound (\S+)")
_IMPROVED = re.compile(r"penalty \S+ -> (\S+)")  # a neighbourhood's line: the new incumbent, no bound


class Conflict(Exception):
    """Another tab (or a solve) got there first; the message says what to do."""


class Busy(Exception):
    """A solve or what-if is already running; one at a time on a shared machine."""


@dataclass(frozen=True)
class Version:
    number: int
    schedule_path: Path
    data_path: Path


@dataclass
class Pending:
    """A what-if computed and shown, not yet accepted: nothing of it is on disk."""

    token: str
    base: int
    changes: list[str]
    before: ConferenceData
    baseline: Schedule
    schedule: Schedule
    disruption: Disruption
    revision: Revision
    broken: list[Violation]


@dataclass
class NoSchedule:
    """A what-if (or solve) after which no timetable exists, and why, in words."""

    changes: list[str]
    message: str
    explanation: str


@dataclass
class SolveJob:
    started: float = field(default_factory=time.perf_counter)
    stop: threading.Event = field(default_factory=threading.Event)
    state: str = "running"  # running, done, stopped, failed
    message: str = "starting"
    penalty: float | None = None
    bound: float | None = None
    elapsed: float = 0.0
    error: str = ""

    def progress(self, message: str) -> None:
        self.message = message
        self.elapsed = time.perf_counter() - self.started
        found = _PROGRESS.search(message)
        if found:
            with contextlib.suppress(ValueError):
                self.penalty, self.bound = float(found.group(1)), float(found.group(2))
        improved = _IMPROVED.search(message)
        if improved:
            with contextlib.suppress(ValueError):
                self.penalty = float(improved.group(1))

    def as_dict(self) -> dict:
        if self.state == "running":
            self.elapsed = time.perf_counter() - self.started
        return {
            "state": self.state,
            "message": self.message,
            "elapsed": round(self.elapsed, 1),
            "penalty": self.penalty,
            "bound": self.bound,
            "gap": self.gap,
            "error": self.error,
        }

    @property
    def gap(self) -> float | None:
        """How far the best penalty may be from optimal, as a fraction of it (0: proven optimal)."""
        if self.penalty is None or self.bound is None:
            return None
        if self.penalty <= self.bound:
            return 0.0
        return round((self.penalty - self.bound) / max(abs(self.penalty), 1e-9), 4)


class Workspace:
    def __init__(
        self,
        data_path: Path,
        baseline_path: Path | None,
        out_dir: Path,
        *,
        time_limit: float = 30.0,
        seed: int = 0,
        workers: int = 1,
    ):
        self.data_path = Path(data_path)
        self.baseline_path = Path(baseline_path) if baseline_path else None
        self.out_dir = Path(out_dir)
        self.time_limit, self.seed, self.workers = time_limit, seed, workers
        self.write_lock = threading.Lock()  # accepting a what-if, finishing a solve
        self.busy = threading.Lock()  # one solve or what-if at a time
        self.pending: dict[str, Pending] = {}
        self.job: SolveJob | None = None
        self._cache: dict[tuple, object] = {}
        load(self.data_path)  # a bad data file stops `confsched serve` at once, with its one-line error

    # -- versions ------------------------------------------------------------------------------------------------

    def versions(self) -> list[Version]:
        first = self.baseline_path
        if first is None and (self.out_dir / "schedule.json").is_file():
            first = self.out_dir / "schedule.json"
        if first is None:
            return []
        result = [Version(version_of(first), first, self.data_path)]
        if self.out_dir.is_dir():
            for path in self.out_dir.iterdir():
                found = _VERSION_FILE.match(path.name)
                data = self.out_dir / f"data.v{found.group(1)}.yaml" if found else None
                if found and int(found.group(1)) > result[0].number and data.is_file():
                    result.append(Version(int(found.group(1)), path, data))
        return sorted(result, key=lambda version: version.number)

    def version(self, number: int) -> Version:
        for version in self.versions():
            if version.number == number:
                return version
        raise KeyError(f"there is no version {number}")

    def latest(self) -> Version | None:
        versions = self.versions()
        return versions[-1] if versions else None

    def data(self, path: Path) -> ConferenceData:
        return self._cached(("data", path), path, lambda: load(path))

    def schedule(self, number: int) -> Schedule:
        version = self.version(number)
        data = self.data(version.data_path)
        return self._cached(
            ("schedule", version.schedule_path, id(data)),
            version.schedule_path,
            lambda: read_schedule(version.schedule_path, data),
        )

    def _cached(self, key: tuple, path: Path, make):
        stamp = path.stat()
        full = (*key, stamp.st_mtime_ns, stamp.st_size)
        if full not in self._cache:
            self._cache = {k: v for k, v in self._cache.items() if k[: len(key)] != key}
            self._cache[full] = make()
        return self._cache[full]

    def download(self, number: int, name: str) -> tuple[bytes, str, str]:
        """The version in one format: (content, media type, file name). KeyError for an unknown format."""
        relative, media = DOWNLOADS[name]
        schedule = self.schedule(number)
        broken = verify(schedule.data, schedule.assignments)
        if broken:
            raise Conflict(f"version {number} breaks {len(broken)} hard rule(s); it is not exported")
        content = EXPORTERS[name].render(schedule)[relative]
        payload = content.encode("utf-8") if isinstance(content, str) else content
        suffix = Path(relative).suffix
        stem = "frab-schedule" if relative.startswith("frab/") else "schedule"
        return payload, media, f"{stem}.v{number}{suffix}"

    # -- what-if -------------------------------------------------------------------------------------------------

    def whatif(self, changes: Changes) -> Pending | NoSchedule:
        """The least disruptive next version after `changes` (DataError if a change does not apply); not written."""
        latest = self.latest()
        if latest is None:
            raise Conflict("there is no schedule yet: solve first")
        if not self.busy.acquire(blocking=False):
            raise Busy("a solve or another what-if is running; wait for it to finish")
        try:
            before = self.data(latest.data_path)
            baseline = self.schedule(latest.number)
            after = apply_changes(before, changes)
            words = changes.words(before)
            broken = verify(before, baseline.assignments)
            try:
                schedule, disruption = reschedule(
                    after, baseline, changes.costs, self.time_limit, self.seed, self.workers
                )
            except NoScheduleError as error:
                explanation = explain(after).render() if error.proven else ""
                return NoSchedule(words, str(error), explanation)
            revision = build_revision(
                before, changes, baseline, latest.schedule_path, schedule, disruption, latest.data_path.name
            )
        finally:
            self.busy.release()
        pending = Pending(
            secrets.token_urlsafe(16), latest.number, words, before, baseline, schedule, disruption, revision, broken
        )
        self.pending[pending.token] = pending
        return pending

    def accept(self, token: str) -> Version:
        """Write the what-if as the next version, atomically, the baseline untouched; Conflict if it is stale."""
        with self.write_lock:
            pending = self.pending.get(token)
            if pending is None:
                raise KeyError("this what-if is no longer open: it was accepted or discarded already")
            latest = self.latest()
            if latest is None or latest.number != pending.base:
                raise Conflict(
                    f"version {latest.number if latest else '?'} was written after this what-if was computed from "
                    f"version {pending.base} (another tab?); nothing was written: run the what-if again"
                )
            taken = [name for name in pending.revision.files if (self.out_dir / name).exists() and ".v" in name]
            if taken:
                raise Conflict(f"{taken[0]} exists already in the output directory; nothing was written")
            inputs = {"the baseline": latest.schedule_path, "the data file": latest.data_path}
            write_revision(self.out_dir, pending.revision.files, inputs)
            del self.pending[token]
            return self.version(pending.revision.version)

    def discard(self, token: str) -> None:
        self.pending.pop(token, None)

    # -- solve ---------------------------------------------------------------------------------------------------

    def start_solve(self, time_limit: float) -> SolveJob:
        if self.latest() is not None:
            raise Conflict("a schedule exists already: change it with a what-if")
        if not self.busy.acquire(blocking=False):
            raise Busy("a solve or a what-if is running already")
        job = SolveJob()
        self.job = job
        threading.Thread(target=self._solve, args=(job, time_limit), daemon=True).start()
        return job

    def _solve(self, job: SolveJob, time_limit: float) -> None:
        try:
            data = self.data(self.data_path)
            try:
                schedule = solve(
                    data,
                    time_limit=time_limit,
                    seed=self.seed,
                    workers=max(self.workers, 1),
                    progress=job.progress,
                    stop=job.stop.is_set,
                )
            except NoScheduleError as error:
                job.state, job.error = "failed", str(error)
                if error.proven and not job.stop.is_set():
                    job.error += "\n" + explain(data).render()
                return
            stopped = job.stop.is_set() and schedule.stats.status != "optimal"
            if stopped:
                schedule.stats.status = INTERRUPTED
            with self.write_lock:
                if self.latest() is not None:
                    job.state, job.error = "failed", "a schedule appeared meanwhile; nothing was written"
                    return
                export(schedule, self.out_dir, DEFAULT_FORMATS)
                write_atomic(self.out_dir / "report.md", to_report_markdown(schedule))
                write_atomic(self.out_dir / "report.json", to_report_json(schedule))
            job.penalty = schedule.stats.penalty
            # the final bound is the search's own (the one of its last progress line may be of one stage only)
            if schedule.stats.status == "optimal":
                job.bound = schedule.stats.penalty
            elif schedule.stats.bound is not None:
                job.bound = schedule.stats.bound
            job.state = "stopped" if stopped else "done"
            job.message = f"status {schedule.stats.status}; every hard rule verified"
        except Exception as error:  # shown on the page; the server keeps running
            job.state, job.error = "failed", f"{type(error).__name__}: {error}"
        finally:
            job.elapsed = time.perf_counter() - job.started
            self.busy.release()
