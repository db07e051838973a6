"""Shared word groups, safe idioms and context markers of the safety lexicon.

All entries are in normalised form: simplified, lowercase, no spaces,
clauses separated by ``|``.
"""

from __future__ import annotations

# fmt: off
# Data tables: rows of words are packed to the line length, not one per line.

# Word groups that patterns use as ``{name}``.
TERMS: dict[str, tuple[str, ...]] = {
    # Someone at the door or in the home. Bare 快递/物流 is the parcel, not a person.
    "worker": (
        "快递员", "快递小哥", "快递哥", "送快递的", "送货的", "送货员", "送货师傅",
        "配送员", "骑手", "外卖员", "外卖小哥", "送外卖的", "师傅", "安装工", "维修工",
        "装修工", "工人", "司机", "小哥", "送水的", "男的", "男人", "陌生人", "有人",
        "那个人", "这个人", "他",
    ),
    # Things that burn, smoke or explode, and places where a fire is.
    "device": (
        "充电宝", "移动电源", "锂电池", "电池", "电瓶", "电动车", "电瓶车", "电车",
        "平衡车", "滑板车", "手机", "电脑", "笔记本", "平板", "充电器", "充电头",
        "充电线", "数据线", "插座", "插线板", "排插", "插头", "电线", "电源",
        "电热毯", "电暖器", "电暖气", "取暖器", "小太阳", "暖风机", "热水器",
        "燃气灶", "煤气灶", "热水壶", "电水壶", "烧水壶", "空气炸锅", "烤箱",
        "微波炉", "电饭煲", "电磁炉", "吹风机", "电吹风", "卷发棒", "直板夹", "空调",
        "冰箱", "洗衣机", "电视机", "电视", "风扇", "加湿器", "台灯", "路由器",
        "音箱", "耳机", "电子烟", "扫地机", "蜡烛", "香薰", "打火机", "煤气罐",
        "油锅", "厨房", "家里", "房间", "屋里", "卧室", "客厅", "楼道", "车里",
        "车库", "阳台", "宿舍", "仓库", "店里", "机器", "插排", "电热水器", "暖手宝",
        "充电桩", "电热水袋", "暖宝", "电热扇", "油汀", "取暖炉", "电烤炉", "电炖锅",
        "电热锅", "破壁机", "料理机", "榨汁机", "电机", "电源线", "延长线", "冰柜",
        "投影仪", "显示器", "主机", "音响", "电器", "家电", "东西", "它", "箱子", "快递箱",
        "包裹",
    ),
    # Family and friends who can go missing.
    "person": (
        "爸爸", "妈妈", "老爸", "老妈", "父亲", "母亲", "爷爷", "奶奶", "外公", "外婆",
        "姥姥", "姥爷", "老公", "老婆", "丈夫", "妻子", "爱人", "儿子", "女儿", "孩子",
        "小孩", "弟弟", "哥哥", "姐姐", "妹妹", "朋友", "闺蜜", "同学", "室友", "家人",
        "老人", "男朋友", "女朋友", "舅舅", "叔叔", "阿姨", "孙子", "孙女",
        "我爸", "我妈", "我哥", "我姐", "我妹", "我弟", "宝宝",
    ),
    # Children, for what they swallow or drink.
    "child": ("孩子", "小孩", "宝宝", "婴儿", "宝贝", "儿子", "女儿", "娃", "闺女", "孙子", "孙女"),
    # The same in English (after spaces are removed).
    "person_en": (
        "mom", "mother", "dad", "father", "son", "daughter", "child", "kid", "baby",
        "grandma", "grandmother", "grandpa", "grandfather", "wife", "husband",
        "brother", "sister", "friend", "boyfriend", "girlfriend",
    ),
    # Small or toxic things a child swallows.
    "swallowed": (
        "纽扣电池", "电池", "磁铁", "磁力珠", "磁力片", "磁珠", "珠子", "零件", "硬币",
        "螺丝", "钉子", "玻璃", "刀片", "干燥剂", "洗衣凝珠", "凝珠", "洗洁精",
        "洗衣液", "消毒液", "漂白剂", "清洁剂", "洁厕灵", "农药", "老鼠药", "杀虫剂",
        "樟脑丸", "电池液", "水银", "异物", "戒指", "耳环", "纽扣", "扣子",
        "弹珠", "积木", "乐高", "塑料", "驱蚊液", "花露水", "洗发水", "沐浴露", "风油精",
        "指甲油", "卸甲水", "打火机油", "机油", "汽油", "防冻液", "灭鼠药", "洗衣粉", "蟑螂药",
        "除草剂", "消毒水", "柔顺剂",
    ),
}

# Safe idioms and product words that contain alarming characters. They are
# blanked out before matching (replaced by "_").
MASKS: tuple[str, ...] = (
    "秒杀", "杀价", "砍价", "杀熟", "杀毒", "杀虫", "杀鱼", "杀鸡", "杀疯", "绝杀",
    "杀千刀", "抹杀", "笑死", "气死", "累死", "困死", "烦死", "急死", "饿死", "热死",
    "冷死", "美死", "丑死", "哭死", "帅死", "萌死", "甜死", "杀菌", "杀螨", "消杀", "杀蟑",
    "杀手锏", "杀青", "杀时间", "防摔", "令人窒息", "窒息操作",
    "火锅", "火爆", "火出圈", "很火", "爆款", "爆品", "爆单", "炸街", "炸裂",
    "心态炸", "心态爆炸", "太炸", "气炸", "跳楼价", "跳楼甩卖", "跳楼大甩卖",
    "紫砂", "防误食", "防止误食", "防误吞", "防吞咽", "防吞", "防触电", "防爆",
    "中毒太深", "游戏中毒", "灭火器", "灭火毯", "灭火", "不着火", "打着火", "打不着", "点不着",
    "没着火", "死磕", "火灾险", "火灾保险", "防火灾", "火灾报警", "打死我也不", "打死也不",
    "打死都不", "不想活在没有", "自杀干预", "预防自杀", "自杀预防", "防自杀", "急救包",
    "急救箱", "急救用品",
)

# Regular expressions blanked out too: similes and jokes.
MASK_PATTERNS: tuple[str, ...] = (
    r"(?:价|贵|钱|简直|这是|是在)[^|]{0,3}抢劫",
    r"想死(?:你|你们)(?:了|家|的|啦)|想死我了|想死在(?:你们|这[件个款])",
    r"(?<!好)像[^|]{0,6}(?:一样|似的)",

    r"(?:辣|笑|累|热|闷|跑|爬|美|帅|甜|好吃)得?[^|]{0,2}(?:喘不上气|喘不过气|呼吸困难|窒息|抽搐|晕倒)",
    r"炸(?:了|的)?(?:鸡|薯条|鱼|虾|肉|串|排骨|丸子|饺子|年糕|蔬菜|东西|吃的)",
)

# Product questions ("会不会着火") cancel a FRAME hit unless it already happened.
QUESTION_FRAMES: tuple[str, ...] = (
    r"会不会", r"会[^|]{0,6}吗", r"能不能", r"可不可以", r"可以[^|]{0,6}吗",
    r"能[^|]{0,6}吗", r"是否", r"安全吗", r"正常吗", r"怎么用", r"多少钱", r"有没有",
    r"容易", r"是真的吗", r"吗$", r"概率", r"有多大", r"可能性", r"有哪些", r"哪些", r"还是",
    r"的时候[^|]{0,4}(?:用|该|要|怎么|应该)", r"原因", r"是什么", r"为什么", r"会[^|]{0,6}吧",
    r"(?:担心|害怕|怕)(?:会|被|万一|孩子|宝宝|老人|家里)",
)
# Hypotheticals cancel a FRAME hit even with 了, unless danger is going on now.
HYPOTHETICALS: tuple[str, ...] = (
    r"如果", r"万一", r"假如", r"假设", r"要是", r"防止", r"避免", r"以防", r"预防", r"防范",
)
# Signs that it happened (so does 了 right after the hit): a question frame
# no longer cancels.
REALIS: tuple[str, ...] = (
    r"已经", r"刚才", r"刚刚", r"突然", r"正在", r"还在", r"怎么办", r"一直", r"现在", r"今天",
    r"昨天", r"又",
)
# Signs that danger is going on now: nothing cancels.
ONGOING: tuple[str, ...] = (
    r"正在", r"还在", r"现在还", r"救命", r"快来", r"赶紧", r"帮帮我", r"求救", r"报警",
    r"又(?:着|起|冒|烧|开始|来了|在)",
)
# Retelling the news, a film or a book (before the hit, or right after it:
# 走丢的新闻).
MEDIA: tuple[str, ...] = (
    r"新闻", r"报道", r"电影", r"电视剧", r"剧里", r"剧中", r"小说", r"视频里", r"视频上",
    r"网上说", r"网上看到", r"听说", r"纪录片", r"书里", r"故事里", r"歌里", r"歌词",
)
# A character in that story (FICTION needs both).
CHARACTERS: tuple[str, ...] = (
    r"主角", r"男主", r"女主", r"角色", r"主人公", r"人物", r"凶手", r"里面的", r"那个人",
)
# The event is over.
RESOLVED: tuple[str, ...] = (
    r"没事了", r"后来没事", r"已经好了", r"已经没事", r"就好了", r"排出来了", r"已经排出",
    r"扑灭了", r"已经灭了", r"火灭了", r"(?<![没不])找到了", r"找回来了", r"追回来了", r"追回了",
    r"(?<![没不])联系上了",
    r"已经回家", r"已经回来了", r"已经处理", r"处理好了", r"后来[^|]{0,6}处理了", r"解决了",
    r"虚惊一场", r"好在", r"幸好", r"还好没", r"没事(?=\||$)", r"医生[^|]{0,6}没事", r"出院了",
    r"已经恢复", r"已经过去", r"不敢再?用了",
)
