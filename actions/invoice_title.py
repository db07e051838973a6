"""What a shopper's words give as an invoice title (抬头), and what they do not.

Asked 「请告诉我发票抬头」, shoppers answer 「个人」, 「个人的」, their name, a
company with its tax id — or 「嗯」, 「等下我问问财务」, 「专票能开吗」,
「哦不对，是羽绒服那单」. Filed as a title, those became real invoices that only a
person could change. A title is 「个人」, a person's name, or a unit's name
(it has a word like 公司 or 学校); anything else is no title, and is asked
again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions.shop.validation import is_company_title
from actions.text import half_width, simplified, split_contact, split_tax_id

PERSONAL = "个人"  # the invoice title of a shopper who is not a company

_LABEL = re.compile(r"^(?:发票)?(?:的)?(?:抬头|名称)?(?:是|为|写|开|填|用|:|：|\s)*")
_PERSONAL = re.compile(
    r"^(?:开|就|要|写|是)?个人(?:的|抬头|发票|名义)?(?:就行|就好|即可|吧|哈|哦|啊)?$"
)
_PERSONAL_FIRST = re.compile(r"^(?:开|就|要|写|是)?个人(?:的|抬头|发票|名义)?[\s,，。;；]")
_NAMED = re.compile(r"(?:写|开|用)?(?:我的?|本人)?(?:名字|姓名|真名)(?:是|写|:|：)?\s*(.+)$")
# Words that answer something else: a question, a pause, a correction, a yes.
_NO_TITLE = re.compile(
    r"[?？]|吗|什么|啥|怎么|能不能|可不可以|要不要|多少|哪|"
    r"等下|等等|稍等|问问|回头|再说|先不|不开|算了|不用|"
    r"不对|错了|不是|搞错|"
    r"^(?:嗯+|恩+|对+|好+|好的|是的?|可以|行|ok|OK|没问题)[啊呀哦吧的了!！。.~]*$"
)
# 「开个人发票」, 「抬头是个人」, 「开发票 个人的，另外…」.
_PERSONAL_IN_REQUEST = re.compile(
    r"个人的?(?:发票|抬头)|抬头[是为写:：\s]*个人|(?:^|[\s,，])个人的?(?=$|[\s,，。;；])"
)
_SPECIAL = re.compile(r"专票|专用发票|增值税专")
_TRIM = " \t,.!?~，。！？～…;；:：\"'「」“”"


@dataclass(frozen=True)
class TitleAnswer:
    """A title and tax id, if the words give them; whether they ask about special invoices."""

    title: str | None = None
    tax_id: str | None = None
    asks_special_invoice: bool = False


def title_in_answer(text: str) -> TitleAnswer:
    """What the answer to 「请告诉我发票抬头」 gives."""
    normal = _LABEL.sub("", simplified(half_width(text)).strip(_TRIM)).strip(_TRIM)
    special = bool(_SPECIAL.search(normal))
    if _PERSONAL.match(normal) or _PERSONAL_FIRST.match(normal):
        return TitleAnswer(PERSONAL)  # 「个人，开好发我邮箱」: the rest is no title
    title, tax_id = split_tax_id(normal)
    title = _LABEL.sub("", title).strip(_TRIM)
    if not title:
        return TitleAnswer(None, tax_id, special)  # a tax id alone: the title is asked again
    if _asks_or_hesitates(title):
        return TitleAnswer(None, tax_id, special)
    if is_company_title(title):
        return TitleAnswer(title, tax_id)
    if special:
        return TitleAnswer(None, tax_id, special)
    name = _person_named(title)
    return TitleAnswer(name, tax_id) if name else TitleAnswer(None, tax_id)


def title_in_request(text: str) -> TitleAnswer:
    """The title a request gives with it (「…开发票，抬头是某某公司，税号…」, 「开个人发票」)."""
    normal = simplified(half_width(text))
    if _PERSONAL_IN_REQUEST.search(normal):
        return TitleAnswer(PERSONAL)
    said = re.search(r"抬头(?:是|为|写|开|填|用|:|：|\s)*(.+)$", normal)
    if said is None:
        return TitleAnswer()
    answer = title_in_answer(said.group(1))
    # A unit's name, or a name said to be one: after 「抬头」 a bare 「张三」 may be chatter.
    if answer.title is not None and (is_company_title(answer.title) or _NAMED.search(said[1])):
        return answer
    return TitleAnswer(None, answer.tax_id)


def _asks_or_hesitates(text: str) -> bool:
    return bool(_NO_TITLE.search(text))


def _person_named(text: str) -> str | None:
    """A person's name given as the title: 「林晓」, 「写我名字林晓」."""
    labelled = _NAMED.search(text)
    candidate = (labelled.group(1) if labelled else text).strip(_TRIM)
    contact = split_contact(candidate)
    if contact.receiver and not contact.phone and not contact.address.strip(_TRIM):
        return contact.receiver
    return None
