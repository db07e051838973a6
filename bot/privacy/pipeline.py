"""Build the spaCy pipeline: jieba-segmented Chinese plus rule matchers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.privacy.patterns import address_patterns, number_patterns

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher

# spacy.lang.zh reads the segmenter from [nlp.tokenizer]; "jieba" needs only
# the jieba package, no model download.
ZH_CONFIG = {"nlp": {"tokenizer": {"segmenter": "jieba"}}}


@dataclass(frozen=True)
class Pipeline:
    """A blank Chinese spaCy pipeline and the matchers run on its docs."""

    nlp: Language
    numbers: Matcher
    addresses: Matcher


def build_pipeline() -> Pipeline:
    """Create the pipeline (imports spaCy, loads jieba's dictionary: about a second)."""
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("zh", config=ZH_CONFIG)
    numbers = Matcher(nlp.vocab, validate=True)
    for label, patterns in number_patterns().items():
        numbers.add(label, patterns)
    addresses = Matcher(nlp.vocab, validate=True)
    # All matches, not spaCy's greedy filter: overlaps are settled after each
    # core is extended to its room, so the longest full address wins.
    addresses.add("address", address_patterns())
    # jieba builds its prefix dictionary on the first cut, not at import.
    nlp("预热")
    return Pipeline(nlp=nlp, numbers=numbers, addresses=addresses)
