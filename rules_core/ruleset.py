"""The ruleset: every drug, pathway, criterion and warning, each with its source.

Doc 000 (000_28884f76a78fdbfe) is a clinical review of relapsed/refractory
LR-MDS; doc 002 (002_b313ab8f7ec3a988) is an article on luspatercept medical
necessity. Quotes are verbatim excerpts of the shipped files after collapsing
whitespace (OCR noise such as "TD >4" or "/DH2" is kept as printed).
Pathways are listed in decision order: the first eligible one is reported.
"""

from __future__ import annotations

import hashlib
from types import MappingProxyType

from rules_core import predicates as p
from rules_core.criteria import Criterion, DrugRules, Pathway, WarningRule
from rules_core.decision import Citation, RulesetInfo
from rules_core.derived import Facts
from rules_core.drugs import HMAS, SUPPORTED_DRUGS
from rules_core.predicates import num

REVIEW = "000_28884f76a78fdbfe"  # clinical review of R/R LR-MDS
ARTICLE = "002_b313ab8f7ec3a988"  # luspatercept medical-necessity article


def review(quote: str) -> Citation:
    return Citation(doc_id=REVIEW, quote=quote)


def article(quote: str) -> Citation:
    return Citation(doc_id=ARTICLE, quote=quote)


TD_NOTE = (
    "The source says 'transfusion-dependent' without a number; this ruleset defines it as "
    "≥ 2 RBC units in the last 8 weeks."
)
ESA_FAILURE_NOTE = (
    "ESA failure: an ESA entry with response 'lost' or 'intolerant', or 'none' after an adequate trial "
    "(≥ 6 weeks with iron repletion documented). 'none' after < 6 weeks or without iron repletion is an "
    "inadequate trial, not a failure."
)
ESA_FAILURE_DEFINITION = article(
    "Prior ESA failure documented by lack of response after 6-8 weeks of adequate dosing with verified iron repletion"
)
LOWER_RISK_NOTE = "IPSS-R very low, low or intermediate; when IPSS-R is not documented, IPSS low or int-1."
LOWER_RISK_STATEMENT = "Lower-risk MDS (IPSS-R very low, low or intermediate; IPSS low/int-1 if IPSS-R is absent)"


def criterion(pathway_id: str, key: str, statement: str, citation: Citation, check, **extra) -> Criterion:
    return Criterion(id=f"{pathway_id}.{key}", statement=statement, citation=citation, check=check, **extra)


def documentation(pathway_id: str, field: str, statement: str, citation: Citation) -> Criterion:
    return criterion(pathway_id, f"documented.{field}", statement, citation, p.documented(field), kind="documentation")


# --- luspatercept ----------------------------------------------------------------------------

def _luspatercept_second_line() -> Pathway:
    pid = "luspatercept.second_line"
    return Pathway(
        id=pid,
        title="Second line after ESA failure or ineligibility (002: NCCN category 1; MEDALIST)",
        criteria=(
            criterion(pid, "lower_risk", LOWER_RISK_STATEMENT,
                      article("Risk stratification: Very low-, low-, or intermediate-risk MDS (IPSS-R classification)"),
                      p.lower_risk, note=LOWER_RISK_NOTE),
            criterion(pid, "ring_sideroblasts", "Ring sideroblasts ≥ 15%, or ≥ 5% with an SF3B1 mutation",
                      article("Morphologic features: Ring sideroblasts ≥15% OR ring sideroblasts ≥5% with SF3B1 mutation"),
                      p.ring_sideroblast_criterion),
            criterion(pid, "transfusion_dependent", "RBC transfusion-dependent: ≥ 2 RBC units in the last 8 weeks",
                      article("Transfusion status: Red blood cell transfusion-dependent"),
                      p.rbc_units(">=", 2), note=TD_NOTE),
            criterion(pid, "esa_failed_or_ineligible", "Failed ESA therapy, or serum EPO > 500 U/L (ESA-ineligible)",
                      article("Prior therapy: Failed ESA therapy OR serum erythropoietin (sEPO) >500 mU/mL "
                              "(making patient ineligible for ESAs)"),
                      p.esa_failed_or_ineligible, note=ESA_FAILURE_NOTE, supporting=(ESA_FAILURE_DEFINITION,)),
            documentation(pid, "ipss_r", "IPSS-R risk category documented",
                          article("IPSS-R risk category confirming lower-risk disease")),
            documentation(pid, "ring_sideroblasts_pct", "Ring sideroblast percentage documented",
                          article("Ring sideroblast percentage from bone marrow biopsy with iron stain")),
            documentation(pid, "sf3b1", "SF3B1 mutation status documented", article("SF3B1 mutation status")),
            documentation(pid, "serum_epo", "Serum erythropoietin level documented",
                          article("Serum erythropoietin level")),
            documentation(pid, "rbc_units_last_8_weeks", "Transfusion history documented",
                          article("Transfusion history demonstrating dependence")),
        ),
    )


def _luspatercept_first_line() -> Pathway:
    pid = "luspatercept.first_line"
    return Pathway(
        id=pid,
        title="First line in ESA-naive transfusion-dependent LR-MDS (000: COMMANDS)",
        criteria=(
            criterion(pid, "lower_risk_ipss_r", "Lower-risk by IPSS-R: very low, low or intermediate (IPSS not accepted)",
                      review("COMMANDS trial (ESA-naive TD LR-MDS; IPSS-R very low/low/intermediate"),
                      p.lower_risk_by_ipss_r),
            criterion(pid, "esa_naive", "ESA-naive: no ESA in the therapy history",
                      review("In the phase 3 COMMANDS trial (ESA-naive TD LR-MDS"), p.esa_naive),
            criterion(pid, "transfusion_dependent", "RBC transfusion-dependent: ≥ 2 RBC units in the last 8 weeks",
                      review("an effective and durable first-line option (with subgroup-consistent benefit), "
                             "for TD ESA-naive LR-MDS"),
                      p.rbc_units(">=", 2), note=TD_NOTE),
            criterion(pid, "sepo_below_500", "Serum EPO < 500 U/L",
                      review("IPSS-R very low/low/intermediate; sEPO <500 U/L"), p.sepo("<", 500)),
            criterion(pid, "blasts_below_5", "Bone marrow blasts < 5%", review("sEPO <500 U/L; <5% blasts"),
                      p.blasts("<", 5)),
            criterion(pid, "no_del5q", "No del(5q) (must be documented)", review("<5% blasts; del(5q) excluded)"),
                      p.del5q(present=False)),
        ),
    )


def _first_line_disagreement(facts: Facts) -> str:
    return (
        "Sources disagree on first-line luspatercept: 002 states it is NOT indicated first-line and calls "
        "COMMANDS ongoing; 000 reports COMMANDS results (60.4% vs 34.8% with epoetin alfa) and supports "
        "it first-line for TD ESA-naive LR-MDS."
    )


def _prior_use(drug: str, source: str):
    def when(facts: Facts) -> str | None:
        if facts.prior_agents is None or drug not in facts.prior_agents:
            return None
        return f"{drug} is already in the therapy history; {source}"

    return when


LUSPATERCEPT = DrugRules(
    drug="luspatercept",
    pathways=(_luspatercept_second_line(), _luspatercept_first_line()),
    warnings=(
        WarningRule(
            id="luspatercept.first_line_sources_disagree",
            citations=(
                article("Common pitfall: Luspatercept is NOT indicated as first-line therapy, even in "
                        "transfusion-dependent patients."),
                article("The COMMANDS trial (ongoing Phase 3) is comparing luspatercept directly to ESAs as "
                        "first-line therapy"),
                review("versus epoetin alfa (60.4% vs 34.8%; p<0.0001)"),
            ),
            when=_first_line_disagreement,
        ),
        WarningRule(
            id="luspatercept.prior_luspatercept",
            citations=(article("If no response or relapse occurs, consider alternative therapies including imetelstat "
                               "(Category 1, preferred if not previously used)"),),
            when=_prior_use("luspatercept", "002 advises alternatives such as imetelstat after no response or relapse."),
        ),
    ),
)


# --- imetelstat ------------------------------------------------------------------------------

def _imetelstat_pathway() -> Pathway:
    pid = "imetelstat.second_line"
    return Pathway(
        id=pid,
        title="After ESA failure or with sEPO > 500, high transfusion burden (000: IMerge; 002: category 1)",
        criteria=(
            criterion(pid, "lower_risk", LOWER_RISK_STATEMENT, review("In IMerge phase 3 (IPSS low/intermediate-1"),
                      p.lower_risk, note=LOWER_RISK_NOTE),
            criterion(pid, "esa_failed_or_ineligible", "Failed ESA therapy, or serum EPO > 500 U/L (ESA-ineligible)",
                      review("R/R to ESA or ESA-ineligible with EPO >500 mU/mL"), p.esa_failed_or_ineligible,
                      note=ESA_FAILURE_NOTE,
                      supporting=(article("Alternative second-line: Imetelstat (Category 1, preferred) if sEPO >500 mU/mL"),
                                  ESA_FAILURE_DEFINITION)),
            criterion(pid, "transfusion_burden_4", "High transfusion burden: ≥ 4 RBC units in the last 8 weeks",
                      review("TD >4 RBC units/8 weeks"), p.rbc_units(">=", 4),
                      note="The OCR'd source prints '>4'; the ruleset applies ≥ 4 (4 units meets)."),
            criterion(pid, "no_del5q", "No del(5q) (must be documented)", review("TD >4 RBC units/8 weeks; non-del(5q)"),
                      p.del5q(present=False)),
        ),
    )


IMERGE_EXCLUSION = review("non-del(5q); no prior lenalidomide or HMAs)")


def _prior_lenalidomide_or_hma(facts: Facts) -> str | None:
    if facts.prior_agents is None:
        return None
    given = sorted(facts.prior_agents & (HMAS | {"lenalidomide"}))
    if not given:
        return None
    return (
        f"Prior {', '.join(given)}: IMerge excluded patients previously given lenalidomide or HMAs, and pooled "
        "analyses show more modest activity after HMA. Not an exclusion in this ruleset; weigh the expected benefit."
    )


def _history_undocumented(facts: Facts) -> str | None:
    if facts.prior_agents is not None:
        return None
    return "Therapy history not documented: IMerge excluded prior lenalidomide or HMAs; confirm prior exposure."


def _hematologic_toxicity(facts: Facts) -> str:
    return (
        "Hematologic toxicity: grade 3-4 thrombocytopenia and neutropenia were frequent with imetelstat, "
        "especially in early cycles."
    )


IMETELSTAT = DrugRules(
    drug="imetelstat",
    pathways=(_imetelstat_pathway(),),
    warnings=(
        WarningRule(
            id="imetelstat.prior_lenalidomide_or_hma",
            citations=(IMERGE_EXCLUSION,
                       review("indicating more modest activity in heavily pretreated subsets (e.g., prior HMA)")),
            when=_prior_lenalidomide_or_hma,
        ),
        WarningRule(id="imetelstat.therapy_history_undocumented", citations=(IMERGE_EXCLUSION,),
                    when=_history_undocumented),
        WarningRule(
            id="imetelstat.hematologic_toxicity",
            citations=(review("Safety is characterized predominantly by hematologic toxicity—grade 3—4 "
                              "thrombocytopenia and neutropenia were frequent (especially early cycles)"),),
            when=_hematologic_toxicity,
        ),
        WarningRule(
            id="imetelstat.prior_imetelstat",
            citations=(article("consider alternative therapies including imetelstat (Category 1, preferred if not "
                               "previously used)"),),
            when=_prior_use("imetelstat", "002 prefers imetelstat when it was not previously used."),
        ),
    ),
)


# --- ESAs ------------------------------------------------------------------------------------

def _esa_pathway(drug: str) -> Pathway:
    pid = f"{drug}.first_line"
    return Pathway(
        id=pid,
        title="First-line ESA when serum EPO ≤ 500 (002; 000: best with sEPO < 200, low transfusion burden, early start)",
        criteria=(
            criterion(pid, "lower_risk", LOWER_RISK_STATEMENT,
                      article("ESAs remain the preferred initial treatment for lower-risk MDS without del(5q)."),
                      p.lower_risk, note=LOWER_RISK_NOTE),
            criterion(pid, "sepo_at_most_500", "Serum EPO ≤ 500 U/L",
                      article("First-line: ESAs (epoetin alfa or darbepoetin alfa) if sEPO ≤500 mU/mL"),
                      p.sepo("<=", 500)),
            criterion(pid, "no_prior_esa_failure", "No prior ESA failure",
                      article("Second-line: Luspatercept after documented ESA failure (no response after 6-8 weeks) "
                              "or ESA ineligibility"),
                      p.no_prior_esa_failure, note=ESA_FAILURE_NOTE, supporting=(ESA_FAILURE_DEFINITION,)),
        ),
    )


def _sepo_200_or_more(facts: Facts) -> str | None:
    value = facts.sepo_u_per_l
    if value is None or value < 200:
        return None
    return f"Serum EPO {num(value)} U/L ≥ 200: lower likelihood of ESA response (000 favours < 200 U/L)."


def _del5q_present(facts: Facts) -> str | None:
    if not facts.patient.del5q:
        return None
    return "del(5q) present: lenalidomide is preferred; ESAs are the preferred first line for lower-risk MDS without del(5q)."


def _high_transfusion_burden(facts: Facts) -> str | None:
    units = facts.patient.rbc_units_last_8_weeks
    if units is None or units < 4:
        return None
    return f"{units} RBC units in 8 weeks (≥ 4): high transfusion burden lowers the likelihood of ESA response."


def _esa_rules(drug: str) -> DrugRules:
    return DrugRules(
        drug=drug,
        pathways=(_esa_pathway(drug),),
        warnings=(
            WarningRule(id=f"{drug}.sepo_200_or_more",
                        citations=(review("serum EPO levels < 200U/L ( or at least < 500U/L)"),),
                        when=_sepo_200_or_more),
            WarningRule(id=f"{drug}.del5q_lenalidomide_preferred",
                        citations=(article("ESAs remain the preferred initial treatment for lower-risk MDS without del(5q)."),
                                   review("For TD del(5q) LR-MDS, lenalidomide remains an extremely effective agent")),
                        when=_del5q_present),
            WarningRule(id=f"{drug}.high_transfusion_burden",
                        citations=(review("serum EPO levels < 200U/L ( or at least < 500U/L) and transfusion independent"),),
                        when=_high_transfusion_burden),
        ),
    )


# --- lenalidomide ----------------------------------------------------------------------------

LENALIDOMIDE_DEL5Q = review("lenalidomide in del(5q)")


def _lenalidomide_transfusion_dependent() -> Pathway:
    pid = "lenalidomide.transfusion_dependent"
    return Pathway(
        id=pid,
        title="Transfusion-dependent del(5q) LR-MDS (000)",
        criteria=(
            criterion(pid, "lower_risk", LOWER_RISK_STATEMENT, review("For TD del(5q) LR-MDS"), p.lower_risk,
                      note=LOWER_RISK_NOTE),
            criterion(pid, "del5q", "del(5q) present", LENALIDOMIDE_DEL5Q, p.del5q(present=True)),
            criterion(pid, "transfusion_dependent", "RBC transfusion-dependent: ≥ 2 RBC units in the last 8 weeks",
                      review("For TD del(5q) LR-MDS, lenalidomide remains an extremely effective agent in inducing "
                             "transfusion independence"),
                      p.rbc_units(">=", 2), note=TD_NOTE),
        ),
    )


def _lenalidomide_anemic_non_td() -> Pathway:
    pid = "lenalidomide.anemic_non_td"
    early = review("Early low-dose lenalidomide in anemic non-transfusion-dependent disease")
    return Pathway(
        id=pid,
        title="Early low-dose, anemic but not transfusion-dependent del(5q) LR-MDS (000)",
        criteria=(
            criterion(pid, "lower_risk", LOWER_RISK_STATEMENT,
                      review("Lower-risk myelodysplastic syndromes (LR-MDS) although are considered an indolent disease"),
                      p.lower_risk, note=LOWER_RISK_NOTE),
            criterion(pid, "del5q", "del(5q) present", LENALIDOMIDE_DEL5Q, p.del5q(present=True)),
            criterion(pid, "not_transfusion_dependent", "Not transfusion-dependent: fewer than 2 RBC units in the last 8 weeks",
                      early, p.rbc_units("<", 2), note=TD_NOTE),
            criterion(pid, "anemic", "Anemic: hemoglobin < 10 g/dL", early, p.hemoglobin("<", 10),
                      note="The source says 'anemic'; this ruleset uses hemoglobin < 10 g/dL (g/L ÷ 10)."),
        ),
    )


LENALIDOMIDE = DrugRules(
    drug="lenalidomide",
    pathways=(_lenalidomide_transfusion_dependent(), _lenalidomide_anemic_non_td()),
    warnings=(),
)


# --- IDH inhibitors --------------------------------------------------------------------------

def _idh_rules(drug: str, field: str, gene: str) -> DrugRules:
    pid = f"{drug}.{field}_mutated"
    pathway = Pathway(
        id=pid,
        title=f"{gene}-mutated LR-MDS after ESA failure or with sEPO > 500 (000, targeted therapy)",
        criteria=(
            criterion(pid, "lower_risk", LOWER_RISK_STATEMENT,
                      review("/DHmut inhibitors have shown signals even in LR-MDS after EPO failure"), p.lower_risk,
                      note=LOWER_RISK_NOTE),
            criterion(pid, f"{field}_mutated", f"{gene} mutated",
                      review("ivosidenib and enasidenib in /DH I/IDH?2 mutated cases"), p.mutated(field, gene)),
            criterion(pid, "esa_failed_or_ineligible", "Failed ESA therapy, or serum EPO > 500 U/L (ESA-ineligible)",
                      review("In the R/R setting—patients who fail, relapse after, or are intolerant to ESA (or are "
                             "ESA-ineligible due to high endogenous EPO)"),
                      p.esa_failed_or_ineligible, note=ESA_FAILURE_NOTE,
                      supporting=(review("signals even in LR-MDS after EPO failure"), ESA_FAILURE_DEFINITION)),
        ),
    )
    small = WarningRule(
        id=f"{drug}.small_cohorts",
        citations=(review("Targeted therapy opportunities, though applicable to smaller subsets, are also represented"),
                   review("in an /DH2-mutated LR-MDS cohort, 55% patients achieved complete remission")),
        when=lambda facts: f"Evidence for {drug} in LR-MDS comes from small cohorts (000: smaller subsets; one IDH2 cohort).",
    )
    return DrugRules(drug=drug, pathways=(pathway,), warnings=(small,))


RULES = MappingProxyType(
    {
        "epoetin_alfa": _esa_rules("epoetin_alfa"),
        "darbepoetin_alfa": _esa_rules("darbepoetin_alfa"),
        "luspatercept": LUSPATERCEPT,
        "imetelstat": IMETELSTAT,
        "lenalidomide": LENALIDOMIDE,
        "ivosidenib": _idh_rules("ivosidenib", "idh1", "IDH1"),
        "enasidenib": _idh_rules("enasidenib", "idh2", "IDH2"),
    }
)
assert tuple(RULES) == SUPPORTED_DRUGS


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for rules in RULES.values():
        for pathway in rules.pathways:
            for c in pathway.criteria:
                for part in (c.id, c.statement, c.note or "", c.citation.quote, *(s.quote for s in c.supporting)):
                    digest.update(part.encode())
        for warning in rules.warnings:
            for part in (warning.id, *(cit.quote for cit in warning.citations)):
                digest.update(part.encode())
    return digest.hexdigest()[:16]


RULESET = RulesetInfo(id="mdsbot-lr-mds-necessity", version="1.0.0", fingerprint=_fingerprint(), sources=[REVIEW, ARTICLE])
