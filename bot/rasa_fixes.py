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


def install() -> None:
    """Replace Rasa's slow methods with the faster equivalents above."""
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
