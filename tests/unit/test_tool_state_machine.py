"""The Tool entity owns its status: legal moves only, a user's stop wins, every change told."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import DomainError
from domain.events import ToolChanged
from domain.tools.model import Tool, ToolImage
from domain.tools.status import TRANSITIONS, DesiredState, IllegalToolTransition, ToolStatus

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
P, B, S = ToolStatus.PENDING, ToolStatus.BUILDING, ToolStatus.STARTING
R, U, X, F = ToolStatus.RUNNING, ToolStatus.UNHEALTHY, ToolStatus.STOPPED, ToolStatus.FAILED


def a_tool(status: ToolStatus = P, *, image: bool = False) -> Tool:
    tool = Tool.install(
        name="hello",
        repo_url="https://git.example.com/team/hello.git",
        ref="main",
        subdir=None,
        host_port=20001,
        environment={},
        created_by_id=None,
        now=NOW,
    )
    tool.status = status  # a stored row, as the repository would load it
    if image:
        tool.current_build_id = uuid.uuid4()
    tool.pull_events()
    return tool


def test_a_new_tool_is_pending_and_announces_itself() -> None:
    tool = Tool.install(
        name="hello",
        repo_url="https://git.example.com/team/hello.git",
        ref=None,
        subdir=None,
        host_port=20001,
        environment={"A": "1"},
        created_by_id=None,
        now=NOW,
    )
    assert (tool.status, tool.desired_state) == (P, DesiredState.RUNNING)
    assert tool.pull_events() == [ToolChanged(tool.id)]
    assert tool.pull_events() == []


def test_running_and_unhealthy_come_only_after_starting() -> None:
    for status in (P, B, X, F):
        with pytest.raises(IllegalToolTransition, match=f"from {status} to RUNNING"):
            a_tool(status, image=True).settle(True, NOW)
    tool = a_tool(S, image=True)
    tool.settle(False, NOW)
    assert tool.status is U


def test_pending_and_building_are_only_for_a_tool_before_its_first_image() -> None:
    for status in (R, U):
        with pytest.raises(IllegalToolTransition):
            a_tool(status, image=True).building(NOW)
    assert {P, B} & TRANSITIONS[R] == set()
    assert {P, B} & TRANSITIONS[U] == set()


def test_an_illegal_move_changes_nothing_and_tells_nobody() -> None:
    tool = a_tool(F, image=True)
    with pytest.raises(IllegalToolTransition):
        tool.settle(True, NOW + timedelta(minutes=1))
    assert (tool.status, tool.updated_at, tool.pull_events()) == (F, NOW, [])


def test_every_move_stamps_the_tool_and_records_that_it_changed() -> None:
    tool = a_tool(P)
    later = NOW + timedelta(minutes=5)
    tool.building(later)
    assert (tool.status, tool.updated_at) == (B, later)
    assert tool.pull_events() == [ToolChanged(tool.id)]


def test_a_tool_that_was_never_built_cannot_start() -> None:
    tool = a_tool(F)
    with pytest.raises(DomainError, match="never been built successfully"):
        tool.start(NOW)
    assert tool.status is F


def test_a_users_stop_wins_over_any_later_move() -> None:
    tool = a_tool(R, image=True)
    tool.stop(NOW)
    assert (tool.status, tool.desired_state) == (X, DesiredState.STOPPED)
    for move in (tool.starting, tool.fail, tool.building):
        move(NOW)
        assert tool.status is X
    tool.start(NOW)
    assert (tool.status, tool.desired_state) == (S, DesiredState.RUNNING)


def test_stopping_a_tool_being_removed_keeps_it_being_removed() -> None:
    tool = a_tool(R, image=True)
    tool.mark_removed(NOW)
    tool.stop(NOW)
    assert (tool.status, tool.desired_state) == (X, DesiredState.REMOVED)


def test_resume_puts_back_the_status_a_build_found() -> None:
    tool = a_tool(S, image=True)
    tool.resume(R, NOW)
    assert tool.status is R


def test_resume_keeps_a_newer_status_when_the_way_back_is_no_longer_legal() -> None:
    tool = a_tool(F, image=True)  # the reconciler gave up on it during the build
    tool.resume(R, NOW)
    assert tool.status is F


def test_resume_leaves_a_tool_without_an_image_failed_rather_than_running() -> None:
    tool = a_tool(R)  # started by hand on a first build's image, which is given back
    tool.resume(P, NOW)
    assert tool.status is F
    tool.building(NOW)  # and the requeued build can move it again
    assert tool.status is B


def test_a_builds_health_check_settles_a_starting_tool_but_not_one_a_user_failed() -> None:
    starting, failed = a_tool(S, image=True), a_tool(F, image=True)
    starting.started(True, NOW)
    failed.started(True, NOW)
    assert (starting.status, failed.status) == (R, F)
    assert failed.pull_events() == [ToolChanged(failed.id)]  # its latest build still changed


def test_running_an_image_points_the_tool_at_that_build() -> None:
    tool = a_tool(S)
    build_id = uuid.uuid4()
    manifest = {"description": "Says hello", "machete": {"category": "devops"}}
    image = ToolImage(build_id, "a" * 40, manifest, "main", "Says hello", "devops")
    tool.run_image(image, NOW)
    assert tool.image == image
    assert tool.has_image
    assert tool.pull_events() == [ToolChanged(tool.id)]
