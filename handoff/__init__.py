"""The live-agent handoff: agents, the ticket queue and its rules.

Nothing here is built at import time. The gateway composes a
``HandoffQueue`` and a ``UserDirectory`` over one sessionmaker; see
``docs/agents.md`` for the contract these modules implement.
"""
