"""kefu's fixes to Rasa 3.6 behave as Rasa's own methods did."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

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


def test_the_launcher_runs_rasa_with_the_fixes(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa.__main__

    ran: list[bool] = []
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    monkeypatch.setattr(
        rasa.__main__, "main", lambda: ran.append(getattr(
            RemoteAction._validate_action_result, "_kefu_fix", False
        ))
    )  # fmt: skip
    from bot import rasa_cli

    rasa_cli.main()

    assert ran == [True]
