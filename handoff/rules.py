"""Who may do what with a ticket: pure checks that raise handoff errors."""

from __future__ import annotations

from handoff.errors import AgentNotFound, NotTicketHolder, TeamNotAllowed, TicketClosed
from handoff.models import Agent, Ticket
from handoff.vocab import AGENT, ASSIGNED, CLOSED, SUPERVISOR


def require_active(agent: Agent) -> Agent:
    """Return ``agent`` if enabled; a disabled user acts as no user at all."""
    if not agent.active:
        raise AgentNotFound(f"agent {agent.id} is disabled")
    return agent


def require_open(ticket: Ticket) -> Ticket:
    """Return ``ticket`` unless it is closed (``TicketClosed``)."""
    if ticket.status == CLOSED:
        raise TicketClosed(f"ticket {ticket.id} is closed")
    return ticket


def may_take(agent: Agent, team: str) -> bool:
    """Tell whether ``agent`` may hold tickets of ``team``.

    Supervisors may hold every team, agents their skills; trainers none.
    """
    if not agent.active:
        return False
    return agent.role == SUPERVISOR or (agent.role == AGENT and team in agent.skill_set)


def check_may_take(agent: Agent, team: str) -> None:
    """Raise unless ``agent`` is active and may hold tickets of ``team``."""
    require_active(agent)
    if not may_take(agent, team):
        raise TeamNotAllowed(f"{agent.username} does not handle team {team}")


def check_may_handle(agent: Agent, ticket: Ticket) -> None:
    """Raise unless ``agent`` holds ``ticket`` or is a supervisor.

    Only supervisors may act on queued tickets (move, assign or close them).
    """
    require_active(agent)
    if agent.role == SUPERVISOR:
        return
    if ticket.status != ASSIGNED or ticket.agent_id != agent.id:
        raise NotTicketHolder(f"{agent.username} does not hold ticket {ticket.id}")


def auto_assignable(agent: Agent, team: str, load: int) -> bool:
    """Tell whether auto-assignment may give ``agent`` one more ``team`` ticket.

    Supervisors and trainers are never auto-assigned.
    """
    fits = agent.active and agent.role == AGENT and team in agent.skill_set
    return bool(fits and load < agent.max_chats)


def least_loaded(agents: list[Agent], loads: dict[int, int], team: str) -> Agent | None:
    """The auto-assignable agent with the fewest tickets (lowest id on a tie)."""
    fitting = [a for a in agents if auto_assignable(a, team, loads[a.id])]
    return min(fitting, key=lambda a: (loads[a.id], a.id), default=None)
