"""nnlib: the small NumPy library that the nnlib-course chapters build and then use.

Every module holds one idea, with the book's names so that notebook prose and code match:

- ``nnlib.activations``: step, sigmoid, relu, identity, softmax and their derivatives
- ``nnlib.losses``: mean squared error, cross-entropy, binary cross-entropy from logits
- ``nnlib.network``: parameter dicts ``W1, b1, ...``, forward pass, predict, accuracy
- ``nnlib.backprop``: gradients by backpropagation, SGD steps and a training loop
- ``nnlib.gradcheck``: central-difference gradients and a comparison helper
- ``nnlib.dropout``: inverted dropout, forward and backward
- ``nnlib.layers``: layers with forward and backward (``Affine``, ``Relu``, ``SoftmaxWithLoss``,
  ...) and ``LayerNet``, a network built as a list of them
- ``nnlib.conv``: im2col/col2im, ``Convolution``, ``Pooling`` and the book's ConvNet
  (``simple_conv_net``)
- ``nnlib.batchnorm``: ``BatchNormalization``, a layer that normalizes each feature over the batch
  (running averages in ``buffers``)
- ``nnlib.optimizers``: ``SGD`` and the other update rules, ``update(params, grads)`` in place
- ``nnlib.training``: the one training loop (``train``), ``save_params`` and ``load_params``
- ``nnlib.datasets``: MNIST, Fashion-MNIST and the book's pretrained weights, hash-checked
- ``nnlib.plotting``: the figures the chapters share (imports matplotlib)

``import nnlib`` imports NumPy only; ``nnlib.datasets`` and ``nnlib.plotting`` (which need
pooch, tqdm or matplotlib) are loaded the first time they are used.
"""

import importlib

from nnlib import (
    activations,
    backprop,
    batchnorm,
    conv,
    dropout,
    gradcheck,
    layers,
    losses,
    network,
    optimizers,
    training,
)
from nnlib.course import setup

__version__ = "0.1.0"

_LAZY_MODULES = ("datasets", "plotting")

__all__ = [
    "activations",
    "backprop",
    "batchnorm",
    "conv",
    "datasets",
    "dropout",
    "gradcheck",
    "layers",
    "losses",
    "network",
    "optimizers",
    "plotting",
    "setup",
    "training",
]


def __getattr__(name):
    if name in _LAZY_MODULES:
        module = importlib.import_module(f"nnlib.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'nnlib' has no attribute {name!r}")
