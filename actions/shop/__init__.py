"""Shop data layer: models, query functions and the ShopService facade.

Nothing is built at import time; see ``actions.shop.runtime`` for the lazily
created service used by the action server.
"""
