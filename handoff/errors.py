"""Errors of the handoff package.

Every error carries a short machine ``code`` for the console's error acks::

    HandoffError
    ├── NotFound: TicketNotFound, AgentNotFound, ConversationNotFound
    ├── Conflict: TicketAlreadyClaimed, TicketClosed, AgentAtCapacity,
    │             UsernameTaken, ConcurrentUpdate
    ├── NotAllowed: NotTicketHolder, TeamNotAllowed
    ├── InvalidRequest: InvalidInput (TransferNoteTooLong), InvalidTransfer,
    │                   InvalidRating
    └── AuthError: InvalidCredentials, InvalidToken
"""

from __future__ import annotations


class HandoffError(Exception):
    """Base of every handoff error."""

    code = "handoff_error"

    def __init__(self, message: str = "") -> None:
        """Keep a human message; defaults to the code in words."""
        super().__init__(message or self.code.replace("_", " "))
        self.message = str(self)


class NotFound(HandoffError):
    """Something named by id or name does not exist."""

    code = "not_found"


class Conflict(HandoffError):
    """The request clashes with the current state."""

    code = "conflict"


class NotAllowed(HandoffError):
    """The acting agent may not do this."""

    code = "not_allowed"


class InvalidRequest(HandoffError):
    """The request itself is malformed or makes no sense."""

    code = "invalid_request"


class AuthError(HandoffError):
    """Who is asking could not be established."""

    code = "unauthorized"


class TicketNotFound(NotFound):
    """No ticket with that id (or for that conversation)."""

    code = "ticket_not_found"


class AgentNotFound(NotFound):
    """No active agent with that id or username."""

    code = "agent_not_found"


class ConversationNotFound(NotFound):
    """No conversation with that id (a shopper never wrote, or it was erased)."""

    code = "conversation_not_found"


class TicketAlreadyClaimed(Conflict):
    """Someone else holds the ticket already."""

    code = "ticket_already_claimed"


class TicketClosed(Conflict):
    """The ticket is closed."""

    code = "ticket_closed"


class AgentAtCapacity(Conflict):
    """The agent holds ``max_chats`` tickets already."""

    code = "agent_at_capacity"


class UsernameTaken(Conflict):
    """Another user has that username."""

    code = "username_taken"


class ConcurrentUpdate(Conflict):
    """The ticket kept changing under the request; try again."""

    code = "concurrent_update"


class NotTicketHolder(NotAllowed):
    """Only the agent holding the ticket, or a supervisor, may do this."""

    code = "not_ticket_holder"


class TeamNotAllowed(NotAllowed):
    """The agent does not have the ticket's team among their skills."""

    code = "team_not_allowed"


class InvalidInput(InvalidRequest):
    """A field has a value the handoff does not accept."""

    code = "invalid_input"

    def __init__(self, field: str, message: str = "") -> None:
        """Name the offending ``field``."""
        super().__init__(message or f"invalid {field}")
        self.field = field


class InvalidTransfer(InvalidRequest):
    """The transfer has no single valid target."""

    code = "invalid_transfer"


class InvalidRating(InvalidRequest):
    """The score is not 1–5, or the ticket was rated already."""

    code = "invalid_rating"


class TransferNoteTooLong(InvalidInput):
    """The note for the receiving agent is longer than a transfer note may be."""

    code = "transfer_note_too_long"

    def __init__(self, message: str = "") -> None:
        """Always about the ``note`` field."""
        super().__init__("note", message)


class InvalidCredentials(AuthError):
    """Unknown user, wrong password or disabled user."""

    code = "invalid_credentials"


class InvalidToken(AuthError):
    """The token is forged, garbled or expired."""

    code = "invalid_token"


class ResolutionNoteRequired(InvalidRequest):
    """A claimed urgent ticket needs a note saying what was done."""

    code = "resolution_note_required"


class PromiseNotFound(NotFound):
    """No such promise, or not this agent's."""

    code = "promise_not_found"
