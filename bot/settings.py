"""One settings object for the whole product (env prefix ``MDSBOT_``).

Read once at the edge (CLI, app) and passed down; nothing below reads the
environment itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class FactReading(BaseModel):
    """How patient facts are read from chat text where the text leaves a choice (bot.eligibility).

    Every choice made with one of these is shown to the user as a note.
    """

    model_config = ConfigDict(frozen=True)

    strict_bound_step: float = Field(
        default=0.1, gt=0, le=1,
        description="A strict bound is recorded this far on its stated side ('sEPO > 500' -> 500.1, "
        "'blasts < 5%' -> 4.9), so the rules see a value that satisfies exactly what was said.",
    )
    hemoglobin_g_per_dl_max: float = Field(
        default=25, gt=0,
        description="A hemoglobin given without a unit is read as g/dL up to this value and as g/L above it "
        "(g/dL values lie around 5-18, g/L values around 50-180); a value above it in g/dL (ten times it in "
        "g/L) is not recorded.",
    )
    hemoglobin_g_per_dl_min: float = Field(
        default=2, gt=0,
        description="A hemoglobin below this (in g/dL, or ten times it in g/L) is not recorded: no living "
        "patient's value, so a typo or a wrong unit ('Hb 8.1 g/L'); the user is asked to restate it.",
    )
    rbc_units_max: int = Field(
        default=50, gt=0,
        description="A 'units' count at or above this is a drug dose ('40,000 units weekly'), not red-cell units.",
    )
    weeks_per_month: int = Field(
        default=4, ge=4, le=5,
        description="Weeks a stated month counts as (the criteria count transfusions and courses in weeks).",
    )
    max_age_years: int = Field(default=120, gt=0, description="An age at or above this is not read as an age.")
    max_clause_chars: int = Field(
        default=400, ge=50,
        description="A statement is read at most this far around a drug name: keeps pasted notes linear-time.",
    )


class GuardTuning(BaseModel):
    """The guard's thresholds (Settings.guard, env MDSBOT_GUARD__<NAME>)."""

    model_config = ConfigDict(frozen=True)

    min_overlap: float = Field(
        default=0.75, ge=0.0, le=1.0,
        description="Share of a paraphrase's content words (stemmed) its cited passages must use. Lower lets looser "
        "paraphrases through; 0.75 keeps every faithful paraphrase of tests/test_llm.py and drops invented wording.",
    )
    min_content_words: int = Field(
        default=2, ge=1, description="A paraphrase with fewer content words is too short to be a claim of its source.",
    )
    premise_min_value: float = Field(
        default=10, ge=0,
        description="A bare number in a question (no unit, no decimals) is a claimed figure from this value up; "
        "smaller ones are counts and list numbers ('2 drugs', 'step 3').",
    )
    note_max_figures: int = Field(default=4, ge=1, description="At most this many reported figures in a premise note.")


class AnswerTuning(BaseModel):
    """How the extractive answerer scores, selects and refuses (bot/qa/answerer.py).

    Tuned on the development questions (docs/retrieval.md); the held-out sealed set
    measures them. Scores are in 0..1; weights are shares of a sentence's score.
    """

    model_config = ConfigDict(frozen=True)

    min_coverage: float = Field(
        default=0.5, ge=0, le=1,
        description="Share of the question's topic terms the best passage must contain to answer (unitless share).",
    )
    min_entity_coverage: float = Field(
        default=0.25, ge=0, le=1,
        description="The same share when the best sentence is about a drug or trial the question names "
        "(false premises and loose wording still get the facts).",
    )
    min_dense: float = Field(
        default=0.25, ge=-1, le=1,
        description="Cosine similarity below which the top sentences are too far in meaning to answer "
        "unless they cover every topic term.",
    )
    min_meaning_kept: float = Field(
        default=0.85, ge=-1, le=1,
        description="Cosine of the question with itself less the words the sources never use, below which "
        "those words carry its meaning and it is refused (calibrated on the development questions).",
    )
    unknown_share_penalty: float = Field(
        default=0.2, ge=0, le=1,
        description="Added to min_meaning_kept per unit of the share of unknown words above one half "
        "(a question mostly of words the sources never use must keep more of its meaning without them).",
    )
    select_ratio: float = Field(
        default=0.82, gt=0, le=1,
        description="A further sentence joins the answer only if its score is at least this share of the best's.",
    )
    direct_min_share: float = Field(
        default=0.6, gt=0, le=1,
        description="A yes/no question is answered 'Yes'/'No' only from a quoted sentence carrying at least this share "
        "of its topic terms (calibrated on the development questions; below it the quotes follow with no lead word).",
    )
    direct_min_meaning: float = Field(
        default=0.95, gt=0, le=1,
        description="A yes/no question with words the sources never use gets 'Yes'/'No' only if it keeps this cosine "
        "without them ('still' is phrasing, 0.996; 'in Europe' carries meaning, 0.89).",
    )
    per_entity_ratio: float = Field(
        default=0.5, gt=0, le=1,
        description="A sentence added for another named drug or trial needs at least this share of the best score.",
    )
    broad_select_ratio: float = Field(
        default=0.7, gt=0, le=1,
        description="select_ratio for a broad question (lexicon broad_cues: why, how should, compare): its answer "
        "spans several passages.",
    )
    fill_ratio: float = Field(
        default=0.5, gt=0, le=1,
        description="In a broad question, a topic term no quoted sentence carries gets the best sentence that does, "
        "if it scores at least this share of the best.",
    )
    conflict_evidence_depth: int = Field(
        default=2, ge=0, le=50,
        description="A yes/no or broad question is on a known conflict's topic when its best this many sentences hold "
        "positions of both documents, whatever its words (besides the conflict's triggers); 0 turns this off. "
        "Deeper pulls the ring-sideroblast positions into every approval question (tried 4 on the dev sets).",
    )
    max_answer_words: int = Field(
        default=250, ge=0, le=2000,
        description="Words an answer should stay within: over it, the lowest-scored quotes that are neither a known "
        "conflict's position, the opening sentence nor an aspect's first evidence are dropped; 0 turns this off.",
    )
    weight_dense: float = Field(default=0.25, ge=0, le=1, description="Weight of the sentence's cosine similarity.")
    weight_lexical: float = Field(default=0.1, ge=0, le=1, description="Weight of its BM25 score (normalised to the best).")
    weight_rank: float = Field(default=0.15, ge=0, le=1, description="Weight of 1/(1 + its passage's fused rank).")
    weight_topic: float = Field(default=0.5, ge=0, le=1, description="Weight of its topic-term coverage.")
    own_coverage_share: float = Field(
        default=0.7, ge=0, le=1,
        description="Within topic coverage, the share from the sentence and its section; the rest from its passage.",
    )
    off_subject_factor: float = Field(
        default=0.6, ge=0, le=1,
        description="Score multiplier for a sentence not about the drug or trial the question names.",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MDSBOT_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(
        default=Path(".mdsbot"),
        description="Where the embedded Chroma index and its content hash live.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="http://host:port of a shared `chroma run` server; unset = embedded PersistentClient.",
    )
    manifest: Path | None = Field(
        default=None,
        description="Document manifest (JSON) to serve instead of the shipped corpus/manifest.json.",
    )
    hidden_documents: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Shipped document ids left out of answers, comma-separated (MDSBOT_HIDDEN_DOCUMENTS=id1,id2); "
        "shipped documents are never removed, a site hides them (`mdsbot corpus` lists the ids).",
    )
    collection: str = Field(default="mdsbot_passages", description="Chroma collection name.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the decision-record database (e.g. postgresql+psycopg://user@host/db); "
        "unset = SQLite at <data_dir>/decisions.sqlite3.",
    )
    record_decisions: bool = Field(
        default=True,
        description="Store every decision the web app, its chat and its API make (mdsbot decisions list, the "
        "Decisions tab); false decides without storing, like the CLI's --no-record.",
    )
    top_k: int = Field(default=6, ge=1, le=50, description="Passages handed to the optional LLM drafter.")
    retrieval_candidates: int = Field(
        default=60, ge=10, le=1000,
        description="Passages (and sentences) each ranking proposes per question: Chroma's dense top-k and BM25's "
        "top-k. Fusion and sentence selection score only these; no query asks the index for more.",
    )
    max_sentences: int = Field(default=5, ge=1, le=5, description="Sentences in an extractive answer.")
    llm: str | None = Field(
        default=None,
        description="Optional drafting model: 'openai:<model>@<base_url>' or 'ollama:<model>'. Off by default.",
    )
    host: str = Field(default="127.0.0.1", description="Gradio app host.")
    port: int = Field(default=7860, ge=1, le=65535, description="Gradio app port.")
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the app answers besides the bound host and loopback (e.g. behind a proxy); "
        "requests naming any other host get 400 (DNS rebinding).",
    )
    max_question_chars: int = Field(
        default=4000, ge=100,
        description="Longest question read (characters); a longer one is answered at once with a short refusal.",
    )
    turn_timeout_seconds: float = Field(
        default=30, gt=0, description="Seconds one chat/API turn in the web app may take before the user is told."
    )
    app_lanes: int = Field(
        default=4, ge=1, le=64,
        description="Questions the web app answers at the same time (worker threads). Throughput is bound by the "
        "web layer, not the engine (benchmarks/bench_concurrent.py): more lanes lower p50 and raise p95.",
    )
    batch_retries: int = Field(
        default=4, ge=0, le=20, description="Retries of a batch line whose index server went away (ask --batch)."
    )
    batch_backoff_seconds: float = Field(
        default=1.0, ge=0, description="First wait before such a retry; each further wait doubles (seconds)."
    )
    answering: AnswerTuning = Field(
        default_factory=AnswerTuning,
        description="Scoring, selection and refusal thresholds of the answerer (MDSBOT_ANSWERING__<FIELD>).",
    )
    guard: GuardTuning = Field(
        default_factory=GuardTuning,
        description="The guard's thresholds, e.g. MDSBOT_GUARD__MIN_OVERLAP=0.8 (see bot/guard/models.py).",
    )
    fact_reading: FactReading = Field(
        default_factory=FactReading,
        description="Choices made when reading patient facts from chat (MDSBOT_FACT_READING__<FIELD>).",
    )

    @field_validator("hidden_documents", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def added_documents(self) -> Path:
        """Where documents added with `mdsbot ingest PATH` or the app's upload are stored (corpus/library.py)."""
        return self.data_dir / "documents"
