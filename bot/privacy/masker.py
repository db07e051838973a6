"""Find and mask phone, ID card, bank card numbers and addresses in Chinese text."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace

from actions.text import half_width
from bot.privacy.address import address_hit
from bot.privacy.numbers import number_hit
from bot.privacy.pipeline import Pipeline, build_pipeline
from bot.privacy.spans import Hit, Span, clip, resolve

__all__ = ["PrivacyMasker", "Span"]

# Dashes people type between digit groups, mapped one character to one so
# offsets in the normalised text hold for the original.
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−﹣"})
# spaCy refuses texts over nlp.max_length; long log records (tracker dumps)
# are cut at line ends into pieces of this size.
_CHUNK_CHARS = 20_000


def normalise(text: str) -> str:
    """Half-width digits, letters and dashes; same length as ``text``."""
    return half_width(text).translate(_DASHES)


class PrivacyMasker:
    """Masks private data in shopper text for logs, the trainer's view and exports.

    The spaCy pipeline (blank ``zh`` with the jieba segmenter and rule
    matchers) is built on first use and shared; instances are thread-safe.

    Example:
        >>> PrivacyMasker().mask("电话13812345678")
        '电话138****5678'
    """

    def __init__(self, pipeline: Pipeline | None = None) -> None:
        """Create a masker.

        Args:
            pipeline: A pipeline to reuse; by default one is built on first use.
        """
        self._pipeline = pipeline
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Build the pipeline now rather than on the first message."""
        self._get_pipeline()

    def find(self, text: str) -> list[Span]:
        """The private data in ``text``, in order, with offsets into ``text``."""
        return [Span(h.kind, h.start, h.end, text[h.start : h.end]) for h in self._hits(text)]

    def mask(self, text: str) -> str:
        """``text`` with each private item replaced by its masked form.

        Phones become ``138****5678`` (landlines ``021-****5678``), ID cards
        keep their first and last four characters, bank cards their last four,
        and addresses their province, city and district (``上海市浦东新区****``).
        Masking masked text changes nothing.
        """
        parts: list[str] = []
        at = 0
        for hit in self._hits(text):
            parts += [text[at : hit.start], hit.replacement]
            at = hit.end
        parts.append(text[at:])
        return "".join(parts)

    def _get_pipeline(self) -> Pipeline:
        if self._pipeline is None:
            with self._lock:
                if self._pipeline is None:
                    self._pipeline = build_pipeline()
        return self._pipeline

    def _hits(self, text: str) -> list[Hit]:
        normal = normalise(text)
        # Every kind needs digits: most log lines skip spaCy entirely.
        if not any(c.isdigit() for c in normal):
            return []
        pipeline = self._get_pipeline()
        hits: list[Hit] = []
        for offset, chunk in chunks(normal, _CHUNK_CHARS):
            hits += [shift(hit, offset) for hit in _chunk_hits(pipeline, chunk)]
        return hits


def chunks(text: str, size: int) -> Iterator[tuple[int, str]]:
    """Split ``text`` into pieces of at most ``size`` characters, at line ends if possible.

    Yields:
        Each piece's offset in ``text`` and the piece.
    """
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        cut = text.rfind("\n", start, end) if end < len(text) else -1
        end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


def shift(hit: Hit, offset: int) -> Hit:
    """``hit`` moved ``offset`` characters to the right."""
    return replace(hit, start=hit.start + offset, end=hit.end + offset) if offset else hit


def _chunk_hits(pipeline: Pipeline, text: str) -> list[Hit]:
    """Validated, non-overlapping hits in a normalised ``text``."""
    doc = pipeline.nlp(text)
    hits: list[Hit] = []
    for match_id, start, end in pipeline.numbers(doc):
        span = doc[start:end]
        label = pipeline.nlp.vocab.strings[match_id]
        hit = number_hit(label, text, span.start_char, span.end_char)
        if hit is not None:
            hits.append(hit)
    addresses = (address_hit(doc, text, s, e) for _, s, e in pipeline.addresses(doc))
    clipped = (clip(address, hits) for address in addresses)
    return resolve(hits + [address for address in clipped if address is not None])
