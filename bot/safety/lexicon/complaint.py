"""Complaints: angry but safe. They raise a high-priority ticket, not an urgent one."""

from __future__ import annotations

from bot.safety.lexicon.schema import ComplaintLexicon

# fmt: off
# Data tables: rows of words are packed to the line length, not one per line.

COMPLAINT = ComplaintLexicon(
    phrases=(
        "投诉", "消协", "消费者协会", "市场监管", "工商局", "举报", "找媒体", "联系媒体",
        "告诉媒体", "媒体曝光", "记者", "起诉", "律师函", "找律师", "请律师", "告你们", "法院",
        "法庭", "维权",
    ),
    patterns=(
        r"(?:不|再不|否则|不然)[^|]{0,10}差评",
        r"差评[^|]{0,4}(?:警告|伺候)",
        r"给(?:你们)?差评",
        r"发到(?:网上|微博|抖音|小红书)",
        r"(?<!\d)(?:12315|12345|315)(?!\d)",
        r"曝光(?:你们|你|他|这|到|出去)|(?:要|去|帮我|网上|媒体)曝光",
        r"(?:我|就)(?:就|要|去|会|马上)?报警",
    ),
    insults=(
        r"骗子",
        r"垃圾(?![袋桶分处车站箱篓夹])",
        r"(?:^|\|)滚(?:$|\||吧|开|蛋)|滚开|滚蛋|给我滚",
        r"黑心",
        r"无良",
        r"奸商",
        r"傻[逼b]|(?<![a-z])sb(?![a-z])|煞笔",
        r"废物",
        r"混蛋",
        r"王八蛋",
        r"狗东西|狗商家",
        r"智障",
        r"坑人|坑爹",
        r"(?:你|你们|都)去死",
    ),
)
