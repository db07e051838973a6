"""Text normalisation shared by the NLU pipeline, the actions and the safety screen."""

from __future__ import annotations

from actions.text import simplified, t2s_table


def test_traditional_and_regional_variants_become_simplified() -> None:
    assert simplified("退貨運費誰出？") == "退货运费谁出？"
    assert simplified("裏面") == "里面"  # a Hong Kong / Taiwan variant form


def test_simplified_text_and_everything_else_is_left_alone() -> None:
    text = "我的订单2611210930418825到哪了? iPhone 15 😀"
    assert simplified(text) is text
    assert simplified("发票抬头要改一下") == "发票抬头要改一下"


def test_no_character_turns_into_one_that_itself_has_a_simplified_form() -> None:
    table = t2s_table()
    unfinished = [chr(c) for c, target in table.items() if table.get(ord(target), target) != target]
    assert unfinished == []


def test_every_character_maps_to_one_character_so_offsets_hold() -> None:
    assert all(len(target) == 1 for target in t2s_table().values())
