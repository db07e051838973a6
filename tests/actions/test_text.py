"""Text normalisation shared by the NLU pipeline, the actions and the safety screen."""

from __future__ import annotations

import pytest

from actions.text import Contact, simplified, split_contact, t2s_table


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


@pytest.mark.parametrize(
    ("text", "contact"),
    [
        (
            "浙江省杭州市西湖区文三路100号 张三 13912345678",
            Contact("浙江省杭州市西湖区文三路100号", "张三", "13912345678"),
        ),
        (
            "张三，+86 139 1234 5678，浙江省杭州市西湖区文三路100号",
            Contact("浙江省杭州市西湖区文三路100号", "张三", "13912345678"),
        ),
        (
            "张三，+8613912345678，浙江省杭州市西湖区文三路100号",
            Contact("浙江省杭州市西湖区文三路100号", "张三", "13912345678"),
        ),
        (  # as a shopping app copies it
            "收货人：欧阳娜娜\n手机号码：13912345678\n"
            "所在地区：浙江省 杭州市 西湖区\n详细地址：文三路100号",
            Contact("浙江省 杭州市 西湖区 文三路100号", "欧阳娜娜", "13912345678"),
        ),
        (
            "买买提·艾力 13912345678 新疆乌鲁木齐市天山区解放路1号",
            Contact("新疆乌鲁木齐市天山区解放路1号", "买买提·艾力", "13912345678"),
        ),
        # no name beside the number: a city, a delivery note, or nothing between
        ("上海 世纪大道1号 13912345678", Contact("上海 世纪大道1号", None, "13912345678")),
        (
            "北京市朝阳区建国路88号 放门口 13912345678",
            Contact("北京市朝阳区建国路88号 放门口", None, "13912345678"),
        ),
        (
            "杭州西湖区文三路100号张三13912345678",
            Contact("杭州西湖区文三路100号张三", None, "13912345678"),
        ),
        ("杭州 文三路100号", Contact("杭州 文三路100号")),
    ],
)
def test_the_receiver_is_the_name_written_beside_the_phone_number(
    text: str, contact: Contact
) -> None:
    assert split_contact(text) == contact
