"""The shipped ruleset under the shipped site policy.

The rules are data (rules_core/ruleset.yaml), compiled by rules_core.loader;
the policy defaults are rules_core/policy.yaml. ``load_ruleset(policy)`` gives
the same rules under another site policy.
"""

from __future__ import annotations

from rules_core.loader import Ruleset, RulesetError, load_ruleset

DEFAULT: Ruleset = load_ruleset()
RULES = DEFAULT.rules  # drug → DrugRules, in the sources' sequence
RULESET = DEFAULT.info

__all__ = ["DEFAULT", "RULES", "RULESET", "Ruleset", "RulesetError", "load_ruleset"]
