"""Violence: someone threatens or hurts the shopper, follows them, or will not leave.

Three parts of the one category, so that the first reply fits what was said:
violence at home (a partner or a parent hits them: no 「锁好门」, and their
address is kept from everyone), being followed (the address again), and the
rest (someone at the door, a threat). A message may match several; the first
part listed with a hit names the topic.
"""

from __future__ import annotations

from bot.safety.lexicon.schema import MEDIA, QUESTION, RESOLVED, CategoryLexicon

# fmt: off
# Data tables: rows of words are packed to the line length, not one per line.

# Who hurts someone at home. Bare 他 is too wide: it names the courier as often.
_ABUSER = (
    r"(?:老公|老婆|丈夫|妻子|前夫|前妻|男朋友|女朋友|男友|女友|前男友|前女友|对象|我爸|我妈|爸爸"
    r"|妈妈|继父|继母|后爸|后妈|公公|婆婆|家里人|孩子他爸|孩子爸)"
)
# A phone call is not a blow: 打我电话, 打我妈手机.
_NOT_A_CALL = r"(?![^|]{0,4}(?:电话|手机|号码|微信|视频))"
# What they do to the shopper.
_HURT = (
    r"(?:(?<!不)(?:打|揍|踢|扇|掐|砍|勒)(?:了|着)?我" + _NOT_A_CALL + r"|打死我|打伤|打得我|把我推"
    r"|砸东西|对我动手|动手打|动手了|拿刀(?:砍|捅|对着|威胁))"
)

DOMESTIC = CategoryLexicon(
    name="violence",
    level="urgent",
    topic="domestic",
    phrases=("家暴", "家庭暴力", "domesticviolence", "abusivehusband"),
    patterns=(
        _ABUSER + r"[^|]{0,8}" + _HURT,
        r"被(?:我)?" + _ABUSER + r"[^|]{0,4}打(?:了|伤|得|成)(?![^|]{0,2}(?:电话|折|包|卡|款|印))",
        # Fled the home with the children: who they fled is at home.
        r"带着?(?:孩子|娃|女儿|儿子)[^|]{0,4}(?:躲|逃|跑)(?:出来|出去|到)",
    ),
    cancelled_by=(QUESTION, MEDIA, RESOLVED),
)

STALKING = CategoryLexicon(
    name="violence",
    level="urgent",
    topic="stalking",
    phrases=(
        "跟踪", "尾随", "盯梢", "一直跟着", "跟着我", "也跟着", "偷拍我", "蹲守",
        "followedme", "followingme", "stalking", "stalker",
    ),
    patterns=(
        r"(?:一直|一路)?(?:在|跟在)(?:我)?后面(?:走|跟)",
        r"(?:门口|楼下|家门|窗外)[^|]{0,6}徘徊",
        r"(?:天天|每天|一直|老是|总是|经常)[^|]{0,4}(?:楼下|门口|小区|家门口|公司楼下)(?:等|堵|守)",
        r"(?:前任|前夫|前妻|前男友|前女友)[^|]{0,6}(?:找到|找上门|知道了?我)",
    ),
    cancelled_by=(QUESTION, MEDIA, RESOLVED),
)

VIOLENCE = CategoryLexicon(
    name="violence",
    level="urgent",
    phrases=(
        "恐吓", "杀了我", "杀我", "弄死我", "弄死你", "打死我",
        "要打我", "被人打", "强奸", "性侵", "猥亵", "非礼", "摸我", "掐我",
        "绑架", "被绑", "劫持", "抢劫", "抢了我", "闯进", "闯入", "入室", "撬门",
        "撬锁", "在撬", "撬开", "被人撬", "踢门", "踹门", "砸门", "拧门把手", "不敢开门",
        "不敢出门", "不敢回家", "不敢上楼", "不敢下楼", "拿刀", "持刀", "拿着刀",
        "拿着菜刀", "刀架",
        "让我小心", "让我好看", "要我好看", "收拾我", "找人收拾", "下一个就是你",
        "泼油漆", "不让我出去", "不让我走",
        "把我堵", "堵住我", "堵我", "不敢出声", "拦住我", "拦着我", "堵着门", "堵门",
        "动手动脚", "对我动手", "推了我一把", "把我推", "推倒我", "把我按", "按住我", "抓住我",
        "拽我", "扇我",
        "踢我", "揍我", "发酒疯", "耍酒疯", "砸东西", "砸我家", "赖着不走",
        "stilloutside", "wontgoaway", "grabbedme", "wontletmego", "wontletmeleave",
        "touchedme", "pushedme", "hurtme", "追着我", "追打", "追我", "找我算账",
        "跟我算账", "上来找我", "耍流氓", "下流话", "性骚扰", "咸猪手", "拉我的手", "拉她的手",
        "偷窥", "偷听", "侵犯了我", "侵犯我", "被侵犯", "强暴", "翻墙", "被骗进",
        "门被锁", "refusestogo", "refusingtogo", "wontgo",
        "wontleave", "wouldntleave", "refusestoleave", "refusedtoleave", "notleaving",
        "breakinto", "breakingin", "brokeinto", "brokein", "threatened", "threatening",
        "killme", "killus", "attackedme", "beatme", "rapedme",
        "bangingonmydoor", "bangingonthedoor",
    ),
    patterns=(
        r"{worker}[^|]{0,12}(?:不肯走|不愿走|不走|不离开|赖着|赖在|反锁|不出去|不肯出去)",
        r"(?:被|把我)[^|]{0,6}(?:关|锁|困)在(?!门外|外面|外边|家门外)",
        r"(?:翻|爬|钻|闯)(?:墙)?进[^|]{0,2}(?:我家|家里|院子|屋里|房间)",
        r"砸(?:我|我的|我家)",
        r"找人(?:来)?(?:弄|打|收拾|教训|搞)",
        r"动手(?:推|打|掐|拉|抢|摸)",
        r"(?:在|又|一直|要|正在|就)打(?:孩子|我孩子|我女儿|我儿子|我妈|我老婆|我妻子|人)(?!疫苗|针)",
        r"stillin(?:my|the|our)(?:house|home|apartment|flat|room)",
        r"陌生(?:男人|男的|人|女人)[^|]{0,6}(?:门外|门口|楼下|窗外|家里)",
        r"钥匙[^|]{0,3}(?:拿走|偷|配)|(?:拿走|偷|配)了?[^|]{0,4}钥匙",
        r"威胁(?:我|说|要)",
        r"砍(?:死|我|人|伤)",
        r"(?<!不)打了?我" + _NOT_A_CALL + r"(?!号)",
        r"被[^|]{0,5}打(?:了|伤|得|成)(?![^|]{0,2}(?:电话|折|包|卡|款|印))",
        r"记住[^|]{0,4}(?:密码|门牌|地址)",
        r"说[^|]{0,4}(?:要|会)(?:杀|弄死|砍|打死|打我|报复|找人)",
        r"要杀(?:了)?(?:我|你|人|他|她|全家)",
        r"强行[^|]{0,2}(?:要)?(?:进|闯|开门|拉)",
        r"不让我(?:回家|关门|出去|走|进门|离开|出门|下车)",
        r"知道我(?:家)?(?:住|在哪|地址|一个人|几点|门牌)",
        r"(?:让|叫)我[^|]{0,4}小心",
        r"把我(?:拉|拖|拽|推)(?:进|到|走|倒)",
        r"(?:拿|持|举|抄)着?[^|]{0,3}(?:刀|棍|棒|斧|锤|砖|枪|凶器)",
        r"(?:门口|门外|楼下)[^|]{0,3}(?:砸|蹲着|守着)",
        r"(?:在|赖在)我家[^|]{0,4}不(?:肯|愿)?走",
        r"(?:修|装|送|安装|维修)[^|]{1,4}的[^|]{0,12}(?:不肯走|不愿走|不走|不离开|赖着|赖在)",
        r"hitme(?!up)",
    ),
    pairs=(
        (
            r"说我(?:长得)?(?:很|好|真)?(?:好看|漂亮|性感|身材好)",
            r"等我|找我|跟着|不走|怕|要我的?(?:电话|微信|手机)",
        ),
        (
            r"敲[^|]{0,3}门|按[^|]{0,3}门铃|砸门|踢门",
            r"还在门外|还在门口|不走|不敢|害怕|没买|陌生|半夜|猫眼",
        ),
        (
            r"(?:害怕|好怕|很怕|有点怕|怕死了|吓坏了)[了啊呀]?(?=\||$)|吓得|躲在|躲进|躲着",
            r"{worker}|骚扰",
        ),
        (r"骂我|凶我|吼我|威胁我", r"(?:说|扬言|喊着?)要?(?:上来|上楼|过来|进来|来找我)"),
    ),
    cancelled_by=(QUESTION, MEDIA, RESOLVED),
)
