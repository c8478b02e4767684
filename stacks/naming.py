"""Stable construct ids from blueprint names: derived in mlblueprints.names, where BP107 checks them."""

from __future__ import annotations

from mlblueprints.names import construct_id, variant_construct_id

__all__ = ["construct_id", "variant_construct_id"]
