"""The logging filter masks what reaches the handlers."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

from bot.privacy import PrivacyMasker
from bot.privacy.logging import MaskingFilter, install


@pytest.fixture
def logged(masker: PrivacyMasker) -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A real logger writing to a string, with the masking filter installed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("kefu.test.privacy")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    install([logger.name], MaskingFilter(masker))
    yield logger, stream
    logger.removeHandler(handler)
    for installed in list(logger.filters):
        logger.removeFilter(installed)


def test_masks_arguments_after_rendering(logged: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = logged
    logger.info("user %s says %r", "13812345678", "寄到上海市浦东新区张江路88号")
    assert stream.getvalue() == "INFO user 138****5678 says '寄到上海市浦东新区****'\n"


def test_masks_the_message_and_mapping_arguments(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = logged
    logger.warning("卡号6222021234567894")
    logger.info("%(id)s", {"id": "11010519491231002X"})
    assert stream.getvalue() == "WARNING 卡号************7894\nINFO 1101**********002X\n"


def test_masks_tracebacks(logged: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = logged
    try:
        raise ValueError("bad phone 13812345678")
    except ValueError:
        logger.exception("failed for %s", "13912345678")
    output = stream.getvalue()
    assert "ValueError: bad phone 138****5678" in output
    assert "13812345678" not in output and "13912345678" not in output


def test_a_broken_format_string_leaks_nothing(
    logged: tuple[logging.Logger, io.StringIO], capsys: pytest.CaptureFixture[str]
) -> None:
    logger, stream = logged
    # Built at run time: logging's error report quotes this source line.
    phone = "138" + "12345678"
    logger.info("%s and %s", phone)
    reported = capsys.readouterr().err + stream.getvalue()
    assert "Arguments: ('138****5678',)" in reported
    assert phone not in reported


def test_records_propagated_from_child_loggers_are_masked(masker: PrivacyMasker) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    parent = logging.getLogger("kefu.test.parent")
    parent.addHandler(handler)
    parent.propagate = False
    try:
        install([parent.name], MaskingFilter(masker))
        logging.getLogger("kefu.test.parent.child").warning("call 13812345678")
    finally:
        parent.removeHandler(handler)
    assert stream.getvalue() == "call 138****5678\n"


def test_installing_twice_adds_the_filter_once(masker: PrivacyMasker) -> None:
    logger = logging.getLogger("kefu.test.twice")
    masking = MaskingFilter(masker)
    install([logger.name], masking)
    install([logger.name], masking)
    assert logger.filters.count(masking) == 1
    logger.removeFilter(masking)


class BrokenMasker(PrivacyMasker):
    """A masker that always fails."""

    def mask(self, text: str) -> str:
        """Fail."""
        raise RuntimeError("broken")


class CountingMasker(PrivacyMasker):
    """A real masker that counts its calls."""

    calls = 0

    def mask(self, text: str) -> str:
        """Count, then mask."""
        self.calls += 1
        return super().mask(text)


LoggerFactory = Callable[[io.StringIO, MaskingFilter], logging.Logger]


@pytest.fixture
def logger_to() -> Iterator[LoggerFactory]:
    """Make loggers that write to a string through a masking filter; undo after."""
    made: list[logging.Logger] = []

    def make(stream: io.StringIO, masking: MaskingFilter) -> logging.Logger:
        logger = logging.getLogger(f"kefu.test.made{len(made)}")
        logger.addHandler(logging.StreamHandler(stream))
        logger.propagate = False
        install([logger.name], masking)
        made.append(logger)
        return logger

    yield make
    for logger in made:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        for installed in list(logger.filters):
            logger.removeFilter(installed)


def test_a_failing_masker_withholds_the_message_instead_of_raising(
    logger_to: LoggerFactory,
) -> None:
    stream = io.StringIO()
    logger = logger_to(stream, MaskingFilter(BrokenMasker()))
    logger.warning("call %s", "13812345678")
    assert stream.getvalue() == "[message withheld: private-data masking failed]\n"


def test_a_record_is_masked_once_by_logger_and_handler_filters(
    logger_to: LoggerFactory,
) -> None:
    masker = CountingMasker()
    logger = logger_to(io.StringIO(), MaskingFilter(masker))
    logger.warning("call %s", "13812345678")
    assert masker.calls == 1


def test_importing_and_masking_digit_free_text_load_no_nlp() -> None:
    code = (
        "import sys, bot.privacy, bot.privacy.logging;"
        "bot.privacy.PrivacyMasker().mask('你好，我想退货');"
        "print(sorted(m for m in ('spacy', 'jieba') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]"
