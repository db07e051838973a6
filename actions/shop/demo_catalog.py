"""The demo shop's catalogue (15 products across six categories)."""

from __future__ import annotations

from actions.shop.models import Product

#: (id, name, aliases, category, price_fen, stock, material, sizes, description)
_ROWS: tuple[tuple[str, str, str, str, int, int, str, str, str], ...] = (
    (
        "P1001", "轻薄羽绒服", "羽绒服,羽绒外套,轻羽绒", "服装", 39900, 126,
        "面料100%锦纶，填充90%白鸭绒", "S,M,L,XL,XXL",
        "90%白鸭绒填充，充绒量120克，轻至380克，可收纳进随附小包，适合秋冬通勤。",
    ),
    (
        "P1002", "纯棉圆领T恤", "T恤,短袖,体恤", "服装", 7900, 480,
        "100%新疆长绒棉", "S,M,L,XL",
        "220克重磅纯棉，领口罗纹加固不易变形，可机洗。",
    ),
    (
        "P1003", "高腰直筒牛仔裤", "牛仔裤,直筒裤", "服装", 15900, 64,
        "98%棉 2%氨纶", "25,26,27,28,29,30",
        "高腰直筒版型，微弹面料，建议按平时尺码选购。",
    ),
    (
        "P1004", "羊毛混纺围巾", "围巾,羊毛围巾", "服装", 12900, 0,
        "50%羊毛 50%腈纶", "均码",
        "180×30厘米，柔软亲肤，冬季百搭。",
    ),
    (
        "P2001", "降噪蓝牙耳机", "蓝牙耳机,耳机,降噪耳机", "数码", 64900, 88,
        "", "",
        "主动降噪，单次续航8小时，配合充电盒30小时，支持蓝牙5.3双设备连接。",
    ),
    (
        "P2002", "65W氮化镓快充充电器", "充电器,快充头,充电头", "数码", 12900, 300,
        "", "",
        "双C口一A口，单口最高65W，可为笔记本、手机同时快充。",
    ),
    (
        "P2003", "智能手表S3", "智能手表,运动手表,手表", "数码", 129900, 42,
        "铝合金表壳，氟橡胶表带", "41毫米,45毫米",
        "支持心率、血氧监测和NFC公交卡，50米防水，续航7天。",
    ),
    (
        "P3001", "婴儿纸尿裤", "纸尿裤,尿不湿,尿片", "母婴", 13900, 210,
        "", "NB,S,M,L,XL",
        "3D立体剪裁，瞬吸干爽，每包52片。",
    ),
    (
        "P3002", "婴儿配方奶粉3段", "奶粉,配方奶粉", "母婴", 32800, 150,
        "", "800克",
        "适合1-3岁幼儿，含DHA与乳铁蛋白，原罐进口。",
    ),
    (
        "P4001", "玻尿酸保湿面霜", "面霜,保湿霜", "美妆", 19900, 175,
        "", "50毫升",
        "多重玻尿酸深层补水，质地清爽不油腻，敏感肌可用。",
    ),
    (
        "P4002", "丝绒哑光口红", "口红,唇膏", "美妆", 16900, 260,
        "", "正红,豆沙,枫叶红",
        "丝绒雾面质地，显色持久不拔干。",
    ),
    (
        "P5001", "每日坚果礼盒", "坚果,每日坚果,坚果礼盒", "食品", 8990, 520,
        "", "30袋装",
        "6种坚果果干科学配比，独立小包装，保质期180天。",
    ),
    (
        "P5002", "云南小粒咖啡豆", "咖啡豆,咖啡", "食品", 6800, 340,
        "", "中度烘焙,深度烘焙",
        "云南保山小粒种阿拉比卡，每袋454克，下单后新鲜烘焙。",
    ),
    (
        "P6001", "空气炸锅5L", "空气炸锅,炸锅", "家电", 39900, 95,
        "", "5升",
        "5升大容量，360°热风循环，少油更健康，可视窗口。",
    ),
    (
        "P6002", "无线吸尘器", "吸尘器,无线吸尘器", "家电", 159900, 30,
        "", "",
        "25000Pa大吸力，续航60分钟，整机可水洗滤网。",
    ),
)  # fmt: skip

#: Current catalogue prices, used by the demo orders.
PRICES: dict[str, int] = {row[0]: row[4] for row in _ROWS}
#: Product names, used for order lines.
NAMES: dict[str, str] = {row[0]: row[1] for row in _ROWS}


def demo_products() -> list[Product]:
    """Return fresh Product objects for the whole demo catalogue."""
    return [
        Product(
            id=pid,
            name=name,
            aliases=aliases,
            category=category,
            price_fen=price,
            stock=stock,
            material=material,
            sizes=sizes,
            description=description,
            authentic_guarantee=True,
        )
        for pid, name, aliases, category, price, stock, material, sizes, description in _ROWS
    ]
