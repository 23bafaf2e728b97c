"""`confsched serve` (scheduler/web): the pages and their answers through Starlette's in-process TestClient, and one
chair's what-if end to end in Debian's Chromium through Playwright."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import threading
import time
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note that a later httpx package exists
    from starlette.testclient import TestClient

from scheduler.generate import generate_yaml
from scheduler.web import Workspace, create_app
from scheduler.web.workspace import SolveJob

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "neurips2024_tutorials.yaml"
BASELINE = ROOT / "examples" / "neurips_speaker_drops_out" / "published" / "schedule.json"
BENGIO = {"kind": "speaker-unavailable", "speaker": "y.bengio", "day": "2024-12-10", "start": "09:30", "end": "12:00"}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def client(tmp_path):
    workspace = Workspace(DATA, BASELINE, tmp_path / "out", time_limit=20)
    with TestClient(create_app(workspace)) as test_client:
        yield test_client, workspace, tmp_path / "out"


def test_view_shows_grid_breakdown_and_details(client):
    test_client, _, _ = client
    page = test_client.get("/")
    assert page.status_code == 200
    assert "Version 1" in page.text and 'class="day-grid"' in page.text
    assert "track-parallel" in page.text and "Soft rules: total penalty" in page.text
    assert page.text.count('class="talk') == 14
    assert "expected audience" in page.text and "y.bengio" in page.text


def test_whatif_answer_then_accept_writes_next_version_and_keeps_baseline(client):
    test_client, workspace, out = client
    before = digest(BASELINE)
    answer = test_client.post("/api/whatif", data=BENGIO)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["from_version"] == 1 and body["version"] == 2
    assert body["proven_minimal"] is True
    assert body["moved"] and all(row["why"] for row in body["moved"])
    assert any("Bengio" in line for line in body["affected_speakers"])
    assert not out.exists() or not any(out.iterdir())  # nothing written before accepting
    shown = test_client.get(f"/whatif/{body['token']}")
    assert shown.status_code == 200 and 'class="ghost"' in shown.text and "talk moved" in shown.text
    accepted = test_client.post(f"/whatif/{body['token']}/accept", follow_redirects=False)
    assert accepted.status_code == 303
    names = {path.name for path in out.iterdir()}
    assert {"schedule.v2.json", "schedule.v2.csv", "schedule.v2.ics", "data.v2.yaml", "changes.md"} <= names
    assert not any(name.endswith(".tmp") for name in names)
    assert digest(BASELINE) == before
    assert [version.number for version in workspace.versions()] == [1, 2]
    assert "version 2" in test_client.get("/versions").text
    compared = test_client.get("/compare?old=1&new=2")
    assert compared.status_code == 200 and 'class="ghost"' in compared.text
    # the next what-if starts from version 2 and would write version 3
    again = test_client.post("/api/whatif", data={"kind": "withdraw", "talk": body["moved"][0]["talk"]})
    assert again.json()["version"] == 3


def test_discard_writes_nothing(client):
    test_client, _, out = client
    token = test_client.post("/api/whatif", data=BENGIO).json()["token"]
    assert test_client.post(f"/whatif/{token}/discard", follow_redirects=False).status_code == 303
    assert not out.exists() or not any(out.iterdir())
    assert test_client.post(f"/whatif/{token}/accept").status_code == 404


def test_concurrent_accepts_are_refused(client):
    """Two tabs computed a what-if from version 1: the first accept writes version 2, the second is a conflict."""
    test_client, _, out = client
    first = test_client.post("/api/whatif", data=BENGIO).json()["token"]
    second = test_client.post("/api/whatif", data={"kind": "withdraw", "talk": "dynamic-sparsity"})
    assert second.status_code == 200, second.text
    second_token = second.json()["token"]
    written = test_client.post(f"/whatif/{first}/accept", follow_redirects=False)
    assert written.status_code == 303
    v2 = digest(out / "schedule.v2.json")
    refused = test_client.post(f"/whatif/{second_token}/accept")
    assert refused.status_code == 409 and "another tab" in refused.text
    assert digest(out / "schedule.v2.json") == v2 and not (out / "schedule.v3.json").exists()


def test_accepts_racing_in_threads_write_one_version(client):
    test_client, workspace, out = client
    token = test_client.post("/api/whatif", data=BENGIO).json()["token"]
    results = []
    threads = [threading.Thread(target=lambda: results.append(_accept(workspace, token))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == 1 and len(results) == 4
    assert sorted(path.name for path in out.glob("schedule.v*.json")) == ["schedule.v2.json"]


def _accept(workspace, token) -> str:
    try:
        workspace.accept(token)
        return "ok"
    except Exception as error:
        return type(error).__name__


@pytest.mark.parametrize(
    "url",
    [
        "/versions/1/download/..%2F..%2Fetc%2Fpasswd",
        "/versions/1/download/cosplib",
        "/versions/..%2F..%2Fdata/download/csv",
        "/versions/7/download/csv",
        "/compare?old=..%2Fschedule&new=1",
        "/compare?old=/etc/passwd&new=1",
        "/static/..%2F..%2Fapp.py",
    ],
)
def test_path_like_inputs_are_refused(client, url):
    test_client, _, _ = client
    response = test_client.get(url)
    assert response.status_code in (400, 404)
    assert "root:" not in response.text and "import" not in response.text[:200]


def test_path_like_change_fields_are_refused_and_escaped(client):
    test_client, _, out = client
    response = test_client.post("/whatif", data={**BENGIO, "speaker": "../../<script>x</script>"})
    assert response.status_code == 400
    assert "<script>x" not in response.text and "&lt;script&gt;" in response.text
    assert test_client.post("/whatif", data={"kind": "../etc"}).status_code == 400
    assert not out.exists()


def test_downloads_by_format_name(client):
    test_client, _, _ = client
    for name in ("csv", "ics", "frab-xml", "frab-json", "xlsx", "html"):
        response = test_client.get(f"/versions/1/download/{name}")
        assert response.status_code == 200 and response.content, name
        assert "attachment" in response.headers["content-disposition"]


def test_post_from_another_site_is_refused(client):
    test_client, _, _ = client
    token = test_client.post("/api/whatif", data=BENGIO).json()["token"]
    refused = test_client.post(f"/whatif/{token}/accept", headers={"Origin": "http://evil.example"})
    assert refused.status_code == 403


def test_no_schedule_after_a_change_is_explained(client):
    test_client, _, out = client
    response = test_client.post("/whatif", data={"kind": "room-closed", "room": "West Ballroom A", "day": "2024-12-10"})
    assert response.status_code in (303, 422)  # the day may have room to spare; then it is a normal answer
    if response.status_code == 422:
        assert "No schedule" in response.text
    assert not out.exists()


ADD = {
    "kind": "add",
    "add_id": "late-breaking",
    "add_title": "Late <breaking> results",
    "add_duration": "150",
    "add_speakers": ["y.bengio", "dynamic-sparsity-team"],
    "add_track": "efficiency",
    "add_kind": "tutorial",
    "add_attendance": "300",
}


def test_add_a_talk_from_the_page(client):
    """Every slot is taken in version 1: the added talk has no place (explained); after a withdrawal it takes it."""
    test_client, workspace, _ = client
    assert 'value="add"' in test_client.get("/").text
    full = test_client.post("/whatif", data=ADD)
    assert full.status_code == 422 and "No schedule" in full.text and "<breaking>" not in full.text
    token = test_client.post("/api/whatif", data={"kind": "withdraw", "talk": "dynamic-sparsity"}).json()["token"]
    assert test_client.post(f"/whatif/{token}/accept", follow_redirects=False).status_code == 303
    answer = test_client.post("/api/whatif", data=ADD)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["changes"] == ["talk 'late-breaking' added"] and body["version"] == 3
    assert [(row["talk"], row["change"]) for row in body["moved"]] == [("late-breaking", "added")]
    shown = test_client.get(f"/whatif/{body['token']}")
    assert "talk added" in shown.text and "Late &lt;breaking&gt; results" in shown.text
    assert "<breaking>" not in shown.text
    assert test_client.post(f"/whatif/{body['token']}/accept", follow_redirects=False).status_code == 303
    added = workspace.data(workspace.version(3).data_path).talks[-1]
    assert (added.id, added.duration, added.speakers, added.track, added.kind, added.attendance) == (
        "late-breaking",
        150,
        ["y.bengio", "dynamic-sparsity-team"],
        "efficiency",
        "tutorial",
        300,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"add_id": "causality-llm"}, "talk 'causality-llm' already exists; give the new talk another id"),
        ({"add_title": ""}, "add: talk.title: Field required"),
        ({"add_duration": "0"}, "add: talk.duration: Input should be greater than 0"),
        ({"add_duration": "ninety"}, "add: talk.duration: a whole number, not 'ninety'"),
        ({"add_speakers": ["g.hopper"]}, "speaker 'g.hopper' is not defined"),
        ({"add_kind": "keynote"}, "kind 'keynote' is not listed under 'kinds'"),
        ({"add_attendance": "-5", "add_title": "<b>x</b>"}, "add: talk.attendance: a whole number, not '-5'"),
    ],
)
def test_add_errors_are_one_line_on_the_page(client, fields, message):
    test_client, _, out = client
    page = test_client.post("/whatif", data={**ADD, **fields})
    assert page.status_code == 400
    alert = next(line for line in page.text.splitlines() if 'role="alert"' in line)
    assert message.replace("'", "&#39;") in alert and "<b>x" not in page.text
    assert test_client.post("/api/whatif", data={**ADD, **fields}).json()["error"].count("\n") == 0
    assert not out.exists()


def test_solve_from_the_page_writes_version_one(tmp_path):
    workspace = Workspace(DATA, None, tmp_path / "out")
    with TestClient(create_app(workspace)) as test_client:
        assert "Solve" in test_client.get("/").text
        assert test_client.post("/solve", data={"time_limit": "5"}, follow_redirects=False).status_code == 303
        deadline = time.monotonic() + 60
        while test_client.get("/api/solve").json()["state"] == "running" and time.monotonic() < deadline:
            time.sleep(0.2)
        state = test_client.get("/api/solve").json()
        assert state["state"] in ("done", "stopped"), state
        assert (tmp_path / "out" / "schedule.json").is_file()
        assert "Version 1" in test_client.get("/").text


# ---------------------------------------------------------------------------------------------------------------
# End to end in Chromium


@pytest.fixture
def server(tmp_path):
    uvicorn = pytest.importorskip("uvicorn")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workspace = Workspace(DATA, BASELINE, tmp_path / "out", time_limit=20)
    config = uvicorn.Config(create_app(workspace), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", tmp_path / "out"
    running.should_exit = True
    thread.join(10)


def test_chair_whatif_in_chromium(server, tmp_path):
    if not CHROMIUM:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright drives Chromium")
    url, out = server
    shots = Path(tmp_path / "shots")
    shots.mkdir()
    before = digest(BASELINE)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + "/")
        assert page.locator("article.talk").count() == 14
        page.locator("article.talk").first.click()
        assert page.locator("#panel").is_visible()
        page.screenshot(path=shots / "1-timetable.png", full_page=True)
        page.select_option("#kind", "speaker-unavailable")
        page.select_option("select[name=speaker]", "y.bengio")
        page.select_option("select[name=day]", "2024-12-10")
        page.fill("input[name=start]", "09:30")
        page.fill("input[name=end]", "12:00")
        page.click("#whatif-form button[type=submit]")
        page.wait_for_url("**/whatif/*", timeout=60_000)
        assert page.locator("article.talk.moved").count() >= 1
        assert page.locator(".ghost").count() >= 1
        assert "proven minimal" in page.locator(".verdict").inner_text()
        page.screenshot(path=shots / "2-whatif.png", full_page=True)
        page.set_viewport_size({"width": 1100, "height": 760})
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=shots / "web-whatif-small.png")
        page.click("button.accept")
        page.wait_for_url(url + "/?note=*")
        assert "accepted as version 2" in page.content()
        assert (out / "schedule.v2.json").is_file() and (out / "data.v2.yaml").is_file()
        page.goto(url + "/versions")
        assert page.locator("a", has_text="version 2").count() >= 1
        page.screenshot(path=shots / "3-versions.png", full_page=True)
        browser.close()
    assert digest(BASELINE) == before
    keep = ROOT / "out" / "web-screenshots"
    keep.mkdir(parents=True, exist_ok=True)
    for shot in shots.iterdir():
        shutil.copy(shot, keep / shot.name)


def test_drag_a_talk_to_a_cell_pins_it_in_chromium(server, tmp_path):
    """Drag the morning talk of a room onto the afternoon of the same room: the page asks the pin what-if (day, start
    snapped to the grid, room) and shows the diff; the form does the same without a mouse."""
    if not CHROMIUM:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright drives Chromium")
    url, out = server
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # tall enough that the whole day is in view: a drag near the window's edge scrolls it
        page = browser.new_page(viewport={"width": 1400, "height": 1500})
        page.goto(url + "/")
        morning = page.locator("article.talk[data-room='West Ballroom A']", has_text="09:30")
        afternoon = page.locator("article.talk[data-room='West Ballroom A']", has_text="13:30")
        talk = morning.get_attribute("data-talk")
        assert morning.get_attribute("draggable") == "true"
        source, target = morning.bounding_box(), afternoon.bounding_box()
        # grab the box near its top and let its top land 2 px below the afternoon box's top: it snaps to 13:30
        page.mouse.move(source["x"] + 20, source["y"] + 6)
        page.mouse.down()
        page.mouse.move(target["x"] + 30, target["y"] + 8, steps=8)
        page.mouse.move(target["x"] + 31, target["y"] + 8)  # dragover follows the pointer a move behind
        marker = page.locator(".drop-target")
        playwright_api.expect(marker).to_have_text("13:30 West Ballroom A")
        page.screenshot(path=tmp_path / "web-drag.png")
        page.mouse.up()
        page.wait_for_url("**/whatif/*", timeout=60_000)
        summary = page.locator("ul.summary").inner_text()
        assert f"talk '{talk}' pinned to 2024-12-10 13:30 West Ballroom A" in summary
        moved = page.locator(f"#talk-{talk}")
        assert "moved" in moved.get_attribute("class") and "13:30" in moved.inner_text()
        assert page.locator(".ghost").count() >= 1
        page.screenshot(path=tmp_path / "web-drag-whatif.png", full_page=True)
        # the same pin without a mouse: the form
        page.goto(url + "/")
        page.select_option("#kind", "pin")
        page.select_option("select[name=talk]", talk)
        page.select_option("select[name=pin_day]", "2024-12-10")
        page.fill("input[name=pin_start]", "13:30")
        page.select_option("select[name=pin_room]", "West Ballroom A")
        page.click("#whatif-form button[type=submit]")
        page.wait_for_url("**/whatif/*", timeout=60_000)
        assert page.locator("ul.summary").inner_text() == summary
        browser.close()
    assert not out.exists() or not any(out.iterdir())
    keep = ROOT / "out" / "web-screenshots"
    keep.mkdir(parents=True, exist_ok=True)
    for name in ("web-drag.png", "web-drag-whatif.png"):
        shutil.copy(tmp_path / name, keep / name)


# ---------------------------------------------------------------------------------------------------------------
# Solve progress streamed (server-sent events)


def _events(response) -> list[dict]:
    assert response.headers["content-type"].startswith("text/event-stream")
    return [json.loads(line.removeprefix("data: ")) for line in response.iter_lines() if line.startswith("data: ")]


def test_solve_progress_is_streamed(tmp_path):
    workspace = Workspace(DATA, None, tmp_path / "out")
    with TestClient(create_app(workspace)) as test_client:
        with test_client.stream("GET", "/api/solve/events") as idle:
            assert _events(idle) == [{"state": "none"}]
        assert test_client.post("/solve", data={"time_limit": "20"}, follow_redirects=False).status_code == 303
        with test_client.stream("GET", "/api/solve/events") as response:
            events = _events(response)
    assert events[0]["state"] == "running" and events[-1]["state"] == "done"
    assert all(event["state"] == "running" for event in events[:-1])
    assert {"elapsed", "penalty", "bound", "gap", "message"} <= set(events[0])
    elapsed = [event["elapsed"] for event in events]
    assert elapsed == sorted(elapsed)
    last = events[-1]
    assert last["penalty"] == 406 and last["bound"] == 406 and last["gap"] == 0  # proven optimal
    assert (tmp_path / "out" / "schedule.json").is_file()


def test_stop_while_streaming_keeps_the_best_verified_timetable(tmp_path, monkeypatch):
    data = tmp_path / "generated.yaml"
    data.write_text(generate_yaml(talks=120, rooms=6, days=2, seed=3), encoding="utf-8")
    workspace = Workspace(data, None, tmp_path / "out")
    # The stop waits until a state with a timetable has been handed to the stream, not merely until the job has one:
    # the stream samples every half second, and a first timetable found just before the stop would otherwise never
    # be streamed as running.
    placed_state_read = threading.Event()
    as_dict = SolveJob.as_dict

    def as_dict_noting_a_placed_state(job):
        state = as_dict(job)
        if state["state"] == "running" and state["penalty"] is not None:
            placed_state_read.set()
        return state

    monkeypatch.setattr(SolveJob, "as_dict", as_dict_noting_a_placed_state)
    with TestClient(create_app(workspace)) as test_client:
        assert test_client.post("/solve", data={"time_limit": "120"}, follow_redirects=False).status_code == 303

        def stop_when_placed():
            placed_state_read.wait(timeout=60)
            test_client.post("/solve/stop")

        stopper = threading.Thread(target=stop_when_placed)
        stopper.start()
        with test_client.stream("GET", "/api/solve/events") as response:
            events = _events(response)
        stopper.join()
    assert len(events) >= 2 and events[-1]["state"] == "stopped", events[-1]
    assert any(event["penalty"] is not None for event in events[:-1])  # incumbents streamed while it ran
    assert events[-1]["elapsed"] < 100
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["status"] == "interrupted"
    assert (tmp_path / "out" / "schedule.json").is_file()
