"""The rules-core cases of the eval: vignettes (a decision and pathway expected) and bad input (a one-line
error naming the field expected). A mixin of eval.runner.Runner, which supplies `rules` and `_base`."""

from __future__ import annotations

from typing import Any

from eval.cases import BadInputCase, VignetteCase
from eval.matching import find_terms, flatten_text
from eval.protocols import EvalSetupError
from eval.responses import Timer, as_dict, decision_value, error_text


class RulesCases:
    def run_vignette(self, case: VignetteCase) -> dict[str, Any]:
        rec = self._base(
            case,
            {
                "drug": case.drug,
                "patient": case.patient,
                "decision": case.expect_decision,
                "pathway": case.expect_pathway,
                "warning_mentions": case.expect_warning_mentions,
            },
        )
        rec["drug"] = case.drug
        try:
            with Timer() as t:
                decision = self.rules.evaluate(case.drug, case.patient)
        except EvalSetupError:
            raise
        except Exception as exc:
            rec["error"] = error_text(exc)
            rec["failures"].append(f"rules core raised on a valid patient: {rec['error']}")
            rec["actual"] = {"decision": None, "pathway": None, "warnings": []}
            return rec
        rec["latency"].append({"route": "rules_core", "ms": t.ms})
        d = as_dict(decision)
        warnings_text = flatten_text(d.get("warnings") or [])
        rec["actual"] = {
            "decision": decision_value(d),
            "pathway": d.get("pathway"),
            "warnings": d.get("warnings") or [],
            "missing_documentation": d.get("missing_documentation") or [],
            "pathways": [
                {"id": as_dict(p).get("id"), "status": as_dict(p).get("status")} for p in d.get("pathways") or []
            ],
        }
        decision_ok = rec["actual"]["decision"] == case.expect_decision
        pathway_ok = case.expect_pathway is None or rec["actual"]["pathway"] == case.expect_pathway
        found, missing = find_terms(warnings_text, case.expect_warning_mentions)
        rec["checks"] = {
            "decision": decision_ok,
            "pathway": None if case.expect_pathway is None else pathway_ok,
            "warnings_found": len(found),
            "warnings_total": len(case.expect_warning_mentions),
        }
        if not decision_ok:
            rec["failures"].append(f"decision: expected {case.expect_decision!r}, got {rec['actual']['decision']!r}")
        if not pathway_ok:
            rec["failures"].append(f"pathway: expected {case.expect_pathway!r}, got {rec['actual']['pathway']!r}")
        if missing:
            rec["failures"].append("warnings do not mention: " + ", ".join(repr(m) for m in missing))
        rec["passed"] = not rec["failures"]
        return rec

    def run_bad_input(self, case: BadInputCase) -> dict[str, Any]:
        rec = self._base(case, {"drug": case.drug, "patient": case.patient, "error_mentions": case.expect_error_mentions})
        rec["drug"] = case.drug
        rules = self.rules
        try:
            with Timer() as t:
                result = rules.evaluate(case.drug, case.patient)
        except EvalSetupError:
            raise
        except ValueError as exc:  # pydantic.ValidationError is a ValueError
            rec["latency"].append({"route": "rules_core", "ms": t.ms})
            try:
                message = str(rules.format_error(exc))
            except Exception as fmt_exc:
                message = ""
                rec["failures"].append(f"format_error raised: {error_text(fmt_exc)}")
            rec["actual"] = {"raised": type(exc).__name__, "message": message}
            found, missing = find_terms(message, case.expect_error_mentions)
            if missing:
                rec["failures"].append(
                    "error message does not name: " + ", ".join(repr(m) for m in missing) + f" (got {message!r})"
                )
            if "\n" in message.strip() or "Traceback" in message:
                rec["failures"].append("error message is not one line")
            rec["passed"] = not rec["failures"]
            return rec
        except Exception as exc:
            rec["actual"] = {"raised": type(exc).__name__, "message": error_text(exc)}
            rec["failures"].append(f"bad input crashed with {type(exc).__name__}, not a validation error")
            return rec
        rec["actual"] = {"raised": None, "decision": decision_value(as_dict(result))}
        rec["failures"].append(f"bad input was accepted (decision {rec['actual']['decision']!r})")
        return rec
