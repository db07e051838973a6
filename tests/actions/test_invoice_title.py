"""Reading an invoice title (抬头) out of a shopper's words, and nothing that is none."""

from __future__ import annotations

import pytest

from actions.invoice_title import TitleAnswer, title_in_answer, title_in_request

TAX_ID = "91310104MA1FL0XX1K"


@pytest.mark.parametrize(
    ("text", "title", "tax_id"),
    [
        ("个人", "个人", None),
        ("个人的", "个人", None),
        ("個人", "个人", None),  # traditional characters
        ("抬头：个人", "个人", None),
        ("个人，开好发我邮箱linxiao@qq.com", "个人", None),
        ("林晓", "林晓", None),
        ("写我名字林晓", "林晓", None),
        ("杭州小鹿设计工作室", "杭州小鹿设计工作室", None),
        ("北京市海淀区人民政府", "北京市海淀区人民政府", None),
        (f"上海小林科技有限公司 {TAX_ID}", "上海小林科技有限公司", TAX_ID),
        (f"发票抬头写上海小林科技有限公司，税号{TAX_ID}", "上海小林科技有限公司", TAX_ID),
        (TAX_ID, None, TAX_ID),  # the title is asked again, the tax id kept
    ],
)
def test_a_title_is_personal_a_name_or_a_unit(text: str, title: str, tax_id: str | None) -> None:
    assert title_in_answer(text) == TitleAnswer(title, tax_id)


@pytest.mark.parametrize(
    "text",
    # Each was filed as a title in the QA round: a yes, a pause, a correction, a question.
    ["嗯", "对", "好的", "等下我问问我们财务抬头写啥", "哦不对,是羽绒服那单", "算了先不开了",
     "公司抬头要写全称吗", "深圳腾讯"],
)  # fmt: skip
def test_words_that_are_no_title_give_none(text: str) -> None:
    assert title_in_answer(text).title is None


def test_a_question_about_special_invoices_is_told_apart() -> None:
    assert title_in_answer("专票能开吗") == TitleAnswer(None, None, asks_special_invoice=True)


@pytest.mark.parametrize(
    ("text", "title", "tax_id"),
    [
        ("我要开发票，抬头是上海小林科技有限公司", "上海小林科技有限公司", None),
        ("开票 抬头：个人", "个人", None),
        ("590142开个人发票", "个人", None),
        ("开个发票 个人的", "个人", None),
        ("开发票 个人的，另外查下物流", "个人", None),
        ("263307开票，抬头写我名字林晓", "林晓", None),
        # The tax id after a comma, or no 「是」: both were lost.
        (f"263307那单开发票，抬头是北京字节跳动科技有限公司，税号{TAX_ID}",
         "北京字节跳动科技有限公司", TAX_ID),
        (f"抬头北京字节跳动科技有限公司 税号{TAX_ID}", "北京字节跳动科技有限公司", TAX_ID),
        ("我要开发票", None, None),
        ("发票抬头怎么写", None, None),
    ],
)  # fmt: skip
def test_a_title_given_with_the_request_is_read(text: str, title: str, tax_id: str) -> None:
    found = title_in_request(text)
    assert (found.title, found.tax_id if found.title else None) == (title, tax_id)
