"""The routes of `confsched serve`: pages rendered on the server, forms posted back, a little JavaScript for filters,
the details panel and the solve progress.

No route takes a file path: versions are integers in the URL, formats are names from DOWNLOADS, what-ifs are tokens
of the in-memory table. POSTs from another origin are refused (a page elsewhere cannot accept a what-if).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pydantic import TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import ConfschedError
from ..whatif.changelog import compare
from ..whatif.changes import Change, Changes, _plain
from . import views
from .workspace import DOWNLOADS, Busy, Conflict, NoSchedule, Pending, Workspace

_MAX_FORM = 16_384
_EVENT_EVERY = 0.5  # seconds between the progress events of a solve
_WHATIF_KINDS = {
    "speaker-unavailable": ("speaker", "day", "start", "end"),
    "room-closed": ("room", "day", "start", "end"),
    "withdraw": ("talk",),
    "duration": ("talk", "minutes"),
    "pin": ("talk", "pin_day", "pin_start", "pin_room"),
    "add": ("add_id", "add_title", "add_duration", "add_speakers", "add_track", "add_kind", "add_attendance"),
}
_MAX_SPEAKERS = 50
_change = TypeAdapter(Change)


class PageError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def create_app(workspace: Workspace) -> Starlette:
    def page(request: Request, template: str, code: int = 200, **context: Any) -> HTMLResponse:
        latest = workspace.latest()
        data = workspace.data(latest.data_path if latest else workspace.data_path)
        html = views.environment.get_template(template).render(
            conference=data.conference, latest=latest, path=request.url.path, **context
        )
        return HTMLResponse(html, status_code=code)

    def error_page(request: Request, status: int, message: str) -> HTMLResponse:
        return page(request, "error.html.j2", status, message=message, status=status)

    def version_context(number: int, message: str = "") -> dict:
        schedule = workspace.schedule(number)
        penalty, rules = views.breakdown(schedule)
        return {
            "number": number,
            "grid": views.timetable(schedule),
            "penalty": penalty,
            "rules": rules,
            "warnings": views.warnings(schedule.data, schedule),
            "data": schedule.data,
            "days": [day.date.isoformat() for day in schedule.data.conference.days],
            "tracks": sorted(
                {t.name for t in schedule.data.tracks} | {t.track for t in schedule.data.talks if t.track}
            ),
            "kinds": list(schedule.data.kinds) or sorted({talk.kind for talk in schedule.data.talks} | {"talk"}),
            "message": message,
            "downloads": list(DOWNLOADS),
        }

    async def home(request: Request) -> Response:
        latest = workspace.latest()
        if latest is None:
            return page(request, "solve.html.j2", job=workspace.job.as_dict() if workspace.job else None)
        return page(request, "version.html.j2", **version_context(latest.number, request.query_params.get("note", "")))

    async def show_version(request: Request) -> Response:
        number = request.path_params["number"]
        _known_version(number)
        return page(request, "version.html.j2", **version_context(number))

    async def versions(request: Request) -> Response:
        listed = [
            {"number": v.number, "schedule": v.schedule_path.name, "data": v.data_path.name}
            for v in workspace.versions()
        ]
        return page(request, "versions.html.j2", versions=listed, downloads=list(DOWNLOADS))

    async def compare_versions(request: Request) -> Response:
        old, new = _number(request.query_params.get("old")), _number(request.query_params.get("new"))
        _known_version(old)
        _known_version(new)
        before, after = workspace.schedule(old), workspace.schedule(new)
        entries = compare(before, after)
        return page(
            request,
            "compare.html.j2",
            old=old,
            new=new,
            grid=views.timetable(after, before, entries),
            changelog=views.changelog_rows(entries),
        )

    async def download(request: Request) -> Response:
        number, name = request.path_params["number"], request.path_params["format"]
        if name not in DOWNLOADS:
            raise PageError(404, f"unknown format; choose from {', '.join(DOWNLOADS)}")
        _known_version(number)
        try:
            content, media, filename = await run_in_threadpool(workspace.download, number, name)
        except Conflict as error:
            raise PageError(409, str(error)) from None
        return Response(
            content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
        )

    async def whatif(request: Request) -> Response:
        form = await _form(request)
        changes = _changes(form)
        try:
            answer = await run_in_threadpool(workspace.whatif, changes)
        except ConfschedError as error:  # a change that does not apply (unknown speaker, not a conference day...)
            raise PageError(400, str(error)) from None
        except Busy as error:
            raise PageError(409, str(error)) from None
        if isinstance(answer, NoSchedule):
            return page(request, "noschedule.html.j2", 422, answer=answer)
        return RedirectResponse(f"/whatif/{answer.token}", status_code=303)

    async def whatif_json(request: Request) -> Response:
        """The same what-if for scripts and tests: the answer as JSON."""
        form = await _form(request)
        try:
            answer = await run_in_threadpool(workspace.whatif, _changes(form))
        except ConfschedError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        except Busy as error:
            return JSONResponse({"error": str(error)}, status_code=409)
        if isinstance(answer, NoSchedule):
            return JSONResponse({"error": answer.message, "explanation": answer.explanation}, status_code=422)
        return JSONResponse(_pending_json(answer))

    def _pending(request: Request) -> Pending:
        pending = workspace.pending.get(request.path_params["token"])
        if pending is None:
            raise PageError(404, "this what-if is no longer open: it was accepted or discarded already")
        return pending

    async def show_whatif(request: Request) -> Response:
        pending = _pending(request)
        entries = pending.revision.entries
        penalty, rules = views.breakdown(pending.schedule)
        return page(
            request,
            "whatif.html.j2",
            pending=pending,
            grid=views.timetable(pending.schedule, pending.baseline, entries),
            changelog=views.changelog_rows(entries),
            penalty=penalty,
            rules=rules,
            summary=[line.removeprefix("- ") for line in pending.revision.summary if line and line != "Changes:"],
        )

    async def accept(request: Request) -> Response:
        _same_origin(request)
        token = request.path_params["token"]
        try:
            version = await run_in_threadpool(workspace.accept, token)
        except KeyError as error:
            raise PageError(404, error.args[0]) from None
        except Conflict as error:
            raise PageError(409, str(error)) from None
        except (OSError, ValueError) as error:
            raise PageError(500, f"nothing usable was written: {error}") from None
        return RedirectResponse(f"/?note=accepted+as+version+{version.number}", status_code=303)

    async def discard(request: Request) -> Response:
        _same_origin(request)
        workspace.discard(request.path_params["token"])
        return RedirectResponse("/", status_code=303)

    async def start_solve(request: Request) -> Response:
        form = await _form(request)
        try:
            seconds = float(form.get("time_limit") or 30)
        except ValueError:
            raise PageError(400, "the time limit is a number of seconds") from None
        if not 1 <= seconds <= 3600:
            raise PageError(400, "the time limit is between 1 and 3600 seconds")
        try:
            workspace.start_solve(seconds)
        except (Busy, Conflict) as error:
            raise PageError(409, str(error)) from None
        return RedirectResponse("/", status_code=303)

    async def solve_progress(request: Request) -> Response:
        job = workspace.job
        return JSONResponse(job.as_dict() if job else {"state": "none"})

    async def solve_events(request: Request) -> Response:
        """The solve's progress as server-sent events: one `data:` line of JSON (state, elapsed, penalty, bound, gap,
        message) every half second while it runs, then its last state, then the stream ends."""

        async def events():
            while True:
                job = workspace.job
                state = job.as_dict() if job else {"state": "none"}
                yield f"data: {json.dumps(state)}\n\n"
                if state["state"] != "running" or await request.is_disconnected():
                    return
                await asyncio.sleep(_EVENT_EVERY)

        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(events(), media_type="text/event-stream", headers=headers)

    async def stop_solve(request: Request) -> Response:
        _same_origin(request)
        if workspace.job:
            workspace.job.stop.set()
        return RedirectResponse("/", status_code=303)

    async def handle_page_error(request: Request, error: PageError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": error.message}, status_code=error.status)
        return error_page(request, error.status, error.message)

    async def not_found(request: Request, error: Exception) -> Response:
        return error_page(request, 404, "there is no such page")

    def _known_version(number: int) -> None:
        if number not in {version.number for version in workspace.versions()}:
            raise PageError(404, f"there is no version {number}")

    routes = [
        Route("/", home),
        Route("/versions", versions),
        Route("/versions/{number:int}", show_version),
        Route("/versions/{number:int}/download/{format:str}", download),
        Route("/compare", compare_versions),
        Route("/whatif", whatif, methods=["POST"]),
        Route("/api/whatif", whatif_json, methods=["POST"]),
        Route("/whatif/{token:str}", show_whatif),
        Route("/whatif/{token:str}/accept", accept, methods=["POST"]),
        Route("/whatif/{token:str}/discard", discard, methods=["POST"]),
        Route("/solve", start_solve, methods=["POST"]),
        Route("/solve/stop", stop_solve, methods=["POST"]),
        Route("/api/solve", solve_progress),
        Route("/api/solve/events", solve_events),
        Mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"),
    ]
    return Starlette(routes=routes, exception_handlers={PageError: handle_page_error, 404: not_found})


def _number(text: str | None) -> int:
    if text is None or not text.isdigit() or len(text) > 6:
        raise PageError(400, "versions are numbers")
    return int(text)


def _same_origin(request: Request) -> None:
    """Refuse a POST sent by a page of another site (a browser names it in Origin)."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise PageError(403, "refused: the request came from another site")


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form (the pages post nothing else), small, last value of each field; the speakers of an added
    talk (a multiple select) are all kept, joined by commas."""
    _same_origin(request)
    body = await request.body()
    if len(body) > _MAX_FORM:
        raise PageError(413, "the form is too large")
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    form = {name: values[-1].strip() for name, values in fields.items()}
    if "add_speakers" in fields:
        form["add_speakers"] = ",".join(value.strip() for value in fields["add_speakers"])
    return form


def _changes(form: dict[str, str]) -> Changes:
    """One change from the what-if form, validated like a change file's item (names are checked when applied)."""
    kind = form.get("kind", "")
    if kind not in _WHATIF_KINDS:
        raise PageError(400, f"choose what changed: {', '.join(_WHATIF_KINDS)}")
    item: dict[str, Any] = {"kind": kind}
    if kind == "add":
        item["talk"] = _added_talk(form)
    else:
        for name in _WHATIF_KINDS[kind]:
            if form.get(name):
                item[name.removeprefix("pin_")] = form[name]
    try:
        change = _change.validate_python(item)
    except ValidationError as error:
        # pydantic names the union member it tried first (add.talk.title); the form has no such level
        raise PageError(400, f"{kind}: {_plain(error).removeprefix(kind + '.')}") from None
    return Changes([change], None, [(Path("<what-if form>"), None, kind)])


def _added_talk(form: dict[str, str]) -> dict[str, Any]:
    """The new talk as a change file's `add` item writes it (`talk:` as in the data file's `talks` list); empty fields
    are left out so the data file's defaults apply (kind talk, no track, attendance 0)."""
    talk: dict[str, Any] = {}
    for name in _WHATIF_KINDS["add"]:
        value = form.get(name, "")
        if value:
            talk[name.removeprefix("add_")] = value
    if "speakers" in talk:
        speakers = [speaker.strip() for speaker in talk["speakers"].split(",") if speaker.strip()]
        if len(speakers) > _MAX_SPEAKERS:
            raise PageError(400, f"add: at most {_MAX_SPEAKERS} speakers")
        talk["speakers"] = speakers
    for name in ("duration", "attendance"):
        if name in talk:
            if not talk[name].isdigit() or len(talk[name]) > 6:
                raise PageError(400, f"add: talk.{name}: a whole number, not '{talk[name][:40]}'")
            talk[name] = int(talk[name])
    return talk


def _pending_json(pending: Pending) -> dict:
    disruption = pending.disruption
    rows = views.changelog_rows(pending.revision.entries)
    return {
        "token": pending.token,
        "from_version": pending.base,
        "version": pending.revision.version,
        "changes": pending.changes,
        "disruption": disruption.cost,
        "lower_bound": disruption.lower_bound,
        "proven_minimal": disruption.proven,
        "verdict": disruption.verdict,
        "moved": rows["rows"],
        "affected_speakers": rows["speakers"],
        "summary": [line for line in pending.revision.summary if line],
    }
