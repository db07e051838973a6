"""``python -m bot.rasa_cli …``: Rasa's own command line, with kefu's fixes installed first.

Takes exactly the arguments of ``rasa`` (``run``, ``train``, ``run actions``…);
the fixes are in ``bot/rasa_fixes.py``.
"""

from __future__ import annotations


def main() -> None:
    """Install the fixes, then hand over to Rasa's ``main`` (it reads ``sys.argv``)."""
    from bot.rasa_fixes import install

    install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
