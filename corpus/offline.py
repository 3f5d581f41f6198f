"""The environment that keeps every library offline: no hub, no telemetry, no analytics.

One table, applied before transformers, chromadb or gradio are imported (CLI,
app, index, tests). Dependency-free so the fast CLI paths can call it.
"""

from __future__ import annotations

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def offline_environment() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # never on, whatever the shell says
