"""Masking of private data (phones, ID and bank cards, addresses) in Chinese text.

See ``docs/safety.md`` ("Private data"). Importing this package does not load
spaCy: :class:`PrivacyMasker` builds its pipeline (blank ``zh``, jieba
segmenter, two rule ``Matcher`` s, all offline) on first use.

Decisions:
    - Order numbers (16 digits from 25/26) are not private. One that also
      passes Luhn is masked as a bank card only after a card cue in the same
      clause (银行卡, 卡号, 信用卡…); any 16-19 digit number after an order or
      tracking cue (订单, 单号, 快递…) is left alone.
    - 15-digit (pre-2013) ID numbers need an ID cue (身份证, 证件…): alone they
      are indistinguishable from other numbers. 18-digit ones need the GB 11643
      check, a province prefix and a real birth date, and win over Luhn.
    - Landlines need a real area-code shape (010/02x + 8 digits, 0[3-9]xx + 7-8);
      400/800 and 95xxx service numbers are not masked.
    - An address needs a street (路, 街, 大道…) or a compound with a building
      unit (小区5栋) and a house number; divisions alone (上海市浦东新区) or a
      compound with a bare 号 (售后中心3号) are not addresses.
    - Masked forms drop separators and country codes (+86 138-1234-5678 becomes
      138****5678) and write full-width digits as ASCII.
"""

from bot.privacy.masker import PrivacyMasker
from bot.privacy.spans import Span

__all__ = ["PrivacyMasker", "Span"]
