"""Clinician Q&A: extractive answers from the corpus (answerer) and the optional LLM drafter."""
