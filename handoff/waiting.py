"""What a shopper who writes while waiting in the queue is told.

Every such message is stored and reaches the agent whatever is said here
(``HelpDesk.route``). A question about the wait (「多久能回复我」「有人吗」) or a
deadline (「今天之内必须给我答复」) is always answered with where the shopper
stands: their place and the wait while agents are busy, the service hours when
nobody is online. Anything else is acknowledged once, and again only after a
quiet spell: ten quick messages get one 「已收到」, not ten.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from actions.shop.format import SHOP_TZ
from handoff import copy
from handoff.models import utc_now

#: A message asking when someone will answer, or whether anyone is there.
ASKS_WAIT = "asks_wait"
#: A message setting a deadline (「今天之内必须给我答复」).
DEADLINE = "deadline"
#: Anything else: a message left for the agent.
LEFT = "left"
#: A message left this long after the last answer is acknowledged again.
REMIND_AFTER = timedelta(minutes=10)
#: From this expected wait (minutes) the shopper is offered a way out of the queue.
LONG_WAIT_MINUTES = 10
#: The bot's answer to 「人工客服几点上班」: the one place the hours are written.
HOURS_RESPONSE = "utter_policy_service_hours"

_DEADLINE = re.compile(
    r"必须|务必|一定要|限你|之内|以内|小时内|今天内|马上给我|立刻给我"
    r"|(?:点|号|日|今天|明天|下班)之?前"
    r"|给(?:我)?(?:个)?(?:答复|说法|交代|解释)"
)
_ASKS_WAIT = re.compile(
    r"(?:多久|多长时间|什么时候|啥时候|何时|几点|今天|今晚|明天|一会儿?)"
    r"(?:才|能|会|可以|有)?(?:回复|答复|回我|回消息|有人|来人|接入|接待|处理|上线|上班|轮到)"
    r"|等(?:多久|多长时间|到什么时候|了?好久|了?半天)|(?:还要|还得|要)多久|多久(?:啊|呀|了)"
    r"|排(?:到|在)?第?几|轮到我|前面还有|第几位|第几个"
    r"|有人吗|有没有人|有人在|在吗|在不在|人呢|没人|客服呢|人工呢"
    r"|还没(?:人|回|有人|接)|怎么还|理我|理一下|回一下|回个话|快点|快一点"
)
_HOURS = re.compile(r"(?:每天\s*)?(\d{1,2}):(\d{2})\s*[–—~～-]\s*(\d{1,2}):(\d{2})")


def kind_of(text: str) -> str:
    """``DEADLINE``, ``ASKS_WAIT`` or ``LEFT``; a deadline's answer says where they stand too."""
    if _DEADLINE.search(text):
        return DEADLINE
    return ASKS_WAIT if _ASKS_WAIT.search(text) else LEFT


@dataclass(frozen=True)
class ServiceHours:
    """When agents are on duty each day, in the shop's time."""

    opens: time
    closes: time
    #: As the bot says it: 「每天 9:00–22:00」.
    label: str

    @classmethod
    def from_domain(cls, domain: dict[str, Any]) -> ServiceHours | None:
        """The hours the bot tells shoppers (``HOURS_RESPONSE``); None if it names none."""
        variants = (domain.get("responses") or {}).get(HOURS_RESPONSE) or []
        found = _HOURS.search(str(variants[0].get("text", ""))) if variants else None
        if found is None:
            return None
        h1, m1, h2, m2 = (int(part) for part in found.groups())
        return cls(time(h1, m1), time(h2 % 24, m2), found.group(0))

    def next_opening(self, now: datetime) -> str | None:
        """None while agents are on duty; else when they start: 「今天 9:00」 or 「明天 9:00」."""
        local = now.astimezone(SHOP_TZ).time()
        if self.opens <= self.closes:
            on_duty = self.opens <= local < self.closes
        else:  # hours past midnight
            on_duty = local >= self.opens or local < self.closes
        if on_duty:
            return None
        day = "今天" if local < self.opens else "明天"
        return f"{day} {self.opens.hour}:{self.opens.minute:02d}"


@dataclass(frozen=True)
class Standing:
    """Where a waiting ticket stands (``HelpDesk._place``), and whether it is urgent."""

    position: int
    wait_minutes: int
    agents_online: int
    urgent: bool = False


def acknowledgement(standing: Standing) -> str:
    """The short 「已收到」 for a message left while waiting."""
    if standing.agents_online > 0:
        return copy.MESSAGE_WAITING
    return copy.MESSAGE_LEFT_URGENT if standing.urgent else copy.MESSAGE_LEFT


def way_out_button() -> list[dict[str, str]]:
    """「不等了」 as a quick reply: it leaves the queue (``desk.wants_no_person``)."""
    return [{"content_type": "text", "title": copy.STOP_WAITING, "payload": copy.STOP_WAITING}]


class WaitingReplies:
    """Chooses the answer to a waiting shopper's message.

    Args:
        hours: when agents are on duty (``ServiceHours.from_domain``), if known.
        clock: returns the current aware time.
    """

    def __init__(
        self, hours: ServiceHours | None = None, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._hours = hours
        self._clock = clock

    def quiet_since(self) -> datetime:
        """A message left needs no acknowledgement if one was given after this."""
        return self._clock() - REMIND_AFTER

    def reply(self, kind: str, standing: Standing) -> dict[str, Any]:
        """The system message answering a waiting shopper's message of ``kind``."""
        if kind == LEFT:
            return {"text": acknowledgement(standing)}
        text = self._where(standing)
        if kind == DEADLINE:
            text = copy.DEADLINE_NOTED + text
        # An urgent ticket cannot be left (``URGENT_STAYS``); a short wait needs no way out.
        busy = standing.agents_online > 0 and standing.wait_minutes < LONG_WAIT_MINUTES
        if standing.urgent or busy:
            return {"text": text}
        return {"text": text + copy.WAY_OUT, "quick_replies": way_out_button()}

    def _where(self, standing: Standing) -> str:
        if standing.agents_online > 0:
            if standing.position <= 1:
                return copy.WAIT_NEXT.format(minutes=standing.wait_minutes)
            return copy.WAIT_AHEAD.format(
                ahead=standing.position - 1, minutes=standing.wait_minutes
            )
        if standing.urgent:  # the emergency numbers, not office hours
            return copy.URGENT_NOBODY_ONLINE
        if self._hours is None:
            return copy.WAIT_NOBODY
        opening = self._hours.next_opening(self._clock())
        if opening is None:
            return copy.WAIT_NOBODY_ON_DUTY.format(hours=self._hours.label)
        return copy.WAIT_OFF_DUTY.format(hours=self._hours.label, opening=opening)
