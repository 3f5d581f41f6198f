"""One settings object for the whole product (env prefix ``MDSBOT_``).

Read once at the edge (CLI, app) and passed down; nothing below reads the
environment itself.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MDSBOT_", extra="ignore")

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
    collection: str = Field(default="mdsbot_passages", description="Chroma collection name.")
    top_k: int = Field(default=6, ge=1, le=50, description="Passages handed to the optional LLM drafter.")
    max_sentences: int = Field(default=5, ge=1, le=5, description="Sentences in an extractive answer.")
    llm: str | None = Field(
        default=None,
        description="Optional drafting model: 'openai:<model>@<base_url>' or 'ollama:<model>'. Off by default.",
    )
    host: str = Field(default="127.0.0.1", description="Gradio app host.")
    port: int = Field(default=7860, ge=1, le=65535, description="Gradio app port.")
