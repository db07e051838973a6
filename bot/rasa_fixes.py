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


def install() -> None:
    """Replace Rasa's slow methods with the faster equivalents above."""
    _install_action_result_check()
    _install_event_lookup()


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
