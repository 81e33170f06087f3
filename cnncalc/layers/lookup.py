"""Lookup and encoding layers: token ids or categories in, ids or k-hot vectors out. None has
weights; an encoded output's size is given by the config (vocabulary, num_tokens, num_bins).

Keras's encodings, on the last axis: one_hot adds an axis of size depth (or replaces a last
axis of 1); multi_hot, count and tf_idf replace the last axis by depth.

Costs: no weights are multiplied (0 MACs); a lookup or a hash is not an arithmetic operation
counted here (0 ops). In 'int' mode every value maps to its own id (positions 'own'); an
encoding gathers a sample's values into one vector ('mixed').
"""

from typing import Any, Literal

from pydantic import model_validator

from ..errors import LayerError
from .base import Layer, NonNegativeInt, OneInput, Outcome, PositiveInt, Shape, shape_text


class Encoding(OneInput):
    """A lookup layer whose positions depend on its output_mode."""

    maps_values = True

    def reads_positions(self, inputs: list[Shape]) -> str:
        return "own" if getattr(self, "output_mode", "int") == "int" else "mixed"


Mode = Literal["int", "one_hot", "multi_hot", "count", "tf_idf"]


def one_hot(shape: Shape, depth: int) -> Shape:
    """One vector of depth per value: a last axis of 1 is replaced, else an axis is added."""
    return (*shape[:-1], depth) if shape and shape[-1] == 1 else (*shape, depth)


def k_hot(shape: Shape, depth: int) -> Shape:
    """The last axis (the sample's values) becomes one vector of depth."""
    return (*shape[:-1], depth)


def encoded(shape: Shape, mode: str, depth: int, why: str) -> Outcome:
    if mode == "one_hot":
        out = one_hot(shape, depth)
        rule = "one_hot: a vector per value (a last axis of 1 is replaced)"
    else:
        out = k_hot(shape, depth)
        rule = f"{mode}: the last axis becomes one vector"
    return Outcome(out, working=(f"depth = {why}", f"{rule} → {shape_text(out)}; params = 0"))


def as_ids(shape: Shape) -> Outcome:
    return Outcome(shape, working=("output_mode 'int': one id per value, the shape stays",))


def check_max_tokens(layer: Any) -> Any:
    """What Keras's IndexLookup.__init__ refuses about max_tokens (TextVectorization's too)."""
    if layer.max_tokens is not None and layer.max_tokens < 2:
        raise ValueError(
            f"max_tokens must be greater than 1, got {layer.max_tokens}: the vocabulary would "
            "be empty"
        )
    if layer.pad_to_max_tokens and layer.max_tokens is None:
        raise ValueError("pad_to_max_tokens needs max_tokens: the output is padded to it")
    return layer


class IndexLookup(Encoding):
    """Maps tokens to ids in the given vocabulary (never adapted: it must be in the spec)."""

    summary = "int: output = input; encoded: depth = len(vocabulary) + num_oov_indices"

    passed_arguments = frozenset({"oov_token", "idf_weights", "encoding", "salt"})
    vocabulary: list[Any] | str | None = None
    max_tokens: PositiveInt | None = None
    num_oov_indices: NonNegativeInt = 1
    mask_token: Any = None
    invert: bool = False
    output_mode: Mode = "int"
    pad_to_max_tokens: bool = False

    @model_validator(mode="after")
    def _as_keras_accepts(self) -> Any:
        if self.invert and self.output_mode != "int":
            raise ValueError(
                f"invert maps ids back to tokens: output_mode must be 'int', not "
                f"'{self.output_mode}'"
            )
        return check_max_tokens(self)

    def apply(self, shape: Shape) -> Outcome:
        if self.output_mode == "int":
            return as_ids(shape)
        depth, why = vocabulary_depth(self, self.num_oov_indices)
        return encoded(shape, self.output_mode, depth, why)


def vocabulary_depth(layer: Any, oov: int) -> tuple[int, str]:
    """An encoded lookup's depth: max_tokens when padded to it, else the vocabulary and its
    out-of-vocabulary ids (the mask token gets no column)."""
    if layer.pad_to_max_tokens:  # with max_tokens (check_max_tokens)
        return layer.max_tokens, f"max_tokens = {layer.max_tokens} (pad_to_max_tokens)"
    if not isinstance(layer.vocabulary, list):
        raise LayerError(
            f"output_mode '{layer.output_mode}' needs the vocabulary as a list in the spec "
            "(cnncalc never reads files or adapts): its size is the output's"
        )
    n = len(layer.vocabulary)
    return n + oov, f"len(vocabulary) + num_oov_indices = {n} + {oov} = {n + oov}"


class StringLookup(IndexLookup):
    type: Literal["StringLookup"] = "StringLookup"
    input_dtype = "string"


class IntegerLookup(IndexLookup):
    type: Literal["IntegerLookup"] = "IntegerLookup"
    input_dtype = "int64"
    passed_arguments = IndexLookup.passed_arguments | {"vocabulary_dtype", "oov_method"}


class TextVectorization(OneInput):
    """Splits strings into tokens (an axis of unknown length) and looks them up."""

    positions = "mixed"  # a string becomes a sequence of tokens
    summary = (
        "int: (output_sequence_length,); encoded: depth = len(vocabulary) + 1 on the "
        "split tokens' axis"
    )

    type: Literal["TextVectorization"] = "TextVectorization"
    input_dtype = "string"
    passed_arguments = frozenset({"standardize", "ngrams", "idf_weights", "encoding"})
    max_tokens: PositiveInt | None = None
    split: str | None = "whitespace"
    output_mode: Literal["int", "multi_hot", "count", "tf_idf"] = "int"
    output_sequence_length: PositiveInt | None = None
    pad_to_max_tokens: bool = False
    vocabulary: list[str] | str | None = None

    @model_validator(mode="after")
    def _sequence_length_is_for_ids(self) -> Any:
        if self.output_sequence_length is not None and self.output_mode != "int":
            raise ValueError(
                f"output_sequence_length is only for output_mode 'int', not '{self.output_mode}'"
            )
        return check_max_tokens(self)

    def apply(self, shape: Shape) -> Outcome:
        if self.output_mode == "int":
            out = (self.output_sequence_length,)
            return Outcome(out, working=(f"one id per token: {shape_text(out)}; params = 0",))
        if self.split is None:
            tokens = shape
            split = f"split None: each string is one token, {shape_text(tokens)}"
        else:
            tokens = (*shape, None)
            split = f"split '{self.split}' adds a tokens axis: {shape_text(tokens)}"
        depth, why = vocabulary_depth(self, 1)
        outcome = encoded(tokens, self.output_mode, depth, why)
        return Outcome(outcome.shape, working=(split, *outcome.working))


class CategoryEncoding(OneInput):
    type: Literal["CategoryEncoding"] = "CategoryEncoding"
    summary = "depth num_tokens: one_hot adds (or replaces a 1) axis, else the last axis"
    positions = "mixed"
    input_dtype = "int32"
    num_tokens: PositiveInt
    output_mode: Literal["one_hot", "multi_hot", "count"] = "multi_hot"

    def apply(self, shape: Shape) -> Outcome:
        return encoded(shape, self.output_mode, self.num_tokens, f"num_tokens = {self.num_tokens}")


class Hashing(Encoding):
    """Hashes values into num_bins ids; every encoding replaces the last axis (one_hot too)."""

    summary = "int: output = input; encoded: the last axis becomes num_bins"

    type: Literal["Hashing"] = "Hashing"
    input_dtype = "int64"
    passed_arguments = frozenset({"mask_value", "salt"})
    num_bins: PositiveInt
    output_mode: Literal["int", "one_hot", "multi_hot", "count"] = "int"

    def apply(self, shape: Shape) -> Outcome:
        if self.output_mode == "int":
            return as_ids(shape)
        out = k_hot(shape, self.num_bins)
        line = f"{self.output_mode}: the last axis becomes num_bins = {self.num_bins}"
        return Outcome(out, working=(f"{line} → {shape_text(out)}; params = 0",))


class HashedCrossing(Layer):
    """Crosses two features (same shape) into num_bins hashed ids."""

    summary = "int: the first input's shape; one_hot: num_bins added (or replacing a 1)"

    type: Literal["HashedCrossing"] = "HashedCrossing"
    positions = "merge"  # value i of one input is crossed with value i of the other
    input_dtype = "int64"
    num_bins: PositiveInt
    output_mode: Literal["int", "one_hot"] = "int"

    def compute(self, inputs: list[Shape]) -> Outcome:
        if len(inputs) != 2:
            raise LayerError(f"HashedCrossing crosses exactly 2 inputs, got {len(inputs)}")
        first, second = inputs
        if first[-1:] != second[-1:]:
            raise LayerError(
                f"the two inputs {shape_text(first)} and {shape_text(second)} must have the "
                "same last axis"
            )
        if self.output_mode == "int":
            return as_ids(first)
        return encoded(first, "one_hot", self.num_bins, f"num_bins = {self.num_bins}")


class Discretization(Encoding):
    """Buckets values by bin_boundaries (or num_bins); multi_hot and count drop axis 1."""

    summary = "int: output = input; encoded: depth = len(bin_boundaries) + 1 or num_bins"

    type: Literal["Discretization"] = "Discretization"
    bin_boundaries: list[float] | None = None
    num_bins: PositiveInt | None = None
    output_mode: Literal["int", "one_hot", "multi_hot", "count"] = "int"

    @model_validator(mode="after")
    def _has_bins(self) -> Any:
        """Keras's __init__ refuses neither (a saved, adapted layer has both: from_config)."""
        if self.bin_boundaries is None and self.num_bins is None:
            raise ValueError("bin_boundaries or num_bins must be given: their count is the depth")
        return self

    def apply(self, shape: Shape) -> Outcome:
        if self.output_mode == "int":
            return as_ids(shape)
        if self.bin_boundaries is not None:  # both given (an adapted layer): the boundaries
            depth = len(self.bin_boundaries) + 1
            why = f"len(bin_boundaries) + 1 = {depth}"
        else:
            assert self.num_bins is not None  # _has_bins
            depth, why = self.num_bins, f"num_bins = {self.num_bins}"
        if self.output_mode == "one_hot":
            return encoded(shape, "one_hot", depth, why)
        out = (*shape[1:], depth)  # Keras drops the first axis after the batch
        line = f"{self.output_mode}: the axis after the batch is dropped, depth added"
        return Outcome(out, working=(f"depth = {why}", f"{line} → {shape_text(out)}; params = 0"))
