"""Gold cases: JSON Lines files, one case per line, type detected by its fields.

* ``turns``                                  -> conversation
* ``question``                               -> question
* ``drug`` + ``patient`` + ``expect_error_mentions`` -> bad_input
* ``drug`` + ``patient``                     -> vignette
* ``text`` + ``expect`` (+ ``absent``/``ask``)  -> fact_extraction (eval/fact_scoring.py)

The file name plays no part. Unknown extra fields are kept (ignored by the
runner), so case files written elsewhere in this format run unchanged.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CASES_DIR = Path(__file__).resolve().parent / "cases"

QuestionKind = Literal[
    "fact", "numeric", "synthesis", "conflict", "paraphrase", "out_of_scope", "adversarial", "eligibility_chat"
]
QUESTION_KINDS: tuple[str, ...] = QuestionKind.__args__  # type: ignore[attr-defined]
Expect = Literal["answer", "refuse", "needs_information"]

#: other spellings of a rules-core decision -> the Decision value
DECISION_ALIASES: dict[str, str] = {
    "criteria_met": "meets_criteria", "criteria_not_met": "does_not_meet", "insufficient": "insufficient_documentation",
}
#: expect -> the BotResponse.status that satisfies it
EXPECT_STATUS: dict[str, str] = {"answer": "answered", "refuse": "refused", "needs_information": "needs_information"}


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


class _Case(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(min_length=1)
    source: str = Field(default="", description="file:line the case was read from (set by the loader).")

    @property
    def case_type(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError


class QuestionCase(_Case):
    question: str = Field(min_length=1)
    kind: QuestionKind
    expect: Expect
    must_include: list[str] = Field(default_factory=list)
    must_not_include: list[str] = Field(default_factory=list)
    gold_quote: str | None = None
    expect_route: Literal["retrieval", "rules", "refusal"] | None = None
    expect_decision: str | None = None

    _lists = field_validator("must_include", "must_not_include", mode="before")(lambda cls, v: _str_list(v))

    @property
    def case_type(self) -> str:
        return "question"


class VignetteCase(_Case):
    drug: str = Field(min_length=1)
    patient: dict[str, Any]
    expect_decision: str
    expect_pathway: str | None = None
    expect_warning_mentions: list[str] = Field(default_factory=list)
    kind: str = "eligibility"

    _lists = field_validator("expect_warning_mentions", mode="before")(lambda cls, v: _str_list(v))

    @property
    def case_type(self) -> str:
        return "vignette"


class BadInputCase(_Case):
    drug: str
    patient: Any  # deliberately anything: wrong types are the point
    expect_error_mentions: list[str] = Field(min_length=1)
    kind: str = "bad_input"

    _lists = field_validator("expect_error_mentions", mode="before")(lambda cls, v: _str_list(v))

    @property
    def case_type(self) -> str:
        return "bad_input"


class TurnExpect(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    status: str | None = None
    route: str | None = None
    decision: str | None = None
    must_include: list[str] = Field(default_factory=list)
    must_not_include: list[str] = Field(default_factory=list)

    _lists = field_validator("must_include", "must_not_include", mode="before")(lambda cls, v: _str_list(v))

    @field_validator("status")
    @classmethod
    def _status_alias(cls, v: str | None) -> str | None:
        # accept the question-case spelling too ("answer" -> "answered")
        return EXPECT_STATUS.get(v, v) if v is not None else None

    @field_validator("decision")
    @classmethod
    def _decision_alias(cls, v: str | None) -> str | None:
        # case files written elsewhere say "criteria_met" / "criteria_not_met"
        return DECISION_ALIASES.get(v, v) if v is not None else None


class Turn(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    user: str = Field(min_length=1)
    expect: TurnExpect = Field(default_factory=TurnExpect)


class ConversationCase(_Case):
    turns: list[Turn] = Field(min_length=1)
    kind: str = "conversation"

    @property
    def case_type(self) -> str:
        return "conversation"


class FactCase(_Case):
    """One sentence and the patient-model fields it must (``expect``) and must not (``absent``, ``ask``) fill."""

    text: str = Field(min_length=1)
    expect: dict[str, Any] = Field(default_factory=dict, description="Field -> value that must be read.")
    absent: list[str] = Field(default_factory=list, description="Fields that must stay unfilled.")
    ask: list[str] = Field(default_factory=list, description="Fields too ambiguous to fill (a careful bot asks).")
    category: str = "plain"
    kind: str = "fact_extraction"

    _lists = field_validator("absent", "ask", mode="before")(lambda cls, v: _str_list(v))

    @property
    def case_type(self) -> str:
        return "fact_extraction"


Case = Union[QuestionCase, VignetteCase, BadInputCase, ConversationCase, FactCase]


class CaseFileError(ValueError):
    """A case file line that cannot be read; the message names file, line and field."""


def detect_type(record: dict[str, Any]) -> str:
    if "turns" in record:
        return "conversation"
    if "question" in record:
        return "question"
    if "drug" in record and "patient" in record:
        return "bad_input" if "expect_error_mentions" in record else "vignette"
    if "text" in record and "expect" in record:
        return "fact_extraction"
    raise CaseFileError(
        "cannot tell the case type from its fields "
        f"{sorted(record)}: expected 'question', 'turns', 'drug'+'patient' (+'expect_error_mentions') or 'text'+'expect'"
    )


_MODELS: dict[str, type[_Case]] = {
    "question": QuestionCase,
    "vignette": VignetteCase,
    "bad_input": BadInputCase,
    "conversation": ConversationCase,
    "fact_extraction": FactCase,
}


def parse_case(record: dict[str, Any], source: str = "") -> Case:
    if not isinstance(record, dict):
        raise CaseFileError(f"{source}: a case must be a JSON object, got {type(record).__name__}")
    try:
        case_type = detect_type(record)
    except CaseFileError as exc:
        raise CaseFileError(f"{source}: {exc}") from None
    try:
        return _MODELS[case_type].model_validate({**record, "source": source})  # type: ignore[return-value]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(case)"
        raise CaseFileError(
            f"{source}: {case_type} case {record.get('id', '?')!r}: field '{where}': {first['msg']}"
            + (f" ({exc.error_count() - 1} more)" if exc.error_count() > 1 else "")
        ) from None


def load_file(path: Path) -> list[Case]:
    cases: list[Case] = []
    with Path(path).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("//"):
                continue
            source = f"{Path(path).name}:{lineno}"
            try:
                record = json.loads(stripped)
            except json.JSONDecodeError as exc:
                raise CaseFileError(f"{source}: not valid JSON ({exc.msg} at column {exc.colno})") from None
            cases.append(parse_case(record, source))
    return cases


def default_case_files(directory: Path = CASES_DIR) -> list[Path]:
    return sorted(Path(directory).glob("*.jsonl"))


def load_cases(paths: list[Path] | None = None) -> list[Case]:
    """Every case of ``paths`` (default: all of ``eval/cases/*.jsonl``); ids must be unique."""
    files = [Path(p) for p in paths] if paths else default_case_files()
    if not files:
        raise CaseFileError(f"no case files found (looked in {CASES_DIR})")
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in files:
        if not path.is_file():
            raise CaseFileError(f"{path}: no such case file")
        for case in load_file(path):
            if case.id in seen:
                raise CaseFileError(f"{case.source}: duplicate case id {case.id!r} (first at {seen[case.id]})")
            seen[case.id] = case.source
            cases.append(case)
    return cases


def case_set_fingerprint(cases: list[Case]) -> str:
    """Stable hash of the case set (ids + content), to tell whether a baseline was made on the same cases."""
    h = hashlib.sha256()
    for case in sorted(cases, key=lambda c: c.id):
        h.update(json.dumps(case.model_dump(exclude={"source"}), sort_keys=True, default=str).encode())
        h.update(b"\n")
    return h.hexdigest()[:16]
