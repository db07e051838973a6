"""What a bot trainer may type: example texts, answers, button titles and new intent names.

Each check returns the cleaned value or raises the trainer error that says,
in Chinese, what to change.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from bot.trainer import yaml_io
from bot.trainer.errors import IntentExists, InvalidExample, InvalidInput, InvalidIntentName
from bot.trainer.yaml_io import section_names

MAX_EXAMPLE_CHARS = 200
MAX_ANSWER_CHARS = 500
# A 「您是不是想问」 button title: the bot's own read "查物流", "申请退款".
MAX_TITLE_CHARS = 20
MIN_NEW_INTENT_EXAMPLES = 2
INTENT_NAME = re.compile(r"[a-z][a-z0-9_]{2,39}")
RESERVED_PREFIXES = ("utter_", "action_")
RESERVED_NAMES = ("nlu_fallback", "restart", "back", "session_start", "out_of_scope")
TRAILING_PUNCTUATION = "。！？!?.~～… "
# Rasa's annotation syntax: [text](entity), [text](entity:value), [text]{...}, [text][...].
ENTITY_MARKUP = re.compile(
    r"\[(?P<text>[^\]]+?)\](?:\((?P<entity>[^:)]+?)(?::[^)]+)?\)|\{[^}]+?\}|\[.*?\])"
)


def normalize(text: str) -> str:
    """The form two examples are compared in: no annotations, NFKC, casefolded, tidy ends."""
    plain = ENTITY_MARKUP.sub(lambda match: match.group("text"), text)
    folded = " ".join(unicodedata.normalize("NFKC", plain).casefold().split())
    return folded.rstrip(TRAILING_PUNCTUATION)


def clean_example(text: Any, entities: Iterable[str]) -> str:
    """``text`` stripped, if it can be a training example.

    Raises:
        InvalidExample: empty, too long, several lines, control characters, or entity
            annotations Rasa would misread.
    """
    if not isinstance(text, str):
        raise InvalidExample(str(text), "例句须为文本")
    cleaned = text.strip()
    if not normalize(cleaned):
        raise InvalidExample(text, "例句不能为空，也不能只有标点")
    if len(cleaned) > MAX_EXAMPLE_CHARS:
        raise InvalidExample(text, f"例句最长 {MAX_EXAMPLE_CHARS} 个字")
    if len(cleaned.splitlines()) > 1 or _has_control_characters(cleaned):
        raise InvalidExample(text, "例句不能换行，也不能含制表符等控制字符")
    known = set(entities)
    if any(match.group("entity") not in known for match in ENTITY_MARKUP.finditer(cleaned)):
        raise InvalidExample(text, "方括号加圆括号会被当作实体标注，只能写 [文字](已有实体名)")
    return cleaned


def clean_answer(answer: Any) -> str:
    """``answer`` stripped, if it can be a response text.

    Raises:
        InvalidInput: empty, longer than 500 characters, or with control characters.
    """
    cleaned = answer.replace("\r\n", "\n").strip() if isinstance(answer, str) else ""
    if not cleaned:
        raise InvalidInput("answer", "请填写机器人的回答")
    if len(cleaned) > MAX_ANSWER_CHARS:
        raise InvalidInput("answer", f"回答最长 {MAX_ANSWER_CHARS} 个字")
    if _has_control_characters(cleaned.replace("\n", "")):
        raise InvalidInput("answer", "回答里不能有制表符等控制字符")
    return cleaned


def clean_title(title: Any) -> str | None:
    """``title`` stripped, if it can name an intent on a 「您是不是想问」 button; ``None`` if empty.

    Raises:
        InvalidInput: not text, longer than 20 characters, or several lines or
            control characters.
    """
    if title is None:
        return None
    if not isinstance(title, str):
        raise InvalidInput("title", "按钮说法须为文本")
    cleaned = title.strip()
    if not cleaned:
        return None
    if len(cleaned) > MAX_TITLE_CHARS:
        raise InvalidInput("title", f"按钮说法最长 {MAX_TITLE_CHARS} 个字")
    if len(cleaned.splitlines()) > 1 or _has_control_characters(cleaned):
        raise InvalidInput("title", "按钮说法不能换行，也不能含制表符等控制字符")
    return cleaned


def check_intent_name(name: Any, domain: dict[str, Any]) -> str:
    """``name`` stripped, if a new intent may take it.

    Raises:
        InvalidIntentName: malformed, reserved, or the name of another domain item.
        IntentExists: an intent already has it.
    """
    name = name.strip() if isinstance(name, str) else ""
    if not INTENT_NAME.fullmatch(name):
        raise InvalidIntentName("意图名只能用小写字母、数字和下划线，以字母开头，3–40 个字符")
    reserved = any(name == word or name.startswith(f"{word}_") for word in RESERVED_NAMES)
    if reserved or name.startswith(RESERVED_PREFIXES) or name in yaml_io.YAML_WORDS:
        raise InvalidIntentName(f"「{name}」是系统保留的名字，请换一个")
    if name in section_names(domain.get("intents")):
        raise IntentExists(name)
    kinds = {"responses": "回复", "actions": "动作", "slots": "槽位"}
    kinds |= {"forms": "表单", "entities": "实体"}
    for key, kind in kinds.items():
        if name in section_names(domain.get(key)):
            raise InvalidIntentName(f"「{name}」已经是一个{kind}的名字，请换一个")
    if f"utter_{name}" in section_names(domain.get("responses")):
        raise InvalidIntentName(f"已经有名为 utter_{name} 的回复，请换一个意图名")
    return name


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)
