"""Keras's dtype names and policies, and how many bytes one weight takes under each.

Keras 3's summary sizes every weight by its variable's dtype (``keras.src.utils.dtype_utils``):
a ``float16`` layer's weights take 2 bytes each, but under a mixed policy (``mixed_float16``,
``mixed_bfloat16``) the variables stay ``float32`` (4 bytes) and only the computation is in
half precision.
"""

from __future__ import annotations

from typing import Any

from .errors import did_you_mean

DEFAULT_DTYPE = "float32"
"""Keras's default policy: what a layer without a dtype uses."""

BITS = {
    **{f"float{n}": n for n in (16, 32, 64)},
    **{f"int{n}": n for n in (8, 16, 32, 64)},
    **{f"uint{n}": n for n in (8, 16, 32, 64)},
    "bfloat16": 16,
    "float8_e4m3fn": 8,
    "float8_e5m2": 8,
    "bool": 1,
}
"""Bits per element of each dtype, as Keras 3 counts them in its summary."""

MIXED_POLICIES = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
"""Mixed-precision policies and the dtype they compute in; their variables stay float32."""

TENSOR_DTYPES = (*BITS, "string")
"""What an input tensor may hold: numbers, or text for StringLookup and TextVectorization."""

DTYPE_NAMES = (*TENSOR_DTYPES, *MIXED_POLICIES)
"""Every name a spec's ``dtype`` accepts."""


def variable_dtype(policy: str | None) -> str:
    """The dtype a layer's weights are stored in under a policy (None: Keras's default)."""
    policy = policy or DEFAULT_DTYPE
    return "float32" if policy in MIXED_POLICIES else policy


def compute_dtype(policy: str | None) -> str:
    """The dtype a layer computes (and so stores its outputs) in under a policy."""
    policy = policy or DEFAULT_DTYPE
    return MIXED_POLICIES.get(policy, policy)


def bytes_per_weight(policy: str | None) -> float:
    """Bytes of one weight under a policy: float16 → 2, mixed_float16 → 4 (float32 variables);
    a string input has no weights and no fixed size: 0."""
    return BITS.get(variable_dtype(policy), 0) / 8


def stored_bytes(dtype: str) -> int:
    """Bytes one element takes in memory (a bool takes a whole byte)."""
    return max(1, BITS[dtype] // 8)


def dtype_name(value: Any) -> Any:
    """A Keras dtype name from a name or a serialized DTypePolicy; other values unchanged.

    Keras writes ``{"class_name": "DTypePolicy", "config": {"name": "mixed_float16"}}`` in
    configs; the spec keeps only the name.
    """
    if isinstance(value, dict) and isinstance(value.get("config"), dict):
        value = value["config"].get("name", value)
    if isinstance(value, str) and value not in DTYPE_NAMES:
        hint = did_you_mean(value, DTYPE_NAMES) or f"; Keras's names: {', '.join(DTYPE_NAMES)}"
        raise ValueError(f"unknown dtype '{value}'{hint}")
    return value
