"""The HTML timetable fits every title (issue 16, item 9): at 1,400 px a programme of 25-minute talks with long titles,
a title with no spaces and a 15-minute talk shows every word of every box, nothing spills out of its cell, the full
title is in each box's tooltip, and the page has a print layout."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import yaml
from test_exports import CHROMIUM, CHROMIUM_ARGS, open_page

from scheduler import Assignment, Schedule, parse, verify
from scheduler.data import format_clock
from scheduler.exporters.html import to_html

DAYS = [dt.date(2025, 6, 2), dt.date(2025, 6, 3)]
ROOMS = ["Plenary Hall", "Room 1.A", "Room 1.B", "Room 2.A", "Room 2.B", "Sprint Room"]
TITLE = (
    "Scaling Transformer Inference with Speculative Decoding on Heterogeneous GPU Clusters: Lessons from Running "
    "Open-Weight Models in Production at Internet Scale for Two Years"
)
WORDS = TITLE.split(" ")
CODE_TITLE = "torch.distributed.fsdp.FullyShardedDataParallel._optimize_all_gather_for_sharded_parameters()"
SPEAKERS = ["Maximiliane Featherstonehaugh-Wolfeschlegelsteinhausen", "Bartholomew Oyelaran-Castellanos", "Li Wei"]


def long_programme() -> Schedule:
    """Two days, six rooms, eight 25-minute talks per room and morning (96 talks) with titles of 8 to 26 words, one
    of them code with no spaces, and one 15-minute talk with a long title; placed by hand and verified."""
    talks, assignments = [], []
    for day in DAYS:
        for room in ROOMS:
            for slot in range(8):
                number = len(talks)
                words = 8 + (number * 7) % 19
                title = CODE_TITLE if number == 13 else " ".join((WORDS * 2)[number % 5 : number % 5 + words])
                duration = 15 if number == 20 else 25
                start = 9 * 60 + slot * 25
                talks.append(
                    {
                        "id": f"t{number}",
                        "title": title,
                        "duration": duration,
                        "speakers": [f"s{number}", f"s{number}b"][: 1 + number % 2],
                        "track": ["Systems", "Machine Learning", "Community"][number % 3],
                    }
                )
                assignments.append(
                    Assignment(
                        talk=f"t{number}",
                        day=day,
                        start=format_clock(start),
                        end=format_clock(start + duration),
                        room=room,
                    )
                )
    document = {
        "conference": {
            "name": "Long Titles Conf",
            "timezone": "Europe/Vienna",
            "days": [{"date": day.isoformat(), "blocks": [{"start": "09:00", "end": "12:20"}]} for day in DAYS],
        },
        "rooms": [{"name": room, "capacity": 100} for room in ROOMS],
        "tracks": [{"name": "Systems"}, {"name": "Machine Learning"}, {"name": "Community"}],
        "speakers": [
            {"id": f"s{n}{suffix}", "name": f"{SPEAKERS[(n + len(suffix)) % 3]} {n}"}
            for n in range(len(talks))
            for suffix in ("", "b")
        ],
        "talks": talks,
    }
    data = parse(yaml.safe_dump(document, sort_keys=False), "long-titles.yaml")
    schedule = Schedule(data, assignments)
    assert verify(data, schedule.assignments) == []
    return schedule


CLIPPED = """() => Array.from(document.querySelectorAll('.talk')).flatMap((talk) => {
  const problems = [];
  const cell = talk.getBoundingClientRect();
  if (talk.scrollHeight > talk.clientHeight + 1) problems.push('taller than its box');
  if (talk.scrollWidth > talk.clientWidth + 1) problems.push('wider than its box');
  for (const part of talk.querySelectorAll('.when, .title, .who, .track')) {
    if (getComputedStyle(part).display === 'none') continue;
    const box = part.getBoundingClientRect();
    if (part.scrollWidth > part.clientWidth + 1) problems.push(part.className + ' cut off sideways');
    if (box.right > cell.right + 1 || box.bottom > cell.bottom + 1) problems.push(part.className + ' outside');
  }
  return problems.map((problem) => talk.dataset.talk + ': ' + problem);
})"""


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("chromium is not installed (.ci/run installs Debian's package: apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright drives Chromium")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_every_title_fits_its_box_at_1400_px(browser, tmp_path):
    schedule = long_programme()
    html = tmp_path / "schedule.html"
    html.write_text(to_html(schedule), encoding="utf-8")
    page, requests, dialogs = open_page(browser, html)
    assert page.viewport_size["width"] == 1400
    assert page.locator(".talk").count() == 96
    page.screenshot(path=tmp_path / "long-titles.png", full_page=True)
    assert page.evaluate(CLIPPED) == []
    # the grid stays one page wide: no box pushes its column (or the page) sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 1400
    # each box's tooltip holds the whole title; boxes in one row start at one height, one room's boxes in one column
    code = page.locator('.talk[data-talk="t13"]')
    assert CODE_TITLE in code.get_attribute("title") and code.locator(".title").text_content() == CODE_TITLE
    first_row = [page.locator(f'.talk[data-talk="t{8 * r}"]').bounding_box() for r in range(len(ROOMS))]
    assert len({round(box["y"]) for box in first_row}) == 1
    column = [page.locator(f'.talk[data-talk="t{n}"]').bounding_box() for n in range(8)]
    assert len({round(box["x"]) for box in column}) == 1
    assert all(a["y"] + a["height"] <= b["y"] + 1 for a, b in itertools.pairwise(column))
    # printed: the filters go, and every title still fits
    page.emulate_media(media="print")
    assert page.locator("#filters").is_hidden()
    assert page.evaluate(CLIPPED) == []
    page.screenshot(path=tmp_path / "long-titles-print.png", full_page=True)
    assert requests == [html.as_uri()] and dialogs == []
    page.close()
