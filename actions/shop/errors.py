"""Errors raised by the shop service.

Hierarchy::

    ShopError
    ├── OrderNotFound
    │   └── NotYourOrder          (answer the shopper exactly as "not found")
    ├── InvalidOrderState         (order_id, status, action, reason)
    ├── RefundAlreadyRequested    (refund)
    ├── NothingToRefund           (order_id)
    ├── InvoiceAlreadyRequested   (invoice)
    └── InvalidInput              (field, reason)

``NotYourOrder`` subclasses ``OrderNotFound`` so that an edge catching
``OrderNotFound`` cannot leak that another shopper's order exists, while logs
and tests can still tell the two apart.
"""

from __future__ import annotations

from actions.shop.views import InvoiceView, RefundView


class ShopError(Exception):
    """Base class of every shop error."""


class OrderNotFound(ShopError):
    """No order (or shipment tracking number) matches.

    Attributes:
        order_id: The order id looked up, if any.
        tracking_no: The tracking number looked up, if any.
    """

    def __init__(self, order_id: str | None = None, *, tracking_no: str | None = None) -> None:
        self.order_id = order_id
        self.tracking_no = tracking_no
        super().__init__(f"order not found: {order_id or tracking_no}")


class NotYourOrder(OrderNotFound):
    """The order exists but belongs to another shopper.

    Attributes:
        shopper_id: The shopper who asked.
    """

    def __init__(
        self,
        order_id: str,
        shopper_id: str,
        *,
        tracking_no: str | None = None,
    ) -> None:
        super().__init__(order_id, tracking_no=tracking_no)
        self.shopper_id = shopper_id
        self.args = (f"order {order_id} does not belong to {shopper_id}",)


class InvalidOrderState(ShopError):
    """The action is not allowed for the order as it is now.

    Attributes:
        order_id: The order.
        status: Its current status.
        action: "urge", "cancel", "change_address", "refund", "invoice" or
            "price_protect".
        reason: "status" when the status forbids it, "too_late" when the
            time window has passed, "refunded" (price protection) or
            "refunding" (urging) when all of the order is being refunded.
    """

    def __init__(self, order_id: str, status: str, action: str, reason: str = "status") -> None:
        self.order_id = order_id
        self.status = status
        self.action = action
        self.reason = reason
        super().__init__(f"cannot {action} order {order_id} ({status}, {reason})")


class RefundAlreadyRequested(ShopError):
    """An approved, pending or completed refund already exists.

    Attributes:
        refund: The existing refund.
    """

    def __init__(self, refund: RefundView) -> None:
        self.refund = refund
        super().__init__(f"refund {refund.id} already requested for {refund.order_id}")


class NoActiveRefund(ShopError):
    """The order has no refund in progress to withdraw.

    Attributes:
        order_id: The order.
    """

    def __init__(self, order_id: str) -> None:
        self.order_id = order_id
        super().__init__(f"no refund in progress for order {order_id}")


class RefundNotWithdrawable(ShopError):
    """The refund was approved already: the money is on its way back.

    Attributes:
        refund: The refund.
    """

    def __init__(self, refund: RefundView) -> None:
        self.refund = refund
        super().__init__(f"refund {refund.id} is {refund.status}, too late to withdraw")


class NothingToRefund(ShopError):
    """The order has no money to give back (e.g. a zero total).

    Attributes:
        order_id: The order.
    """

    def __init__(self, order_id: str) -> None:
        self.order_id = order_id
        super().__init__(f"nothing to refund for order {order_id}")


class InvoiceAlreadyRequested(ShopError):
    """The order already has an invoice.

    Attributes:
        invoice: The existing invoice.
    """

    def __init__(self, invoice: InvoiceView) -> None:
        self.invoice = invoice
        super().__init__(f"invoice {invoice.id} already requested for {invoice.order_id}")


class InvalidInput(ShopError):
    """A value supplied by the shopper is not acceptable.

    Attributes:
        field: "address", "receiver", "phone", "amount", "goods", "reason",
            "title" or "tax_id".
        reason: A short machine-readable explanation, e.g. "too_short".
    """

    def __init__(self, field: str, reason: str = "invalid") -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"invalid {field}: {reason}")
