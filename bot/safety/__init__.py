"""The safety screen: finds messages from shoppers who may be in danger.

It runs in the gateway on every shopper message, before the bot, and
independently of the intent model. See docs/safety.md.

Example:
    >>> from bot.safety import SafetyScreen
    >>> verdict = SafetyScreen().screen("快递员一直在我家门口不走，还说知道我住哪")
    >>> verdict.level, verdict.category
    ('urgent', 'violence')
"""

from bot.safety.screen import SafetyScreen
from bot.safety.verdict import SafetyVerdict

__all__ = ["SafetyScreen", "SafetyVerdict"]
