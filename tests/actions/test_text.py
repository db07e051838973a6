"""Text normalisation shared by the NLU pipeline, the actions and the safety screen."""

from __future__ import annotations

import pytest

from actions.text import Contact, simplified, split_contact, t2s_table

ADDRESS = "浙江省杭州市西湖区文三路100号"
PHONE = "13800138000"


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
        # a name alone changes the receiver only; a place or a word alone is no name
        ("李道明", Contact("", "李道明")),
        ("欧阳娜娜", Contact("", "欧阳娜娜")),
        ("苏州", Contact("苏州")),
        ("谢谢", Contact("")),
        ("门口", Contact("门口")),
        # what asks to send it there is no part of it
        ("改成这个吧 麻烦快点 杭州市西湖区文三路200号 谢谢亲", Contact("杭州市西湖区文三路200号")),
    ],
)
def test_the_receiver_is_the_name_written_beside_the_phone_number(
    text: str, contact: Contact
) -> None:
    assert split_contact(text) == contact


@pytest.mark.parametrize(
    "text",
    [
        f"{ADDRESS} 李道明 {PHONE}",
        f"{ADDRESS}，李道明，{PHONE}",
        f"{ADDRESS} 李道明{PHONE}",
        f"{ADDRESS} {PHONE} 李道明",
        f"{ADDRESS}；{PHONE}；李道明。",
        f"李道明 {PHONE} {ADDRESS}",
        f"李道明，{ADDRESS}，{PHONE}",  # the name first, before the address
        f"李道明\u3000{ADDRESS}\u3000{PHONE}",
        f"{ADDRESS}（李道明 {PHONE}）",  # the bot's own 「地址（收货人 电话）」
        f"{ADDRESS} 李道明 {PHONE} 谢谢",
        f"收件人：李道明 {ADDRESS} {PHONE}",
        f"收货人 李道明，{ADDRESS}，{PHONE}",
        f"联系人:李道明 {ADDRESS} {PHONE}",
        f"{ADDRESS} {PHONE} 收件人是李道明",
        f"{ADDRESS} 收件人改成李道明 电话{PHONE}",
        # as a shopping app copies it
        "收货人：李道明\n手机号码：138 0013 8000\n所在地区：浙江省杭州市西湖区\n"
        "详细地址：文三路100号",
    ],
)
def test_a_three_character_name_is_the_receiver_wherever_it_is_written(text: str) -> None:
    contact = split_contact(text)
    assert (contact.receiver, contact.phone) == ("李道明", PHONE)
    assert contact.address.replace(" ", "") == ADDRESS


@pytest.mark.parametrize(
    ("text", "contact"),
    [
        (f"收货人 李道明 {ADDRESS}", Contact(ADDRESS, "李道明")),
        (f"地址：{ADDRESS} 收件人：李道明 手机：{PHONE}", Contact(ADDRESS, "李道明", PHONE)),
        (f"姓名：李道明 {ADDRESS}", Contact(ADDRESS, "李道明")),
        (f"{ADDRESS} 王先生 {PHONE}", Contact(ADDRESS, "王先生", PHONE)),
        (f"{PHONE} 刘女士 {ADDRESS}", Contact(ADDRESS, "刘女士", PHONE)),
        (f"{ADDRESS} 张元 {PHONE}", Contact(ADDRESS, "张元", PHONE)),
        (f"收件人：小林 {ADDRESS} {PHONE}", Contact(ADDRESS, "小林", PHONE)),
        # Who the person is to the shopper stands before the name: it was lost.
        ("收货人改成我老婆王丽", Contact("", "王丽")),
        (f"收件人换成我妈张秀英 电话{PHONE}", Contact("", "张秀英", PHONE)),
        ("收货人是我老公李强", Contact("", "李强")),
    ],
)
def test_labelled_titled_and_short_names_are_receivers_too(text: str, contact: Contact) -> None:
    assert split_contact(text) == contact


@pytest.mark.parametrize(
    "chatter",
    [
        "谢谢",
        "谢谢！",
        "谢谢啦~",
        "麻烦了",
        "辛苦了",
        "好的",
        "谢啦",
        "拜托",
        "拜托了",
        "哈",
        "哈哈",
        "急",
        "急急急",
        "好的谢谢",
        "谢谢老板",
        "您好",
        "本人",
        "自己",
        "我",
        "收件人：本人",
        "收货人：自己",
    ],
)
@pytest.mark.parametrize(
    "where",
    ["{address} {phone} {chatter}", "{address} {chatter} {phone}", "{chatter}，{address}，{phone}"],
)
def test_thanks_fillers_and_the_shopper_themself_are_no_name_nor_address(
    chatter: str, where: str
) -> None:
    text = where.format(address=ADDRESS, phone=PHONE, chatter=chatter)
    assert split_contact(text) == Contact(ADDRESS, None, PHONE)


@pytest.mark.parametrize(
    "note",
    [
        "阳光小区",
        "3栋",
        "三栋",
        "2单元",
        "一单元",
        "5号楼",
        "门口",
        "放门口",
        "东门",
        "菜鸟驿站",
        "快递柜",
        "丰巢柜",
        "前台",
        "上海",
        "杭州",
        "先生",
        "女士",
        "老公",
    ],
)
def test_address_parts_and_nameless_words_beside_the_number_stay_in_the_address(
    note: str,
) -> None:
    for text in (f"{ADDRESS} {note} {PHONE}", f"{ADDRESS} {PHONE} {note}"):
        assert split_contact(text) == Contact(f"{ADDRESS} {note}", None, PHONE)


@pytest.mark.parametrize(
    "text",
    [
        f"上海 世纪大道1号 {PHONE}",
        f"上海 浦东新区世纪大道1号 {PHONE}",
        f"苏州 昆山市前进路1号 {PHONE}",
        f"江苏 南京市玄武区中山路1号 {PHONE}",
        f"沈阳 辽宁省沈阳市和平区1号 {PHONE}",
        f"徐汇 漕溪北路88号 {PHONE}",
        f"中国 {ADDRESS} {PHONE}",
        f"那个 {ADDRESS}",
        f"小林 {ADDRESS} {PHONE}",  # no surname: unsure, so it stays
        f"{ADDRESS} 李道明",  # no number and no label to go by
        f"李道明先生 {ADDRESS} {PHONE}",  # five characters
    ],
)
def test_a_first_word_is_a_name_only_with_a_surname_before_a_whole_address(text: str) -> None:
    assert split_contact(text).receiver is None


@pytest.mark.parametrize(
    ("text", "contact"),
    [
        # 「不变」 was saved as the receiver: 「（不变 13912345678）」.
        ("只改电话：13912345678，地址不变", Contact("只改 不变", None, "13912345678")),
        ("换个号码13912345678，别的都一样", Contact("换个号码 别的都一样", None, "13912345678")),
        ("名字写错了，是林晓", Contact("", "林晓", None)),
        ("收货人名字不对 应该是李道明", Contact("", "李道明", None)),
    ],
)
def test_what_stays_is_no_name_and_a_corrected_name_is_read(text: str, contact: Contact) -> None:
    assert split_contact(text) == contact


@pytest.mark.parametrize(
    "text", [f"帮我寄到{ADDRESS}", f"改到{ADDRESS}", f"新地址是{ADDRESS}", f"麻烦送到{ADDRESS}"]
)
def test_the_request_before_an_address_is_not_part_of_it(text: str) -> None:
    assert split_contact(text).address == ADDRESS
