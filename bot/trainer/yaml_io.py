"""Append to Rasa's YAML files, or replace one response, without touching any other byte.

Dumping a whole file back through ruamel would re-wrap domain.yml's multi-line flow
mappings, escape its emoji and drop the explicit ``null`` steps of rules.yml. So every edit
here is a splice: ruamel's round-trip loader says where a collection or a response ends,
new lines go in right after it (or in its place), and the result is parsed again and
compared with the old data plus the change before anybody writes it (:class:`SpliceError`
otherwise).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

PLAIN_SCALAR = re.compile(r"[a-z][a-z0-9_]*(?: [a-z0-9_]+)*")
# Words YAML 1.1 readers (PyYAML) turn into booleans or null.
YAML_WORDS = frozenset({"yes", "no", "on", "off", "y", "n", "null", "true", "false"})
ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class SpliceError(RuntimeError):
    """An append would not give exactly the old data plus the addition; nothing written."""


@dataclass(frozen=True)
class Spot:
    """Where new lines go: before line index ``line``, starting at column ``indent``."""

    line: int
    indent: int


def load(text: str) -> Any:
    """Plain Python data of a YAML document (YAML 1.2, as Rasa reads it)."""
    return YAML(typ="safe").load(text)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step, keeping its permissions."""
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when it is a simple name, else double-quoted."""
    if PLAIN_SCALAR.fullmatch(text) and text not in YAML_WORDS:
        return text
    return double_quoted(text)


def double_quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar; emoji and Chinese stay readable."""
    return (
        '"' + "".join(ESCAPES.get(ch, ch if _printable(ch) else _escape(ch)) for ch in text) + '"'
    )


def append_examples(text: str, intent: str, examples: list[str]) -> str | None:
    """NLU file ``text`` with ``examples`` after the first ``examples: |`` block of ``intent``.

    Returns:
        The new text, or None when no entry of ``intent`` has a literal examples block.
    """
    lines = text.split("\n")
    for position, entry in enumerate((YAML().load(text) or {}).get("nlu") or []):
        if isinstance(entry, CommentedMap) and entry.get("intent") == intent:
            spot = _literal_block_end(lines, entry, "examples") if "examples" in entry else None
            if spot is not None:
                added = [" " * spot.indent + f"- {example}" for example in examples]
                expect = _examples_appended(position, [f"- {example}" for example in examples])
                return _checked(text, _insert(text, spot.line, added), expect)
    return None


def append_nlu_entry(text: str, intent: str, examples: list[str]) -> str:
    """NLU file ``text`` with a new ``- intent:`` entry holding ``examples``."""
    fragment = [f"- intent: {scalar(intent)}", "  examples: |"]
    fragment += [f"    - {example}" for example in examples]
    entry = {"intent": intent, "examples": "".join(f"- {example}\n" for example in examples)}
    return _append_entry(text, "nlu", fragment, 0, _item_appended("nlu", entry))


def append_rule(text: str, name: str, intent: str, action: str) -> str:
    """Rules file ``text`` with a rule answering ``intent`` with ``action``."""
    fragment = [f"- rule: {scalar(name)}", "  steps:"]
    fragment += [f"    - intent: {scalar(intent)}", f"    - action: {scalar(action)}"]
    rule = {"rule": name, "steps": [{"intent": intent}, {"action": action}]}
    return _append_entry(text, "rules", fragment, 2, _item_appended("rules", rule))


def append_intent(text: str, intent: str) -> str:
    """Domain ``text`` with ``intent`` at the end of ``intents:``."""
    return _append_entry(
        text, "intents", [f"- {scalar(intent)}"], 2, _item_appended("intents", intent)
    )


def append_response(text: str, name: str, answer: str) -> str:
    """Domain ``text`` with response ``name`` (one text variant) at the end of ``responses:``."""
    fragment = [f"{scalar(name)}:", f"  - text: {double_quoted(answer)}"]
    return _append_entry(text, "responses", fragment, 2, _key_added("responses", name, answer))


def set_response(text: str, name: str, answer: str | None) -> str:
    """Domain ``text`` with response ``name`` as one text variant, or without it if ``None``.

    A response the domain has is replaced where it stands; a new one is appended.
    """
    document = YAML().load(text) or CommentedMap()
    responses = document.get("responses")
    if not isinstance(responses, CommentedMap) or name not in responses:
        return text if answer is None else append_response(text, name, answer)
    lines = text.split("\n")
    first, base = responses.lc.key(name)
    end = _node_end(lines, first, base, same_indent_dash=True)
    fragment = [] if answer is None else [f"{scalar(name)}:", f"  - text: {double_quoted(answer)}"]
    ending = "\r" if "\r\n" in text else ""
    replaced = lines[:first] + [" " * base + line + ending for line in fragment] + lines[end:]
    return _checked(text, "\n".join(replaced), _response_set(name, answer))


def _append_entry(
    text: str, key: str, fragment: list[str], indent: int, expect: Callable[[Any], None]
) -> str:
    document = YAML().load(text) or CommentedMap()
    lines = text.split("\n")
    spot = _after_last_entry(lines, document, key, indent)
    if spot is None:  # no such section yet: start one at the end of the file
        at = len(lines) - 1 if lines[-1] == "" else len(lines)
        added = [f"{key}:"] + [" " * indent + line for line in fragment]
    else:
        at, added = spot.line, [" " * spot.indent + line for line in fragment]
    return _checked(text, _insert(text, at, added), expect)


def _after_last_entry(lines: list[str], document: Any, key: str, indent: int) -> Spot | None:
    if key not in document:
        return None
    node = document[key]
    if node is None:  # ``key:`` with nothing under it yet
        return Spot(document.lc.key(key)[0] + 1, indent)
    if isinstance(node, CommentedSeq) and node:
        first = node.lc.item(len(node) - 1)[0]
        base = _indent(lines[first])
        if lines[first][base:].startswith("-"):
            return Spot(_node_end(lines, first, base, same_indent_dash=False), base)
    if isinstance(node, CommentedMap) and node:
        first, base = node.lc.key(list(node)[-1])
        return Spot(_node_end(lines, first, base, same_indent_dash=True), base)
    raise SpliceError(f"{key}: is not a block collection this editor can append to")


def _node_end(lines: list[str], first: int, base: int, same_indent_dash: bool) -> int:
    """Index just past the last non-blank line of the node that starts on ``lines[first]``."""
    last = first
    for index in range(first + 1, len(lines)):
        stripped = lines[index].strip()
        if not stripped:
            continue
        indent = _indent(lines[index])
        if indent < base or (indent == base and not (same_indent_dash and stripped[0] == "-")):
            break
        last = index
    return last + 1


def _literal_block_end(lines: list[str], entry: CommentedMap, key: str) -> Spot | None:
    line, column = entry.lc.value(key)
    if not lines[line][column:].startswith("|"):
        return None
    key_indent = entry.lc.key(key)[1]
    content_indent: int | None = None
    last = line
    for index in range(line + 1, len(lines)):
        if not lines[index].strip():
            continue
        indent = _indent(lines[index])
        if indent <= key_indent or (content_indent is not None and indent < content_indent):
            break
        content_indent = indent if content_indent is None else content_indent
        last = index
    return Spot(last + 1, key_indent + 2 if content_indent is None else content_indent)


def _insert(text: str, at: int, new_lines: list[str]) -> str:
    lines = text.split("\n")
    ending = "\r" if "\r\n" in text else ""
    if at == len(lines) and lines[-1] != "":  # the file has no final newline
        lines.append("")
        at = len(lines) - 1
    return "\n".join(lines[:at] + [line + ending for line in new_lines] + lines[at:])


def _checked(old_text: str, new_text: str, expect: Callable[[Any], None]) -> str:
    expected = load(old_text)
    expect(expected)
    if load(new_text) != expected:
        raise SpliceError("the appended text does not read back as the intended addition")
    return new_text


def _examples_appended(position: int, new_lines: list[str]) -> Callable[[Any], None]:
    def expect(data: Any) -> None:
        entry = data["nlu"][position]
        old = entry["examples"]
        joined = "\n".join(new_lines)
        entry["examples"] = (
            old + joined + "\n" if old.endswith("\n") or not old else f"{old}\n{joined}"
        )

    return expect


def _item_appended(key: str, item: Any) -> Callable[[Any], None]:
    def expect(data: Any) -> None:
        data[key] = [*(data.get(key) or []), item]

    return expect


def _key_added(key: str, name: str, answer: str) -> Callable[[Any], None]:
    def expect(data: Any) -> None:
        data[key] = {**(data.get(key) or {}), name: [{"text": answer}]}

    return expect


def _response_set(name: str, answer: str | None) -> Callable[[Any], None]:
    def expect(data: Any) -> None:
        responses = data["responses"]
        if answer is None:
            del responses[name]
        else:
            responses[name] = [{"text": answer}]

    return expect


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _printable(ch: str) -> bool:
    code = ord(ch)
    if code in (0x2028, 0x2029, 0xFEFF):  # line breaks to YAML, or a byte-order mark
        return False
    return (
        0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code > 0xFFFF
    )


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def section_names(items: Any) -> set[str]:
    """Names of a domain section: a list of names or one-key mappings, or a mapping."""
    if isinstance(items, dict):
        return {str(name) for name in items}
    names = (next(iter(item)) if isinstance(item, dict) else item for item in items or [])
    return {str(name) for name in names}
