"""A logging filter that masks private data before any handler writes it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping

from bot.privacy.masker import PrivacyMasker

# Set on a record once masked: a logger's filter and its handler's filter
# then do the work once.
_MASKED = "privacy_masked"
WITHHELD = "[message withheld: private-data masking failed]"


class MaskingFilter(logging.Filter):
    """Renders each record's message, masks it and drops the arguments.

    Also masks a formatted traceback and stack, since exception messages
    often quote what the shopper typed. Records logged while the filter is
    already running in the same thread (spaCy or jieba logging during the
    first build) pass through untouched rather than recursing.
    """

    def __init__(self, masker: PrivacyMasker | None = None) -> None:
        """Create the filter.

        Args:
            masker: The masker to use; by default a new one.
        """
        super().__init__()
        self.masker = masker if masker is not None else PrivacyMasker()
        self._busy = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask ``record`` in place; never drops it and never raises."""
        if getattr(self._busy, "on", False) or getattr(record, _MASKED, False):
            return True
        self._busy.on = True
        try:
            self._mask_record(record)
        except Exception:  # a log call must neither fail nor leak
            record.msg, record.args = WITHHELD, None
            record.exc_info = record.exc_text = record.stack_info = None
        finally:
            self._busy.on = False
        setattr(record, _MASKED, True)
        return True

    def _mask_record(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):
            # A broken format string: mask the parts; logging reports the error.
            record.msg = self._mask_value(record.msg)
            record.args = self._mask_args(record.args)
        else:
            record.msg = self.masker.mask(message)
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.masker.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.masker.mask(record.stack_info)

    def _mask_value(self, value: object) -> str:
        # Numbers too: logger.info("%s", 13812345678) passes an int.
        return self.masker.mask(value if isinstance(value, str) else str(value))

    def _mask_args(self, args: object) -> tuple[str, ...] | Mapping[str, str] | None:
        if isinstance(args, Mapping):
            return {key: self._mask_value(value) for key, value in args.items()}
        if isinstance(args, tuple):
            return tuple(self._mask_value(value) for value in args)
        return None


def install(
    logger_names: Iterable[str] = ("", "uvicorn"),
    masking_filter: MaskingFilter | None = None,
) -> MaskingFilter:
    """Add a masking filter to the named loggers and to each of their handlers.

    A logger's own filters only see records logged on that logger, while a
    handler's filters see everything that propagates to it, so both get the
    filter. The root logger's handlers see every logger that propagates; list
    loggers that do not (uvicorn's) by name. Handlers added later are not
    covered: call this after logging is configured. Installing twice does not
    add the filter twice. The masker's pipeline is built here, before any
    record needs it.

    Args:
        logger_names: Loggers to cover; ``""`` is the root logger.
        masking_filter: The filter to add; by default a new one.

    Returns:
        The installed filter.
    """
    masking_filter = masking_filter if masking_filter is not None else MaskingFilter()
    masking_filter.masker.warm_up()
    for name in logger_names:
        logger = logging.getLogger(name)
        for target in (logger, *logger.handlers):
            if masking_filter not in target.filters:
                target.addFilter(masking_filter)
    return masking_filter
