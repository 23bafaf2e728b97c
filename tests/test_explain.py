"""Impossible data files: the explanation names the culprit, and removing that culprit makes the file solvable."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import DATA, run_cli, solved

from scheduler import NoScheduleError, load, parse, solve
from scheduler.checks.explain import Culprit, explain

CASES = sorted((Path(__file__).parent / "infeasible").glob("*.yaml"))


def expected_culprit(path: Path) -> tuple[str, str, int | None]:
    """The '# expect: KIND SUBJECT [WINDOW]' header of a case file."""
    words = path.read_text().splitlines()[0].removeprefix("# expect:").split()
    return words[0], words[1], int(words[2]) if len(words) > 2 else None


def relax(document: dict, culprit: Culprit) -> dict:
    """Edit a data file the way a chair would to drop one restriction."""
    talks = {talk["id"]: talk for talk in document["talks"]}
    if culprit.kind == "talk":
        document["talks"] = [talk for talk in document["talks"] if talk["id"] != culprit.subject]
    elif culprit.kind == "pin":
        del talks[culprit.subject]["pin"]
    elif culprit.kind == "talk-rooms":
        for key in ("attendance", "requires", "rooms"):
            talks[culprit.subject].pop(key, None)
    elif culprit.kind == "talk-blocks":
        del talks[culprit.subject]["block_types"]
    elif culprit.kind == "kind-rules":
        document["kinds"][culprit.subject] = {}
    elif culprit.kind == "speaker-conflict":
        giving = [talk for talk in document["talks"] if culprit.subject in talk.get("speakers", [])]
        for talk in giving[1:]:
            talk["speakers"].remove(culprit.subject)
    elif culprit.kind in ("speaker-window", "room-window"):
        section, key = ("speakers", "id") if culprit.kind == "speaker-window" else ("rooms", "name")
        item = next(entry for entry in document[section] if entry[key] == culprit.subject)
        del item["unavailable"][culprit.index]
    else:
        raise AssertionError(f"no relaxation for {culprit.kind}")
    return document


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.stem)
def test_explanation_names_the_culprit_and_relaxing_it_helps(path):
    assert len(CASES) >= 10
    data = load(path)
    with pytest.raises(NoScheduleError):
        solve(data, time_limit=20)
    explanation = explain(data)
    assert not explanation.feasible and explanation.minimal
    assert explanation.findings, "a quick check should already say something"
    kind, subject, index = expected_culprit(path)
    named = [c for c in explanation.culprits if (c.kind, c.subject, c.index) == (kind, subject, index)]
    assert named, f"expected {kind} {subject} among {[str(c) for c in explanation.culprits]}"
    relaxed = relax(yaml.safe_load(path.read_text()), named[0])
    solved(parse(yaml.safe_dump(relaxed, sort_keys=False), path.name))


def test_every_reported_member_of_a_minimal_conflict_is_needed():
    data = load(Path(__file__).parent / "infeasible" / "speaker_window.yaml")
    explanation = explain(data)
    for culprit in explanation.culprits:
        relaxed = relax(
            yaml.safe_load((Path(__file__).parent / "infeasible" / "speaker_window.yaml").read_text()), culprit
        )
        solved(parse(yaml.safe_dump(relaxed, sort_keys=False), "relaxed.yaml"))


def test_quick_check_speaks_the_chairs_language():
    explanation = explain(load(Path(__file__).parent / "infeasible" / "recorded_big_rooms.yaml"))
    assert explanation.findings == [
        "3 tutorials of 150 minutes can only use West Ballroom A, whose blocks hold at most 2 of them",
        "3 talks that can only be held in West Ballroom A need 450 room-minutes, but only 300 room-minutes are open "
        "where and when they can be held",
    ]


def test_explain_on_a_feasible_file_says_a_schedule_exists():
    result = run_cli("explain", DATA / "neurips2024_tutorials.yaml")
    assert result.returncode == 0
    assert result.stdout.startswith("a schedule exists")


def test_solve_explains_automatically_and_exits_1(tmp_path):
    path = Path(__file__).parent / "infeasible" / "pin_clash.yaml"
    result = run_cli("solve", path, "--out", tmp_path / "out")
    assert result.returncode == 1
    # counted before any search: said at once, and `explain` names the restrictions to relax
    assert result.stderr == (
        "error: no schedule exists: talks 'a' and 'b' are both pinned to Hall on 2024-07-27 around 09:00 (more below)\n"
        "  - 2 talks that can only be held in Hall need 60 room-minutes, but only 30 room-minutes are open where and "
        "when they can be held\n"
        f"'confsched explain {path}' names the restrictions to relax\n"
    )
    assert "to relax: remove or move the pin of 'b'" in run_cli("explain", path).stdout
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_explain_command_exits_1_with_the_reason():
    result = run_cli("explain", Path(__file__).parent / "infeasible" / "capacity.yaml")
    assert result.returncode == 1
    assert "talk 'keynote' cannot be placed: no allowed room has >= 900 seats" in result.stdout


def test_explain_on_a_large_feasible_conference_answers_quickly():
    from scheduler.generate import generate_yaml

    data = parse(generate_yaml(talks=300, rooms=12, days=2, seed=5), "generated.yaml")
    explanation = explain(data, time_limit=30)
    assert explanation.feasible is True
    assert explanation.render().startswith("a schedule exists")
