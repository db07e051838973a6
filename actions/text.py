"""Chinese text normalisation shared by the NLU pipeline and the actions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Full-width ASCII (！ to ～) sits at a fixed offset from ASCII; the
# ideographic space maps to a space. Each maps one character to one, so
# entity offsets computed on normalised text hold for the original.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20

ORDER_ID = re.compile(r"(?<![0-9A-Za-z])2[56]\d{14}(?![0-9])")
TAX_ID = re.compile(
    r"(?<![0-9A-Za-z])[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3}(?:[0-9A-Za-z]{2})?)?(?![0-9A-Za-z])"
)
PHONE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9]\d{9})(?![0-9])")


def half_width(text: str) -> str:
    """Turn full-width digits, letters and punctuation into their ASCII forms."""
    return text.translate(_FULL_WIDTH)


@lru_cache(maxsize=1)
def t2s_table() -> dict[int, str]:
    """A ``str.translate`` table from traditional to simplified characters, one for one.

    Built from OpenCC's character dictionaries, read once per process.
    Taiwan and Hong Kong variant forms fold to their standard traditional
    character first, then to simplified; characters that are already
    simplified are left alone.
    """
    folder = resources.files("opencc") / "dictionary"

    def pairs(name: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            source, _, targets = line.partition("\t")
            if len(source) == 1 and targets.strip():
                found[source] = targets.split()[0]
        return found

    simplified = pairs("TSCharacters.txt")
    table = {ord(k): v for k, v in simplified.items()}
    # A variant that is also a simplified character stays (TW lists 么 → 幺), and
    # so does 抬, which OpenCC lists as the Taiwan form of 擡 but is the simplified
    # character itself (发票抬头 must stay as it is).
    keep = set(pairs("STCharacters.txt")) | set(simplified.values()) | {"抬"}
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for variant, standard in pairs(name).items():
            if variant not in keep:
                table.setdefault(ord(variant), simplified.get(standard, standard))
    # One more step where a variant's standard form is traditional too (薴 → 苧 → 苎).
    return {code: table.get(ord(target), target) for code, target in table.items()}


@lru_cache(maxsize=1)
def _traditional() -> re.Pattern[str]:
    # str.translate is slow on characters it lacks, so look before translating.
    # Only the BMP: rarer characters would slow the class for every message.
    return re.compile(f"[{re.escape(''.join(chr(c) for c in sorted(t2s_table()) if c <= 0xFFFF))}]")


def simplified(text: str) -> str:
    """Write traditional characters (「退貨運費誰出」) as simplified ones (「退货运费谁出」).

    One character for one, so entity offsets computed on the result hold for
    the original.
    """
    return text.translate(t2s_table()) if _traditional().search(text) else text


def find_order_id(text: str) -> str | None:
    """The first order number in ``text`` (full-width digits allowed)."""
    match = ORDER_ID.search(half_width(text).replace(" ", ""))
    return match.group(0) if match else None


# A receiver's name: two to four Chinese characters (「欧阳娜娜」, 「小林」, 「王先生」),
# or two names joined by 「·」.
_RECEIVER = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,6}")
# Thanks, urging and fillers around an address (「…100号 13800138000 谢谢」), and the
# shopper themself (「本人」 keeps the receiver the order has): no name, and no part
# of the address either.
_CHATTER_WORDS = (
    "谢谢|多谢|感谢|谢啦|麻烦|辛苦|拜托|劳驾|好的|好嘞|尽快|快点|加急|您好|你好|非常|这个|就这样"
)
_CHATTER = re.compile(
    rf"(?:{_CHATTER_WORDS}|本人|自己|老板|客服|[我您你好嗯哈急亲啦了呀哦啊吧呢哟喔哒嘛])+"
)
# Words that look like a name but are none: a title or a family member on its own.
_NO_NAMES = frozenset("先生 女士 小姐 师傅 老师 老公 老婆 爸爸 妈妈 家人 朋友 同事 中国".split())
# Address parts, and thanks inside a longer word. Characters that are also in names
# (李道明, 张元, 庄, 路) only count at the end, where an address puts them (文三路).
_ADDRESS_WORDS = re.compile(
    rf"{_CHATTER_WORDS}|小区|单元|号楼|门口|驿站|快递|丰巢|前台|物业|公司|大厦|宿舍|学校|社区|花园|"
    "公寓|广场|中心|附近|对面|旁边|楼下|门卫|超市|地址"
)
# 「不变」, 「都一样」: what stays as it was is no name either.
_NOT_IN_A_NAME = set("的了吧吗呢啦呀哦啊嘛请帮改换寄送到在放收是我你您急不变样都")
_ADDRESS_ENDINGS = set("省市区县镇乡村屯路街道巷弄号楼栋幢层室院苑园城庄湾府门口店柜站场馆厦舍寓州")
# Common surnames: a word before the address is a name only if it starts with one
# (「李道明 浙江省…」, not 「新地址 浙江省…」).
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关"
    "兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻"
    "祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿"
    "桂全佟臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝官封谈匡鞠惠荆"
    "冀郁胥班储栗燕楚鄢劳谌奚皮粟冼蔺楼"
)
_COMPOUND_SURNAMES = re.compile(
    "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|司徒|令狐|夏侯|端木|独孤|南宫|西门|轩辕"
)
# Where a whole address starts: a province, autonomous region or municipality.
_PROVINCE = re.compile(
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|"
    "广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门|"
    r"[\u4e00-\u9fff]{2,4}(?:省|自治区)"
)
# The labels of an address copied from a shopping app: 「收货人：张三 手机号码：…」.
_CONTACT_LABELS = re.compile(
    r"(?:收货人|收件人|联系人|姓名|手机号码|手机号|电话|手机|所在地区|(?:收货|收件|详细|新的?)?地址)\s*[:：]?"
)
# How a request to send it elsewhere starts: 「帮我寄到…」, 「改到…」, 「新地址是…」.
_ASKED_TO = re.compile(
    r"^\s*(?:请|麻烦)?(?:帮我|给我)?(?:改|寄|送|发|换)(?:到|去|成)|^\s*(?:新的?)?地址(?:是|改成|改为)"
)
# A label for the name alone, however it is put: 「收件人：」, 「收货人 」, 「收件人改成」,
# and who the person is to the shopper: 「收货人改成我老婆王丽」.
_NAME_LABEL = re.compile(
    r"(?:(?:收货人|收件人|联系人)(?:姓名|名字)?|姓名|名字)(?:写错了|错了|不对)?"
    r"\s*[:：,，]?\s*(?:应该是|是|为|改成|改为|换成|换为)?\s*"
    r"(?:我的?)?(?:老婆|老公|爱人|媳妇|丈夫|妻子|妈妈|妈|爸爸|爸|女儿|儿子|姐姐|哥哥|弟弟|妹妹"
    r"|婆婆|公公|岳母|朋友|同事|室友|家人)?\s*"
)
_SEPARATORS = re.compile(r"[\s,，;；、。!?~]+")
# 「139 1234 5678」, 「139-1234-5678」: a mobile number typed in groups.
_GROUPED_PHONE = re.compile(r"(?<![0-9])(1[3-9][0-9])[- ]([0-9]{4})[- ]([0-9]{4})(?![0-9])")
# 「…100号(张三 13912345678)」, the way the bot itself writes an address back.
_BRACKETS = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True)
class Contact:
    """A delivery address as shoppers send it: 「地址 张三 13912345678」."""

    address: str
    receiver: str | None = None
    phone: str | None = None


def split_contact(text: str) -> Contact:
    """Take the mobile number and the receiver's name out of ``text``.

    The name counts after a label (「收件人：李道明」) wherever it is, beside the
    number (「…文三路100号 张三 13912345678」 or 「张三，13912345678，浙江省…」), or
    first before a whole address (「李道明 浙江省…」). Anything unsure stays in the
    address: a lone 「上海」 before a street is no name. Thanks and fillers
    (「谢谢」, 「麻烦了」) are dropped.
    """
    normal = _GROUPED_PHONE.sub(r"\1\2\3", half_width(text))
    normal = _ASKED_TO.sub("", normal)
    normal = _BRACKETS.sub(_unbracket_contact, normal)
    # The number as a token of its own, without its country code.
    normal = PHONE.sub(lambda match: f" {match.group(1)} ", normal, count=1)
    receiver, normal = _labelled_receiver(normal)
    tokens = [t for t in _SEPARATORS.split(_CONTACT_LABELS.sub(" ", normal)) if t]
    at = next((i for i, t in enumerate(tokens) if PHONE.fullmatch(t)), None)
    named = None if receiver else _unlabelled_receiver(tokens, at)
    rest = [t for i, t in enumerate(tokens) if i not in (at, named) and not _CHATTER.fullmatch(t)]
    return Contact(
        " ".join(rest),
        tokens[named] if named is not None else receiver,
        tokens[at] if at is not None else None,
    )


def names_a_province(text: str) -> bool:
    """Whether ``text`` names a province or municipality (「上海」, 「浙江省」)."""
    return bool(_PROVINCE.search(text))


def _unbracket_contact(match: re.Match[str]) -> str:
    # Only brackets around the number go: 「(近学院路)」 is part of the address.
    inside = match.group(1)
    return f" {inside} " if PHONE.search(inside) else match.group(0)


def _labelled_receiver(text: str) -> tuple[str | None, str]:
    """The name after a label such as 「收件人：」, and ``text`` without label and name."""
    for label in _NAME_LABEL.finditer(text):
        name = _SEPARATORS.split(text[label.end() :], maxsplit=1)[0]
        if _is_name(name):
            return name, f"{text[: label.start()]} {text[label.end() + len(name) :]}"
    return None, text


def _unlabelled_receiver(tokens: list[str], at: int | None) -> int | None:
    """Which token is the name: one beside the number, else a surname first before a province."""
    beside = [] if at is None else [i for i in (at - 1, at + 1) if 0 <= i < len(tokens)]
    named = next((i for i in beside if _is_name(tokens[i])), None)
    if named is None and len(tokens) > 1 and _leads_an_address(tokens[0], tokens[1]):
        return 0
    if named is None and len(tokens) == 1 and at is None and _surname_led(tokens[0]):
        return 0  # 「李道明」 alone: a new receiver, the address unchanged
    return named


def _leads_an_address(first: str, following: str) -> bool:
    """Whether ``first`` is a name put before the address ``following`` starts.

    「苏州 昆山市…」 and 「上海 浦东新区…」 start with a place, not a person: a name
    first needs a surname and an address after it that starts at the province,
    and is not a place named again in it (「沈阳 辽宁省沈阳市…」).
    """
    return _surname_led(first) and bool(_PROVINCE.match(following)) and first not in following


def _surname_led(token: str) -> bool:
    """Whether ``token`` is a name that starts with a surname (「李道明」, not 「苏州」)."""
    return _is_name(token) and (token[0] in _SURNAMES or bool(_COMPOUND_SURNAMES.match(token)))


def _is_name(token: str) -> bool:
    """Whether ``token`` can be a receiver's name: 「李道明」, 「王先生」; not 「谢谢」, 「3栋」."""
    return (
        bool(_RECEIVER.fullmatch(token))
        and token not in _NO_NAMES
        and not _PROVINCE.match(token)
        and not _CHATTER.fullmatch(token)
        and not _ADDRESS_WORDS.search(token)
        and not _NOT_IN_A_NAME & set(token)
        and token[-1] not in _ADDRESS_ENDINGS
    )


def split_tax_id(text: str) -> tuple[str, str | None]:
    """Split an invoice title like 「某某有限公司 91310000MA1FL8XQ30」 into title and tax id."""
    normal = half_width(text).strip()
    match = TAX_ID.search(normal)
    if not match:
        return normal, None
    title = (normal[: match.start()] + normal[match.end() :]).strip(" ,，:：;；")
    for label in ("税号", "纳税人识别号"):
        title = title.replace(label, "").strip(" ,，:：;；")
    return title, match.group(0).upper()
