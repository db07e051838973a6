"""The training-data editor appends to a copy of the real project and leaves the rest alone."""

from __future__ import annotations

import difflib
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.trainer import yaml_io
from bot.trainer.editor import AddResult, IntentInfo, TrainingDataEditor
from bot.trainer.errors import (
    Conflict,
    IntentExists,
    InvalidExample,
    InvalidInput,
    InvalidIntentName,
    LabelConflict,
    UnknownIntent,
)
from bot.trainer.labels import check_intent_name, normalize
from bot.trainer.validation import ValidationReport, problem_lines
from bot.training import fingerprint

REPO = Path(__file__).resolve().parents[3]
NEW_EXAMPLES = ["能帮我包成礼物吗", "有没有礼品包装", "可以礼盒包装吗？"]
ANSWER = "可以的🎁 下单时备注「礼品包装」，我们免费包成礼盒，不放价格单。"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("domain.yml", "config.yml"):
        shutil.copy(REPO / name, project / name)
    shutil.copytree(REPO / "nlu_data", project / "nlu_data")
    return project


@pytest.fixture
def editor(root: Path) -> TrainingDataEditor:
    return TrainingDataEditor(root)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def appended_lines(before: str, after: str) -> list[str]:
    """The lines ``after`` adds to ``before``; fails if any old line changed or moved."""
    old, new = before.splitlines(), after.splitlines()
    opcodes = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    assert {op for op, *_ in opcodes} <= {"equal", "insert"}, "an existing line changed"
    return [line for op, _, _, j1, j2 in opcodes if op == "insert" for line in new[j1:j2]]


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def test_intents_lists_every_domain_intent_with_its_count_and_answer(
    editor: TrainingDataEditor, root: Path
) -> None:
    domain = yaml.safe_load((root / "domain.yml").read_text())
    found = {info.name: info for info in editor.intents()}

    assert list(found) == sorted(domain["intents"])
    assert found["greet"].examples == len(editor.examples("greet")) > 20
    assert found["greet"].response == domain["responses"]["utter_greet"][0]["text"]
    assert found["deny"].response is None  # deny is answered by utter_anything_else
    assert found["greet"].title is None  # greetings are never offered as a guess
    assert found["invoice"].title == domain["responses"]["utter_suggest_invoice"][0]["text"]
    assert found["greet"].to_dict().keys() == {"name", "examples", "response", "title"}


def test_examples_of_an_unknown_intent_is_an_error(editor: TrainingDataEditor) -> None:
    with pytest.raises(UnknownIntent) as caught:
        editor.examples("no_such_intent")
    assert caught.value.code == "unknown_intent"


def test_adding_examples_appends_to_the_existing_block(
    editor: TrainingDataEditor, root: Path
) -> None:
    orders = root / "nlu_data" / "nlu" / "orders.yml"
    before_text, before_files = orders.read_text(), snapshot(root)
    count = {i.name: i.examples for i in editor.intents()}["invoice"]
    texts = ["发票抬头写错了能帮我重开一张吗", "电子发票在哪里下载"]

    result = editor.add_examples("invoice", texts)

    assert result == AddResult(added=texts, duplicates=[])
    after_text = orders.read_text()
    assert appended_lines(before_text, after_text) == [f"    - {t}" for t in texts]
    assert changed_files(before_files, snapshot(root)) == {"nlu_data/nlu/orders.yml"}
    old, new = yaml.safe_load(before_text), yaml.safe_load(after_text)
    entry = next(i for i, e in enumerate(old["nlu"]) if e["intent"] == "invoice")
    old["nlu"][entry]["examples"] += "".join(f"- {t}\n" for t in texts)
    assert new == old
    assert {i.name: i.examples for i in editor.intents()}["invoice"] == count + 2
    assert editor.examples("invoice")[-2:] == texts


def test_texts_the_intent_already_has_are_skipped(editor: TrainingDataEditor, root: Path) -> None:
    before = snapshot(root)

    result = editor.add_examples(
        "greet", ["  你好！ ", "您好。", "HELLO", "你好呀呀呀", "你好呀呀呀～"]
    )

    assert result == AddResult(
        added=["你好呀呀呀"], duplicates=["你好！", "您好。", "HELLO", "你好呀呀呀～"]
    )
    assert changed_files(before, snapshot(root)) == {"nlu_data/nlu/general.yml"}
    assert editor.examples("greet")[-1] == "你好呀呀呀"


def test_only_duplicates_writes_nothing(editor: TrainingDataEditor, root: Path) -> None:
    before = snapshot(root)

    assert editor.add_examples("greet", ["你好"]) == AddResult(added=[], duplicates=["你好"])
    assert snapshot(root) == before


def test_a_text_of_another_intent_is_a_conflict_and_nothing_is_written(
    editor: TrainingDataEditor, root: Path
) -> None:
    before = snapshot(root)

    with pytest.raises(LabelConflict) as caught:
        editor.add_examples("goodbye", ["那我先走了哈", "你好!", "Hi  亲"])

    assert caught.value.conflicts == [Conflict("你好!", "greet"), Conflict("Hi  亲", "greet")]
    assert caught.value.code == "conflict" and "greet" in caught.value.message
    assert snapshot(root) == before


def test_annotated_examples_compare_by_their_plain_text(editor: TrainingDataEditor) -> None:
    existing = next(e for e in editor.examples("order_status") if "](order_id)" in e)
    plain = normalize(existing)

    assert "[" not in plain
    with pytest.raises(LabelConflict):
        editor.add_examples("greet", [plain])


@pytest.mark.parametrize(
    "text", ["", "   ", "第一行\n第二行", "制表\t符", "字" * 201, "？？", "看[这里](http://x.cn)"]
)
def test_unusable_examples_are_rejected(editor: TrainingDataEditor, root: Path, text: str) -> None:
    before = snapshot(root)

    with pytest.raises(InvalidExample) as caught:
        editor.add_examples("greet", ["一句正常的新问候呀", text])

    assert caught.value.code == "invalid_example" and caught.value.field == "examples"
    assert snapshot(root) == before


def test_a_200_character_example_and_a_known_entity_annotation_are_fine(
    editor: TrainingDataEditor,
) -> None:
    texts = ["长" * 199 + "句", "订单[2634462590801999](order_id)的发票开了吗"]

    assert editor.add_examples("invoice", texts).added == texts


def test_the_fallback_intent_and_unknown_intents_take_no_examples(
    editor: TrainingDataEditor,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        editor.add_examples("nlu_fallback", ["随便说点啥"])
    assert caught.value.field == "intent"
    with pytest.raises(UnknownIntent):
        editor.add_examples("no_such_intent", ["随便说点啥"])
    with pytest.raises(InvalidInput):
        editor.add_examples("greet", [])


def test_out_of_scope_is_an_ordinary_intent(editor: TrainingDataEditor) -> None:
    assert editor.add_examples("out_of_scope", ["今天星期几来着"]).added == ["今天星期几来着"]


def test_an_intent_without_examples_gets_an_entry_in_the_trainer_file(
    editor: TrainingDataEditor, root: Path
) -> None:
    domain = root / "domain.yml"
    domain.write_text(yaml_io.append_intent(domain.read_text(), "gift_wrap"))

    editor.add_examples("gift_wrap", ["可以帮我包装成礼物吗"])
    editor.add_examples("gift_wrap", ["能加个贺卡吗"])

    text = (root / "nlu_data" / "nlu" / "trainer.yml").read_text()
    assert text.startswith("# ") and "workbench" in text.splitlines()[0]
    assert yaml.safe_load(text) == {
        "version": "3.1",
        "nlu": [{"intent": "gift_wrap", "examples": "- 可以帮我包装成礼物吗\n- 能加个贺卡吗\n"}],
    }


def test_create_intent_writes_nlu_rules_and_domain(editor: TrainingDataEditor, root: Path) -> None:
    domain_before = (root / "domain.yml").read_text()
    rules_before = (root / "nlu_data" / "rules.yml").read_text()
    before = snapshot(root)

    examples = [*NEW_EXAMPLES, "能帮我包成礼物吗。"]
    info = editor.create_intent(" gift_wrap ", examples, f"  {ANSWER}\n")

    assert info == IntentInfo("gift_wrap", 3, ANSWER)
    assert changed_files(before, snapshot(root)) == {
        "domain.yml",
        "nlu_data/rules.yml",
        "nlu_data/nlu/trainer.yml",
    }
    domain_after = (root / "domain.yml").read_text()
    assert appended_lines(domain_before, domain_after) == [
        "  - gift_wrap",
        "  utter_gift_wrap:",
        f'    - text: "{ANSWER}"',
    ]
    expected = yaml.safe_load(domain_before)
    expected["intents"].append("gift_wrap")
    expected["responses"]["utter_gift_wrap"] = [{"text": ANSWER}]
    assert yaml.safe_load(domain_after) == expected
    assert "&main_menu" in domain_after and "*not_an_answer" in domain_after
    rules_after = (root / "nlu_data" / "rules.yml").read_text()
    assert appended_lines(rules_before, rules_after) == [
        "  - rule: answer gift_wrap",
        "    steps:",
        "      - intent: gift_wrap",
        "      - action: utter_gift_wrap",
    ]
    assert editor.examples("gift_wrap") == NEW_EXAMPLES
    assert IntentInfo("gift_wrap", 3, ANSWER) in editor.intents()


def test_a_new_intent_with_a_title_is_offered_by_it_when_the_bot_is_unsure(
    editor: TrainingDataEditor, root: Path
) -> None:
    from actions.fallback import suggestions
    from tests.factories import make_tracker

    domain_before = (root / "domain.yml").read_text()

    info = editor.create_intent("gift_wrap", NEW_EXAMPLES, ANSWER, title=" 礼品包装 ")

    assert info == IntentInfo("gift_wrap", 3, ANSWER, "礼品包装")
    assert IntentInfo("gift_wrap", 3, ANSWER, "礼品包装") in editor.intents()
    domain_after = (root / "domain.yml").read_text()
    assert appended_lines(domain_before, domain_after)[-2:] == [
        "  utter_suggest_gift_wrap:",
        '    - text: "礼品包装"',
    ]
    # What the action server offers with the domain the trainer just wrote.
    tracker = make_tracker("能包一下吗", "nlu_fallback")
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "gift_wrap", "confidence": 0.45},
    ]
    buttons = suggestions(tracker, yaml.safe_load(domain_after))
    assert [(b["title"], b["payload"]) for b in buttons][0] == ("礼品包装", "/gift_wrap")


def test_without_a_title_the_new_intent_is_not_offered(
    editor: TrainingDataEditor, root: Path
) -> None:
    editor.create_intent("gift_wrap", NEW_EXAMPLES, ANSWER, title="   ")

    domain = yaml.safe_load((root / "domain.yml").read_text())
    assert "utter_suggest_gift_wrap" not in domain["responses"]
    assert IntentInfo("gift_wrap", 3, ANSWER, None) in editor.intents()


@pytest.mark.parametrize("title", ["礼" * 21, "礼品\n包装", "礼品\t包装", 42])
def test_an_unusable_title_writes_nothing(
    editor: TrainingDataEditor, root: Path, title: object
) -> None:
    before = snapshot(root)

    with pytest.raises(InvalidInput) as caught:
        editor.create_intent("gift_wrap", NEW_EXAMPLES, ANSWER, title=title)  # type: ignore[arg-type]

    assert caught.value.field == "title"
    assert snapshot(root) == before


def test_rasa_reads_the_new_intent(editor: TrainingDataEditor, root: Path) -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.nlu.training_data.loading import load_data

    editor.create_intent("gift_wrap", NEW_EXAMPLES, ANSWER)

    data = load_data(str(root / "nlu_data" / "nlu"))  # rules.yml is not NLU data
    labelled = {(m.get("text"), m.get("intent")) for m in data.training_examples}
    assert {(text, "gift_wrap") for text in NEW_EXAMPLES} <= labelled
    domain = Domain.load(root / "domain.yml")
    assert "gift_wrap" in domain.intents
    assert domain.responses["utter_gift_wrap"] == [{"text": ANSWER}]


def test_later_examples_of_a_new_intent_join_its_block(
    editor: TrainingDataEditor, root: Path
) -> None:
    editor.create_intent("gift_wrap", NEW_EXAMPLES, ANSWER)
    editor.add_examples("gift_wrap", ["礼品包装要加钱吗"])

    nlu = yaml.safe_load((root / "nlu_data" / "nlu" / "trainer.yml").read_text())["nlu"]
    assert len(nlu) == 1 and nlu[0]["examples"].endswith("- 礼品包装要加钱吗\n")


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("Shipping", InvalidIntentName),
        ("ab", InvalidIntentName),
        ("1abc", InvalidIntentName),
        ("a" * 41, InvalidIntentName),
        ("ship-fee", InvalidIntentName),
        ("运费", InvalidIntentName),
        ("utter_shipping", InvalidIntentName),
        ("action_shipping", InvalidIntentName),
        ("nlu_fallback", InvalidIntentName),
        ("restart", InvalidIntentName),
        ("back", InvalidIntentName),
        ("back_to_menu", InvalidIntentName),
        ("session_start", InvalidIntentName),
        ("out_of_scope", InvalidIntentName),
        ("true", InvalidIntentName),
        ("order_form", InvalidIntentName),  # a form
        ("refund_reason", InvalidIntentName),  # a slot
        ("validate_order_form", InvalidIntentName),  # an action
        ("default", InvalidIntentName),  # utter_default is taken
        ("greet", IntentExists),
    ],
)
def test_unusable_intent_names_are_refused(
    editor: TrainingDataEditor, root: Path, name: str, error: type[Exception]
) -> None:
    before = snapshot(root)

    with pytest.raises(error) as caught:
        editor.create_intent(name, NEW_EXAMPLES, ANSWER)

    assert caught.value.code == (
        "intent_exists" if error is IntentExists else "invalid_intent_name"
    )
    assert snapshot(root) == before


def test_the_name_rule_speaks_chinese_and_allows_words_that_merely_start_alike(root: Path) -> None:
    domain = yaml.safe_load((root / "domain.yml").read_text())
    with pytest.raises(InvalidIntentName) as caught:
        check_intent_name("A", domain)

    assert caught.value.message == "意图名只能用小写字母、数字和下划线，以字母开头，3–40 个字符"
    assert check_intent_name("background_music", domain) == "background_music"
    assert check_intent_name("a" * 40, domain) == "a" * 40


@pytest.mark.parametrize(
    ("examples", "answer", "field"),
    [
        (["能帮我包成礼物吗", "能帮我包成礼物吗？"], ANSWER, "examples"),
        (["能帮我包成礼物吗"], ANSWER, "examples"),
        (NEW_EXAMPLES, "   ", "answer"),
        (NEW_EXAMPLES, "长" * 501, "answer"),
        (NEW_EXAMPLES, "控制\x07字符", "answer"),
    ],
)
def test_a_new_intent_needs_two_examples_and_an_answer(
    editor: TrainingDataEditor, root: Path, examples: list[str], answer: str, field: str
) -> None:
    before = snapshot(root)

    with pytest.raises(InvalidInput) as caught:
        editor.create_intent("gift_wrap", examples, answer)

    assert caught.value.field == field and caught.value.code == "invalid_input"
    assert snapshot(root) == before


def test_an_answer_of_500_characters_over_two_lines_is_fine(
    editor: TrainingDataEditor, root: Path
) -> None:
    answer = "第一行\n" + "长" * 496

    editor.create_intent("gift_wrap", NEW_EXAMPLES, answer)

    domain = yaml.safe_load((root / "domain.yml").read_text())
    assert domain["responses"]["utter_gift_wrap"] == [{"text": answer}]


def test_a_new_intent_with_another_intents_example_writes_nothing(
    editor: TrainingDataEditor, root: Path
) -> None:
    before = snapshot(root)

    with pytest.raises(LabelConflict) as caught:
        editor.create_intent("gift_wrap", [*NEW_EXAMPLES, "你好"], ANSWER)

    assert caught.value.conflicts == [Conflict("你好", "greet")]
    assert snapshot(root) == before


def test_too_few_new_examples_because_one_is_taken_names_the_taken_one(
    editor: TrainingDataEditor, root: Path
) -> None:
    editor.add_examples("out_of_scope", ["可以写贺卡吗"])  # labelled earlier from the inbox
    before = snapshot(root)

    with pytest.raises(LabelConflict) as caught:
        editor.create_intent("gift_wrap", ["可以代写贺卡吗", "可以写贺卡吗"], ANSWER)

    # Not 「至少需要 2 条」: the trainer must learn which text is taken, and by whom.
    assert caught.value.conflicts == [Conflict("可以写贺卡吗", "out_of_scope")]
    assert "「可以写贺卡吗」已属于 out_of_scope" in caught.value.message
    assert snapshot(root) == before


@pytest.mark.parametrize("trainer_file_existed", [False, True])
def test_a_failed_domain_write_puts_the_earlier_files_back(
    root: Path, trainer_file_existed: bool
) -> None:
    if trainer_file_existed:
        TrainingDataEditor(root).create_intent(
            "gift_card", ["你们有礼品卡卖吗", "礼品卡能买吗"], "有的～"
        )
    before = snapshot(root)
    attempts: list[str] = []

    def disk_full_for_the_domain(path: Path, data: bytes) -> None:
        attempts.append(path.name)
        if path.name == "domain.yml":
            raise OSError(28, "No space left on device")
        yaml_io.write_atomically(path, data)

    editor = TrainingDataEditor(root, write=disk_full_for_the_domain)
    with pytest.raises(OSError):
        editor.create_intent("gift_wrap", NEW_EXAMPLES, ANSWER)

    assert attempts[:3] == ["trainer.yml", "rules.yml", "domain.yml"]
    assert snapshot(root) == before
    assert [p.name for p in root.rglob(".*.tmp")] == []


def test_an_atomic_write_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "domain.yml"
    path.write_text("old\n")
    path.chmod(0o640)

    yaml_io.write_atomically(path, b"new\n")

    assert path.read_bytes() == b"new\n" and path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["domain.yml"]


def test_data_hash_is_the_training_fingerprint_and_follows_edits(
    editor: TrainingDataEditor, root: Path
) -> None:
    first = editor.data_hash()

    assert len(first) == 16 and int(first, 16) >= 0
    assert editor.data_hash() == first == fingerprint(root)
    editor.add_examples("greet", ["早上好呀各位"])
    assert editor.data_hash() != first


@pytest.mark.parametrize(
    "text",
    [
        'say "hi" \\ back',
        "两行\n文字",
        "制表\t符",
        "emoji 🙂 ok",
        "sep\u2028ara\x85tor",
        "# not a comment",
    ],
)
def test_double_quoted_scalars_read_back_unchanged(text: str) -> None:
    quoted = yaml_io.double_quoted(text)

    assert yaml.safe_load(f"k: {quoted}") == {"k": text} == yaml_io.load(f"k: {quoted}")
    assert "\n" not in quoted


def test_appends_cope_with_crlf_a_missing_final_newline_and_a_missing_section() -> None:
    crlf = "version: '3.1'\r\nintents:\r\n  - greet\r\n"
    assert yaml_io.append_intent(crlf, "bye") == crlf + "  - bye\r\n"
    no_newline = "intents:\n- greet"
    assert yaml_io.append_intent(no_newline, "bye") == "intents:\n- greet\n- bye\n"
    assert yaml_io.append_response("intents:\n- greet\n", "utter_x", "好") == (
        'intents:\n- greet\nresponses:\n  utter_x:\n    - text: "好"\n'
    )


def test_a_flow_style_section_is_not_spliced() -> None:
    with pytest.raises(yaml_io.SpliceError):
        yaml_io.append_intent("intents: [greet, bye]\n", "thanks")


class FakeRun:
    def __init__(self, output: str = "", returncode: int = 0, timeout: bool = False) -> None:
        self.output, self.returncode, self.timeout = output, returncode, timeout
        self.calls: list[tuple[list[str], dict[str, Any]]] = []

    def __call__(self, command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append((command, options))
        if self.timeout:
            raise subprocess.TimeoutExpired(command, options["timeout"])
        return subprocess.CompletedProcess(command, self.returncode, self.output, "")


UNUSED = "/x/io.py:100: UserWarning: The utterance '{}' is not used in any story or rule."
SHARED = "/x/io.py:100: UserWarning: The example '你好' was labeled with different intents."
RULE_CONFLICT = "ERROR    rasa.validator  - Rule 'a' conflicts with rule 'b'."
RASA_OUTPUT = "\n".join(
    [
        "INFO     rasa.validator  - Validating intents...",
        "\x1b[93m" + UNUSED.format("utter_coupons"),
        "\x1b[0m\x1b[93m" + UNUSED.format("utter_orphan"),
        SHARED,
        "INFO     rasa.core.training.story_conflict  - Considering all preceding turns"
        " for conflict analysis.",
        "INFO     rasa.validator  - No story structure conflicts found.",
        RULE_CONFLICT,
    ]
)


def test_validate_keeps_only_unexplained_problems(root: Path) -> None:
    run = FakeRun(RASA_OUTPUT)
    editor = TrainingDataEditor(root, run=run, allowed_unused=lambda: {"utter_coupons"})

    report = editor.validate()

    assert report == ValidationReport(
        ok=False, problems=[UNUSED.format("utter_orphan"), SHARED, RULE_CONFLICT]
    )
    command, options = run.calls[0]
    assert command[1:] == [
        "-m", "rasa", "data", "validate", "--data", "nlu_data",
        "--domain", "domain.yml", "--config", "config.yml",
    ]  # fmt: skip
    assert options["cwd"] == root and options["timeout"] == 300


def test_validate_is_ok_only_when_rasa_exits_cleanly(root: Path) -> None:
    clean = TrainingDataEditor(root, run=FakeRun("INFO all good"), allowed_unused=set)
    failed = TrainingDataEditor(root, run=FakeRun("Traceback", 1), allowed_unused=set)
    slow = TrainingDataEditor(root, run=FakeRun(timeout=True), allowed_unused=set)

    assert clean.validate() == ValidationReport(ok=True, problems=[])
    assert failed.validate() == ValidationReport(
        ok=False, problems=["rasa data validate 以退出码 1 结束"]
    )
    assert not slow.validate().ok and "300" in slow.validate().problems[0]


def test_problem_lines_ignore_the_all_clear_lines() -> None:
    allowed = {"utter_coupons", "utter_orphan"}

    assert problem_lines(RASA_OUTPUT, allowed) == [SHARED, RULE_CONFLICT]


def test_the_real_rasa_validate_is_clean_after_create_intent(
    editor: TrainingDataEditor, root: Path
) -> None:
    # The title is sent by actions/fallback.py, not by a rule: not an unused response.
    editor.create_intent("gift_wrap", NEW_EXAMPLES, ANSWER, title="礼品包装")

    report = editor.validate()

    assert report.problems == [] and report.ok


def test_the_real_rasa_validate_still_reports_an_unused_response(
    editor: TrainingDataEditor, root: Path
) -> None:
    domain = root / "domain.yml"
    domain.write_text(yaml_io.append_response(domain.read_text(), "utter_orphan", "没人用我"))

    report = editor.validate()

    assert not report.ok
    assert [p for p in report.problems if "'utter_orphan' is not used" in p] != []


def test_a_title_is_replaced_where_it_stands(editor: TrainingDataEditor, root: Path) -> None:
    before = (root / "domain.yml").read_text()

    info = editor.set_title("invoice", "开发票、改抬头")

    assert info == IntentInfo("invoice", len(editor.examples("invoice")), None, "开发票、改抬头")
    after = (root / "domain.yml").read_text()
    changed = [
        (old, new)
        for old, new in zip(before.splitlines(), after.splitlines(), strict=True)
        if old != new
    ]
    assert changed == [('    - text: "开发票"', '    - text: "开发票、改抬头"')]


def test_a_title_is_added_to_an_intent_without_one_and_removed_again(
    editor: TrainingDataEditor, root: Path
) -> None:
    original = (root / "domain.yml").read_bytes()
    editor.create_intent("gift_wrap", NEW_EXAMPLES, ANSWER)
    created = (root / "domain.yml").read_text()

    assert editor.set_title("gift_wrap", "礼品包装").title == "礼品包装"
    assert appended_lines(created, (root / "domain.yml").read_text()) == [
        "  utter_suggest_gift_wrap:",
        '    - text: "礼品包装"',
    ]
    assert editor.set_title("gift_wrap", "").title is None
    assert (root / "domain.yml").read_text() == created
    assert editor.set_title("invoice", None).title is None
    assert (
        "utter_suggest_invoice"
        not in yaml.safe_load((root / "domain.yml").read_text())["responses"]
    )
    assert original != (root / "domain.yml").read_bytes()


def test_the_same_title_again_writes_nothing(editor: TrainingDataEditor, root: Path) -> None:
    domain = root / "domain.yml"
    stamp = domain.stat().st_mtime_ns
    title = editor_title(root, "invoice")

    assert editor.set_title("invoice", title).title == title
    assert editor.set_title("greet", None).title is None  # has none: nothing to remove

    assert domain.stat().st_mtime_ns == stamp


@pytest.mark.parametrize(
    ("intent", "title", "error"),
    [
        ("no_such_intent", "随便", UnknownIntent),
        ("nlu_fallback", "兜底", InvalidInput),
        ("invoice", "发" * 21, InvalidInput),
        ("invoice", "开\n发票", InvalidInput),
    ],
)
def test_an_unusable_title_change_writes_nothing(
    editor: TrainingDataEditor, root: Path, intent: str, title: str, error: type
) -> None:
    before = snapshot(root)

    with pytest.raises(error):
        editor.set_title(intent, title)

    assert snapshot(root) == before


def editor_title(root: Path, intent: str) -> str:
    responses = yaml.safe_load((root / "domain.yml").read_text())["responses"]
    return responses[f"utter_suggest_{intent}"][0]["text"]


def test_a_title_left_behind_by_a_removed_intent_is_replaced(
    editor: TrainingDataEditor, root: Path
) -> None:
    domain = root / "domain.yml"
    domain.write_text(yaml_io.append_response(domain.read_text(), "utter_suggest_gift_wrap", "旧"))

    editor.create_intent("gift_wrap", NEW_EXAMPLES, ANSWER, title="礼品包装")

    assert domain.read_text().count("utter_suggest_gift_wrap:") == 1
    assert editor_title(root, "gift_wrap") == "礼品包装"
