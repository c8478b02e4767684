"""Stable construct ids from blueprint names."""

from __future__ import annotations


def construct_id(name: str) -> str:
    """``llm-pretrain-p4d`` -> ``LlmPretrainP4d``: stable for a name, unique because names are."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("-") if part)
