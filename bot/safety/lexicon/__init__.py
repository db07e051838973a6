"""The safety lexicon, kept as data apart from the matching code.

See :mod:`bot.safety.lexicon.schema` for its shape. Pinyin written in Latin
letters is folded back to the Chinese words listed here and in
:data:`PINYIN_WORDS`; :data:`HOMOPHONE_WORDS` are also found when typed with
a homophone character (冲电宝 → 充电宝) that keeps at least one character.
"""

from __future__ import annotations

from bot.safety.lexicon.complaint import COMPLAINT
from bot.safety.lexicon.fraud import FRAUD
from bot.safety.lexicon.schema import CategoryLexicon, ComplaintLexicon
from bot.safety.lexicon.urgent import URGENT

# fmt: off
# Data tables: rows of words are packed to the line length, not one per line.

# Words that help read whole messages typed in pinyin ("ta shuo yao sha le wo").
PINYIN_WORDS: tuple[str, ...] = (
    "了", "我", "他", "她", "要", "想", "死", "杀", "活", "自", "一直", "不走", "快递员",
    "我妈", "我爸", "失踪", "着火", "冒烟", "爆炸", "救命", "帮我", "快", "说", "在",
    "家", "门口", "不想活了", "杀了我", "打我", "跳楼", "走丢", "联系不上", "吞了",
    "电池", "孩子", "宝宝", "紫砂壶", "冒充", "客服", "转账", "汇款", "验证码", "被骗", "诈骗",
    "让我", "说是",
)

# Words also matched through a homophone typo. Words whose homophones are
# everyday words are left out on purpose: 上吊 (价格上调), 不想活 (不想货到付款),
# 去死 (去四楼), 想死 (想四点), 轻生 (轻声).
HOMOPHONE_WORDS: tuple[str, ...] = (
    "自杀", "充电宝", "着火", "起火", "冒烟", "安眠药", "跳楼", "失踪", "走丢",
    "一了百了", "爆炸", "电动车", "电瓶车", "煤气", "燃气", "割腕", "火灾", "中毒",
    "误食", "窒息", "跟踪", "快递员", "花呗", "借呗",
)

__all__ = [
    "COMPLAINT",
    "FRAUD",
    "HOMOPHONE_WORDS",
    "PINYIN_WORDS",
    "URGENT",
    "CategoryLexicon",
    "ComplaintLexicon",
]
