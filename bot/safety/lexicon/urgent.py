"""The five urgent categories: a person may be in danger now.

Phrases and patterns are matched on normalised text (simplified, lowercase,
no spaces or emoji, clauses separated by ``|``). ``[^|]`` stays within a
clause. Order matters: the first category with a hit names the verdict.
Violence and medical are in their own modules, each in parts by topic.
"""

from __future__ import annotations

from bot.safety.lexicon.medical import ALLERGY, MEDICAL, SWALLOWED
from bot.safety.lexicon.schema import FICTION, FRAME, MEDIA, RESOLVED, CategoryLexicon
from bot.safety.lexicon.violence import DOMESTIC, STALKING, VIOLENCE

# fmt: off
# Data tables: rows of words are packed to the line length, not one per line.

SELF_HARM = CategoryLexicon(
    name="self_harm",
    level="urgent",
    phrases=(
        "自杀", "自尽", "轻生", "寻短见", "寻死", "不想活", "活不下去", "不活了", "想死",
        "死了算了", "不如死了", "死了就好了", "一了百了", "结束生命", "结束自己",
        "结束这一切", "了结自己", "了结生命", "割腕", "上吊", "跳楼", "跳河", "跳江",
        "跳海", "跳桥", "卧轨", "服毒", "喝农药", "吃农药", "吃老鼠药", "喝百草枯",
        "烧炭", "遗书", "遗言", "交代后事", "永别", "下辈子再见", "另一个世界",
        "不在这个世界", "离开这个世界", "自残", "伤害自己", "划自己", "割自己",
        "撑不下去", "不想醒来", "活着是累赘",
        "不想再活", "活够了", "割脉", "结束一切", "自己是多余的", "我是多余的", "是个累赘",
        "告别这个世界", "这个世界再见", "想解脱", "就解脱了", "彻底解脱", "永远解脱", "想不开",
        "endingitall", "enditall", "endeverything", "donewithlife", "nottobehere", "一死了之",
        "死了之", "吊死", "thinkingaboutkilling",
        "killmyself", "killingmyself", "endmylife", "endingmylife", "suicide",
        "suicidal", "wanttodie", "wannadie", "dontwanttolive", "donotwanttolive",
        "dontwanttobealive", "hurtmyself", "cutmyself",
    ),
    patterns=(
        r"(?<![你都])(?<!你们)去死",
        r"活着[^|]{0,4}(?:没意思|没什么意思|好累|太累|好痛苦|太痛苦|没劲|累赘)",
        r"(?:活着|人生|生活|活下去)[^|]{0,3}(?:没有?|毫无)(?:任何|什么)?(?:意思|意义|希望|盼头)",
        r"(?:攒|囤|买好|买了|准备|吃了|吞了)[^|]{0,6}安眠药",
        r"(?:攒|囤|存)了?[^|]{0,4}药",
        r"一次(?:性)?(?:全)?(?:吃|吞)(?:完|掉|下去)",
        r"(?:吊|勒|淹|饿|毒|烧|弄|杀)死自己",
        r"安眠药[^|]{0,6}(?:够|攒|囤|一整瓶|整瓶|一瓶|两瓶|几瓶|很多|一把|吃了|吞了)",

        r"(?:吃|吞|喝)[了掉下光]?[^|]{0,3}(?:所有|全部|一整瓶|整瓶|一瓶|两瓶|一把|很多|好多|几十)[^|]{0,4}(?:药|片|褪黑素|胶囊|粒|颗)",
        r"(?:楼上|楼顶|顶楼|天台|窗户|阳台|桥上)[^|]{0,4}跳(?:下|出)",
        r"从[^|]{0,5}跳(?:下|出)去",
        r"我(?:的|人生的)?最后一天了?(?=\||$)",
        r"我想结束了?(?=\||$)",
        r"不想[^|]{0,3}(?:在|待|留|呆)(?:在)?这个世界",
        r"手腕[^|]{0,3}割|割[^|]{0,3}手腕",
        r"我(?:明天|今晚|今天|以后|很快|马上|过几天)?人?[都就也]?不在了",
        r"(?:明天|今晚|今天|以后|很快|马上|过几天)我就?不在了",
        r"没有我[^|]{0,6}(?:好|轻松)",
        r"再见了?这个世界",
        r"(?:人生|活着|生活)[^|]{0,3}(?:没有意义|没意义|没有希望|没希望)",
        r"活得[^|]{0,3}(?:痛苦|没意思|没意义|好累|太累)",
        r"想s(?![a-z])",
        r"不(?:想|要|愿)再?醒(?:来|过来)",
        r"(?:割|划|捅|砍)了?[^|]{0,2}自己",
        r"(?:药|绳子|安眠药|炭|刀片)[^|]{0,3}准备好",
        r"绳子[^|]{0,4}(?:挂好|系好|绑好|挂上)|挂好[^|]{0,2}绳子",
        r"想消失",
        # Asking for a lethal dose, or "if I die": believe first.
        r"(?:吃|喝|吞)(?:多少|几)[片粒颗瓶口]?[^|]{0,6}(?:会死|能死|致死|没命|不醒|醒不来|睡死)",
        r"一觉(?:睡)?(?:下去)?(?:不醒|不再醒|醒不来|再也不醒)",
        r"睡(?:过去|下去|着)[^|]{0,3}(?:不用|不要|不会|别)再?醒",
        r"(?:(?:如果|要是|假如|万一)我|我(?:如果|要是|假如|万一))[^|气笑累热困饿烦急吓乐]{0,2}死了",
        r"我死(?:了)?(?:以后|之后|后)",
        r"这辈子就?到(?:这|此)(?:了|为止|儿)",
    ),
    pairs=(
        (
            r"(?:楼顶|天台|顶楼|江边|河边|海边|桥上|大桥|铁轨|悬崖)",
            r"跳(?:下|楼|河|江|海|桥)|最后一[条次句]|不想下去|不会再回来|再见|永别|不想活",
        ),
        (r"木?炭", r"胶带|封好|封窗|密封|封门|门窗"),
        (

            r"(?:寄|打|转|留|送|退)(?:回|还)?[给到][^|]{0,4}(?:妈|爸|父母|家人|家里|老婆|老公|孩子|女儿|儿子|妹妹|弟弟)",
            r"用不上|用不到|不在了|照顾|再见|永别|最后一|我走了?(?:以后|之后|后)",
        ),
        (
            r"最后一条消息|最后一次跟[^|]{0,3}说话",
            r"再见|永别|对不起|谢谢|天台|楼顶|不想|活|死|走了",
        ),
        (
            r"(?:以后|再也)[^|]{0,3}用不[上着到]了",
            r"谢谢你们|谢谢大家|照顾|再见|永别|对不起|妈|爸|家人",
        ),
        (r"药[^|]{0,4}(?:吃|吞)下去", r"对不起|再见|永别|跟我[^|]{0,2}(?:妈|爸|家人)说"),
        (
            r"(?:刀片|绳子|安眠药|木?炭|农药|百草枯)[^|]{0,4}(?:买好|备好|准备好)",
            r"今晚|今天|结束|了结|最后|再见|永别|解脱|对不起",
        ),
    ),
    cancelled_by=(FICTION,),
)

FIRE = CategoryLexicon(
    name="fire",
    level="urgent",
    phrases=(
        "着火", "起火", "失火", "火灾", "浓烟", "全是烟", "都是烟", "满屋烟", "满屋子烟",
        "火灭不掉", "火灭不了", "灭不了火", "灭不掉", "漏煤气", "漏燃气", "自燃", "爆燃",
        "火越来越大", "被火困", "被困在火", "黑烟",
        "onfire", "caughtfire", "catchfire", "isburning", "burning", "exploded",
        "explosion", "smokecoming", "fullofsmoke", "smellgas", "smellofgas",
        "smellsofgas", "gasleak", "sparking", "gassmell", "smellsgas",
    ),
    patterns=(

        r"{device}[^|]{0,10}(?:冒烟|冒黑烟|冒白烟|冒着[^|]{0,2}烟|冒火|火花|火星|爆炸|炸了|炸开|烧焦|烧黑|焦味|糊味|烧起来|燃起来)",
        r"(?:电池|充电宝|电瓶|移动电源)[^|]{0,4}爆了",
        r"{device}[^|]{0,4}(?<![点打睡])着了",
        r"(?:充电|充着电)[^|]{0,6}(?:烧起来|着火|起火|冒烟|爆炸|炸了|冒火)",
        r"(?<!发烧)(?<!脸)烧起来了",
        r"(?:煤气|燃气|天然气|液化气)[^|]{0,3}(?:味|泄漏|泄露|漏了|漏气)",

        r"(?:被子|窗帘|床单|沙发|衣服|床垫|地毯|桌子|房子|屋子)[^|]{0,3}(?:烧了|着了|烧起来|烧着|点着)",
        r"火[^|]{0,4}(?:窜|蔓延|烧到|越来越大|变得更大|扑不灭)",
        r"火(?:很|太|好|特别)大",
    ),
    pairs=(
        (r"冒烟|冒黑烟|冒火", r"{device}|救命|快来|求救|报警"),
        (
            r"煤气|燃气|天然气|液化气|气罐|气瓶",
            r"漏气|泄漏|泄露|关不掉|关不上|味道很|一股味",
        ),
    ),
    cancelled_by=(FRAME, MEDIA, RESOLVED),
)

_NOT_A_PARCEL = r"(?:(?!快递|包裹|订单|货|东西|手机|钱包)[^|]){0,8}"

MISSING_PERSON = CategoryLexicon(
    name="missing_person",
    level="urgent",
    phrases=("离家出走", "下落不明", "被人拐", "被拐", "拐卖", "被人抱走", "拐走"),
    patterns=(
        r"{person}" + _NOT_A_PARCEL + r"(?:失踪|失联|走丢|走失|走散|迷路)",
        r"{person}[^|]{0,6}不见了(?=\||$|啊|呀)",
        r"{person}[^|]{0,2}丢了(?=\||$|啊|呀)",
        r"{person}[^|]{0,8}找不[到着]了?(?=\||$|啊|呀|了)",
        r"被(?:人|陌生人)?(?:带走|抱走|拐)",
        r"{person_en}(?:hasnt|hasnot|didnt|didnot|never)come(?:back)?home",
        r"(?:失踪|失联|走丢|走失|找不到)[^|]{0,4}{person}",
        r"人[^|]{0,2}找不到",
        r"cantfind(?:my)?{person_en}",
        r"{person_en}(?:is|has|had|have|went|gone|been)+missing",
    ),
    pairs=(
        (r"出门[^|]{0,8}没回", r"{person}"),
        (
            r"(?:天|周|星期|礼拜|一夜|一晚|整晚|晚上|小时|一直|再也|到现在|都没|好久)[^|]{0,4}"
            r"(?:联系不上|联系不到|没联系上|没回家|没回来|关机|打不通|没找到)"
            r"(?=了|\||$|{person}|他|她|人)",
            r"{person}",
        ),
        (r"没回家|没回来|没去学校|没去上学|没到学校", r"找不到|联系不上|关机|打不通|不见"),
        (
            r"(?:天|周|星期|礼拜|一夜|一晚|整晚|好久|再也)[^|]{0,4}"

            r"(?:没有?任何(?:消息|音讯|联系)|没有?(?:消息|音讯|音信)|没回[我的]*消息|不回[我的]*消息)",
            r"{person}",
        ),
        (
            r"(?:(?:联系不上|联系不到)(?=了|\||$|{person}|他|她|人)|失联|没消息)"
            r"[^|]{0,6}(?:天|周|星期|礼拜|一夜)",
            r"{person}",
        ),
        (r"(?:他|她)[^|]{0,4}(?:失踪|失联|走丢|走失|下落不明)", r"{person}"),
        (
            r"(?<!卖家)(?<!商家)(?<!快递)(?<!包裹)(?<!店铺)(?<!递员)(?<!客服)(?<!物流)(?<!订单)"
            r"(?<!货物)(?<!路上)(?:失联|失踪|走失|走丢)",
            r"{person}",
        ),
        (
            r"(?:出去|出门|走了|离开)(?:以后|之后|后)[^|]{0,3}(?:就)?"
            r"(?:没有?消息|联系不上|联系不到|没回来|不见了)",
            r"{person}",
        ),
        (r"不知道[^|]{0,3}去(?:哪|了哪)", r"{person}[^|]{0,4}(?:被|不见|没回|找不)"),
    ),
    cancelled_by=(FRAME, MEDIA, RESOLVED),
)

# The parts of one category stay together, the specific ones (with a topic) first.
URGENT: tuple[CategoryLexicon, ...] = (
    SELF_HARM, DOMESTIC, STALKING, VIOLENCE, FIRE, SWALLOWED, ALLERGY, MEDICAL, MISSING_PERSON,
)
