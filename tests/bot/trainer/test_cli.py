"""What ``python -m bot trainer inbox`` prints for a group."""

from __future__ import annotations

import pytest

from bot.trainer.cli import _print_groups, _print_run


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


def test_a_run_names_its_labelled_misses_and_its_untested_intents(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = {
        "id": 7, "status": "deployed", "triggered_by": "xunlian", "started_at": "t",
        "data_hash": "abc", "seconds": {}, "baseline": None,
        "metrics": {"accuracy": 0.95, "per_intent": [], "untested_intents": ["live_stream_time"]},
        "labelled": {"total": 3, "correct": 2, "misses": [
            {"miss_id": 4, "text": "今晚有直播吗", "intent": "live_stream_time",
             "predicted": "product_consult", "confidence": 0.72, "fell_back": False},
        ]},
    }  # fmt: skip

    _print_run(run, full=True)

    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        "   labelled since the previous run: 3 messages, the new model reads 2 as labelled",
        "   still missed: 「今晚有直播吗」 labelled live_stream_time, read as product_consult 0.72",
        "   NOT MEASURED (no held-out test examples in tests/nlu): live_stream_time",
    ]
