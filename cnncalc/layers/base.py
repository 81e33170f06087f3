"""What every layer rule shares: the registry, the argument types, and the shape helpers.

A layer kind is one pydantic class named after its Keras class. Its fields are the Keras
constructor arguments that change shapes or counts (Keras's names and defaults); its
``compute`` method takes the input shapes (without the batch dimension) and returns an
:class:`Outcome` with the output shape, the parameter counts and the working. Defining the
class registers it: nothing else needs to change to add a kind.
"""

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from ..dtypes import DTYPE_NAMES, dtype_name
from ..errors import LayerError
from ..formulas import AxisPadding, Step, count, dilated, dims, num, window_output
from .registry import REGISTRY

Shape = tuple[int | None, ...]
"""A shape without its batch dimension; None is an unknown size."""

IMPLICIT_INPUT = "input"
"""The name of the input that a spec's ``input_shape`` declares (layers read it by name)."""

MAX_SIZE = 2**63 - 1
"""Keras holds sizes and counts in int64: a larger one is no network Keras can build."""
MAX_RANK = 64
"""Axes in a shape: more than TensorFlow's kernels or any network use."""
PositiveInt = Annotated[int, Field(ge=1, le=MAX_SIZE, strict=True)]
NonNegativeInt = Annotated[int, Field(ge=0, le=MAX_SIZE, strict=True)]
DeclaredShape = Annotated[list[PositiveInt | None], Field(max_length=MAX_RANK)]
"""A shape written in a spec: sizes are ints ≥ 1 (never booleans) or None for unknown."""
Axis = Annotated[int, Field(ge=-MAX_RANK - 1, le=MAX_RANK, strict=True)]
Axes = Union[Axis, list[Axis]]
PerAxis = Union[PositiveInt, list[PositiveInt]]
"""An int means the same value on every axis, as in Keras."""
Padding = Union[
    Literal["valid", "same", "causal", "full"],
    NonNegativeInt,
    list[NonNegativeInt | list[NonNegativeInt]],
]
"""Keras's modes, 'full' (k − 1 each side), or the lecture's explicit padding_size."""
DataFormat = Literal["channels_last", "channels_first"]


IGNORED_ARGUMENTS = frozenset(
    {
        "activation",
        "autocast",
        "seed",
        "noise_shape",
        "lora_rank",
        "lora_alpha",
        "kernel_initializer",
        "bias_initializer",
        "kernel_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        "kernel_constraint",
        "bias_constraint",
        "depthwise_initializer",
        "pointwise_initializer",
        "depthwise_regularizer",
        "pointwise_regularizer",
        "depthwise_constraint",
        "pointwise_constraint",
        "beta_initializer",
        "gamma_initializer",
        "moving_mean_initializer",
        "moving_variance_initializer",
        "beta_regularizer",
        "gamma_regularizer",
        "beta_constraint",
        "gamma_constraint",
        "momentum",
        "epsilon",
        "synchronized",
        "interpolation",
        "negative_slope",
        "alpha",
        "max_value",
        "threshold",
        "scale",
        "offset",
        "sparse",
        "ragged",
        "batch_size",
        "optional",
        "input_tensor",
        "quantization_config",
        "embeddings_initializer",
        "embeddings_regularizer",
        "embeddings_constraint",
        "mask_zero",
        "mask_value",
        "input_length",
        "recurrent_initializer",
        "recurrent_regularizer",
        "recurrent_constraint",
        "recurrent_activation",
        "alpha_initializer",
        "alpha_regularizer",
        "alpha_constraint",
        "unit_forget_bias",
        "dropout",
        "recurrent_dropout",
        "go_backwards",
        "stateful",
        "unroll",
        "use_cudnn",
        "implementation",
        "time_major",
        "zero_output_for_mask",
        "l1",
        "l2",
        "stddev",
    }
)
"""Keras arguments that change neither shapes nor counts: accepted and ignored."""

KERAS_ALIASES = {
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "Convolution1DTranspose": "Conv1DTranspose",
    "Convolution2DTranspose": "Conv2DTranspose",
    "Convolution3DTranspose": "Conv3DTranspose",
    "SeparableConvolution1D": "SeparableConv1D",
    "SeparableConvolution2D": "SeparableConv2D",
    "MaxPool1D": "MaxPooling1D",
    "MaxPool2D": "MaxPooling2D",
    "MaxPool3D": "MaxPooling3D",
    "AvgPool1D": "AveragePooling1D",
    "AvgPool2D": "AveragePooling2D",
    "AvgPool3D": "AveragePooling3D",
    "GlobalAvgPool1D": "GlobalAveragePooling1D",
    "GlobalAvgPool2D": "GlobalAveragePooling2D",
    "GlobalAvgPool3D": "GlobalAveragePooling3D",
    "GlobalMaxPool1D": "GlobalMaxPooling1D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D",
    "GlobalMaxPool3D": "GlobalMaxPooling3D",
    "GroupQueryAttention": "GroupedQueryAttention",
}
OUT_OF_SCOPE = {
    "Layer": "the abstract base of every layer: a subclass's shapes come from its code",
    "Wrapper": "the abstract base of wrappers (Bidirectional, TimeDistributed, … are supported)",
    "InputSpec": "not a layer: Keras's description of the inputs a layer accepts",
    "TFSMLayer": "runs a TensorFlow SavedModel: its shapes are in the saved graph, not the config",
    "JaxLayer": "wraps a JAX function: its weights and shapes come from running the code",
    "FlaxLayer": "wraps a Flax module: its weights and shapes come from running the code",
    "TorchModuleWrapper": "wraps a PyTorch module: its weights and shapes come from its code",
}
"""Classes of keras.layers that cnncalc does not model, with the reason (docs/layers.md)."""

"""Other names Keras exports for a class (keras.layers.MaxPool2D is MaxPooling2D): a spec may
use them; the layer's type is Keras's class name, as its summary prints it."""


@dataclass(frozen=True)
class Outcome:
    """What a layer produces: its output shape, its parameters, its costs and the working.

    ``macs`` are the multiplications by weights for one sample (the bias not counted, as in
    the papers); ``ops`` the other elementwise operations (bias additions, pooling's
    comparisons, normalization's scale and shift, merges' additions). None: a size is unknown.
    """

    shape: Shape
    params: int = 0
    non_trainable: int = 0
    working: tuple[str, ...] = ()
    macs: int | None = 0
    ops: int | None = 0
    cost_working: tuple[str, ...] = ()
    inner: tuple[Any, ...] = ()
    """A nested model's own rows (the engine's LayerRows), for ``expand_nested``."""

    def costing(self, macs: Step | None = None, ops: Step | None = None) -> "Outcome":
        """This outcome with its costs and the lines that derive them."""
        return Outcome(
            self.shape,
            self.params,
            self.non_trainable,
            self.working,
            macs=0 if macs is None else macs.value,
            ops=0 if ops is None else ops.value,
            cost_working=tuple(step.line for step in (macs, ops) if step is not None),
        )


def total(label: str, parts: list[tuple[str, int | None]], note: str) -> Step:
    """A cost that adds the costs of parts (a wrapper's layers), with what they are:
    'macs = 100 (forward) + 60 (backward) = 160  (both directions)'."""
    values = [value for _, value in parts]
    value = None if None in values else sum(v for v in values if v is not None)
    terms = " + ".join(f"{num(v)} ({role})" for role, v in parts)
    return Step(value, label, f"{terms} = {num(value)}  ({note})")


def nested_costs(outcome: "Outcome", macs: Step, ops: Step, lines: list[str]) -> "Outcome":
    """A wrapper's outcome with its costs, the held layers' cost working indented above."""
    return Outcome(
        outcome.shape,
        outcome.params,
        outcome.non_trainable,
        outcome.working,
        macs=macs.value,
        ops=ops.value,
        cost_working=(*lines, macs.line, ops.line),
    )


def elementwise(shape: Shape, per_element: int, note: str) -> Step:
    """Operations applied to every element of a tensor: elements · per_element."""
    factors = [shape] if per_element == 1 else [shape, (per_element,)]
    return count("ops", [factors], note)


def tuple_text(sizes: tuple[int | None, ...]) -> str:
    """(26, 26, 32), with None for an unknown size."""
    return "(" + ", ".join(map(str, sizes)) + ")"  # str(None) is 'None'


def shape_text(shape: Shape) -> str:
    """A shape as Keras prints it, batch dimension first: (None, 26, 26, 32)."""
    return tuple_text((None, *shape))


class Layer(BaseModel):
    """Arguments every layer takes; subclasses add their Keras arguments and a rule."""

    model_config = ConfigDict(extra="forbid", defer_build=True, validate_assignment=False)
    summary: ClassVar[str] = ""
    """The rule in one line, for the docs."""

    type: str
    name: str | None = Field(default=None, description="Defaults to Keras's auto-name.")
    inputs: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Names of the layers this one reads; default: the previous.",
    )
    trainable: bool = Field(default=True, description="False makes every weight non-trainable.")
    dtype: str | None = Field(
        default=None,
        description="Keras's dtype or policy (float16, mixed_float16, …): sizes the weights.",
        json_schema_extra={"enum": [*DTYPE_NAMES, None]},
    )

    @field_validator("dtype", mode="before")
    @classmethod
    def _keras_dtype(cls, value: Any) -> Any:
        return dtype_name(value)

    wrapped_fields: ClassVar[tuple[str, ...]] = ()
    """Fields holding other layers (a wrapper's `layer`, an RNN's `cell`), as Keras nests them."""
    inputs_as_arguments: ClassVar[bool] = False
    """Keras calls it with its inputs as separate arguments (query, value, key), not a list."""
    input_dtype: ClassVar[str | None] = None
    """The dtype the layer reads when not floats (strings for StringLookup), for the bridge."""
    passed_arguments: ClassVar[frozenset[str]] = frozenset()
    """This kind's own Keras arguments that change neither shapes nor counts (an augmentation's
    `factor`): accepted, kept for the bridge, ignored like IGNORED_ARGUMENTS."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        kind = cls.model_fields["type"].default
        if isinstance(kind, str):
            REGISTRY.register(kind, cls)

    @field_validator("name", "inputs")
    @classmethod
    def _names_are_text(cls, value: Any) -> Any:
        for name in [value] if isinstance(value, str) else value or []:
            if not name.isascii() and any("\ud800" <= char <= "\udfff" for char in name):
                raise ValueError("a name cannot hold a lone surrogate (\\ud800–\\udfff)")
        return value

    _keras_extras: dict[str, Any] = PrivateAttr(default_factory=dict)
    """The ignored arguments, kept so the Keras bridge can pass them on."""

    @model_validator(mode="wrap")
    @classmethod
    def _accept_keras_extras(cls, data: Any, handler: Any) -> Any:
        if not isinstance(data, dict):
            return handler(data)  # already a layer: keep it as it is
        extras = {
            k: v for k, v in data.items() if k in IGNORED_ARGUMENTS or k in cls.passed_arguments
        }
        data = {k: v for k, v in data.items() if k not in extras or k in cls.model_fields}
        if isinstance(data.get("inputs"), str):
            data["inputs"] = [data["inputs"]]
        if isinstance(data.get("padding"), str):
            data["padding"] = data["padding"].lower()
        layer = handler(data)
        layer._keras_extras = {k: v for k, v in extras.items() if k not in cls.model_fields}
        return layer

    def to_dict(self) -> dict[str, Any]:
        """The layer as a spec writes it: its type, the arguments not at their defaults, and
        simple ignored ones (such as activation) kept for the reader. A None given where the
        default is not None stays (Normalization's axis None is not its default -1)."""
        arguments = self.model_dump(exclude_defaults=True)  # type too: it is written first
        extras = {
            key: value
            for key, value in self._keras_extras.items()
            if isinstance(value, (str, int, float, bool))
        }
        for field in self.wrapped_fields:
            value = getattr(self, field)
            if isinstance(value, list):
                arguments[field] = [layer.to_dict() for layer in value]
            elif value is not None:
                arguments[field] = value.to_dict()
        return {"type": self.type, **arguments, **extras}

    @classmethod
    def argument_names(cls) -> list[str]:
        """Every key a spec may give this kind (for 'did you mean' suggestions)."""
        return [*cls.model_fields, *sorted(cls.passed_arguments)]

    positions: ClassVar[str] = "mixed"
    """How output positions read input positions, for receptive fields: 'own' (each its own),
    'window' (a sliding window), 'transposed', 'edges' (padding or cropping), 'upsampling',
    'merge' (elementwise over several inputs), 'input', 'ids' (a vector per value: every
    input axis becomes a position, as in Embedding), 'mixed' (every position), or
    'untraced' (a nested model or code: the whole input is assumed)."""

    maps_values: ClassVar[bool] = False
    """Each output value is one input value mapped in its place (a lookup, Identity): token ids
    that are an input's own values stay ids through it, for an Embedding after it."""

    def reads_positions(self, inputs: list[Shape]) -> str:
        """This layer's `positions` for these input shapes."""
        return self.positions

    def compute(self, inputs: list[Shape]) -> Outcome:
        raise NotImplementedError

    def output_ops(self, shape: Shape, use_bias: bool) -> Step | None:
        """One operation per output element for the bias and one for a fused activation."""
        activation = self._keras_extras.get("activation")
        kinds = ["bias additions"] if use_bias else []
        if isinstance(activation, str) and activation not in ("linear", "None"):
            kinds.append(activation)
        return elementwise(shape, len(kinds), " + ".join(kinds)) if kinds else None


class OneInput(Layer):
    """A layer that reads exactly one tensor."""

    def compute(self, inputs: list[Shape]) -> Outcome:
        if len(inputs) != 1:
            raise LayerError(f"{self.type} takes one input, got {len(inputs)}")
        return self.apply(inputs[0])

    def apply(self, shape: Shape) -> Outcome:
        raise NotImplementedError

    def expect_rank(self, shape: Shape, rank: int, layout: str, hint: str = "") -> None:
        """Fail clearly when the input has the wrong number of dimensions."""
        if len(shape) != rank:
            raise LayerError(
                f"{self.type} expects a {rank + 1}-D input {layout}, got {shape_text(shape)}{hint}"
            )


AXIS_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}


class Spatial(OneInput):
    """A layer over 1, 2 or 3 spatial axes plus a channel axis (``rank`` spatial axes)."""

    rank: ClassVar[int]
    allows_causal: ClassVar[bool] = False
    takes_data_format: ClassVar[bool] = True
    data_format: DataFormat | None = None

    @field_validator("data_format")
    @classmethod
    def _keras_takes_data_format(cls, value: Any) -> Any:
        if value is not None and not cls.takes_data_format:
            kind = cls.model_fields["type"].default
            raise ValueError(f"Keras's {kind} takes no data_format (it is always channels-last)")
        return value

    @field_validator(
        "kernel_size",
        "strides",
        "dilation_rate",
        "pool_size",
        "size",
        "output_padding",
        "output_size",
        mode="after",
        check_fields=False,
    )
    @classmethod
    def _one_value_per_axis(cls, value: Any) -> Any:
        if isinstance(value, list) and len(value) != cls.rank:
            kind = cls.model_fields["type"].default
            raise ValueError(f"{kind} needs one int or a list of {cls.rank}, got {len(value)}")
        return value

    @property
    def channels_first(self) -> bool:
        return self.data_format == "channels_first"

    @property
    def axis_names(self) -> tuple[str, ...]:
        return AXIS_NAMES[self.rank]

    def per_axis(self, value: int | list[int]) -> tuple[int, ...]:
        """Keras's int-or-tuple arguments as one value per spatial axis."""
        return (value,) * self.rank if isinstance(value, int) else tuple(value)

    def split(self, shape: Shape) -> tuple[Shape, int | None]:
        """(spatial sizes, channels) of an input, in either data format."""
        names = ", ".join(self.axis_names)
        layout = (
            f"(batch, channels, {names})" if self.channels_first else f"(batch, {names}, channels)"
        )
        hint = ""
        if len(shape) == self.rank:  # MNIST's (28, 28) before the lecture's np.expand_dims
            hint = f": no channel axis? One channel makes it {shape_text(self.join(shape, 1))}"
        self.expect_rank(shape, self.rank + 1, layout, hint)
        if self.channels_first:
            return shape[1:], shape[0]
        return shape[:-1], shape[-1]

    def join(self, spatial: Shape, channels: int | None) -> Shape:
        return (channels, *spatial) if self.channels_first else (*spatial, channels)


class Padded(Spatial):
    """A sliding-window layer: its `padding` is a Keras mode or the lecture's padding_size.

    Its geometry (window, strides, dilations, per-axis padding) is asked of it here, by its
    own rule, by the Keras bridge and by the grader alike.
    """

    window_name: ClassVar[str] = "window"
    positions = "window"
    padding: Padding = "valid"

    @field_validator("padding", mode="after", check_fields=False)
    @classmethod
    def _padding_per_axis(cls, value: Any) -> Any:
        kind = cls.model_fields["type"].default
        if value == "causal" and not cls.allows_causal:
            raise ValueError(f"padding 'causal' is only for Conv1D, not {kind}")
        if isinstance(value, list):
            if len(value) != cls.rank:
                raise ValueError(
                    f"{kind} needs one explicit padding per spatial axis ({cls.rank}), "
                    f"got {len(value)}"
                )
            for item in value:
                if isinstance(item, list) and len(item) != 2:
                    raise ValueError(f"a per-axis padding pair is [before, after], got {item}")
        return value

    def window(self) -> tuple[int, ...]:
        """The kernel or the pool, one size per spatial axis."""
        raise NotImplementedError

    def window_strides(self) -> tuple[int, ...]:
        return self.per_axis(self.strides)

    def dilations(self) -> tuple[int, ...]:
        return (1,) * self.rank

    def spans(self) -> tuple[int, ...]:
        """How far the (dilated) window reaches on each axis: (k − 1)·d + 1."""
        return tuple(dilated(w, d) for w, d in zip(self.window(), self.dilations()))

    def paddings(self) -> list[AxisPadding]:
        return resolve_padding(self.padding, self.rank, self.spans())

    def explicit_padding(self) -> list[tuple[int, int]] | None:
        """(before, after) per axis when the padding is the lecture's padding_size or 'full'."""
        if self.padding in ("valid", "same", "causal"):
            return None
        return [p for p in self.paddings() if isinstance(p, tuple)]

    def slide(self, spatial: Shape) -> list[Step]:
        """Output sizes of the window sliding over every spatial axis.

        Fails with the lecture's formula and its numbers when the window leaves no output.
        """
        window, spans = self.window(), self.spans()
        steps = [
            window_output(axis, size, w, s, p, d)
            for axis, size, w, s, p, d in zip(
                self.axis_names,
                spatial,
                window,
                self.window_strides(),
                self.paddings(),
                self.dilations(),
            )
        ]
        for step in steps:
            if step.value is not None and step.value < 1:
                size = dims(window) + (f" (dilated to {dims(spans)})" if spans != window else "")
                padding = padding_description(self.padding)
                raise LayerError(
                    f"a {size} {self.window_name} does not fit a {dims(spatial)} input "
                    f"with padding {padding}: {step.formula}"
                )
        return steps


def resolve_padding(padding: Any, rank: int, spans: tuple[int, ...]) -> list[AxisPadding]:
    """One padding per axis: a Keras mode or an explicit (before, after) pair."""
    if padding == "full":
        return [(span - 1, span - 1) for span in spans]
    if isinstance(padding, str):
        return [padding] * rank
    if isinstance(padding, int):
        return [(padding, padding)] * rank
    return [(p, p) if isinstance(p, int) else (p[0], p[1]) for p in padding]


def padding_description(padding: Any) -> str:
    """How an error message names the padding: 'valid', or 'padding_size 1'."""
    return f"'{padding}'" if isinstance(padding, str) else f"padding_size {padding}"


def last_axis(axis: Any, shape: Shape) -> bool:
    """Whether a Keras axis argument names the last (channel) axis of a batchless shape."""
    return axis in (-1, len(shape))


def keras_axis(axis: int, rank: int, arg: str = "axis") -> int:
    """A Keras axis (counting the batch dimension) as an index into a batchless shape."""
    full_rank = rank + 1
    if not -full_rank <= axis < full_rank:
        raise LayerError(f"{arg}={axis} is out of range for a {full_rank}-D input")
    index = axis % full_rank
    if index == 0:
        raise LayerError(f"{arg}={axis} is the batch axis")
    return index - 1
