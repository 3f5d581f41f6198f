"""ruleset.yaml → validated, compiled rules: the only place the data meets the logic.

Three steps, each failing with one line that names the rule:
  1. (rules_core/spec.py) parse the YAML (yaml.CSafeLoader) and validate its shape (pydantic spec models);
  2. compile: resolve each `check` / `when` name in the registries, validate its
     parameters, substitute site-policy values, fill the text templates;
  3. fingerprint: sha256 over the validated data and the policy.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from rules_core.conditions import CONDITIONS
from rules_core.conflicts import with_conflicts
from rules_core.criteria import Criterion, DrugRules, Pathway, WarningRule
from rules_core.decision import PathwayResult, RulesetInfo, SourceQuote
from rules_core.derived import Facts, derive
from rules_core.drugs import SUPPORTED_DRUGS
from rules_core.facts import PatientFacts
from rules_core.policy import SitePolicy, default_policy, policy_text
from rules_core.predicates import num
from rules_core.registry import PREDICATES
from rules_core.renewals import DrugContext
from rules_core.spec import (  # noqa: F401  (RulesetError, parse_ruleset: the loader's public names)
    RULESET_FILE,
    CriterionSpec,
    DrugSpec,
    OptionsFirstSpec,
    PathwaySpec,
    QuoteSpec,
    RulesetError,
    RulesetSpec,
    WarningSpec,
    parse_ruleset,
    problem_text,
)

# --- 2. compile -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ruleset:
    """A compiled ruleset: the rules for each drug under one site policy."""

    info: RulesetInfo
    policy: SitePolicy
    rules: Mapping[str, DrugRules]
    options_first: tuple[tuple[Callable[[Facts], Any], str], ...] = ()  # (condition, drug ranked first)

    def derive(self, patient: PatientFacts) -> Facts:
        return derive(patient, self.policy.esa_adequate_trial_weeks)


def compile_ruleset(spec: RulesetSpec, policy: SitePolicy, where: str = RULESET_FILE) -> Ruleset:
    """Spec + policy → Ruleset; RulesetError naming the rule on the first problem."""
    if tuple(spec.drugs) != SUPPORTED_DRUGS:
        raise RulesetError(f"{where}: drugs: expected exactly {', '.join(SUPPORTED_DRUGS)}, in that order")
    context = _Context(where, policy, frozenset(s.doc_id for s in spec.sources))
    rules = {drug: _drug_rules(drug, drug_spec, context) for drug, drug_spec in spec.drugs.items()}
    _check_unique_ids(rules, where)
    pers = {f"{drug}.{p.id}": (p.per.doc_id, p.per.basis) for drug, d in spec.drugs.items() for p in d.pathways if p.per}
    try:
        rules = with_conflicts(rules, pers, {s.doc_id: s.label for s in spec.sources})
    except ValueError as exc:
        raise RulesetError(f"{where}: {exc}") from None
    info = RulesetInfo(id=spec.id, version=spec.version, fingerprint=fingerprint(spec, policy),
                       sources=[s.doc_id for s in spec.sources])
    return Ruleset(info=info, policy=policy, rules=MappingProxyType(rules),
                   options_first=tuple(_options_first(o, context) for o in spec.options_first))


def _options_first(spec: OptionsFirstSpec, context: _Context) -> tuple[Callable[[Facts], Any], str]:
    rule_id = f"options_first.{spec.drug}"
    if spec.drug not in SUPPORTED_DRUGS:
        raise context.fail(rule_id, "drug", f"use one of {', '.join(SUPPORTED_DRUGS)}")
    condition = CONDITIONS.get(spec.when)
    if condition is None or condition.needs_drug or condition.params.model_fields:
        raise context.fail(rule_id, "when", f"{spec.when!r} is not a condition without parameters")
    _citation(rule_id, "cite", spec.cite, context)
    return condition.factory(), spec.drug


@dataclass(frozen=True, slots=True)
class _Context:
    where: str
    policy: SitePolicy
    sources: frozenset[str]

    def fail(self, rule_id: str, field: str, problem: str) -> RulesetError:
        return RulesetError(f"{self.where}: {rule_id}: {field}: {problem}")

    def policy_texts(self) -> dict[str, str]:
        return {key: policy_text(self.policy, key) for key in SitePolicy.model_fields}


@dataclass(frozen=True, slots=True)
class _DrugWindow:
    """The drug a rule belongs to, with its response window and the policy value it came from (if any)."""

    context: DrugContext
    policy_keys: tuple[str, ...]


def _drug_window(drug: str, spec: DrugSpec, context: _Context) -> _DrugWindow:
    params, used = _resolve_params(drug, {"response_window_weeks": spec.response_window_weeks}, context)
    weeks = params["response_window_weeks"]
    if not isinstance(weeks, int) or isinstance(weeks, bool) or weeks < 1:
        raise context.fail(drug, "response_window_weeks", f"expected a whole number of weeks or {{policy: NAME}}, got {weeks!r}")
    return _DrugWindow(DrugContext(drug, weeks), tuple(used))


def _drug_rules(drug: str, spec: DrugSpec, context: _Context) -> DrugRules:
    window = _drug_window(drug, spec, context)
    pathways = tuple(_pathway(f"{drug}.{p.id}", p, context, window) for p in spec.pathways)
    warnings = tuple(_warning(drug, w, context, window) for w in spec.warnings)
    return DrugRules(drug=drug, pathways=pathways, warnings=warnings)


def _pathway(pathway_id: str, spec: PathwaySpec, context: _Context, window: _DrugWindow) -> Pathway:
    if spec.per is not None and spec.per.doc_id not in context.sources:
        raise context.fail(pathway_id, "per.doc_id", f"{spec.per.doc_id!r} is not a source")
    criteria = tuple(_criterion(f"{pathway_id}.{c.id}", c, context, window) for c in spec.criteria)
    shown = PathwayResult(pathway_id, spec.title, "not_applicable", [], spec.line_of_therapy, spec.request, spec.name)
    return Pathway(id=pathway_id, title=spec.title, criteria=criteria, name=spec.name,
                   line_of_therapy=spec.line_of_therapy, request=spec.request, not_applicable=shown)


def _criterion(rule_id: str, spec: CriterionSpec, context: _Context, window: _DrugWindow) -> Criterion:
    predicate = PREDICATES.get(spec.check)
    if predicate is None:
        raise context.fail(rule_id, "check", f"unknown predicate {spec.check!r}; known: {', '.join(PREDICATES)}")
    params, used = _resolve_params(rule_id, spec.params, context)
    validated = _validated(rule_id, predicate.params, params, context)
    if predicate.needs_drug:
        validated["drug"] = window.context
        used = [*used, *window.policy_keys]
    check = predicate.factory(**validated)
    policy_keys = tuple(dict.fromkeys((*used, *predicate.implicit_policy)))
    texts = {key: value for key, value in context.policy_texts().items() if key in policy_keys}
    return Criterion(
        id=rule_id,
        statement=_fill(rule_id, "statement", spec.statement, texts, context),
        citation=_citation(rule_id, "cite", spec.cite, context),
        check=check,
        kind=spec.kind,
        note=_fill(rule_id, "note", spec.note, texts, context) if spec.note is not None else None,
        supporting=tuple(_citation(rule_id, f"supporting[{i}]", s, context) for i, s in enumerate(spec.supporting)),
        basis="site_policy" if policy_keys else "source",
        policy_keys=policy_keys,
    )


def _warning(drug: str, spec: WarningSpec, context: _Context, window: _DrugWindow) -> WarningRule:
    rule_id = f"{drug}.{spec.id}"
    condition = CONDITIONS.get(spec.when)
    if condition is None:
        raise context.fail(rule_id, "when", f"unknown condition {spec.when!r}; known: {', '.join(CONDITIONS)}")
    params, _ = _resolve_params(rule_id, spec.params, context)
    validated = _validated(rule_id, condition.params, params, context)
    applies = condition.factory(**validated, **({"drug": window.context} if condition.needs_drug else {}))
    static = {"drug": drug, "window_weeks": str(window.context.window_weeks), **context.policy_texts(),
              **{k: _text(v) for k, v in validated.items()}}
    _check_placeholders(rule_id, "text", spec.text, {*static, *condition.fields}, context)
    citations = tuple(_citation(rule_id, f"citations[{i}]", c, context) for i, c in enumerate(spec.citations))
    return WarningRule(id=rule_id, citations=citations, when=_warning_text(applies, spec.text, static), kind=spec.kind,
                       request=spec.request)


def _warning_text(applies: Callable[[Facts], dict[str, str] | None], template: str, static: dict[str, str]):
    def when(facts: Facts) -> str | None:
        fields = applies(facts)
        return None if fields is None else template.format_map({**static, **fields})

    return when


def _resolve_params(rule_id: str, params: dict[str, Any], context: _Context) -> tuple[dict[str, Any], list[str]]:
    """{policy: NAME} → the policy's value; returns the params and the policy names used."""
    resolved, used = {}, []
    for name, value in params.items():
        if isinstance(value, dict) and set(value) == {"policy"}:
            key = value["policy"]
            if key not in SitePolicy.model_fields:
                raise context.fail(rule_id, f"params.{name}", f"unknown policy value {key!r}; known: "
                                   f"{', '.join(SitePolicy.model_fields)}")
            value = getattr(context.policy, key)
            used.append(key)
        resolved[name] = value
    return resolved, used


def _validated(rule_id: str, model: type[BaseModel], params: dict[str, Any], context: _Context) -> dict[str, Any]:
    try:
        validated = model.model_validate(params)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = "params" + "".join(f".{p}" if isinstance(p, str) else f"[{p}]" for p in error["loc"])
        allowed = f"; parameters: {', '.join(model.model_fields) or 'none'}" if error["type"] == "extra_forbidden" else ""
        problem = str(error["ctx"]["error"]) if error["type"] == "value_error" else problem_text(error)
        raise context.fail(rule_id, where, problem + allowed) from None
    return {name: getattr(validated, name) for name in model.model_fields}


def _citation(rule_id: str, field: str, spec: QuoteSpec, context: _Context) -> SourceQuote:
    if spec.doc_id not in context.sources:
        raise context.fail(rule_id, f"{field}.doc_id", f"{spec.doc_id!r} is not a source; use one of "
                           f"{', '.join(sorted(context.sources))}")
    if "  " in spec.quote:
        raise context.fail(rule_id, f"{field}.quote", "collapse whitespace (a double space is never in a source)")
    return SourceQuote(doc_id=spec.doc_id, quote=spec.quote)


def _fill(rule_id: str, field: str, template: str, texts: dict[str, str], context: _Context) -> str:
    """A statement or note with the policy values it names; it may name only those its check applies."""
    _check_placeholders(rule_id, field, template, set(texts), context)
    return template.format_map(texts)


def _check_placeholders(rule_id: str, field: str, template: str, allowed: set[str], context: _Context) -> None:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise context.fail(rule_id, field, f"bad template: {exc}") from None
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise context.fail(rule_id, field, f"{{{unknown[0]}}} is not a value this rule uses; "
                           f"allowed: {', '.join(sorted(allowed)) or 'none'}")


def _text(value: Any) -> str:
    return num(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def _check_unique_ids(rules: Mapping[str, DrugRules], where: str) -> None:
    seen: set[str] = set()
    for rule_id in _all_ids(rules):
        if rule_id in seen:
            raise RulesetError(f"{where}: {rule_id}: id used twice")
        seen.add(rule_id)


def _all_ids(rules: Mapping[str, DrugRules]) -> Iterator[str]:
    for drug_rules in rules.values():
        for pathway in drug_rules.pathways:
            yield pathway.id
            yield from (c.id for c in pathway.criteria)
        yield from (w.id for w in drug_rules.warnings)


# --- 3. fingerprint ----------------------------------------------------------------------------------


def fingerprint(spec: RulesetSpec, policy: SitePolicy) -> str:
    """sha256 (16 hex) over the data as validated (anchors expanded) and the policy values."""
    data = {"ruleset": spec.model_dump(exclude={"definitions"}), "policy": policy.model_dump()}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


# --- the shipped ruleset ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def shipped_spec() -> RulesetSpec:
    text = resources.files("rules_core").joinpath(RULESET_FILE).read_text(encoding="utf-8")
    return parse_ruleset(text)


@lru_cache(maxsize=16)
def load_ruleset(policy: SitePolicy | None = None) -> Ruleset:
    """The shipped ruleset compiled under ``policy`` (the shipped defaults when None); cached per policy."""
    return compile_ruleset(shipped_spec(), policy or default_policy())
