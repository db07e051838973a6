"""Suggested agent replies per intent, from the bot's own responses."""

from __future__ import annotations

from typing import Any

from handoff.copy import AGENT_REPLIES


def agent_replies(domain: dict[str, Any], rules: dict[str, Any]) -> dict[str, str]:
    """intent → text: the bot's answer where a rule gives one, else a written reply.

    Args:
        domain: ``domain.yml`` as loaded.
        rules: ``nlu_data/rules.yml`` as loaded.
    """
    responses = domain.get("responses") or {}
    replies = dict(AGENT_REPLIES)
    for rule in rules.get("rules") or []:
        steps = rule.get("steps") or []
        if rule.get("condition") or len(steps) != 2:
            continue
        intent, action = steps[0].get("intent"), steps[1].get("action")
        variants = responses.get(action) if isinstance(action, str) else None
        if intent and variants and intent not in replies:
            replies[intent] = str(variants[0].get("text", ""))
    return {intent: text for intent, text in replies.items() if text}


MIN_CONFIDENCE = 0.1  # below this the model is guessing: no suggestion beats a wrong one


def suggest(
    parsed: dict[str, Any], replies: dict[str, str], limit: int = 3
) -> list[dict[str, Any]]:
    """Replies for the top intents the model sees in a message, best first.

    Args:
        parsed: Rasa's parse of the message (``intent_ranking``).
        replies: intent → reply text, from ``agent_replies``.
        limit: at most this many.
    """
    found: list[dict[str, Any]] = []
    for intent in parsed.get("intent_ranking") or []:
        text = replies.get(str(intent.get("name")))
        if text and float(intent.get("confidence") or 0) >= MIN_CONFIDENCE:
            found.append(
                {"intent": intent["name"], "confidence": intent["confidence"], "text": text}
            )
        if len(found) == limit:
            break
    return found
