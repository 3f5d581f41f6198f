"""The shape of ruleset.yaml: pydantic spec models and the parser (step 1 of rules_core/loader.py).

Fails with one line that names the rule and the field, e.g.
``ruleset.yaml: luspatercept.second_line.transfusion_dependent: cite: required``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rules_core.decision import CriterionKind, LineOfTherapy, Request, WarningKind

RULESET_FILE = "ruleset.yaml"
# A relative id (joined to its parent's with a dot): lower-case words, digits, underscores, dots.
RuleKey = Annotated[str, Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")]


class RulesetError(ValueError):
    """The ruleset data is invalid; the message names the file, the rule and the problem on one line."""


# --- 1. the shape of the file ------------------------------------------------------------------


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuoteSpec(_Spec):
    doc_id: str
    quote: str = Field(min_length=12, pattern=r"^\S(.*\S)?$", description="Verbatim, whitespace collapsed.")


class CriterionSpec(_Spec):
    id: RuleKey
    statement: str = Field(min_length=1)
    kind: CriterionKind = "clinical"
    cite: QuoteSpec
    check: str
    params: dict[str, Any] = Field(default_factory=dict)
    note: str | None = None
    supporting: list[QuoteSpec] = Field(default_factory=list)


class WarningSpec(_Spec):
    id: RuleKey
    kind: WarningKind
    request: Request | None = Field(default=None, description="Only for initial requests or renewals; omitted: both.")
    when: str
    params: dict[str, Any] = Field(default_factory=dict)
    text: str = Field(min_length=1)
    citations: list[QuoteSpec] = Field(min_length=1)


class PerSpec(_Spec):
    """Which source a contested pathway rests on, and on what: 'per the review (TRIAL)'."""

    doc_id: str
    basis: str = Field(min_length=1, description="The evidence named in the verdict, e.g. a trial.")


# A pathway's name as a reader sees it: words, never an id, a placeholder or a source reference.
PlainName = Annotated[str, Field(min_length=3, max_length=80, pattern=r"^[^_{}:;]+$",
                                 description="The pathway in plain words, e.g. 'second line after ESA failure'.")]


class PathwaySpec(_Spec):
    id: RuleKey
    name: PlainName
    title: str = Field(min_length=1)
    line_of_therapy: LineOfTherapy
    request: Request = "initial"
    per: PerSpec | None = Field(default=None, description="For a pathway the sources disagree on (conflicts.yaml).")
    criteria: list[CriterionSpec] = Field(min_length=1)


class DrugSpec(_Spec):
    response_window_weeks: int | dict[str, str] = Field(
        description="Weeks after which no response is a failure: a number from the sources, or {policy: NAME}.")
    pathways: list[PathwaySpec] = Field(min_length=1)
    warnings: list[WarningSpec] = Field(default_factory=list)


class SourceSpec(_Spec):
    doc_id: str
    title: str
    label: str = Field(min_length=1, description="How one-line verdicts name the source, e.g. 'the review'.")


class OptionsFirstSpec(_Spec):
    """`mdsbot options` ranks ``drug`` first when the condition ``when`` holds (e.g. del(5q): lenalidomide)."""

    when: str
    drug: str
    cite: QuoteSpec


class RulesetSpec(_Spec):
    id: str
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    sources: list[SourceSpec] = Field(min_length=1)
    definitions: dict[str, Any] = Field(default_factory=dict, description="Anchors for shared texts; not read.")
    drugs: dict[str, DrugSpec]
    options_first: list[OptionsFirstSpec] = Field(default_factory=list)


def parse_ruleset(text: str, where: str = RULESET_FILE) -> RulesetSpec:
    """YAML text → validated spec; RulesetError on the first problem."""
    import yaml

    try:
        raw = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise RulesetError(f"{where}: not valid YAML{at}: {getattr(exc, 'problem', exc)}") from None
    try:
        return RulesetSpec.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        raise RulesetError(f"{where}: {_rule_path(raw, error['loc'])}: {problem_text(error)}") from None


def _rule_path(raw: Any, loc: tuple[Any, ...]) -> str:
    """('drugs', 'luspatercept', 'pathways', 0, 'criteria', 2, 'cite') → 'luspatercept.second_line.transfusion_dependent: cite'."""
    ids: list[str] = []
    fields: list[str] = []
    node, parent_key = raw, None
    for part in loc:
        child = _child(node, part)
        if parent_key == "drugs":
            ids.append(str(part))
        elif parent_key in ("pathways", "criteria", "warnings") and isinstance(part, int):
            ids.append(str(child.get("id")) if isinstance(child, dict) and child.get("id") else f"{parent_key}[{part}]")
        elif part not in ("drugs", "pathways", "criteria", "warnings") or fields:
            fields.append(f"[{part}]" if isinstance(part, int) else str(part))
        node, parent_key = child, part
    rule = ".".join(ids) or "ruleset"
    field = ".".join(fields).replace(".[", "[")
    return f"{rule}: {field}" if field else rule


def _child(node: Any, part: Any) -> Any:
    try:
        return node[part]
    except (KeyError, IndexError, TypeError):
        return None


def problem_text(error: Mapping[str, Any]) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "literal_error":
        return f"{value!r} is not allowed; use one of {error['ctx']['expected']}"
    return f"{error['msg']} (got {value!r})" if not isinstance(value, (dict, list)) else error["msg"]
