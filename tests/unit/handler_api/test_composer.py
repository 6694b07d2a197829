"""Commands and modes alone: what a handler may offer, and what a message may choose."""

import pytest

from chatsessions.handler_api.composer import Mode, ModeOption, chosen_modes, commands_offered, modes_offered
from chatsessions.handler_api.tasklist import Task, TaskStatus


def test_commands_are_checked_and_shown_with_chainlits_fields():
    offered = commands_offered([{"id": "Search", "icon": "globe", "description": "Find", "button": True}])
    assert offered == [
        {"id": "Search", "icon": "globe", "description": "Find", "button": True, "persistent": False}
    ]
    for bad, error in [
        ("Search", TypeError),
        ([{"icon": "globe"}], ValueError),
        ([{"id": ""}], ValueError),
        ([{"id": "x" * 65}], ValueError),
        ([{"id": "a"}, {"id": "a"}], ValueError),
        ([{"id": "a"}] * 101, TypeError),
        (["Search"], TypeError),
    ]:
        with pytest.raises(error):
            commands_offered(bad)


def test_modes_are_checked_and_a_choice_takes_defaults_for_the_rest():
    model = Mode("model", "Model", [ModeOption("fast", "Fast"), ModeOption("smart", "Smart", default=True)])
    effort = Mode("effort", "Effort", [ModeOption("low", "Low"), ModeOption("high", "High")])
    modes = modes_offered([model, effort])
    assert chosen_modes(modes, None) == {"model": "smart", "effort": "low"}
    assert chosen_modes(modes, {"effort": "high"}) == {"model": "smart", "effort": "high"}
    for chosen in ({"model": "gpt-9"}, {"temperature": "hot"}):
        with pytest.raises(ValueError, match="is not an option the chat offers"):
            chosen_modes(modes, chosen)
    with pytest.raises(ValueError, match="unique"):
        modes_offered([model, model])
    with pytest.raises(TypeError):
        modes_offered([{"id": "model"}])
    with pytest.raises(TypeError):
        modes_offered([Mode("model", "Model", options=[{"id": "fast"}])])


def test_a_task_says_its_status_as_a_value_and_refuses_an_unknown_one():
    assert Task("Load", TaskStatus.RUNNING).to_dict() == {"title": "Load", "status": "running", "forId": None}
    assert Task("Load", "done").to_dict()["status"] == "done"
    assert len(Task("x" * 1000).to_dict()["title"]) == 500
    with pytest.raises(ValueError):
        Task("Load", "finished").to_dict()
