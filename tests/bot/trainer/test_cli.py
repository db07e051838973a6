"""What ``python -m bot trainer inbox`` prints for a group."""

from __future__ import annotations

import pytest

from bot.trainer.cli import _print_groups


def group(**overrides: object) -> dict:
    found = {
        "count": 2,
        "intent": "product_consult",
        "confidence": 0.31,
        "reasons": ["fallback"],
        "representative": "运费谁出",
        "items": [{"id": 7}, {"id": 4}],
        "shopper_choices": [],
    }
    return {**found, **overrides}


def test_a_group_is_one_line_with_its_ids(capsys: pytest.CaptureFixture[str]) -> None:
    _print_groups({"total": 2, "groups": [group()]})
    assert capsys.readouterr().out.splitlines() == [
        "2 open messages",
        "×2   product_consult 0.31 [fallback] 运费谁出  (ids 7,4)",
    ]


def test_what_shoppers_picked_follows_their_question(capsys: pytest.CaptureFixture[str]) -> None:
    picked = [{"intent": "product_consult", "count": 2}, {"intent": "request_human", "count": 1}]
    _print_groups({"total": 3, "groups": [group(shopper_choices=picked)]})
    assert capsys.readouterr().out.splitlines()[-1] == (
        "     shoppers picked: product_consult ×2, request_human ×1"
    )
