"""Fixes to Rasa 3.6 in the processes kefu starts Rasa in (``python -m bot.rasa_cli``).

Rasa Open Source 3.6 is the last release, so these cannot go upstream; each
replaces one method and behaves as the original did, only faster.

- Rasa checks each answer of the action server against its event schema with
  ``jsonschema.validate``, which first checks that schema against the JSON
  Schema metaschema: about 20 ms of the Rasa process's CPU per custom action
  here, for a check whose result never changes, while checking the answer
  itself takes 0.02 ms. :func:`install` checks the schema once and keeps the
  validator; an answer that fails is handed to Rasa's own method, so the error
  is the one Rasa raises.
- Rasa finds the class of each stored event by walking every subclass of
  ``Event`` (27 µs), and it rebuilds a conversation from its stored events
  before every message: a quarter of the Rasa process's CPU in 40-message
  conversations here. :class:`EventTypes` keeps the name-to-class table and
  walks again only for a name it does not know (a subclass imported later);
  names that are no event's go to Rasa's own method (its default or error).
- Rasa runs its model graph (the NLU pipeline, then the policies, twice per
  message) through dask's scheduler, whose bookkeeping cost about 2 ms per
  message here for graphs of a dozen nodes that run one after another anyway.
  :func:`run_in_order` evaluates the same graph (``{node: (callable,
  *needed nodes)}``, as Rasa builds it) depth-first, each node once; the
  nodes, their inputs and their errors are Rasa's own.
"""

from __future__ import annotations

import functools
from typing import Any

#: Marks the replaced method, so that installing twice changes nothing.
_INSTALLED = "_kefu_fix"


@functools.lru_cache(maxsize=1)
def action_result_validator() -> Any:
    """A validator of action server answers, its schema checked once."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


class EventTypes:
    """Event classes by ``type_name``, the first of ``all_subclasses(Event)`` as Rasa picks."""

    def __init__(self) -> None:
        """Start empty; the table is built on the first lookup."""
        self._classes: dict[str, type] = {}

    def lookup(self, type_name: str) -> type | None:
        """The event class named ``type_name``, or ``None`` if there is none."""
        found = self._classes.get(type_name)
        if found is None:
            self._classes = self._walk()  # one assignment: readers see old or new
            found = self._classes.get(type_name)
        return found

    @staticmethod
    def _walk() -> dict[str, type]:
        from rasa.shared.core.events import Event
        from rasa.shared.utils.common import all_subclasses

        classes: dict[str, type] = {}
        for cls in all_subclasses(Event):
            classes.setdefault(cls.type_name, cls)
        return classes


def run_in_order(graph: dict[str, Any], targets: list[str]) -> list[Any]:
    """The values of ``targets`` in a dask-style graph, as ``dask.get`` gives them.

    A task is a tuple of a callable and its arguments; an argument that names
    another node stands for that node's value. Anything else (Rasa's inputs
    are ``(name, value)`` tuples) is a value as it is.
    """
    values: dict[str, Any] = {}

    def value(key: str) -> Any:
        if key not in values:
            task = graph[key]
            if isinstance(task, tuple) and task and callable(task[0]):
                arguments = [value(a) if isinstance(a, str) and a in graph else a for a in task[1:]]
                values[key] = task[0](*arguments)
            else:
                values[key] = task
        return values[key]

    return [value(target) for target in targets]


def install() -> None:
    """Replace Rasa's slow methods with the faster equivalents above."""
    _install_action_result_check()
    _install_event_lookup()
    _install_graph_runner()


def _install_graph_runner() -> None:
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    if getattr(DaskGraphRunner.run, _INSTALLED, False):
        return

    def run(
        self: DaskGraphRunner,
        inputs: dict[str, Any] | None = None,
        targets: list[str] | None = None,
    ) -> dict[str, Any]:
        # Rasa 3.6's DaskGraphRunner.run with run_in_order in place of dask.get.
        run_targets = targets if targets else self._graph_schema.target_names
        minimal_schema = self._graph_schema.minimal_graph_schema(run_targets)
        run_graph = self._build_dask_graph(minimal_schema)
        if inputs:
            self._add_inputs_to_graph(inputs, run_graph)
        try:
            return dict(run_in_order(run_graph, run_targets))
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e

    setattr(run, _INSTALLED, True)
    DaskGraphRunner.run = run  # type: ignore[method-assign]


def _install_event_lookup() -> None:
    from rasa.shared.core.events import Event

    rasas_own = Event.resolve_by_type
    if getattr(rasas_own, _INSTALLED, False):
        return
    types = EventTypes()

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        # Rasa's own: "topic" gives None, else the default, else ValueError.
        return types.lookup(type_name) or rasas_own(type_name, default)

    setattr(resolve_by_type, _INSTALLED, True)
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]


def _install_action_result_check() -> None:
    from rasa.core.actions.action import RemoteAction

    rasas_own = RemoteAction._validate_action_result
    if getattr(rasas_own, _INSTALLED, False):
        return

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if action_result_validator().is_valid(result):
            return True
        return rasas_own(self, result)  # raises Rasa's ValidationError

    setattr(validate_action_result, _INSTALLED, True)
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
