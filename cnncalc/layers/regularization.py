"""Layers that act only while training (noise, activity penalties): at inference, output = input."""

from typing import Annotated, Literal

from pydantic import Field

from .core import SameShape


class ActivityRegularization(SameShape):
    type: Literal["ActivityRegularization"] = "ActivityRegularization"


class GaussianNoise(SameShape):
    type: Literal["GaussianNoise"] = "GaussianNoise"


class GaussianDropout(SameShape):
    type: Literal["GaussianDropout"] = "GaussianDropout"
    rate: Annotated[float, Field(ge=0, le=1)]


class AlphaDropout(SameShape):
    type: Literal["AlphaDropout"] = "AlphaDropout"
    rate: Annotated[float, Field(ge=0, le=1)]
