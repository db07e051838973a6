"""Word lists and token-shape rules for Chinese postal addresses.

Each rule looks at one jieba token. jieba keeps runs of digits whole and
often glues a name to its suffix (``张江路``) but not always (``深南`` ``大道``),
so the rules match on suffixes and the patterns allow a few name tokens.
"""

from __future__ import annotations

# Provinces, municipalities and big cities people write without 省/市.
BARE_ADMIN = frozenset(
    "北京 上海 天津 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 "
    "湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 "
    "香港 澳门 广州 深圳 杭州 南京 苏州 成都 武汉 西安 厦门 青岛 大连 宁波 长沙 郑州 "
    "沈阳 哈尔滨 济南 合肥 福州 昆明 南宁 无锡 东莞 佛山 珠海 长春 石家庄 太原 南昌 "
    "贵阳 兰州 乌鲁木齐 呼和浩特 海口 三亚 温州 绍兴 嘉兴 金华 常州 徐州 烟台".split()
)
# Province, prefecture and county level: kept visible when masking.
ADMIN = (
    r"^(?!.*(?:园区|小区|社区|景区|校区|厂区|片区|营业区|服务区|工业区|保税区|商业区|住宅区|生活区)$)"
    r"(?:[\u4e00-\u9fff]+(?:省|自治区|特别行政区|自治州|自治县|地区|盟|县|旗)"
    r"|[\u4e00-\u9fff]{2,}(?:市|区)|" + "|".join(sorted(BARE_ADMIN)) + ")$"
)
# Words ending like a division that are not one.
ADMIN_STOP = frozenset(
    "城区 郊区 市区 辖区 专区 山区 灾区 禁区 雷区 误区 "
    "超市 城市 门市 上市 夜市 股市 都市 菜市 街市 集市 开市".split()
)
# Streets and the like: the anchor of an address. 里 needs a name before it.
ROAD = r"^(?:[\u4e00-\u9fff]*(?:路|街|大道|道|巷|胡同|段|村|镇|乡|公路|屯)|[\u4e00-\u9fff]{2,}里)$"
ROAD_STOP = frozenset(
    "知道 难道 味道 频道 渠道 通道 轨道 管道 一道 顺道 公道 车道 赛道 跑道 "
    "这里 那里 哪里 家里 公里 心里 店里 夜里 手里 城里 屋里 "
    "阶段 手段 片段 时段 时间段 号段 一段 这段 那段 "
    "一路 一下路 上路 走路 马路 思路 线路 电路 网路 出路 门路 套路 "
    "乡村 农村 上街 逛街".split()
)
# Compounds and buildings: an anchor too, but weaker than a street.
PLACE = (
    r"^[\u4e00-\u9fff]*(?:小区|园区|大厦|花园|公寓|广场|大学|学院|中心|家园|新村|社区|苑|城|园|院"
    r"|庄|府|湾|坊|公馆|别墅|酒店|宾馆|医院|商城|写字楼|大楼|里|邨|寓|阁|轩|居|墅)$"
)
# A name token: Chinese only, not a unit (号, 栋: they end the previous
# address) and without characters that mark conversation (pronouns,
# particles, verbs of sending) so 「我住」「请寄到」 stay outside.
NAME = (
    r"^(?!号|弄|栋|幢|座|单元|室|层|楼|户)"
    r"(?!.*[我你您他她它们的了吗呢吧啊呀哦嗯住到在寄送请把给是址要想改])[\u4e00-\u9fff]+$"
)
NAME_STOP = frozenset(
    "发 发货 发到 发往 收 收货 收到 寄往 麻烦 快点 尽快 谢谢 你好 您好 帮忙 一下 "
    "地址 快递 收件人 电话 手机 联系 新 旧 原来 现在 "
    "那个 这个 就是 还是 可以 不 没 已经 下单 订单 商品 退货 换货 退款 门口 放 取 拿 "
    "或者 还有 然后 但是 因为 所以 如果 之前 之后 今天 明天 昨天 上午 下午 晚上 几 "
    "月 日 年 天 点 分 元 块 件 个 次 和 或 及 与 跟 从 往 向 对 由 于".split()
)
HOUSE_NUMBER = r"^\d{1,5}$"
# 号 but not 号码 (a phone number) or 号线 (a metro line).
UNIT = r"^(?:号(?!码|线)|弄|栋|幢|座|单元|室|层|楼|户)"
BUILDING_UNIT = r"^(?:号楼|号院|弄|栋|幢|座|单元|室)"
# Latin block names such as A座, B2栋, or A and 座 as two tokens.
LATIN_UNIT = r"^[A-Za-z]{1,2}\d{0,3}(?:座|栋|幢|区|号楼|单元)$"
LATIN_BLOCK = r"^[A-Za-z]{1,2}\d{0,3}$"
LATIN_NAME = r"^[A-Za-z][A-Za-z0-9]{0,9}$"
# Sections that count as a unit only inside an address (E1区, 3期, 5组).
SECTION = r"^(?:区|期|组)$"
