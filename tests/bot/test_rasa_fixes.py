"""kefu's fixes to Rasa 3.6 behave as Rasa's own methods did."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.utils import common

from bot import rasa_fixes

VALID = {
    "events": [{"event": "slot", "name": "order_id", "value": "2611210930418825"}],
    "responses": [{"response": "utter_payment_issue"}],
}


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[RemoteAction]:
    """The fixes installed for one test; Rasa's own methods back afterwards."""
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    monkeypatch.setattr(DaskGraphRunner, "run", DaskGraphRunner.run)
    rasa_fixes.action_result_validator.cache_clear()
    rasa_fixes.install()
    rasa_fixes.install()  # twice changes nothing
    yield RemoteAction("action_payment_help", None)


def test_a_valid_answer_passes_without_checking_the_schema_each_time(
    installed: RemoteAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    validator_class = validator_for(RemoteAction.action_response_format_spec())
    real_check = validator_class.check_schema.__func__
    checks: list[dict] = []

    def counted(cls: type, schema: dict) -> None:
        checks.append(schema)
        real_check(cls, schema)

    monkeypatch.setattr(validator_class, "check_schema", classmethod(counted))

    for _ in range(3):
        assert installed._validate_action_result(VALID) is True

    # Once for the process; jsonschema.validate, as Rasa calls it, checks it every time.
    assert len(checks) == 1


def test_an_invalid_answer_raises_rasas_own_error(installed: RemoteAction) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        installed._validate_action_result({"events": [{"event": 42}]})


def test_stored_events_come_back_as_the_same_classes(installed: RemoteAction) -> None:
    events = [
        UserUttered("我要退款", {"name": "refund_request", "confidence": 0.93}),
        ActionExecuted("action_listen"),
        SlotSet("order_id", "2611210930418825"),
        BotUttered("好的", metadata={"utter_action": "utter_ok"}),
    ]

    restored = [Event.from_parameters(event.as_dict()) for event in events]

    assert restored == events
    for name in ("user", "bot", "slot", "action", "pause", "resume", "session_started"):
        assert Event.resolve_by_type(name).type_name == name


def test_the_subclasses_are_walked_once_not_per_event(
    installed: RemoteAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    walks: list[type] = []
    real_walk = common.all_subclasses

    def counted(cls: type) -> list:
        if cls is Event:
            walks.append(cls)
        return real_walk(cls)

    monkeypatch.setattr(common, "all_subclasses", counted)

    stored = [event.as_dict() for event in (ActionExecuted("action_listen"), UserUttered("在吗"))]
    for _ in range(50):
        for parameters in stored:
            Event.from_parameters(parameters)

    assert len(walks) == 1


def test_an_event_class_defined_later_is_found(installed: RemoteAction) -> None:
    assert Event.resolve_by_type("action") is ActionExecuted  # the table is built

    class TicketOpened(Event):
        type_name = "kefu_test_ticket_opened"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, TicketOpened)

        def as_story_string(self) -> str:
            return self.type_name

    assert Event.resolve_by_type("kefu_test_ticket_opened") is TicketOpened


def test_unknown_names_behave_as_in_rasa(installed: RemoteAction) -> None:
    assert Event.resolve_by_type("topic") is None  # Rasa's old TopicSet
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")


class Shout(GraphComponent):
    """A graph component that upper-cases text and counts its runs."""

    runs: list[str] = []

    @classmethod
    def create(
        cls, config: dict, model_storage: Any, resource: Any, execution_context: Any
    ) -> Shout:
        return cls()

    def shout(self, text: str) -> str:
        Shout.runs.append(text)
        return text.upper()

    def join(self, left: str, right: str) -> str:
        if left == right == "BOOM":
            raise RuntimeError("boom")
        return f"{left}+{right}"


def _runner(tmp_path: Path) -> DaskGraphRunner:
    def node(fn: str, needs: dict[str, str]) -> SchemaNode:
        return SchemaNode(needs=needs, uses=Shout, constructor_name="create", fn=fn, config={})

    schema = GraphSchema(
        {
            "shout": node("shout", {"text": "__text__"}),
            "left": node("join", {"left": "shout", "right": "shout"}),
            "both": node("join", {"left": "left", "right": "shout"}),
            "unused": node("shout", {"text": "__other__"}),
        }
    )
    context = ExecutionContext(graph_schema=schema, model_id="test")
    return DaskGraphRunner(schema, LocalModelStorage(tmp_path), context)


def test_the_graph_runs_as_with_dask_each_node_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = _runner(tmp_path)
    Shout.runs = []
    with_dask = runner.run(inputs={"__text__": "ni hao"}, targets=["both", "shout"])
    monkeypatch.setattr(DaskGraphRunner, "run", DaskGraphRunner.run)
    rasa_fixes.install()
    Shout.runs = []

    without = runner.run(inputs={"__text__": "ni hao"}, targets=["both", "shout"])

    assert without == with_dask == {"both": "NI HAO+NI HAO+NI HAO", "shout": "NI HAO"}
    assert Shout.runs == ["ni hao"]  # shared by three nodes, run once; "unused" not at all


def test_a_failing_node_raises_the_error_it_raised_with_dask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.engine.exceptions import GraphComponentException

    runner = _runner(tmp_path)
    with pytest.raises(GraphComponentException) as with_dask:
        runner.run(inputs={"__text__": "boom"}, targets=["left"])
    monkeypatch.setattr(DaskGraphRunner, "run", DaskGraphRunner.run)
    rasa_fixes.install()

    with pytest.raises(GraphComponentException) as without:
        runner.run(inputs={"__text__": "boom"}, targets=["left"])

    assert (
        str(without.value) == str(with_dask.value) == "Error running graph component for node left."
    )
    assert (
        repr(without.value.__cause__) == repr(with_dask.value.__cause__) == "RuntimeError('boom')"
    )


def test_run_in_order_takes_values_and_node_names_as_dask_does() -> None:
    graph = {
        "x": ("x", 2),  # an input: a tuple whose head is no callable
        "double": (lambda pair: pair[1] * 2, "x"),
        "sum": (lambda a, b, c: a + b + c, "double", "double", 10),
    }

    assert rasa_fixes.run_in_order(graph, ["sum", "x"]) == [18, ("x", 2)]


def test_the_launcher_runs_rasa_with_the_fixes(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa.__main__

    ran: list[tuple[bool, bool]] = []
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    monkeypatch.setattr(DaskGraphRunner, "run", DaskGraphRunner.run)
    monkeypatch.setattr(
        rasa.__main__, "main", lambda: ran.append((
            getattr(RemoteAction._validate_action_result, "_kefu_fix", False),
            getattr(Event.resolve_by_type, "_kefu_fix", False),
            getattr(DaskGraphRunner.run, "_kefu_fix", False),
        ))
    )  # fmt: skip
    from bot import rasa_cli

    rasa_cli.main()

    assert ran == [(True, True, True)]
