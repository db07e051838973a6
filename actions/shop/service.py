"""ShopService: the shop operations the bot's actions call.

Each public method runs in its own transaction and returns frozen views from
``actions.shop.views``; a refused operation raises a ``ShopError`` inside the
transaction, so nothing of it is committed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime

from sqlalchemy.orm import sessionmaker

from actions.shop import store
from actions.shop.errors import (
    InvalidOrderState,
    InvoiceAlreadyRequested,
    NotYourOrder,
    OrderNotFound,
)
from actions.shop.models import Invoice, utc_now
from actions.shop.policy import (
    ADDRESS_STATES,
    CANCEL_STATES,
    INVOICE_STATES,
    URGE_STATES,
    cancellation_refund,
    check_no_refund_overlap,
    check_price_protect,
    check_refundable,
    closes_unshipped_order,
    new_refund,
    price_drops,
    rank_products,
    refund_amount,
    refund_lines,
    refunded_in_full,
    require_status,
    withdraw,
)
from actions.shop.validation import (
    validate_address,
    validate_invoice,
    validate_phone,
    validate_reason,
    validate_receiver,
)
from actions.shop.views import (
    CouponView,
    InvoiceView,
    ItemView,
    OrderView,
    ProductView,
    RefundView,
    ShipmentView,
    ShopperView,
    coupon_view,
    invoice_view,
    order_view,
    product_view,
    refund_view,
    shipment_view,
    shopper_view,
)


class ShopService:
    """Shop operations on behalf of one shopper at a time.

    Args:
        sessionmaker: Factory of ``AsyncSession`` (see ``db.make_sessionmaker``).
        clock: Returns the current aware UTC time; inject a fixed one in tests.
    """

    def __init__(self, sessionmaker: sessionmaker, clock: Callable[[], datetime] = utc_now) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock

    def now(self) -> datetime:
        """The shop's current time (the injected clock's)."""
        return self._clock()

    async def shopper(self, shopper_id: str) -> ShopperView | None:
        """Return the shopper's profile, or None if unknown."""
        async with self._sessionmaker.begin() as s:
            shopper = await store.get_shopper(s, shopper_id)
            return shopper_view(shopper) if shopper else None

    async def order(self, shopper_id: str, order_id: str) -> OrderView:
        """Return one of the shopper's orders.

        Raises:
            OrderNotFound: No such order (``NotYourOrder`` if someone else's).
        """
        async with self._sessionmaker.begin() as s:
            return order_view(await store.owned_order(s, shopper_id, order_id))

    async def recent_orders(self, shopper_id: str, limit: int = 5) -> list[OrderView]:
        """Return the shopper's latest orders, newest first."""
        async with self._sessionmaker.begin() as s:
            orders = await store.recent_orders(s, shopper_id, limit)
            return [order_view(order) for order in orders]

    async def shipment(self, shopper_id: str, order_id: str) -> ShipmentView | None:
        """Return the order's shipment, or None when it has not shipped.

        Raises:
            OrderNotFound: No such order (``NotYourOrder`` if someone else's).
        """
        async with self._sessionmaker.begin() as s:
            order = await store.owned_order(s, shopper_id, order_id)
            shipment = await store.shipment_for_order(s, order.id)
            return shipment_view(shipment) if shipment else None

    async def find_shipment_by_tracking(
        self, shopper_id: str, tracking_no: str
    ) -> tuple[OrderView, ShipmentView]:
        """Return the order and shipment with this tracking number.

        Raises:
            OrderNotFound: Unknown number (``NotYourOrder`` if someone else's).
        """
        number = "".join(tracking_no.split()).upper()
        async with self._sessionmaker.begin() as s:
            shipment = await store.shipment_by_tracking(s, number)
            order = await store.get_order(s, shipment.order_id) if shipment else None
            if shipment is None or order is None:
                raise OrderNotFound(tracking_no=number)
            if order.shopper_id != shopper_id:
                raise NotYourOrder(order.id, shopper_id, tracking_no=number)
            return order_view(order), shipment_view(shipment)

    async def urge(self, shopper_id: str, order_id: str) -> tuple[OrderView, datetime | None]:
        """Record a 催发货/催派送 for a paid or shipped order.

        Returns:
            The order, and when it was urged before (None if never).

        Raises:
            OrderNotFound: No such order (``NotYourOrder`` if someone else's).
            InvalidOrderState: action "urge" in any other status, or reason
                "refunding" while all of it is being refunded.
        """
        async with self._sessionmaker.begin() as s:
            order = await store.owned_order(s, shopper_id, order_id)
            require_status(order, URGE_STATES, "urge")
            if refunded_in_full(await store.active_refunds(s, order.id), order):
                raise InvalidOrderState(order.id, order.status, "urge", "refunding")
            before = await store.latest_urge(s, order.id)
            await store.add_urge(s, order.id, shopper_id, self._clock())
            return order_view(order), before

    async def cancel_order(self, shopper_id: str, order_id: str) -> OrderView:
        """Cancel an order that has not shipped.

        Cancelling a paid order also approves a refund of the full amount.

        Raises:
            OrderNotFound: No such order (``NotYourOrder`` if someone else's).
            InvalidOrderState: action "cancel" unless pending_payment or paid.
        """
        async with self._sessionmaker.begin() as s:
            order = await store.owned_order(s, shopper_id, order_id, for_update=True)
            require_status(order, CANCEL_STATES, "cancel")
            now = self._clock()
            if order.status == "paid":
                active = await store.active_refunds(s, order.id)
                refund = cancellation_refund(order, active, now)
                if refund is not None:
                    await store.add_refund(s, refund)
            order.status = "cancelled"
            order.cancelled_at = now
            return order_view(order)

    async def change_address(
        self,
        shopper_id: str,
        order_id: str,
        address: str,
        receiver: str | None = None,
        phone: str | None = None,
    ) -> OrderView:
        """Change the delivery address (and receiver/phone) before shipping.

        Raises:
            OrderNotFound: No such order (``NotYourOrder`` if someone else's).
            InvalidOrderState: action "change_address" once shipped/cancelled.
            InvalidInput: field "address", "receiver" or "phone".
        """
        async with self._sessionmaker.begin() as s:
            order = await store.owned_order(s, shopper_id, order_id, for_update=True)
            require_status(order, ADDRESS_STATES, "change_address")
            order.address = validate_address(address)
            if receiver is not None:
                order.receiver = validate_receiver(receiver)
            if phone is not None:
                order.receiver_phone = validate_phone(phone)
            return order_view(order)

    async def request_refund(
        self,
        shopper_id: str,
        order_id: str,
        reason: str,
        amount_fen: int | None = None,
        goods: Mapping[str, int] | None = None,
    ) -> RefundView:
        """Request a refund of the order, or of ``goods`` in it (product id → how many);
        gold and platinum shoppers get 极速退款.

        Raises:
            OrderNotFound: No such order (``NotYourOrder`` if someone else's).
            InvalidOrderState: action "refund" (status, or reason "too_late"
                for a completed order delivered over 15 days ago).
            RefundAlreadyRequested: A refund of the order, or of these goods,
                is under way or done.
            NothingToRefund: The order total is zero.
            InvalidInput: field "amount" (not 1..the goods' share of the total),
                "goods" (not in the order, or more than it holds) or "reason".
        """
        async with self._sessionmaker.begin() as s:
            order = await store.owned_order(s, shopper_id, order_id, for_update=True)
            now = self._clock()
            check_refundable(order, now)
            lines = refund_lines(order, goods or {})
            active = await store.active_refunds(s, order.id)
            check_no_refund_overlap(order, active, goods or {})
            refunded = sum(refund.amount_fen for refund in active)
            amount = refund_amount(order, amount_fen, goods, refunded)
            shopper = await store.get_shopper(s, shopper_id)
            tier = shopper.tier if shopper is not None else "normal"
            refund = new_refund(order, tier, amount, validate_reason(reason), now, lines)
            if closes_unshipped_order(order, [*active, refund]):
                order.status, order.cancelled_at = "cancelled", now
            return refund_view(await store.add_refund(s, refund))

    async def withdraw_refund(
        self, shopper_id: str, order_id: str, refund_id: int | None = None
    ) -> RefundView:
        """Withdraw a refund request of the order while it is under review: ``refund_id``,
        or the newest.

        Raises:
            OrderNotFound: No such order (``NotYourOrder`` if someone else's).
            NoActiveRefund: None in progress (none with ``refund_id``).
            RefundNotWithdrawable: Approved or paid out already.
        """
        async with self._sessionmaker.begin() as s:
            order = await store.owned_order(s, shopper_id, order_id, for_update=True)
            active = await store.active_refunds(s, order.id)
            return refund_view(withdraw(active, order.id, self._clock(), refund_id))

    async def refunded_in_full(self, shopper_id: str, order_id: str) -> bool:
        """Whether the order's refunds under way or done give all of it back."""
        async with self._sessionmaker.begin() as s:
            order = await store.owned_order(s, shopper_id, order_id)
            return refunded_in_full(await store.active_refunds(s, order.id), order)

    async def refunds(self, shopper_id: str, order_id: str | None = None) -> list[RefundView]:
        """Return the shopper's refunds (of one order if given), newest first.

        Raises:
            OrderNotFound: ``order_id`` given but not the shopper's.
        """
        async with self._sessionmaker.begin() as s:
            key = None
            if order_id is not None:
                key = (await store.owned_order(s, shopper_id, order_id)).id
            refunds = await store.refunds_for(s, shopper_id, key)
            return [refund_view(refund) for refund in refunds]

    async def usable_coupons(self, shopper_id: str) -> list[CouponView]:
        """Return coupons usable now, soonest expiry first."""
        now = self._clock()
        async with self._sessionmaker.begin() as s:
            coupons = await store.usable_coupons(s, shopper_id, now)
            return [coupon_view(coupon, now) for coupon in coupons]

    async def coupons(self, shopper_id: str) -> list[CouponView]:
        """Return all the shopper's coupons, used and expired ones too (「满100减10怎么不见了」)."""
        now = self._clock()
        async with self._sessionmaker.begin() as s:
            coupons = await store.shopper_coupons(s, shopper_id)
            return [coupon_view(coupon, now) for coupon in coupons]

    async def invoice(self, shopper_id: str, order_id: str) -> InvoiceView | None:
        """Return the order's invoice, or None when none was requested.

        Raises:
            OrderNotFound: No such order (``NotYourOrder`` if someone else's).
        """
        async with self._sessionmaker.begin() as s:
            order = await store.owned_order(s, shopper_id, order_id)
            invoice = await store.invoice_for_order(s, order.id)
            return invoice_view(invoice) if invoice else None

    async def request_invoice(
        self, shopper_id: str, order_id: str, title: str, tax_id: str | None = None
    ) -> InvoiceView:
        """Request an electronic invoice for a paid (or later) order.

        Raises:
            OrderNotFound: No such order (``NotYourOrder`` if someone else's).
            InvalidOrderState: action "invoice" if unpaid or cancelled, reason
                "refunded" once all of it is (being) refunded.
            InvoiceAlreadyRequested: The order already has an invoice.
            InvalidInput: field "title" or "tax_id".
        """
        async with self._sessionmaker.begin() as s:
            order = await store.owned_order(s, shopper_id, order_id, for_update=True)
            require_status(order, INVOICE_STATES, "invoice")
            if refunded_in_full(await store.active_refunds(s, order.id), order):
                raise InvalidOrderState(order.id, order.status, "invoice", "refunded")
            existing = await store.invoice_for_order(s, order.id)
            if existing is not None:
                raise InvoiceAlreadyRequested(invoice_view(existing))
            clean_title, clean_tax_id = validate_invoice(title, tax_id)
            invoice = Invoice(
                order_id=order.id,
                shopper_id=shopper_id,
                title=clean_title,
                tax_id=clean_tax_id,
                kind="electronic",
                status="requested",
                created_at=self._clock(),
            )
            return invoice_view(await store.add_invoice(s, invoice))

    async def products(self, product_ids: Collection[str]) -> list[ProductView]:
        """The catalogue's products of these ids (those it still has)."""
        async with self._sessionmaker.begin() as s:
            found = await store.products_by_id(s, product_ids)
        return [product_view(found[pid]) for pid in product_ids if pid in found]

    async def match_products(self, text: str, limit: int = 3) -> list[ProductView]:
        """Return products whose name or an alias occurs in ``text``.

        Longer matches come first, so "蓝牙耳机" beats "耳机".
        """
        async with self._sessionmaker.begin() as s:
            products = [product_view(p) for p in await store.all_products(s)]
        return rank_products(products, text, limit)

    async def categories(self) -> list[str]:
        """The catalogue's categories, in catalogue order (「服装」, 「数码」…)."""
        async with self._sessionmaker.begin() as s:
            products = await store.all_products(s)
        return list(dict.fromkeys(p.category for p in products))

    async def products_in(self, category: str) -> list[ProductView]:
        """The catalogue's products of ``category``, in catalogue order."""
        async with self._sessionmaker.begin() as s:
            return [product_view(p) for p in await store.products_in(s, category)]

    async def price_protect(self, shopper_id: str, order_id: str) -> list[tuple[ItemView, int]]:
        """Return items now cheaper than paid, with the difference in fen.

        Raises:
            OrderNotFound: No such order (``NotYourOrder`` if someone else's).
            InvalidOrderState: action "price_protect" (status, reason
                "too_late" more than 15 days after payment, or "refunded"
                when a refund is under way or done).
        """
        async with self._sessionmaker.begin() as s:
            order = await store.owned_order(s, shopper_id, order_id)
            refunded = refunded_in_full(await store.active_refunds(s, order.id), order)
            check_price_protect(order, self._clock(), refunded)
            ids = [item.product_id for item in order.items]
            products = await store.products_by_id(s, ids)
            prices = {pid: product.price_fen for pid, product in products.items()}
            return price_drops(order.items, prices)
