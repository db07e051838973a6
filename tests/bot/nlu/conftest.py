"""Fixtures for the NLU components: model storage, contexts and a tiny data set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# A few shop intents, phrased the way shoppers write; six or more examples
# each so the classifier can hold out folds to calibrate.
EXAMPLES: dict[str, list[str]] = {
    "greet": ["你好", "您好", "在吗", "哈喽", "早上好", "有人在吗", "嗨 在不在", "你好呀客服"],
    "order_status": [
        "帮我查下订单", "我的订单现在什么状态", "订单到哪一步了", "查一下我的订单",
        "订单显示待发货是什么意思", "我买的东西发货了没有", "看看我的订单状态", "订单查询",
    ],
    "refund_request": [
        "我要退款", "申请退款", "不想要了能退钱吗", "帮我把钱退了", "怎么申请退款",
        "东西不要了退款吧", "我想退款", "可以退款吗",
    ],
    "change_address": [
        "我想改收货地址", "地址填错了能改吗", "帮我修改地址", "收货地址写错了",
        "能换个地址送吗", "改一下收件地址", "我要改地址", "地址要改一下",
    ],
    "out_of_scope": [
        "今天天气怎么样", "讲个笑话", "帮我写篇作文", "1+1等于几", "推荐一部电影",
        "股票能买吗", "你会唱歌吗", "宇宙有多大",
    ],
}  # fmt: skip


def make_training_data(examples: dict[str, list[str]] = EXAMPLES) -> TrainingData:
    """Training data with one message per example text."""
    return TrainingData(
        [Message(data={"text": t, "intent": i}) for i, texts in examples.items() for t in texts]
    )


@pytest.fixture
def training_data() -> TrainingData:
    return make_training_data()


@pytest.fixture
def model_storage(tmp_path: Path) -> ModelStorage:
    (tmp_path / "model").mkdir()
    return LocalModelStorage(tmp_path / "model")


@pytest.fixture
def context() -> Callable[[str], ExecutionContext]:
    def make(node_name: str) -> ExecutionContext:
        return ExecutionContext(GraphSchema({}), node_name=node_name)

    return make
