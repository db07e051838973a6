"""Errors of the trainer's workbench.

Every error carries a machine ``code`` (the web API maps it to a status) and a
``message`` in Chinese that is shown to the bot trainer as it is::

    TrainerError
    ├── InvalidInput (400): InvalidIntentName, InvalidExample
    ├── UnknownIntent (404), NotFound (404)
    └── LabelConflict (409), IntentExists (409), RunInProgress (409)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Conflict:
    """A text that is already an example of another intent."""

    text: str
    intent: str

    def to_dict(self) -> dict[str, str]:
        """The conflict as JSON-ready data."""
        return asdict(self)


class TrainerError(Exception):
    """Base of every trainer error."""

    code = "trainer_error"

    def __init__(self, message: str) -> None:
        """Keep the message shown to the trainer."""
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, Any]:
        """Code and message, for an error response."""
        return {"code": self.code, "message": self.message}


class InvalidInput(TrainerError):
    """A field of the request is missing or not acceptable."""

    code = "invalid_input"

    def __init__(self, field: str, message: str) -> None:
        """Name the offending ``field`` and say what is wrong with it."""
        super().__init__(message)
        self.field = field

    def to_dict(self) -> dict[str, Any]:
        """Code, message and field."""
        return {**super().to_dict(), "field": self.field}


class InvalidIntentName(InvalidInput):
    """The name of a new intent is malformed, reserved or taken by something else."""

    code = "invalid_intent_name"

    def __init__(self, message: str) -> None:
        """Say why the name cannot be used."""
        super().__init__("name", message)


class InvalidExample(InvalidInput):
    """A training example is empty, too long or spans lines."""

    code = "invalid_example"

    def __init__(self, text: str, message: str) -> None:
        """Keep the rejected ``text`` and say why."""
        super().__init__("examples", f"{message}：「{text[:40]}」")
        self.text = text


class UnknownIntent(TrainerError):
    """The domain has no such intent."""

    code = "unknown_intent"

    def __init__(self, intent: str) -> None:
        """Name the missing intent."""
        super().__init__(f"没有名为「{intent}」的意图")
        self.intent = intent


class NotFound(TrainerError):
    """A record named by id does not exist."""

    code = "not_found"


class LabelConflict(TrainerError):
    """Texts are already examples of other intents; nothing was written."""

    code = "conflict"

    def __init__(self, conflicts: list[Conflict]) -> None:
        """List every text and the intent that already has it."""
        listed = "；".join(f"「{c.text}」已属于 {c.intent}" for c in conflicts[:5])
        more = f" 等 {len(conflicts)} 条" if len(conflicts) > 5 else ""
        super().__init__(f"有例句已经属于其他意图，未做任何修改：{listed}{more}")
        self.conflicts = conflicts

    def to_dict(self) -> dict[str, Any]:
        """Code, message and the conflicts."""
        return {**super().to_dict(), "conflicts": [c.to_dict() for c in self.conflicts]}


class IntentExists(TrainerError):
    """A new intent would take the name of an existing one."""

    code = "intent_exists"

    def __init__(self, name: str) -> None:
        """Name the existing intent."""
        super().__init__(f"意图「{name}」已经存在，请直接给它添加例句")
        self.name = name


class RunInProgress(TrainerError):
    """Another training run has not finished yet."""

    code = "run_in_progress"

    def __init__(self, message: str = "已有训练正在进行，请等它结束后再试") -> None:
        """Default to the usual message."""
        super().__init__(message)
