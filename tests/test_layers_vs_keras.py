"""Every layer kind, several configurations each (the awkward ones too), against real Keras."""

from __future__ import annotations

from typing import Any

import pytest

import cnncalc
from cnncalc.layers import REGISTRY
from cnncalc.layers.base import KERAS_ALIASES, OUT_OF_SCOPE

from .conftest import assert_matches_keras

CF = {"data_format": "channels_first"}

# (input_shape, layer arguments): each becomes a one-layer spec built in Keras and in cnncalc.
SINGLE: list[tuple[list[int], dict[str, Any]]] = [
    # Conv1D/2D/3D: valid, same with stride on odd sizes, dilation, groups, causal, no bias
    ([28, 28, 1], {"type": "Conv2D", "filters": 32, "kernel_size": 3}),
    ([13, 13, 32], {"type": "Conv2D", "filters": 64, "kernel_size": [3, 3]}),
    (
        [7, 9, 3],
        {"type": "Conv2D", "filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"},
    ),
    ([7, 9, 3], {"type": "Conv2D", "filters": 4, "kernel_size": [2, 4], "strides": [3, 2]}),
    ([15, 15, 2], {"type": "Conv2D", "filters": 3, "kernel_size": 3, "dilation_rate": 3}),
    (
        [15, 15, 8],
        {"type": "Conv2D", "filters": 6, "kernel_size": 3, "groups": 2, "padding": "same"},
    ),
    (
        [15, 15, 8],
        {"type": "Conv2D", "filters": 8, "kernel_size": 1, "groups": 8, "use_bias": False},
    ),
    (
        [11, 11, 3],
        {"type": "Conv2D", "filters": 5, "kernel_size": 5, "strides": 3, "padding": "same"},
    ),
    ([3, 16, 16], {"type": "Conv2D", "filters": 8, "kernel_size": 3, "strides": 2, **CF}),
    ([3, 17, 16], {"type": "Conv2D", "filters": 8, "kernel_size": 3, "padding": "same", **CF}),
    ([50, 4], {"type": "Conv1D", "filters": 8, "kernel_size": 5}),
    (
        [50, 4],
        {"type": "Conv1D", "filters": 8, "kernel_size": 5, "padding": "causal", "dilation_rate": 2},
    ),
    ([51, 4], {"type": "Conv1D", "filters": 8, "kernel_size": 4, "strides": 3, "padding": "same"}),
    ([4, 51], {"type": "Conv1D", "filters": 2, "kernel_size": 4, **CF}),
    ([9, 10, 11, 2], {"type": "Conv3D", "filters": 4, "kernel_size": 3}),
    (
        [9, 10, 11, 2],
        {"type": "Conv3D", "filters": 4, "kernel_size": [3, 2, 1], "strides": 2, "padding": "same"},
    ),
    ([9, 10, 11, 4], {"type": "Conv3D", "filters": 4, "kernel_size": 2, "groups": 2}),
    # Transposed convolutions, with and without output_padding
    ([7, 7, 16], {"type": "Conv2DTranspose", "filters": 8, "kernel_size": 3, "strides": 2}),
    (
        [7, 7, 16],
        {
            "type": "Conv2DTranspose",
            "filters": 8,
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
        },
    ),
    (
        [7, 7, 16],
        {
            "type": "Conv2DTranspose",
            "filters": 8,
            "kernel_size": 3,
            "strides": 2,
            "output_padding": 1,
        },
    ),
    (
        [7, 8, 16],
        {
            "type": "Conv2DTranspose",
            "filters": 8,
            "kernel_size": 4,
            "strides": 3,
            "padding": "same",
            "output_padding": [2, 0],
        },
    ),
    ([7, 7, 4], {"type": "Conv2DTranspose", "filters": 2, "kernel_size": 2, "strides": 4}),
    (
        [7, 7, 4],
        {
            "type": "Conv2DTranspose",
            "filters": 2,
            "kernel_size": 3,
            "dilation_rate": 2,
            "use_bias": False,
        },
    ),
    ([4, 7, 7], {"type": "Conv2DTranspose", "filters": 2, "kernel_size": 3, "strides": 2, **CF}),
    ([10, 3], {"type": "Conv1DTranspose", "filters": 5, "kernel_size": 4, "strides": 2}),
    (
        [10, 3],
        {
            "type": "Conv1DTranspose",
            "filters": 5,
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
            "output_padding": 1,
        },
    ),
    ([3, 4, 5, 2], {"type": "Conv3DTranspose", "filters": 3, "kernel_size": 2, "strides": 2}),
    (
        [3, 4, 5, 2],
        {
            "type": "Conv3DTranspose",
            "filters": 3,
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
        },
    ),
    # Depthwise and separable
    ([14, 14, 8], {"type": "DepthwiseConv2D", "kernel_size": 3}),
    (
        [14, 15, 8],
        {
            "type": "DepthwiseConv2D",
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
            "depth_multiplier": 3,
            "use_bias": False,
        },
    ),
    ([8, 14, 14], {"type": "DepthwiseConv2D", "kernel_size": 5, **CF}),
    ([30, 6], {"type": "DepthwiseConv1D", "kernel_size": 4, "depth_multiplier": 2}),
    ([14, 14, 8], {"type": "SeparableConv2D", "filters": 16, "kernel_size": 3}),
    (
        [15, 14, 8],
        {
            "type": "SeparableConv2D",
            "filters": 16,
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
            "depth_multiplier": 2,
        },
    ),
    (
        [15, 14, 8],
        {
            "type": "SeparableConv2D",
            "filters": 4,
            "kernel_size": 3,
            "use_bias": False,
            "dilation_rate": 2,
        },
    ),
    ([30, 6], {"type": "SeparableConv1D", "filters": 7, "kernel_size": 3, "padding": "same"}),
    # Pooling: strides default to the pool size; same on odd sizes
    ([26, 26, 32], {"type": "MaxPooling2D", "pool_size": [2, 2]}),
    ([11, 11, 64], {"type": "MaxPooling2D", "pool_size": 2}),
    ([11, 13, 3], {"type": "MaxPooling2D", "pool_size": 3, "strides": 2}),
    ([11, 13, 3], {"type": "MaxPooling2D", "pool_size": 2, "padding": "same"}),
    ([3, 11, 13], {"type": "MaxPooling2D", "pool_size": 2, **CF}),
    ([11, 13, 3], {"type": "AveragePooling2D", "pool_size": [3, 2], "strides": [1, 2]}),
    ([11, 13, 3], {"type": "AveragePooling2D", "pool_size": 3, "strides": 2, "padding": "same"}),
    ([25, 3], {"type": "MaxPooling1D"}),
    ([25, 3], {"type": "MaxPooling1D", "pool_size": 4, "strides": 3, "padding": "same"}),
    ([25, 3], {"type": "AveragePooling1D", "pool_size": 3}),
    ([7, 9, 11, 2], {"type": "MaxPooling3D"}),
    ([7, 9, 11, 2], {"type": "AveragePooling3D", "pool_size": [3, 2, 2], "padding": "same"}),
    ([9, 9, 5], {"type": "GlobalAveragePooling2D"}),
    ([9, 9, 5], {"type": "GlobalMaxPooling2D", "keepdims": True}),
    ([5, 9, 9], {"type": "GlobalAveragePooling2D", "keepdims": True, **CF}),
    ([9, 5], {"type": "GlobalAveragePooling1D"}),
    ([9, 5], {"type": "GlobalMaxPooling1D", "keepdims": True}),
    ([4, 5, 6, 3], {"type": "GlobalAveragePooling3D"}),
    ([4, 5, 6, 3], {"type": "GlobalMaxPooling3D", "keepdims": True}),
    # Core
    ([1600], {"type": "Dense", "units": 10}),
    ([5, 5, 64], {"type": "Dense", "units": 7}),
    ([3, 4], {"type": "Dense", "units": 2, "use_bias": False}),
    ([5, 5, 64], {"type": "Flatten"}),
    ([64, 5, 5], {"type": "Flatten", **CF}),
    ([1600], {"type": "Dropout", "rate": 0.5}),
    ([12, 12, 3], {"type": "Reshape", "target_shape": [144, 3]}),
    ([12, 12, 3], {"type": "Reshape", "target_shape": [-1, 6]}),
    ([20, 8], {"type": "SpatialDropout1D", "rate": 0.2}),
    ([9, 9, 8], {"type": "SpatialDropout2D", "rate": 0.2}),
    ([4, 5, 6, 8], {"type": "SpatialDropout3D", "rate": 0.2}),
    ([9, 9, 8], {"type": "Activation", "activation": "relu"}),
    ([9, 9, 8], {"type": "ReLU", "max_value": 6.0}),
    ([9, 9, 8], {"type": "LeakyReLU", "negative_slope": 0.1}),
    ([10], {"type": "Softmax"}),
    ([32, 32, 3], {"type": "Rescaling", "scale": 0.00392156862745098}),
    # Normalization
    ([9, 9, 8], {"type": "BatchNormalization"}),
    ([8, 9, 9], {"type": "BatchNormalization", "axis": 1}),
    ([9, 9, 8], {"type": "BatchNormalization", "center": False}),
    ([9, 9, 8], {"type": "BatchNormalization", "scale": False, "trainable": False}),
    ([10, 16], {"type": "LayerNormalization"}),
    ([10, 16], {"type": "LayerNormalization", "axis": [1, 2]}),
    ([10, 16], {"type": "LayerNormalization", "center": False}),
    ([10, 16], {"type": "LayerNormalization", "rms_scaling": True}),
    ([9, 9, 3], {"type": "Normalization"}),
    ([9, 9, 3], {"type": "Normalization", "axis": None}),
    ([4, 9, 3], {"type": "Normalization", "axis": [1, 2]}),
    ([9, 9, 3], {"type": "Normalization", "mean": [1, 2, 3], "variance": [1, 1, 1]}),
    # Zero-padding, cropping, up-sampling
    ([28, 28, 1], {"type": "ZeroPadding2D"}),
    ([28, 28, 1], {"type": "ZeroPadding2D", "padding": [[1, 2], [3, 0]]}),
    ([1, 28, 27], {"type": "ZeroPadding2D", "padding": [2, 1], **CF}),
    ([20, 3], {"type": "ZeroPadding1D", "padding": [2, 5]}),
    ([4, 5, 6, 1], {"type": "ZeroPadding3D", "padding": [1, 0, 2]}),
    ([28, 28, 1], {"type": "Cropping2D", "cropping": [[1, 2], [3, 0]]}),
    ([28, 28, 1], {"type": "Cropping2D", "cropping": 4}),
    ([20, 3], {"type": "Cropping1D"}),
    ([20, 3], {"type": "Cropping1D", "cropping": [0, 5]}),
    ([6, 7, 8, 1], {"type": "Cropping3D"}),
    ([6, 7, 8, 1], {"type": "Cropping3D", "cropping": [[0, 1], [2, 2], [1, 0]]}),
    ([10, 3], {"type": "UpSampling1D", "size": 3}),
    ([7, 5, 3], {"type": "UpSampling2D"}),
    ([7, 5, 3], {"type": "UpSampling2D", "size": [3, 1], "interpolation": "bilinear"}),
    ([3, 7, 5], {"type": "UpSampling2D", "size": 2, **CF}),
    ([2, 3, 4, 1], {"type": "UpSampling3D", "size": [1, 2, 3]}),
    ([8], {"type": "RepeatVector", "n": 3}),
    ([4, 5, 6], {"type": "Permute", "dims": [3, 1, 2]}),
    # Keras's aliases and Keras 2 spellings: the type becomes the class name
    ([28, 28, 1], {"type": "Convolution2D", "filters": 4, "kernel_size": 3}),
    ([28, 28, 1], {"type": "MaxPool2D"}),
    ([28, 28, 1], {"type": "AvgPool2D", "pool_size": 3}),
    ([20, 3], {"type": "GlobalMaxPool1D"}),
    ([9, 9, 8], {"type": "LeakyReLU", "alpha": 0.2}),
    ([12], {"type": "Embedding", "input_dim": 50, "output_dim": 8, "input_length": 12}),
    # Activations with weights or arguments
    ([5, 6, 3], {"type": "PReLU"}),
    ([5, 6, 3], {"type": "PReLU", "shared_axes": [1, 2]}),
    # Keras indexes alpha's shape by axis − 1: -1 shares the axis before the last
    ([4, 5], {"type": "PReLU", "shared_axes": [-1]}),
    ([5, 6, 3], {"type": "PReLU", "shared_axes": [0]}),
    ([5, 6, 3], {"type": "ELU", "alpha": 0.5}),
    # Core: embeddings, einsum, identity-like, noise
    ([12], {"type": "Embedding", "input_dim": 1000, "output_dim": 64}),
    ([3, 4], {"type": "Embedding", "input_dim": 7, "output_dim": 2, "mask_zero": True}),
    ([10], {"type": "ReversibleEmbedding", "input_dim": 100, "output_dim": 8}),
    (
        [10],
        {"type": "ReversibleEmbedding", "input_dim": 100, "output_dim": 8, "tie_weights": False},
    ),
    ([8], {"type": "EinsumDense", "equation": "ab,bc->ac", "output_shape": 4}),
    (
        [5, 8],
        {
            "type": "EinsumDense",
            "equation": "abc,cd->abd",
            "output_shape": [None, 4],
            "bias_axes": "d",
        },
    ),
    (
        [5, 8],
        {"type": "EinsumDense", "equation": "...b,bc->...c", "output_shape": 4, "bias_axes": "c"},
    ),
    (
        [5, 8],
        {
            "type": "EinsumDense",
            "equation": "abc,cde->abde",
            "output_shape": [5, 3, 4],
            "bias_axes": "de",
        },
    ),
    (
        [5, 8],
        {
            "type": "EinsumDense",
            "equation": "abc,cde->abde",
            "output_shape": [None, 3, 4],
            "bias_axes": "e",
        },
    ),
    # two elided axes: Keras inserts them one by one at position 1, so they come out reversed
    ([3, 5, 8], {"type": "EinsumDense", "equation": "...b,bc->...c", "output_shape": 4}),
    ([9, 9, 3], {"type": "Identity"}),
    ([10, 4], {"type": "Masking", "mask_value": 0.0}),
    ([9, 9, 3], {"type": "ActivityRegularization", "l1": 0.01}),
    ([9, 9, 3], {"type": "GaussianNoise", "stddev": 0.1}),
    ([9, 9, 3], {"type": "GaussianDropout", "rate": 0.1}),
    ([9, 9, 3], {"type": "AlphaDropout", "rate": 0.1}),
    # Normalization
    ([5, 6, 32], {"type": "GroupNormalization"}),
    ([5, 6, 8], {"type": "GroupNormalization", "groups": 4, "center": False}),
    ([8, 5, 6], {"type": "GroupNormalization", "groups": 2, "axis": 1}),
    ([5, 6, 8], {"type": "RMSNormalization"}),
    ([5, 6, 8], {"type": "UnitNormalization"}),
    ([5, 6, 8], {"type": "UnitNormalization", "axis": [1, 2]}),
    # Adaptive pooling
    ([9, 10, 3], {"type": "AdaptiveAveragePooling2D", "output_size": 4}),
    ([9, 10, 3], {"type": "AdaptiveMaxPooling2D", "output_size": [4, 2]}),
    ([3, 9, 10], {"type": "AdaptiveAveragePooling2D", "output_size": 4, **CF}),
    ([9, 3], {"type": "AdaptiveMaxPooling1D", "output_size": 4}),
    ([9, 3], {"type": "AdaptiveAveragePooling1D", "output_size": 2}),
    ([9, 10, 11, 3], {"type": "AdaptiveAveragePooling3D", "output_size": [2, 3, 4]}),
    ([9, 10, 11, 3], {"type": "AdaptiveMaxPooling3D", "output_size": 2}),
    # Recurrent layers, cells inside RNN, ConvLSTM
    ([10, 8], {"type": "SimpleRNN", "units": 4}),
    ([10, 8], {"type": "SimpleRNN", "units": 4, "use_bias": False, "return_sequences": True}),
    ([10, 8], {"type": "LSTM", "units": 4, "return_sequences": True}),
    ([None, 8], {"type": "LSTM", "units": 16}),
    ([10, 8], {"type": "GRU", "units": 4}),
    ([10, 8], {"type": "GRU", "units": 4, "reset_after": False}),
    ([10, 8], {"type": "GRU", "units": 5, "use_bias": False, "return_sequences": True}),
    ([10, 8], {"type": "RNN", "cell": {"type": "LSTMCell", "units": 4}}),
    (
        [10, 8],
        {"type": "RNN", "cell": {"type": "SimpleRNNCell", "units": 3}, "return_sequences": True},
    ),
    (
        [10, 8],
        {
            "type": "RNN",
            "cell": [{"type": "LSTMCell", "units": 4}, {"type": "GRUCell", "units": 3}],
        },
    ),
    (
        [10, 8],
        {
            "type": "RNN",
            "cell": {
                "type": "StackedRNNCells",
                "cells": [
                    {"type": "GRUCell", "units": 4, "reset_after": False},
                    {"type": "SimpleRNNCell", "units": 2},
                ],
            },
        },
    ),
    ([5, 6, 6, 3], {"type": "ConvLSTM2D", "filters": 4, "kernel_size": 3}),
    (
        [5, 7, 6, 3],
        {
            "type": "ConvLSTM2D",
            "filters": 4,
            "kernel_size": 3,
            "padding": "same",
            "strides": 2,
            "return_sequences": True,
        },
    ),
    ([5, 3, 7, 6], {"type": "ConvLSTM2D", "filters": 2, "kernel_size": [3, 2], **CF}),
    ([5, 6, 3], {"type": "ConvLSTM1D", "filters": 4, "kernel_size": 3, "use_bias": False}),
    ([5, 6, 6, 6, 3], {"type": "ConvLSTM3D", "filters": 4, "kernel_size": 3}),
    # Wrappers
    ([10, 8], {"type": "Bidirectional", "layer": {"type": "LSTM", "units": 4}}),
    (
        [10, 8],
        {
            "type": "Bidirectional",
            "layer": {"type": "GRU", "units": 4, "return_sequences": True},
            "merge_mode": "sum",
        },
    ),
    (
        [10, 8],
        {
            "type": "Bidirectional",
            "layer": {"type": "LSTM", "units": 4},
            "backward_layer": {"type": "GRU", "units": 3, "go_backwards": True},
        },
    ),
    (
        [5, 6, 6, 3],
        {
            "type": "Bidirectional",
            "layer": {"type": "ConvLSTM2D", "filters": 2, "kernel_size": 3},
            "merge_mode": "ave",
        },
    ),
    (
        [5, 6, 6, 3],
        {"type": "TimeDistributed", "layer": {"type": "Conv2D", "filters": 4, "kernel_size": 3}},
    ),
    ([5, 6, 6, 3], {"type": "TimeDistributed", "layer": {"type": "Flatten"}}),
    ([5, 6, 6, 3], {"type": "TimeDistributed", "layer": {"type": "MaxPool2D"}}),
    (
        [9, 10, 3],
        {
            "type": "Pipeline",
            "layers": [{"type": "RandomFlip"}, {"type": "Conv2D", "filters": 4, "kernel_size": 3}],
        },
    ),
    ([10], {"type": "SpectralNormalization", "layer": {"type": "Dense", "units": 4}}),
    (
        [6, 6, 3],
        {
            "type": "SpectralNormalization",
            "layer": {"type": "Conv2D", "filters": 4, "kernel_size": 3},
        },
    ),
    (
        [6, 6, 3],
        {
            "type": "SpectralNormalization",
            "layer": {"type": "Conv2DTranspose", "filters": 4, "kernel_size": 3},
        },
    ),
    (
        [6, 6, 3],
        {
            "type": "SpectralNormalization",
            "layer": {"type": "DepthwiseConv2D", "kernel_size": 3, "depth_multiplier": 2},
        },
    ),
    # Image augmentation and resizing
    ([9, 10, 3], {"type": "Resizing", "height": 4, "width": 5}),
    ([3, 9, 10], {"type": "Resizing", "height": 4, "width": 5, "crop_to_aspect_ratio": True, **CF}),
    ([None, None, 3], {"type": "Resizing", "height": 224, "width": 224}),
    ([9, 10, 3], {"type": "CenterCrop", "height": 4, "width": 5}),
    ([9, 10, 3], {"type": "CenterCrop", "height": 12, "width": 5}),
    ([9, 10, 3], {"type": "RandomCrop", "height": 4, "width": 5}),
    ([3, 9, 10], {"type": "RandomCrop", "height": 4, "width": 5, **CF}),
    ([9, 10, 3], {"type": "RandomFlip", "mode": "horizontal"}),
    ([9, 10, 3], {"type": "RandomRotation", "factor": 0.1, "fill_mode": "nearest"}),
    ([9, 10, 3], {"type": "RandomZoom", "height_factor": 0.2}),
    ([9, 10, 3], {"type": "RandomTranslation", "height_factor": 0.1, "width_factor": 0.1}),
    ([9, 10, 3], {"type": "RandomContrast", "factor": 0.2}),
    ([9, 10, 3], {"type": "RandomBrightness", "factor": 0.2}),
    ([3, 9, 10], {"type": "RandomBrightness", "factor": 0.2, **CF}),
    ([3, 9, 10], {"type": "AutoContrast", **CF}),
    ([9, 10, 3], {"type": "RandomColorDegeneration", "factor": 0.2}),
    ([9, 10, 3], {"type": "RandomColorJitter", "brightness_factor": 0.2}),
    ([9, 10, 3], {"type": "RandomElasticTransform"}),
    ([9, 10, 3], {"type": "RandomErasing"}),
    ([9, 10, 3], {"type": "RandomGaussianBlur"}),
    ([9, 10, 3], {"type": "RandomGrayscale", "factor": 0.5}),
    ([3, 9, 10], {"type": "RandomGrayscale", **CF}),
    ([9, 10, 3], {"type": "RandomHue", "factor": 0.2, "value_range": [0, 1]}),
    ([9, 10, 3], {"type": "RandomInvert"}),
    ([9, 10, 3], {"type": "RandomPerspective"}),
    ([9, 10, 3], {"type": "RandomPosterization", "factor": 4, "value_range": [0, 255]}),
    ([9, 10, 3], {"type": "RandomSaturation", "factor": 0.2}),
    ([9, 10, 3], {"type": "RandomSharpness", "factor": 0.2}),
    ([9, 10, 3], {"type": "RandomShear", "x_factor": 0.2}),
    ([9, 10, 3], {"type": "AugMix"}),
    ([9, 10, 3], {"type": "AutoContrast"}),
    ([9, 10, 3], {"type": "ContrastLimitedAdaptiveHistogramEqualization"}),
    ([9, 10, 3], {"type": "CutMix"}),
    # Keras 3.15's Equalization returns its input tensor itself when traced, so no model holds
    # it alone (Keras: "part of a cycle"); inside a Pipeline it builds.
    ([9, 10, 3], {"type": "Pipeline", "layers": [{"type": "Equalization"}]}),
    ([9, 10, 3], {"type": "MaxNumBoundingBoxes", "max_number": 3}),
    ([9, 10, 3], {"type": "MixUp"}),
    ([9, 10, 3], {"type": "RandAugment"}),
    ([9, 10, 3], {"type": "Solarization"}),
    # Lookup and encoding (vocabulary and sizes in the config)
    ([4], {"type": "StringLookup", "vocabulary": ["a", "b", "c"]}),
    ([4], {"type": "StringLookup", "vocabulary": ["a", "b", "c"], "output_mode": "one_hot"}),
    ([4, 1], {"type": "StringLookup", "vocabulary": ["a", "b", "c"], "output_mode": "one_hot"}),
    (
        [4],
        {
            "type": "StringLookup",
            "vocabulary": ["a", "b", "c"],
            "output_mode": "multi_hot",
            "num_oov_indices": 2,
            "mask_token": "",
        },
    ),
    (
        [4],
        {
            "type": "IntegerLookup",
            "vocabulary": [3, 4, 5],
            "output_mode": "count",
            "mask_token": 0,
            "num_oov_indices": 3,
        },
    ),
    (
        [4],
        {
            "type": "IntegerLookup",
            "vocabulary": [3, 4, 5],
            "output_mode": "count",
            "max_tokens": 9,
            "pad_to_max_tokens": True,
        },
    ),
    (
        [4],
        {
            "type": "IntegerLookup",
            "vocabulary": [3, 4, 5],
            "output_mode": "tf_idf",
            "idf_weights": [1.0, 1.0, 1.0],
        },
    ),
    ([1], {"type": "TextVectorization", "vocabulary": ["a", "b", "c"]}),
    (
        [1],
        {"type": "TextVectorization", "vocabulary": ["a", "b", "c"], "output_sequence_length": 7},
    ),
    ([1], {"type": "TextVectorization", "vocabulary": ["a", "b", "c"], "output_mode": "multi_hot"}),
    ([4], {"type": "TextVectorization", "vocabulary": ["a", "b", "c"], "output_mode": "count"}),
    (
        [1],
        {
            "type": "TextVectorization",
            "vocabulary": ["a", "b", "c"],
            "output_mode": "count",
            "split": None,
        },
    ),
    ([4], {"type": "CategoryEncoding", "num_tokens": 6}),
    ([4], {"type": "CategoryEncoding", "num_tokens": 6, "output_mode": "one_hot"}),
    ([4, 1], {"type": "CategoryEncoding", "num_tokens": 6, "output_mode": "one_hot"}),
    ([4, 3], {"type": "CategoryEncoding", "num_tokens": 6, "output_mode": "count"}),
    ([4], {"type": "Hashing", "num_bins": 5}),
    ([4], {"type": "Hashing", "num_bins": 5, "output_mode": "one_hot"}),
    ([4, 1], {"type": "Hashing", "num_bins": 5, "output_mode": "multi_hot"}),
    ([4], {"type": "Discretization", "bin_boundaries": [0.0, 1.0, 2.0]}),
    ([4], {"type": "Discretization", "bin_boundaries": [0.0, 1.0], "output_mode": "one_hot"}),
    ([4, 1], {"type": "Discretization", "bin_boundaries": [0.0, 1.0], "output_mode": "one_hot"}),
    ([4, 3], {"type": "Discretization", "bin_boundaries": [0.0, 1.0, 2.0], "output_mode": "count"}),
    ([4], {"type": "Discretization", "num_bins": 4, "output_mode": "multi_hot"}),
    # Audio
    ([1000], {"type": "MelSpectrogram"}),
    ([1023], {"type": "MelSpectrogram"}),  # N + 1 a multiple of the stride: ⌊(N + s + 1)/s⌋
    (
        [16000],
        {"type": "MelSpectrogram", "fft_length": 512, "sequence_stride": 128, "num_mel_bins": 40},
    ),
    ([1000, 1], {"type": "STFTSpectrogram"}),
    ([2, 500], {"type": "STFTSpectrogram", "frame_length": 64, "frame_step": 16, **CF}),
    ([2, 500], {"type": "STFTSpectrogram", "frame_length": 64, "expand_dims": True, **CF}),
    (
        [1000, 1],
        {
            "type": "STFTSpectrogram",
            "frame_length": 64,
            "frame_step": 16,
            "padding": "same",
            "mode": "magnitude",
        },
    ),
    (
        [1000, 2],
        {
            "type": "STFTSpectrogram",
            "frame_length": 64,
            "frame_step": 16,
            "fft_length": 128,
            "mode": "real",
        },
    ),
    (
        [1000, 1],
        {
            "type": "STFTSpectrogram",
            "frame_length": 60,
            "frame_step": 16,
            "expand_dims": True,
            "mode": "stft",
        },
    ),
]


def single_spec(input_shape: list[int], layer: dict[str, Any]) -> dict[str, Any]:
    return {"input_shape": input_shape, "layers": [{**layer, "name": "under_test"}]}


@pytest.mark.parametrize(
    ("input_shape", "layer"),
    SINGLE,
    ids=[f"{layer['type']}-{i}" for i, (_, layer) in enumerate(SINGLE)],
)
def test_single_layer_matches_keras(input_shape: list[int], layer: dict[str, Any]) -> None:
    assert_matches_keras(single_spec(input_shape, layer))


def merge_spec(kind: str, shapes: list[list[int]], **arguments: Any) -> dict[str, Any]:
    inputs = [{"type": "InputLayer", "shape": s, "name": f"in{i}"} for i, s in enumerate(shapes)]
    names = [layer["name"] for layer in inputs]
    return {"layers": [*inputs, {"type": kind, "inputs": names, "name": "under_test", **arguments}]}


MERGES = [
    ("Add", [[8, 8, 4], [8, 8, 4]], {}),
    ("Add", [[8, 8, 4], [8, 8, 4], [8, 8, 4]], {}),
    ("Add", [[8, 8, 4], [1, 1, 4]], {}),
    ("Subtract", [[5, 3], [5, 3]], {}),
    ("Multiply", [[8, 8, 4], [1, 1, 4]], {}),
    ("Multiply", [[8, 8, 4], [4]], {}),
    ("Average", [[6], [6]], {}),
    ("Maximum", [[2, 6], [2, 6]], {}),
    ("Minimum", [[2, 6], [1, 6]], {}),
    ("Concatenate", [[8, 8, 4], [8, 8, 6]], {}),
    ("Concatenate", [[8, 8, 4], [8, 3, 4], [8, 1, 4]], {"axis": 2}),
    ("Concatenate", [[2, 8, 8], [5, 8, 8]], {"axis": 1}),
    ("Concatenate", [[7, 3], [7, 3]], {"axis": -2}),
    ("Dot", [[5, 8], [8, 7]], {"axes": [2, 1]}),
    ("Dot", [[8], [8]], {"axes": 1}),
    ("Dot", [[5, 8], [6, 8]], {"axes": 2, "normalize": True}),
    ("Attention", [[5, 8], [7, 8]], {}),
    ("Attention", [[5, 8], [7, 8]], {"use_scale": True, "score_mode": "concat"}),
    ("Attention", [[5, 8], [7, 6], [7, 8]], {}),
    ("AdditiveAttention", [[5, 8], [7, 8]], {}),
    ("AdditiveAttention", [[5, 8], [7, 3], [7, 8]], {"use_scale": False}),
    ("MultiHeadAttention", [[5, 8], [7, 6]], {"num_heads": 2, "key_dim": 3}),
    (
        "MultiHeadAttention",
        [[5, 8], [7, 6], [7, 9]],
        {"num_heads": 2, "key_dim": 3, "value_dim": 4, "output_shape": 5},
    ),
    (
        "MultiHeadAttention",
        [[5, 8], [7, 6]],
        {"num_heads": 2, "key_dim": 3, "output_shape": [2, 5], "use_bias": False},
    ),
    ("MultiHeadAttention", [[4, 4, 8], [4, 4, 8]], {"num_heads": 2, "key_dim": 4}),
    (
        "GroupQueryAttention",
        [[5, 8], [7, 8]],
        {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2},
    ),
    (
        "GroupedQueryAttention",
        [[5, 8], [7, 8], [7, 6]],
        {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2, "use_bias": False},
    ),
    ("HashedCrossing", [[4], [4]], {"num_bins": 5}),
    ("HashedCrossing", [[1], [1]], {"num_bins": 5, "output_mode": "one_hot"}),
    ("HashedCrossing", [[4], [4]], {"num_bins": 5, "output_mode": "one_hot"}),
]


@pytest.mark.parametrize(("kind", "shapes", "arguments"), MERGES)
def test_merge_matches_keras(kind: str, shapes: list[list[int]], arguments: dict[str, Any]) -> None:
    assert_matches_keras(merge_spec(kind, shapes, **arguments))


def types_in(layer: Any) -> set[str]:
    """A layer's type and the types of the layers nested in it (cells, wrapped layers)."""
    if isinstance(layer, list):
        return set().union(*(types_in(item) for item in layer))
    if not isinstance(layer, dict):
        return set()
    found = {KERAS_ALIASES.get(layer["type"], layer["type"])} if "type" in layer else set()
    return found.union(*(types_in(value) for value in layer.values()))


def test_every_layer_kind_is_compared_with_keras() -> None:
    compared = types_in([layer for _, layer in SINGLE])
    compared |= {KERAS_ALIASES.get(kind, kind) for kind, _, _ in MERGES}
    compared.add("InputLayer")  # every merge case declares its inputs with InputLayer
    # Compared in tests/test_keras_import.py, on models Keras builds (applications, nesting):
    compared |= {"LayerScale", "CustomScaleLayer", "Sequential", "Functional", "Lambda"}
    assert set(REGISTRY) - compared == set()


def test_dense_on_a_4d_input_applies_to_the_last_axis() -> None:
    analysis = assert_matches_keras(single_spec([5, 5, 64], {"type": "Dense", "units": 7}))
    assert analysis[0].output_shape == (5, 5, 7)
    assert analysis[0].params == (64 + 1) * 7


def test_every_class_of_keras_layers_is_a_kind_an_alias_or_out_of_scope(keras: Any) -> None:
    """A class Keras adds (or renames) cannot go unnoticed."""
    import inspect

    classes = {name for name, value in vars(keras.layers).items() if inspect.isclass(value)}
    missing = classes - set(REGISTRY) - set(KERAS_ALIASES) - set(OUT_OF_SCOPE)
    assert missing == set(), f"keras.layers classes cnncalc neither models nor lists: {missing}"
    for alias, kind in KERAS_ALIASES.items():
        if alias in classes:  # an alias is the very class Keras exports under the type's name
            assert getattr(keras.layers, alias).__name__ == kind, alias
    assert set(OUT_OF_SCOPE) <= classes, "an out-of-scope class Keras no longer has"


FIRST_ROW_OF_EACH_KIND = list(
    {layer["type"]: (shape, layer) for shape, layer in reversed(SINGLE)}.values()
)


@pytest.mark.parametrize(
    ("input_shape", "layer"),
    FIRST_ROW_OF_EACH_KIND,
    ids=[r[1]["type"] for r in FIRST_ROW_OF_EACH_KIND],
)
def test_auto_names_match_keras(input_shape: list[int], layer: dict[str, Any]) -> None:
    """Keras's auto-name of every kind (p_re_lu, conv_lstm2d, …), aliases included."""
    from cnncalc.keras.bridge import to_keras

    spec = {"input_shape": input_shape, "layers": [layer]}
    assert cnncalc.analyze(spec)[0].name == to_keras(spec).layers[-1].name
