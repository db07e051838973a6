"""Medical: someone needs an ambulance now.

Three parts of the one category, so that the first reply fits what was said:
something swallowed (no vomiting to be induced: said only when it was
swallowed), an allergic reaction (stop using it, rinse, 120 if breathing or
swelling), and the rest (120). A message may match several; the first part
listed with a hit names the topic.
"""

from __future__ import annotations

from bot.safety.lexicon.schema import FRAME, MEDIA, RESOLVED, CategoryLexicon

# fmt: off
# Data tables: rows of words are packed to the line length, not one per line.

SWALLOWED = CategoryLexicon(
    name="medical",
    level="urgent",
    topic="swallowed",
    phrases=("误食", "误吞", "误吃", "误喝", "swallowed"),
    patterns=(
        r"(?:吞|咽|吃进|吃下|喝了|喝下)[^|]{0,8}{swallowed}",
        r"吃了[^|]{0,4}{swallowed}",
        r"误把[^|]{0,8}{swallowed}",
        r"把[^|]{0,6}{swallowed}(?:给)?(?:喝|吃|吞)了",
        r"{swallowed}[^|]{0,4}(?:咬破|咬开|放进嘴|塞进嘴|含在嘴)",
        r"(?:drank|ate|swallowed)(?:some|a|an|the)?(?:button|coin)?(?:bleach|detergent|poison|pesticide|battery|magnet|pills)",
        r"{swallowed}[^|]{0,6}(?:吞|咽)(?:了|下|进)",
        r"{swallowed}[^|]{0,6}(?:吃|喝)(?:下去|进去)",
        r"{swallowed}当[^|]{0,3}(?:吃|喝)了",
        r"{child}[^|]{0,3}(?:误)?(?:喝|吃)了[^|]{0,5}(?:酒|大人的药|爸爸的药|妈妈的药|奶奶的药|爷爷的药)",
    ),
    cancelled_by=(FRAME, MEDIA, RESOLVED),
)

# Where a reaction swells what one breathes through, and how (not 要紧).
_AIRWAY = r"(?:喉咙|嗓子|喉头|气管|舌头|脸|嘴巴|嘴唇|嘴|全身|浑身)"
_SWELLS = r"(?:肿|发紧|(?<![要不])紧)"
# Something eaten, drunk or put on the skin (吃了, 一用就), or 过敏 said outright.
# 了 is looked at, not matched: a 了 in the hit would say the rash happened.
_EXPOSED = (
    r"(?:过敏|(?:吃|喝|用|涂|抹|擦|洗|泡|穿|戴|碰|接触)(?=了|过|完|后)"
    r"|一(?:吃|喝|用|涂|抹|擦|洗|穿|戴)就)"
)

ALLERGY = CategoryLexicon(
    name="medical",
    level="urgent",
    topic="allergy",
    phrases=(
        "过敏性休克", "喉头水肿", "喉咙肿", "嗓子肿", "喉咙发紧", "嗓子发紧",
        "allergicreaction", "anaphyla", "throatisclosing", "throatclosing",
    ),
    patterns=(
        # A reaction that reaches the breath or the airway, at any age.
        r"过敏[^|]{0,10}(?:呼吸|喘|晕|休克|昏|" + _AIRWAY + r"[^|]{0,3}" + _SWELLS + ")",
        r"(?:脸|嘴巴|嘴唇|眼睛|喉咙|舌头)[^|]{0,3}肿[^|]{0,6}(?:睁不开|喘|呼吸)",
        r"(?:脸|嘴巴|嘴唇|嘴|舌头)[^|]{0,3}肿[^|]{0,4}(?:喉咙|嗓子)",
        r"(?:喉咙|嗓子|气管)[^|]{0,5}(?:肿|发紧|很紧|好紧|紧得)",
    ),
    pairs=(
        # A child's skin reacting to something eaten or used: believe it at once.
        (
            r"{rash}",
            r"{child}[^|]{0,12}" + _EXPOSED + r"|" + _EXPOSED + r"[^|]{0,12}{child}",
        ),
    ),
    cancelled_by=(FRAME, MEDIA, RESOLVED),
)

MEDICAL = CategoryLexicon(
    name="medical",
    level="urgent",
    phrases=(
        "呼吸困难", "喘不上气", "喘不过气", "喘不上来", "喘不过来", "不能呼吸",
        "无法呼吸", "窒息", "嘴唇发紫",
        "休克", "昏迷", "晕倒", "晕过去", "昏过去", "叫不醒", "没意识", "失去意识",
        "不省人事", "抽搐", "口吐白沫", "没有呼吸", "没呼吸", "没心跳", "大出血",
        "流了很多血", "血止不住", "止不住血", "血一直流", "流血不止", "在流血", "骨折",
        "中毒", "上吐下泻", "吐血", "烧伤", "大水泡", "触电", "电了一下", "失明",
        "一直流血", "一直在流血", "血流不止", "流了好多血", "伤口很深", "脸色发青", "脸发青",
        "嘴唇发青", "脸发紫", "烫伤", "心脏病发作", "心梗", "脑梗", "中风", "哮喘发作",
        "癫痫发作", "胸口剧痛", "神志不清", "意识不清", "意识模糊", "抢救", "送急诊", "打了120",
        "叫了120", "叫救护车",
        "看到小人", "出现幻觉", "有幻觉", "产生幻觉", "摔伤",
        "cantbreathe", "cannotbreathe", "poisoned", "poisoning", "unconscious",
        "notbreathing", "bleeding", "choking", "overdose",
    ),
    patterns=(
        r"(?:呼吸|喘气)[^|]{0,3}(?:困难|不上来|不过来)",
        r"(?:卡在|卡住|噎住|塞进|塞到)[^|]{0,3}(?:喉咙|嗓子|气管|鼻子|耳朵)",
        r"烫伤[^|]{0,4}(?:严重|厉害|大面积|起泡|水泡)",
        r"(?:夹住|卡住)[^|]{0,6}(?:头|脖子|手指|手|脚)",
        r"(?:一地|满地|满手|满身|全身|全是|好多|很多)[^|]{0,2}血",
        r"骨头[^|]{0,4}(?:断|裂|碎)|(?:手|腿|胳膊|脚|手臂)[^|]{0,3}断了",
        r"(?:一直|全身|不停)(?:在)?抽筋",
        r"(?:套住|蒙住|捂住)[^|]{0,4}(?:头|脸|口鼻|脖子)",
        r"(?:喉咙|嗓子|气管)[^|]{0,5}(?:堵|卡住|封住)",
        r"(?:手指|手|脚|嘴唇|脸|嘴)[^|]{0,3}(?:紫了|发紫|变紫|发黑|青紫)",
        r"眼睛[^|]{0,4}看不见",
        r"被[^|]{0,6}电(?:了一下|到了|伤了|晕)",
        r"(?:摔|跌)[^|]{0,6}(?:站不起来|动不了)",
    ),
    cancelled_by=(FRAME, MEDIA, RESOLVED),
)
