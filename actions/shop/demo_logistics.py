"""Demo shipments and their tracking events, relative to ``now``."""

from __future__ import annotations

from datetime import datetime, timedelta

from actions.shop.demo_data import (
    DEMO_COMPLETED_ORDER,
    DEMO_DELIVERED_ORDER,
    DEMO_DELIVERED_TRACKING,
    DEMO_SHIPPED_ORDER,
    DEMO_SHIPPED_TRACKING,
    OTHER_SHIPPED_ORDER,
    OTHER_SHIPPED_TRACKING,
    OTHER_SHOPPER_ORDER,
    PLATINUM_DELIVERED_ORDER,
)
from actions.shop.models import Shipment, TrackingEvent

#: (hours ago, location, description)
_Event = tuple[float, str, str]

_SF_SHANGHAI: list[_Event] = [
    (30, "广州市", "顺丰速运已收取快件，揽收网点【广州白云营业点】"),
    (27, "广州市", "快件已到达【广州白云转运中心】"),
    (25, "广州市", "快件已从【广州白云转运中心】发出，准备发往【上海浦东转运中心】"),
    (8, "上海市", "快件已到达【上海浦东转运中心】"),
    (5, "上海市", "快件已从【上海浦东转运中心】发出，准备发往【上海徐汇漕河泾营业点】"),
    (3, "上海市", "快件已到达【上海徐汇漕河泾营业点】"),
    (1, "上海市", "快件派送中，派送员【张师傅，电话13912345678】，请保持电话畅通"),
]

_JD_SHANGHAI: list[_Event] = [
    (96, "北京市", "京东物流已揽收，揽收网点【北京亦庄营业部】"),
    (90, "北京市", "快件已从【北京亦庄分拣中心】发出，下一站【上海嘉定分拣中心】"),
    (60, "上海市", "快件已到达【上海嘉定分拣中心】"),
    (52, "上海市", "快件派送中，配送员【陈师傅，电话13812340000】"),
    (48, "上海市", "快件已签收，签收人：本人签收，感谢使用京东物流"),
]

_ZTO_DONE: list[_Event] = [
    (650, "杭州市", "中通快递已揽收【杭州萧山公司】"),
    (630, "上海市", "快件已到达【上海转运中心】"),
    (600, "上海市", "快件已签收，签收人：前台代收"),
]

_YTO_BEIJING: list[_Event] = [
    (20, "昆明市", "圆通速递已揽收【云南省昆明市官渡区公司】"),
    (16, "昆明市", "快件已从【昆明转运中心】发出，下一站【北京转运中心】"),
]

_YTO_BEIJING_DONE: list[_Event] = [
    (50, "上海市", "圆通速递已揽收【上海市青浦区公司】"),
    (34, "北京市", "快件已到达【北京转运中心】"),
    (24, "北京市", "快件已签收，签收人：家门口"),
]

_SF_SHENZHEN_DONE: list[_Event] = [
    (140, "东莞市", "顺丰速运已收取快件，揽收网点【东莞松山湖营业点】"),
    (120, "深圳市", "快件已到达【深圳南山科技园营业点】"),
    (96, "深圳市", "快件已签收，签收人：本人签收"),
]

# order id, carrier, tracking no, courier, courier phone, events
_SHIPMENTS: list[tuple[str, str, str, str, str, list[_Event]]] = [
    (DEMO_SHIPPED_ORDER, "顺丰速运", DEMO_SHIPPED_TRACKING,
     "张师傅", "13912345678", _SF_SHANGHAI),
    (DEMO_DELIVERED_ORDER, "京东物流", DEMO_DELIVERED_TRACKING,
     "陈师傅", "13812340000", _JD_SHANGHAI),
    (DEMO_COMPLETED_ORDER, "中通快递", "ZT75318864420917",
     "刘师傅", "13567890123", _ZTO_DONE),
    (OTHER_SHIPPED_ORDER, "圆通速递", OTHER_SHIPPED_TRACKING,
     "", "", _YTO_BEIJING),
    (OTHER_SHOPPER_ORDER, "圆通速递", "YT8866300012345",
     "孙师傅", "13700001111", _YTO_BEIJING_DONE),
    (PLATINUM_DELIVERED_ORDER, "顺丰速运", "SF142836779999",
     "黄师傅", "13600002222", _SF_SHENZHEN_DONE),
]  # fmt: skip


def demo_shipments(now: datetime) -> list[Shipment]:
    """Return a shipment, with its scans, for every shipped demo order."""
    return [
        Shipment(
            order_id=order_id,
            carrier=carrier,
            tracking_no=tracking_no,
            courier_name=courier,
            courier_phone=phone,
            created_at=now - timedelta(hours=events[0][0]),
            events=[
                TrackingEvent(
                    at=now - timedelta(hours=hours),
                    location=location,
                    description=description,
                )
                for hours, location, description in events
            ],
        )
        for order_id, carrier, tracking_no, courier, phone, events in _SHIPMENTS
    ]
