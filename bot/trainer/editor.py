"""The training data as bot trainers edit it: intents, their examples and answers.

Edits only ever append (see :mod:`bot.trainer.yaml_io`), every file is replaced atomically,
and ``create_intent`` puts back the files it already wrote when a later write fails.
Methods block on file and process I/O: callers run them in a thread.
"""

from __future__ import annotations

import logging
import subprocess
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from actions.responses import response_text, suggestion_response
from bot.trainer import yaml_io
from bot.trainer.errors import Conflict, InvalidInput, LabelConflict, UnknownIntent
from bot.trainer.evaluation import FALLBACK_INTENT
from bot.trainer.labels import (
    MIN_NEW_INTENT_EXAMPLES,
    check_intent_name,
    clean_answer,
    clean_example,
    clean_title,
    normalize,
)
from bot.trainer.validation import Runner, ValidationReport, responses_sent_by_code, run_validate
from bot.trainer.yaml_io import section_names
from bot.training import fingerprint

logger = logging.getLogger(__name__)

Writer = Callable[[Path, bytes], None]

DOMAIN = Path("domain.yml")
NLU_DIR = Path("nlu_data") / "nlu"
TRAINER_NLU = NLU_DIR / "trainer.yml"
RULES = Path("nlu_data") / "rules.yml"
TRAINER_NLU_HEADER = (
    "# Examples labelled by bot trainers. The trainer's workbench (bot/trainer/editor.py)\n"
    "# writes this file and only ever appends to it.\n"
    'version: "3.1"\n\nnlu:\n'
)
DEFAULT_ACTIONS_DIR = Path(__file__).parents[2] / "actions"


@dataclass(frozen=True)
class IntentInfo:
    """An intent: its number of examples, its ``utter_<intent>`` text and its button title.

    ``title`` is the ``utter_suggest_<intent>`` text: how the bot offers the
    intent among 「您是不是想问」's buttons when unsure (``actions/fallback.py``);
    an intent without one is never offered.
    """

    name: str
    examples: int
    response: str | None
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"name", "examples", "response", "title"}``."""
        return asdict(self)


@dataclass(frozen=True)
class AddResult:
    """Texts written as new examples, and texts the intent already had."""

    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """``{"added", "duplicates"}``."""
        return asdict(self)


@dataclass
class _Examples:
    """Every NLU example by intent, and the files that hold each intent (in file order)."""

    by_intent: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[Path]] = field(default_factory=dict)

    def owners(self) -> dict[str, set[str]]:
        owners: dict[str, set[str]] = {}
        for intent, texts in self.by_intent.items():
            for text in texts:
                owners.setdefault(normalize(text), set()).add(intent)
        return owners


class TrainingDataEditor:
    """Reads and appends to the Rasa project under ``root``."""

    def __init__(
        self,
        root: Path,
        *,
        actions_dir: Path = DEFAULT_ACTIONS_DIR,
        run: Runner = subprocess.run,
        write: Writer = yaml_io.write_atomically,
        allowed_unused: Callable[[], set[str]] | None = None,
        validate_timeout: float = 300.0,
    ) -> None:
        """Edit the project at ``root``.

        Args:
            root: directory holding domain.yml, config.yml and nlu_data/.
            actions_dir: the custom actions' source, scanned for the responses they send.
            run: ``subprocess.run`` or a stand-in, for ``rasa data validate``.
            write: replaces a file's bytes atomically.
            allowed_unused: responses that may go unused by rules (custom actions send
                them); by default found in ``actions_dir`` plus ``utter_ask_<slot>``.
            validate_timeout: seconds ``rasa data validate`` may take.
        """
        self._root = root
        self._actions_dir = actions_dir
        self._run = run
        self._write = write
        self._allowed_unused = allowed_unused or self._responses_sent_elsewhere
        self._validate_timeout = validate_timeout
        self._lock = threading.RLock()

    def intents(self) -> list[IntentInfo]:
        """Every intent of the domain, sorted by name."""
        domain = self._domain()
        examples = self._examples().by_intent
        return [
            IntentInfo(
                name,
                len(examples.get(name, [])),
                response_text(domain, f"utter_{name}"),
                response_text(domain, suggestion_response(name)),
            )
            for name in sorted(section_names(domain.get("intents")))
        ]

    def examples(self, intent: str) -> list[str]:
        """The examples of ``intent`` as written in the NLU files.

        Raises:
            UnknownIntent: the domain has no such intent.
        """
        if intent not in section_names(self._domain().get("intents")):
            raise UnknownIntent(intent)
        return list(self._examples().by_intent.get(intent, []))

    def add_examples(self, intent: str, texts: Sequence[str]) -> AddResult:
        """Append ``texts`` to the examples of ``intent``; texts it already has are skipped.

        Raises:
            InvalidInput: no texts, or ``intent`` is the fallback intent.
            InvalidExample: a text is empty, too long or spans lines.
            UnknownIntent: the domain has no such intent.
            LabelConflict: a text is an example of another intent; nothing is written.
        """
        if intent == FALLBACK_INTENT:
            raise InvalidInput("intent", "nlu_fallback 是兜底意图，不能给它添加例句")
        if isinstance(texts, str) or not texts:
            raise InvalidInput("examples", "请至少填写一条例句")
        with self._lock:
            domain = self._domain()
            if intent not in section_names(domain.get("intents")):
                raise UnknownIntent(intent)
            found = self._examples()
            entities = section_names(domain.get("entities"))
            result, conflicts = _sort_out(intent, texts, found, entities)
            if conflicts:
                raise LabelConflict(conflicts)
            if result.added:
                self._write_all([self._examples_edit(intent, result.added, found)])
            return result

    def create_intent(
        self, name: str, examples: Sequence[str], answer: str, title: str | None = None
    ) -> IntentInfo:
        """Create intent ``name`` with ``examples``, answered by ``answer`` through a rule.

        With a ``title`` the bot also offers the intent by that name among
        「您是不是想问」's buttons when it is unsure (``utter_suggest_<name>``).
        Writes nlu_data/nlu/trainer.yml, nlu_data/rules.yml and domain.yml, in that order;
        when a write fails the files already written get their old bytes back.

        Raises:
            InvalidIntentName: the name is malformed, reserved or used by something else.
            IntentExists: there is already an intent of that name.
            InvalidExample: an example is empty, too long or spans lines.
            InvalidInput: fewer than two distinct examples, no usable answer, or
                an unusable title.
            LabelConflict: an example belongs to another intent; nothing is written.
        """
        if isinstance(examples, str):
            raise InvalidInput("examples", "例句须为文本列表")
        with self._lock:
            domain = self._domain()
            name = check_intent_name(name, domain)
            found = self._examples()
            entities = section_names(domain.get("entities"))
            result, conflicts = _sort_out(name, examples, found, entities)
            # Before the count: a text taken by another intent is why too few remain.
            if conflicts:
                raise LabelConflict(conflicts)
            if len(result.added) < MIN_NEW_INTENT_EXAMPLES:
                message = f"新意图至少需要 {MIN_NEW_INTENT_EXAMPLES} 条不同的例句"
                raise InvalidInput("examples", message)
            answer = clean_answer(answer)
            title = clean_title(title)
            self._write_all(self._new_intent_edits(name, result.added, answer, title))
            return IntentInfo(name, len(result.added), answer, title)

    def set_title(self, intent: str, title: str | None) -> IntentInfo:
        """Offer ``intent`` by ``title`` among 「您是不是想问」's buttons; no title: never offer it.

        Replaces or removes the intent's ``utter_suggest_<intent>`` in domain.yml
        (appends it if it has none), touching no other line.

        Raises:
            UnknownIntent: the domain has no such intent.
            InvalidInput: ``intent`` is the fallback intent, or the title is unusable.
        """
        if intent == FALLBACK_INTENT:
            raise InvalidInput("intent", "nlu_fallback 是兜底意图，不能被推荐")
        title = clean_title(title)
        with self._lock:
            domain = self._domain()
            if intent not in section_names(domain.get("intents")):
                raise UnknownIntent(intent)
            path = self._root / DOMAIN
            text = path.read_text(encoding="utf-8")
            edited = yaml_io.set_response(text, suggestion_response(intent), title)
            if edited != text:
                self._write_all([(path, edited)])
            return next(info for info in self.intents() if info.name == intent)

    def data_hash(self) -> str:
        """A 16-hex sha256 of the model's inputs: config, domain, nlu_data/ and bot/nlu/.

        The same fingerprint the training worker records for a run
        (:func:`bot.training.fingerprint`), so the workbench can compare the two.
        """
        return fingerprint(self._root)

    def validate(self) -> ValidationReport:
        """Run ``rasa data validate`` on the project and collect the problems it reports.

        Responses that only custom actions or forms send are not problems.
        """
        return run_validate(self._root, self._run, self._validate_timeout, self._allowed_unused())

    def _domain(self) -> dict[str, Any]:
        return yaml_io.load((self._root / DOMAIN).read_text(encoding="utf-8")) or {}

    def _examples(self) -> _Examples:
        found = _Examples()
        nlu_dir = self._root / NLU_DIR
        for path in sorted([*nlu_dir.rglob("*.yml"), *nlu_dir.rglob("*.yaml")]):
            data = yaml_io.load(path.read_text(encoding="utf-8"))
            entries = (data.get("nlu") or []) if isinstance(data, dict) else []
            for entry in entries:
                if isinstance(entry, dict) and "intent" in entry:
                    intent = str(entry["intent"])
                    texts = _entry_examples(entry.get("examples"))
                    found.by_intent.setdefault(intent, []).extend(texts)
                    files = found.files.setdefault(intent, [])
                    files.extend([] if path in files else [path])
        return found

    def _examples_edit(self, intent: str, texts: list[str], found: _Examples) -> tuple[Path, str]:
        for path in found.files.get(intent, []):
            edited = yaml_io.append_examples(path.read_text(encoding="utf-8"), intent, texts)
            if edited is not None:
                return path, edited
        return self._new_entry_edit(intent, texts)

    def _new_entry_edit(self, intent: str, texts: list[str]) -> tuple[Path, str]:
        path = self._root / TRAINER_NLU
        text = path.read_text(encoding="utf-8") if path.exists() else TRAINER_NLU_HEADER
        return path, yaml_io.append_nlu_entry(text, intent, texts)

    def _new_intent_edits(
        self, name: str, texts: list[str], answer: str, title: str | None
    ) -> list[tuple[Path, str]]:
        response = f"utter_{name}"
        rules = (self._root / RULES).read_text(encoding="utf-8")
        domain = (self._root / DOMAIN).read_text(encoding="utf-8")
        domain = yaml_io.append_response(yaml_io.append_intent(domain, name), response, answer)
        if title is not None:  # replaces a title left behind by a removed intent
            domain = yaml_io.set_response(domain, suggestion_response(name), title)
        return [
            self._new_entry_edit(name, texts),
            (self._root / RULES, yaml_io.append_rule(rules, f"answer {name}", name, response)),
            (self._root / DOMAIN, domain),
        ]

    def _write_all(self, edits: list[tuple[Path, str]]) -> None:
        """Write each edit in order; on failure restore the files already written."""
        originals = [(path, path.read_bytes() if path.exists() else None) for path, _ in edits]
        written = 0
        try:
            for path, text in edits:
                self._write(path, text.encode("utf-8"))
                written += 1
        except BaseException:
            self._restore(originals[:written])
            raise

    def _restore(self, originals: list[tuple[Path, bytes | None]]) -> None:
        for path, content in reversed(originals):
            try:
                if content is None:
                    path.unlink(missing_ok=True)
                else:
                    self._write(path, content)
            except OSError:
                logger.error("could not restore %s after a failed edit", path, exc_info=True)

    def _responses_sent_elsewhere(self) -> set[str]:
        sources = [p.read_text(encoding="utf-8") for p in sorted(self._actions_dir.rglob("*.py"))]
        return responses_sent_by_code(sources, self._domain())


def _sort_out(
    intent: str, texts: Iterable[Any], found: _Examples, entities: Iterable[str]
) -> tuple[AddResult, list[Conflict]]:
    """Split ``texts`` into new examples and duplicates of ``intent``, and list conflicts."""
    owners = found.owners()
    cleaned = [clean_example(text, entities) for text in texts]
    result, conflicts, seen = AddResult(), [], set()
    for text in cleaned:
        key = normalize(text)
        holders = owners.get(key, set())
        if key in seen or (intent in holders and holders <= {intent}):
            result.duplicates.append(text)
        elif holders - {intent}:
            conflicts += [Conflict(text, other) for other in sorted(holders - {intent})]
        else:
            result.added.append(text)
        seen.add(key)
    return result, conflicts


def _entry_examples(value: Any) -> list[str]:
    """The example texts of one NLU entry, read the way Rasa reads them."""
    if isinstance(value, str):
        return [line[1:].strip("\r\n ") for line in value.splitlines() if line.startswith("-")]
    if isinstance(value, list):
        return [str(item["text"]) for item in value if isinstance(item, dict) and "text" in item]
    return []
