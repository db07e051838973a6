"""Regular expressions for word lists, laid out as a trie.

Python's ``re`` tries the branches of ``a|b|c`` one by one at every
position; a trie-shaped pattern keeps a long word list as fast as a short one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_Node = dict[str, "_Node"]


def trie_pattern(words: Iterable[str]) -> str:
    """A non-capturing pattern matching exactly ``words``, longest alternative first.

    Args:
        words: Literal words (escaped here). Empty words are ignored.

    Returns:
        A pattern string, or one that matches nothing if ``words`` is empty.
    """
    root: _Node = {}
    for word in words:
        if not word:
            continue
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return f"(?:{_node(root)})" if root else "(?!)"


def _node(node: _Node) -> str:
    branches = [re.escape(c) + _node(child) for c, child in sorted(node.items()) if c]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word ends here; greedy "?" tries the longer words first
        return f"(?:{body})?"
    return body
