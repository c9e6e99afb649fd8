"""Bad input to every public function of nnlib's computing modules: a clear error, never a number.

The validation policy (CONTRIBUTING.md): every argument is checked, ``TypeError`` for the wrong
kind and ``ValueError`` for a wrong value, shape or range, and the message names the argument.
Each case below starts from a call that works (``VALID``) and spoils one argument.
"""

import dataclasses
import gzip
import hashlib
import inspect
import io
import os
import pickle
import re
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

from nnlib import (
    activations,
    backprop,
    batchnorm,
    conv,
    course,
    datasets,
    dropout,
    gradcheck,
    layers,
    losses,
    network,
    optimizers,
    plotting,
    training,
)

MODULES = (activations, losses, network, backprop, dropout, gradcheck, layers, training,
           optimizers, batchnorm, conv, datasets, plotting, course)

RNG = np.random.default_rng(0)
PARAMS = network.init_params([4, 3, 2], rng=0, dtype=np.float64)
X = RNG.standard_normal((5, 4))
T = np.array([0, 1, 1, 0, 1])
Y = RNG.standard_normal((5, 2))
PROBABILITIES = activations.softmax(Y)
Z = np.array([[0.0, 1.0]] * 5)


def params(**changes):
    """A fresh copy of PARAMS, with some entries replaced (None deletes one)."""
    copy = {name: value.copy() for name, value in PARAMS.items()}
    for name, value in changes.items():
        if value is None:
            del copy[name]
        else:
            copy[name] = value
    return copy


def with_nan(array, index):
    spoiled = np.array(array, dtype=np.float64)
    spoiled[index] = np.nan
    return spoiled


def read_only(array):
    locked = array.copy()
    locked.flags.writeable = False
    return locked


# Arguments with which each public function works. Functions, so every call gets fresh arrays.
VALID = {
    activations.step: lambda: {"x": X},
    activations.step_grad: lambda: {"x": X},
    activations.sigmoid: lambda: {"x": X, "out": None},
    activations.sigmoid_grad: lambda: {"x": X},
    activations.relu: lambda: {"x": X, "out": None},
    activations.relu_grad: lambda: {"x": X},
    activations.identity: lambda: {"x": X},
    activations.identity_grad: lambda: {"x": X},
    activations.softmax: lambda: {"a": Y, "axis": -1},
    activations.softmax_grad: lambda: {"a": Y, "upstream": Y, "axis": -1},
    activations.get: lambda: {"name": "relu"},
    losses.mean_squared_error: lambda: {"y": Y, "t": PROBABILITIES, "reduction": "mean"},
    losses.mean_squared_error_grad: lambda: {"y": Y, "t": PROBABILITIES},
    losses.one_hot: lambda: {"labels": T, "num_classes": 2, "dtype": np.float32},
    losses.cross_entropy_error: lambda: {"y": PROBABILITIES, "t": T, "reduction": "sum",
                                         "eps": 1e-7},
    losses.log_softmax: lambda: {"a": Y},
    losses.softmax_cross_entropy: lambda: {"logits": Y, "t": T, "reduction": "none"},
    losses.softmax_cross_entropy_grad: lambda: {"logits": Y, "t": T},
    losses.binary_cross_entropy_with_logits: lambda: {"x": Y, "z": Z, "reduction": "mean"},
    losses.binary_cross_entropy_with_logits_grad: lambda: {"x": Y, "z": Z},
    network.init_params: lambda: {"layer_sizes": [4, 3, 2], "rng": 0, "scale": "he",
                                  "dtype": np.float64},
    network.layer_count: lambda: {"params": params()},
    network.check_input: lambda: {"params": params(), "x": X},
    network.affine: lambda: {"z": X, "W": PARAMS["W1"], "b": PARAMS["b1"]},
    network.output_activation: lambda: {"name": "softmax"},
    network.logits: lambda: {"params": params(), "x": X, "hidden": "relu"},
    network.forward: lambda: {"params": params(), "x": X, "hidden": "relu", "output": "softmax"},
    network.predict: lambda: {"params": params(), "x": X, "hidden": "relu"},
    network.labels_of: lambda: {"t": T},
    network.accuracy: lambda: {"params": params(), "x": X, "t": T, "hidden": "relu"},
    network.confusion_matrix: lambda: {"predicted": T, "t": T, "num_classes": 2},
    backprop.gradients: lambda: {"params": params(), "x": X, "t": T, "hidden": "relu",
                                 "output": "softmax", "loss": "cross_entropy",
                                 "dropout_rate": 0.5, "rng": np.random.default_rng(1)},
    backprop.sgd_update: lambda: {"params": params(),
                                  "grads": {k: np.ones_like(v) for k, v in PARAMS.items()},
                                  "learning_rate": 0.1},
    backprop.sgd_step: lambda: {"params": params(), "x": X, "t": T, "learning_rate": 0.1,
                                "hidden": "sigmoid", "output": "softmax", "loss": "mse",
                                "dropout_rate": 0.0, "rng": None},
    backprop.train_sgd: lambda: {"params": params(), "x": X, "t": T, "learning_rate": 0.1,
                                 "epochs": 2, "batch_size": 2, "hidden": "relu",
                                 "output": "softmax", "loss": "cross_entropy",
                                 "dropout_rate": 0.2, "rng": 3, "validation": (X, T)},
    dropout.dropout_mask: lambda: {"shape": (2, 3), "rate": 0.5,
                                   "rng": np.random.default_rng(0), "dtype": np.float64},
    dropout.dropout: lambda: {"x": X, "rate": 0.5, "rng": np.random.default_rng(0),
                              "training": True},
    dropout.dropout_backward: lambda: {"upstream": X, "mask": np.ones_like(X)},
    gradcheck.numerical_gradient: lambda: {"f": np.sum, "x": X.copy(), "h": 1e-5},
    gradcheck.numerical_gradients: lambda: {
        "loss_of_params": lambda p: float(np.sum(p["W1"] ** 2)), "params": params(), "h": 1e-4},
    gradcheck.compare: lambda: {"name": "W1", "analytic": X, "numeric": X, "rtol": 1e-5,
                                "atol": 1e-7},
}

NON_FINITE = [np.nan, np.inf, -np.inf]

# (function, the spoiled arguments, error type, the argument the message must name)
CASES = [
    # --- activations
    (activations.step, {"x": np.array(["a", "b"])}, TypeError, "x"),
    (activations.step_grad, {"x": [None]}, TypeError, "x"),
    (activations.sigmoid, {"out": np.zeros((5, 4), np.float32)}, ValueError, "out"),
    (activations.sigmoid, {"out": np.zeros((4, 5))}, ValueError, "out"),
    (activations.sigmoid, {"out": [0.0] * 4}, TypeError, "out"),
    (activations.sigmoid_grad, {"x": "0.5"}, TypeError, "x"),
    (activations.relu, {"out": np.zeros((5, 4), np.float32)}, ValueError, "out"),
    (activations.relu_grad, {"x": np.array([{}])}, TypeError, "x"),
    (activations.identity, {"x": np.array(["1"])}, TypeError, "x"),
    (activations.identity_grad, {"x": np.array(["1"])}, TypeError, "x"),
    (activations.softmax, {"axis": 2}, ValueError, "axis"),
    (activations.softmax, {"axis": 1.0}, TypeError, "axis"),
    (activations.softmax, {"a": np.float64(3.0)}, ValueError, "a"),
    (activations.softmax, {"a": np.zeros((3, 0))}, ValueError, "a"),
    (activations.softmax_grad, {"upstream": np.ones((5, 3))}, ValueError, "upstream"),
    (activations.softmax_grad, {"upstream": np.array(["x"] * 2)}, TypeError, "upstream"),
    (activations.softmax_grad, {"axis": -3}, ValueError, "axis"),
    (activations.get, {"name": "tanh"}, ValueError, "name"),
    (activations.get, {"name": None}, ValueError, "name"),
    # --- losses
    (losses.mean_squared_error, {"y": np.zeros((0, 2)), "t": np.zeros((0, 2))}, ValueError, "y"),
    (losses.mean_squared_error, {"y": with_nan(Y, (1, 1))}, ValueError, "y"),
    (losses.mean_squared_error, {"t": with_nan(PROBABILITIES, (4, 0))}, ValueError, "t"),
    (losses.mean_squared_error, {"t": PROBABILITIES.T}, ValueError, "t"),
    (losses.mean_squared_error, {"t": np.array([["a", "b"]] * 5)}, TypeError, "t"),
    (losses.mean_squared_error, {"reduction": "max"}, ValueError, "reduction"),
    (losses.mean_squared_error, {"y": 1.0, "t": 1.0}, ValueError, "y"),
    (losses.mean_squared_error_grad, {"y": np.zeros((0, 2)), "t": np.zeros((0, 2))},
     ValueError, "y"),
    (losses.mean_squared_error_grad, {"t": PROBABILITIES[:3]}, ValueError, "t"),
    (losses.one_hot, {"num_classes": 2.5}, TypeError, "num_classes"),
    (losses.one_hot, {"num_classes": 0}, ValueError, "num_classes"),
    (losses.one_hot, {"labels": [0.0, 1.0]}, TypeError, "labels"),
    (losses.one_hot, {"labels": [0, -1]}, ValueError, "labels"),
    (losses.one_hot, {"labels": [0, 2]}, ValueError, "labels"),
    (losses.one_hot, {"labels": [[0, 1]]}, ValueError, "labels"),
    (losses.one_hot, {"dtype": int}, TypeError, "dtype"),
    (losses.cross_entropy_error, {"y": Y}, ValueError, "y"),
    (losses.cross_entropy_error, {"y": np.zeros((0, 2)), "t": np.zeros(0, int)}, ValueError, "y"),
    (losses.cross_entropy_error, {"y": np.ones((1, 2, 2)) / 2, "t": [[0, 1]]}, ValueError, "y"),
    (losses.cross_entropy_error, {"t": np.array([0, 1, 2, 0, 1])}, ValueError, "t's labels"),
    (losses.cross_entropy_error, {"t": T.astype(float)}, TypeError, "t"),
    (losses.cross_entropy_error, {"eps": -1e-7}, ValueError, "eps"),
    (losses.cross_entropy_error, {"eps": np.nan}, ValueError, "eps"),
    (losses.cross_entropy_error, {"eps": "tiny"}, TypeError, "eps"),
    (losses.cross_entropy_error, {"reduction": "average"}, ValueError, "reduction"),
    (losses.log_softmax, {"a": 2.0}, ValueError, "a"),
    (losses.log_softmax, {"a": np.array(["2"])}, TypeError, "a"),
    (losses.softmax_cross_entropy, {"logits": with_nan(Y, (0, 1))}, ValueError, "logits"),
    (losses.softmax_cross_entropy, {"logits": np.zeros((0, 2)), "t": np.zeros(0, int)},
     ValueError, "logits"),
    (losses.softmax_cross_entropy, {"t": T[:4]}, ValueError, "t"),
    (losses.softmax_cross_entropy, {"t": with_nan(np.eye(2)[T], (2, 0))}, ValueError, "t"),
    (losses.softmax_cross_entropy, {"t": np.array(list("abcde"))}, TypeError, "t's labels"),
    (losses.softmax_cross_entropy, {"reduction": "mean "}, ValueError, "reduction"),
    (losses.softmax_cross_entropy_grad, {"logits": np.full((5, 2), np.inf)}, ValueError,
     "logits"),
    (losses.softmax_cross_entropy_grad, {"t": np.eye(3)[T]}, ValueError, "t"),
    (losses.binary_cross_entropy_with_logits, {"z": 2 * Z}, ValueError, "z"),
    (losses.binary_cross_entropy_with_logits, {"x": with_nan(Y, (3, 0))}, ValueError, "x"),
    (losses.binary_cross_entropy_with_logits, {"z": Z[:, :1]}, ValueError, "z"),
    (losses.binary_cross_entropy_with_logits, {"reduction": 1}, ValueError, "reduction"),
    (losses.binary_cross_entropy_with_logits_grad, {"x": np.zeros(0), "z": np.zeros(0)},
     ValueError, "x"),
    (losses.binary_cross_entropy_with_logits_grad, {"z": Z - 1}, ValueError, "z"),
    # --- network
    (network.init_params, {"layer_sizes": [4]}, ValueError, "layer_sizes"),
    (network.init_params, {"layer_sizes": [4, 0]}, ValueError, "layer_sizes"),
    (network.init_params, {"layer_sizes": [4, 2.0]}, TypeError, "layer_sizes"),
    (network.init_params, {"layer_sizes": 4}, TypeError, "layer_sizes"),
    (network.init_params, {"layer_sizes": "42"}, TypeError, "layer_sizes"),
    (network.init_params, {"rng": "seed"}, TypeError, "rng"),
    (network.init_params, {"rng": -1}, ValueError, "rng"),
    (network.init_params, {"scale": "big"}, ValueError, "scale"),
    (network.init_params, {"scale": -0.1}, ValueError, "scale"),
    (network.init_params, {"scale": np.nan}, ValueError, "scale"),
    (network.init_params, {"scale": None}, TypeError, "scale"),
    (network.init_params, {"scale": True}, TypeError, "scale"),
    (network.init_params, {"dtype": int}, TypeError, "dtype"),
    (network.init_params, {"dtype": "nonsense"}, TypeError, "dtype"),
    (network.layer_count, {"params": params(W2=None)}, ValueError, "b2"),
    (network.layer_count, {"params": params(W9=PARAMS["W1"])}, ValueError, "W9"),
    (network.layer_count, {"params": params(b1=None)}, ValueError, "b1"),
    (network.layer_count, {"params": [PARAMS["W1"], PARAMS["b1"]]}, TypeError, "params"),
    (network.layer_count, {"params": params(W1=[[1.0] * 3] * 4)}, TypeError, "params['W1']"),
    (network.layer_count, {"params": params(b2=np.zeros(2, int))}, TypeError, "params['b2']"),
    (network.layer_count, {"params": params(W2=np.zeros((2, 2)))}, ValueError, "W2"),
    (network.check_input, {"x": X[:, :3]}, ValueError, "x"),
    (network.check_input, {"x": with_nan(X, (4, 3))}, ValueError, "x"),
    (network.check_input, {"x": np.zeros((0, 4))}, ValueError, "x"),
    (network.check_input, {"x": X[None]}, ValueError, "x"),
    (network.check_input, {"params": {"w1": PARAMS["W1"]}}, ValueError, "params"),
    (network.affine, {"W": PARAMS["b1"]}, ValueError, "W"),
    (network.affine, {"b": PARAMS["b2"]}, ValueError, "b"),
    (network.affine, {"z": np.array([["x"] * 4])}, TypeError, "z"),
    (network.affine, {"z": np.zeros((0, 4))}, ValueError, "z"),
    (network.output_activation, {"name": "tanh"}, ValueError, "output"),
    (network.logits, {"hidden": "tanh"}, ValueError, "hidden"),
    (network.logits, {"params": params(b2=np.array([0.0, np.nan]))}, ValueError,
     "params['b2']"),
    (network.logits, {"x": np.full((2, 4), np.inf)}, ValueError, "x"),
    (network.forward, {"output": "tanh"}, ValueError, "output"),
    (network.forward, {"hidden": 3}, ValueError, "hidden"),
    (network.predict, {"x": with_nan(X, (0, 0))}, ValueError, "x"),
    (network.predict, {"params": params(W1=with_nan(PARAMS["W1"], (2, 2)))}, ValueError,
     "params['W1']"),
    (network.predict, {"params": params(W3=PARAMS["W2"])}, ValueError, "W3"),
    (network.labels_of, {"t": np.array(["0", "1"])}, TypeError, "t"),
    (network.labels_of, {"t": [0, -1]}, ValueError, "t"),
    (network.labels_of, {"t": [0.5, 1.0]}, ValueError, "t"),
    (network.labels_of, {"t": [np.nan, 1.0]}, ValueError, "t"),
    (network.labels_of, {"t": np.zeros((2, 2, 2))}, ValueError, "t"),
    (network.labels_of, {"t": [[2.0], [0.0]]}, ValueError, "t"),
    (network.accuracy, {"t": np.array(list("abcde"))}, TypeError, "t"),
    (network.accuracy, {"t": T[:4]}, ValueError, "t"),
    (network.accuracy, {"t": np.array([0, 1, 2, 0, 1])}, ValueError, "t's labels"),
    (network.accuracy, {"t": np.eye(3)[T]}, ValueError, "t"),
    (network.accuracy, {"x": X[0]}, ValueError, "x"),
    (network.accuracy, {"x": np.zeros((0, 4)), "t": np.zeros(0, int)}, ValueError, "x"),
    (network.accuracy, {"x": with_nan(X, (2, 3))}, ValueError, "x"),
    (network.accuracy, {"params": params(W2=with_nan(PARAMS["W2"], (0, 1)))}, ValueError,
     "params['W2']"),
    (network.accuracy, {"hidden": "softmax"}, ValueError, "hidden"),
    (network.confusion_matrix, {"predicted": T.astype(float)}, TypeError, "predicted"),
    (network.confusion_matrix, {"t": [-1, 1, 1, 0, 1]}, ValueError, "t"),
    (network.confusion_matrix, {"t": [0, 1, 1, 0, 5]}, ValueError, "t"),
    (network.confusion_matrix, {"predicted": [0, 1, 2, 0, 1]}, ValueError, "predicted"),
    (network.confusion_matrix, {"num_classes": 2.0}, TypeError, "num_classes"),
    (network.confusion_matrix, {"num_classes": 0}, ValueError, "num_classes"),
    (network.confusion_matrix, {"predicted": np.array([], int), "t": np.array([], int)},
     ValueError, "predicted"),
    (network.confusion_matrix, {"t": T[:3]}, ValueError, "t"),
    # --- backprop
    (backprop.gradients, {"t": np.eye(2)[T].T.copy(), "output": "sigmoid"}, ValueError, "t"),
    (backprop.gradients, {"t": np.eye(2)[T].T.copy()}, ValueError, "t"),
    (backprop.gradients, {"t": np.arange(10.0), "output": "identity", "loss": "mse"},
     ValueError, "t"),
    (backprop.gradients, {"t": T, "output": "sigmoid"}, ValueError, "t"),
    (backprop.gradients, {"t": 2 * Z, "output": "sigmoid"}, ValueError, "t"),
    (backprop.gradients, {"t": np.array([0, 1, 2, 0, 1])}, ValueError, "t's labels"),
    (backprop.gradients, {"t": T.astype(float)}, TypeError, "t"),
    (backprop.gradients, {"t": with_nan(Z, (0, 0)), "output": "identity", "loss": "mse"},
     ValueError, "t"),
    (backprop.gradients, {"x": X[0]}, ValueError, "x"),
    (backprop.gradients, {"x": with_nan(X, (1, 2))}, ValueError, "x"),
    (backprop.gradients, {"x": np.zeros((0, 4)), "t": np.zeros(0, int)}, ValueError, "x"),
    (backprop.gradients, {"params": params(W2=with_nan(PARAMS["W2"], (1, 1)))}, ValueError,
     "params['W2']"),
    (backprop.gradients, {"params": params(W2=None)}, ValueError, "b2"),
    (backprop.gradients, {"hidden": "tanh"}, ValueError, "hidden"),
    (backprop.gradients, {"output": "tanh"}, ValueError, "output"),
    (backprop.gradients, {"loss": "hinge"}, ValueError, "loss"),
    (backprop.gradients, {"output": "identity"}, ValueError, "output"),
    (backprop.gradients, {"dropout_rate": 1.0}, ValueError, "dropout_rate"),
    (backprop.gradients, {"dropout_rate": np.nan}, ValueError, "dropout_rate"),
    (backprop.gradients, {"dropout_rate": "0.5"}, TypeError, "dropout_rate"),
    (backprop.gradients, {"rng": 0}, TypeError, "rng"),
    (backprop.gradients, {"rng": None}, ValueError, "rng"),
    (backprop.sgd_update, {"grads": {"W1": np.ones((4, 3))}}, ValueError, "grads"),
    (backprop.sgd_update, {"grads": {k: with_nan(v, 0) for k, v in PARAMS.items()}},
     ValueError, "grads['W1']"),
    (backprop.sgd_update, {"grads": {**{k: np.ones_like(v) for k, v in PARAMS.items()},
                                     "b2": np.ones(3)}}, ValueError, "grads['b2']"),
    (backprop.sgd_update, {"params": params(b1=np.zeros(3, int)),
                           "grads": {k: np.ones(np.shape(v)) for k, v in PARAMS.items()}},
     TypeError, "params['b1']"),
    (backprop.sgd_update, {"params": list(PARAMS.values())}, TypeError, "params"),
    (backprop.sgd_update, {"params": params(b2=read_only(PARAMS["b2"]))}, ValueError,
     "params['b2']"),
    (backprop.sgd_update, {"learning_rate": "0.1"}, TypeError, "learning_rate"),
    (backprop.sgd_step, {"t": np.eye(2)[T].T.copy()}, ValueError, "t"),
    (backprop.sgd_step, {"x": with_nan(X, (3, 3))}, ValueError, "x"),
    (backprop.sgd_step, {"learning_rate": [0.1]}, TypeError, "learning_rate"),
    (backprop.sgd_step, {"params": params(b2=read_only(PARAMS["b2"]))}, ValueError,
     "params['b2']"),
    (backprop.train_sgd, {"epochs": 2.0}, TypeError, "epochs"),
    (backprop.train_sgd, {"epochs": 0}, ValueError, "epochs"),
    (backprop.train_sgd, {"batch_size": 0}, ValueError, "batch_size"),
    (backprop.train_sgd, {"batch_size": 6}, ValueError, "batch_size"),
    (backprop.train_sgd, {"batch_size": 2.5}, TypeError, "batch_size"),
    (backprop.train_sgd, {"rng": "seed"}, TypeError, "rng"),
    (backprop.train_sgd, {"validation": X}, TypeError, "validation"),
    (backprop.train_sgd, {"validation": (X, T[:3])}, ValueError, "validation"),
    (backprop.train_sgd, {"validation": (X[:, :3], T)}, ValueError, "validation[0]"),
    (backprop.train_sgd, {"validation": (with_nan(X, (0, 0)), T)}, ValueError, "validation[0]"),
    (backprop.train_sgd, {"validation": (X, T.astype(str))}, TypeError, "validation[1]"),
    (backprop.train_sgd, {"t": T[:4]}, ValueError, "t"),
    (backprop.train_sgd, {"x": with_nan(X, (4, 0))}, ValueError, "x"),
    (backprop.train_sgd, {"dropout_rate": -0.1}, ValueError, "dropout_rate"),
    (backprop.train_sgd, {"params": params(W1=PARAMS["W1"].astype(int))}, TypeError,
     "params['W1']"),
    # --- dropout
    (dropout.dropout_mask, {"shape": (2, -1)}, ValueError, "shape[1]"),
    (dropout.dropout_mask, {"shape": "23"}, TypeError, "shape"),
    (dropout.dropout_mask, {"shape": (2, 3.0)}, TypeError, "shape[1]"),
    (dropout.dropout_mask, {"rate": 1.0}, ValueError, "rate"),
    (dropout.dropout_mask, {"rate": np.nan}, ValueError, "rate"),
    (dropout.dropout_mask, {"rate": None}, TypeError, "rate"),
    (dropout.dropout_mask, {"rng": 0}, TypeError, "rng"),
    (dropout.dropout_mask, {"dtype": int}, TypeError, "dtype"),
    (dropout.dropout, {"rate": 1.5}, ValueError, "rate"),
    (dropout.dropout, {"rng": 1.5}, TypeError, "rng"),
    (dropout.dropout, {"rng": None}, ValueError, "rng"),
    (dropout.dropout, {"training": "no"}, TypeError, "training"),
    (dropout.dropout, {"x": np.array(["1"])}, TypeError, "x"),
    (dropout.dropout_backward, {"mask": np.ones((4, 5))}, ValueError, "mask"),
    (dropout.dropout_backward, {"mask": np.array(["1"])}, TypeError, "mask"),
    (dropout.dropout_backward, {"upstream": "1"}, TypeError, "upstream"),
    # --- gradcheck
    (gradcheck.numerical_gradient, {"h": np.nan}, ValueError, "h"),
    (gradcheck.numerical_gradient, {"h": 0.0}, ValueError, "h"),
    (gradcheck.numerical_gradient, {"h": None}, TypeError, "h"),
    (gradcheck.numerical_gradient, {"f": "np.sum"}, TypeError, "f"),
    (gradcheck.numerical_gradient, {"f": lambda v: v}, TypeError, "f"),
    (gradcheck.numerical_gradient, {"x": X.astype(np.float32)}, TypeError, "x"),
    (gradcheck.numerical_gradient, {"x": [1.0, 2.0]}, TypeError, "x"),
    (gradcheck.numerical_gradient, {"x": np.arange(3)}, TypeError, "x"),
    (gradcheck.numerical_gradients, {"loss_of_params": None}, TypeError, "loss_of_params"),
    (gradcheck.numerical_gradients, {"params": network.init_params([2, 2], rng=0)}, TypeError,
     "params['W1']"),
    (gradcheck.numerical_gradients, {"params": {}}, TypeError, "params"),
    (gradcheck.numerical_gradients, {"h": np.inf}, ValueError, "h"),
    (gradcheck.compare, {"name": 1}, TypeError, "name"),
    (gradcheck.compare, {"analytic": np.array(["x"])}, TypeError, "analytic"),
    (gradcheck.compare, {"numeric": X.T}, ValueError, "numeric"),
    (gradcheck.compare, {"rtol": -1e-5}, ValueError, "rtol"),
    (gradcheck.compare, {"atol": np.nan}, ValueError, "atol"),
]


# --- the layer, training, optimizer, convolution, data, plotting and course modules ----------

FOLDER = tempfile.TemporaryDirectory(prefix="nnlib-bad-input-")  # removed when Python exits
IMAGES = RNG.standard_normal((2, 1, 5, 5))
COUNTS = np.array([[3, 1], [0, 2]])
GRID = np.linspace(-1.0, 1.0, 5)
POINTS = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])


def forwarded(layer, *inputs, **keywords):
    """``layer`` after one forward pass, ready for ``backward``."""
    layer.forward(*inputs, **keywords)
    return layer


def affine():
    return layers.Affine(PARAMS["W1"].copy(), PARAMS["b1"].copy())


def layer_net():
    return layers.LayerNet.from_params(params())


def convolution():
    return conv.Convolution(RNG.standard_normal((2, 1, 3, 3)), np.zeros(2))


def batch_norm():
    return batchnorm.BatchNormalization(np.ones(4), np.zeros(4))


def saved_params():
    path = Path(FOLDER.name) / "params.npz"
    training.save_params(path, params())
    return path


def idx_bytes(labels):
    """An IDX file of uint8 labels (magic 2049, one dimension)."""
    return (2049).to_bytes(4, "big") + len(labels).to_bytes(4, "big") + bytes(labels)


def idx_file():
    path = Path(FOLDER.name) / "labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes([0, 1, 2]), mtime=0))
    return path


def axes():
    return Figure().add_subplot()  # not registered with pyplot: nothing to close


GRADS = {name: np.ones_like(value) for name, value in PARAMS.items()}
OPTIMIZERS = (optimizers.SGD, optimizers.Momentum, optimizers.Nesterov, optimizers.AdaGrad,
              optimizers.RMSprop, optimizers.Adam)

VALID.update({
    # layers: constructors (the class), then methods (the function, with "self")
    layers.MulLayer.forward: lambda: {"self": layers.MulLayer(), "x": X, "y": X},
    layers.MulLayer.backward: lambda: {"self": forwarded(layers.MulLayer(), X, X), "dout": X},
    layers.AddLayer.forward: lambda: {"self": layers.AddLayer(), "x": X, "y": 2 * X},
    layers.AddLayer.backward: lambda: {"self": forwarded(layers.AddLayer(), X, X), "dout": X},
    layers.Affine: lambda: {"W": PARAMS["W1"].copy(), "b": PARAMS["b1"].copy()},
    layers.Affine.forward: lambda: {"self": affine(), "x": X, "training": False},
    layers.Affine.backward: lambda: {"self": forwarded(affine(), X), "dout": np.ones((5, 3)),
                                     "compute_dx": True},
    layers.Relu.forward: lambda: {"self": layers.Relu(), "x": X, "training": True},
    layers.Relu.backward: lambda: {"self": forwarded(layers.Relu(), X), "dout": X},
    layers.Sigmoid.forward: lambda: {"self": layers.Sigmoid(), "x": X, "training": True},
    layers.Sigmoid.backward: lambda: {"self": forwarded(layers.Sigmoid(), X), "dout": X},
    layers.Identity.forward: lambda: {"self": layers.Identity(), "x": X, "training": True},
    layers.Identity.backward: lambda: {"self": forwarded(layers.Identity(), X), "dout": X},
    layers.Softmax.forward: lambda: {"self": layers.Softmax(), "x": Y, "training": True},
    layers.Softmax.backward: lambda: {"self": forwarded(layers.Softmax(), Y), "dout": Y},
    layers.Dropout: lambda: {"rate": 0.5, "rng": np.random.default_rng(0)},
    layers.Dropout.forward: lambda: {"self": layers.Dropout(0.5, np.random.default_rng(0)),
                                     "x": X, "training": True},
    layers.Dropout.backward: lambda: {
        "self": forwarded(layers.Dropout(0.5, np.random.default_rng(0)), X, training=True),
        "dout": X},
    layers.SoftmaxWithLoss.forward: lambda: {"self": layers.SoftmaxWithLoss(), "x": Y, "t": T},
    layers.SoftmaxWithLoss.backward: lambda: {"self": forwarded(layers.SoftmaxWithLoss(), Y, T),
                                              "dout": 1.0},
    layers.SoftmaxWithLoss.predict_labels: lambda: {"self": layers.SoftmaxWithLoss(),
                                                    "scores": Y},
    layers.SigmoidWithLoss.forward: lambda: {"self": layers.SigmoidWithLoss(), "x": Y,
                                             "t": Z},
    layers.SigmoidWithLoss.backward: lambda: {"self": forwarded(layers.SigmoidWithLoss(), Y, Z),
                                              "dout": np.float32(1.0)},
    layers.SigmoidWithLoss.predict_labels: lambda: {"self": layers.SigmoidWithLoss(),
                                                    "scores": Y[:, :1]},
    layers.MeanSquaredErrorLoss.forward: lambda: {"self": layers.MeanSquaredErrorLoss(), "y": Y,
                                                  "t": PROBABILITIES},
    layers.MeanSquaredErrorLoss.backward: lambda: {
        "self": forwarded(layers.MeanSquaredErrorLoss(), Y, PROBABILITIES), "dout": 1},
    layers.MeanSquaredErrorLoss.predict_labels: lambda: {"self": layers.MeanSquaredErrorLoss(),
                                                         "scores": Y},
    layers.LayerNet: lambda: {"layers": [affine(), layers.Relu()],
                              "loss_layer": layers.SoftmaxWithLoss(), "weight_decay": 0.1},
    layers.LayerNet.from_params: lambda: {"params": params(), "hidden": "sigmoid",
                                          "output": "softmax", "loss": "cross_entropy",
                                          "dropout_rate": 0.5, "rng": np.random.default_rng(0),
                                          "weight_decay": 0.0},
    layers.LayerNet.mlp: lambda: {"layer_sizes": [4, 3, 2], "hidden": "relu", "output": "sigmoid",
                                  "loss": "cross_entropy", "dropout_rate": 0.0, "rng": 0,
                                  "scale": "he", "dtype": np.float64, "weight_decay": 1e-3},
    layers.LayerNet.predict: lambda: {"self": layer_net(), "x": X},
    layers.LayerNet.loss: lambda: {"self": layer_net(), "x": X, "t": T, "training": True},
    layers.LayerNet.gradient: lambda: {"self": layer_net(), "x": X, "t": T},
    layers.LayerNet.accuracy: lambda: {"self": layer_net(), "x": X, "t": T, "batch_size": 2},
    layers.LayerNet.evaluate: lambda: {"self": layer_net(), "x": X, "t": T, "batch_size": 2,
                                       "accuracy": True},
    layers.LayerNet.set_params: lambda: {"self": layer_net(), "params": params()},
    # training
    training.train: lambda: {"network": layer_net(), "x": X, "t": T,
                             "optimizer": optimizers.SGD(0.1), "epochs": 2, "batch_size": 2,
                             "rng": 0, "validation": (X, T), "accuracy": True,
                             "progress": False, "eval_batch_size": 3, "early_stopping": 1},
    training.save_params: lambda: {"path": str(Path(FOLDER.name) / "saved.npz"),
                                   "params": params()},
    training.load_params: lambda: {"path": saved_params()},
    # optimizers
    optimizers.check_params_and_grads: lambda: {"params": params(), "grads": dict(GRADS)},
    optimizers.SGD: lambda: {"lr": np.float32(0.1)},
    optimizers.Momentum: lambda: {"lr": 0.1, "momentum": 0.0},
    optimizers.Nesterov: lambda: {"lr": 0.1, "momentum": np.float64(0.9)},
    optimizers.AdaGrad: lambda: {"lr": 0.1, "eps": 1e-7},
    optimizers.RMSprop: lambda: {"lr": 0.1, "decay_rate": 0.9, "eps": 1e-8},
    optimizers.Adam: lambda: {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    **{optimizer.update: (lambda optimizer=optimizer: {"self": optimizer(), "params": params(),
                                                        "grads": dict(GRADS)})
       for optimizer in OPTIMIZERS},
    # batchnorm
    batchnorm.BatchNormalization: lambda: {"gamma": np.ones(4), "beta": np.zeros(4),
                                           "momentum": 0.9, "running_mean": np.zeros(4),
                                           "running_var": np.ones(4), "eps": 1e-5},
    batchnorm.BatchNormalization.forward: lambda: {"self": batch_norm(), "x": X,
                                                   "training": True},
    batchnorm.BatchNormalization.backward: lambda: {
        "self": forwarded(batch_norm(), X, training=True), "dout": X, "compute_dx": True},
    # conv
    conv.output_size: lambda: {"input_size": 5, "filter_size": 3, "stride": 2, "pad": 1},
    conv.im2col: lambda: {"x": IMAGES, "filter_h": 3, "filter_w": 3, "stride": 1, "pad": 1},
    conv.col2im: lambda: {"col": np.ones((18, 9)), "x_shape": (2, 1, 5, 5), "filter_h": 3,
                          "filter_w": 3, "stride": 1, "pad": 0},
    conv.Convolution: lambda: {"W": np.ones((2, 1, 3, 3)), "b": np.zeros(2), "stride": 1,
                               "pad": 1},
    conv.Convolution.forward: lambda: {"self": convolution(), "x": IMAGES, "training": False},
    conv.Convolution.backward: lambda: {"self": forwarded(convolution(), IMAGES),
                                        "dout": np.ones((2, 2, 3, 3)), "compute_dx": False},
    conv.Pooling: lambda: {"pool_h": 2, "pool_w": 2, "stride": 2, "pad": 0},
    conv.Pooling.forward: lambda: {"self": conv.Pooling(2, 2, stride=1), "x": IMAGES,
                                   "training": False},
    conv.Pooling.backward: lambda: {"self": forwarded(conv.Pooling(2, 2, stride=1), IMAGES),
                                    "dout": np.ones((2, 1, 4, 4))},
    conv.simple_conv_net: lambda: {"input_shape": (1, 6, 6), "filter_num": 2, "filter_size": 3,
                                   "stride": 1, "pad": 0, "hidden_size": 3, "output_size": 2,
                                   "scale": 0.1, "rng": 0, "dtype": np.float64},
    # datasets (the loaders' valid calls need the offline data, see test_the_valid_arguments_work)
    datasets.load_mnist: lambda: {"split": "test", "normalize": False, "flatten": True,
                                  "one_hot_label": False},
    datasets.load_fashion_mnist: lambda: {"split": "test", "normalize": True, "flatten": False,
                                          "one_hot_label": True},
    datasets.fetch: lambda: {"name": "t10k-labels-idx1-ubyte.gz"},
    datasets.sha256_of: lambda: {"path": idx_file()},
    datasets.verify_sha256: lambda: {
        "path": idx_file(), "expected": hashlib.sha256(idx_file().read_bytes()).hexdigest()},
    datasets.read_idx: lambda: {"path": idx_file(), "magic": 2049, "item_shape": ()},
    datasets.parse_idx: lambda: {"data": idx_bytes([0, 1]), "source": "labels", "magic": 2049,
                                 "item_shape": ()},
    datasets.safe_unpickle: lambda: {"source": io.BytesIO(pickle.dumps({"W1": np.zeros(2)}))},
    # plotting
    plotting.plot_functions: lambda: {"ax": axes(), "x": GRID, "curves": {"x^2": GRID ** 2},
                                      "title": "t", "xlabel": "x", "ylabel": "y",
                                      "ylim": (0, 1), "styles": {"x^2": {"ls": "--"}}},
    plotting.plot_training_curves: lambda: {"ax": axes(), "curves": {"train": [1.0, 0.5]},
                                            "title": "t", "xlabel": "e", "ylabel": "l",
                                            "logy": True},
    plotting.plot_decision_boundary: lambda: {"ax": axes(),
                                              "score": lambda p: activations.sigmoid(p[:, 0]),
                                              "X": POINTS, "t": np.array([0, 1, 0, 1]),
                                              "resolution": 10, "margin": 0.5, "title": "b"},
    plotting.image_grid: lambda: {"ax": axes(), "images": RNG.random((3, 16)),
                                  "labels": [0, 1, 2], "predictions": np.array([0, 1, 1]),
                                  "ncols": 3, "image_shape": (4, 4), "title": None},
    plotting.plot_probabilities: lambda: {"ax": axes(), "probabilities": [0.2, 0.8],
                                          "label": np.int64(1), "title": "p"},
    plotting.plot_confusion_matrix: lambda: {"ax": axes(), "counts": COUNTS,
                                             "class_names": ["a", "b"], "normalize": True,
                                             "scale": "linear", "title": "c"},
    # course ("*": positional arguments; "with": the block run inside the context manager)
    course.setup: lambda: {"seed": np.uint32(3)},
    course.expect_error: lambda: {"*": (ValueError,), "with": lambda: int("x")},
    course.show_warnings: lambda: {"*": (RuntimeWarning,),
                                   "with": lambda: warnings.warn("w", RuntimeWarning,
                                                                 stacklevel=1)},
})

CASES += [
    # --- layers
    (layers.MulLayer.forward, {"x": "2"}, TypeError, "x"),
    (layers.MulLayer.forward, {"y": X[:, :3]}, ValueError, "y"),
    (layers.MulLayer.backward, {"dout": X.T}, ValueError, "dout"),
    (layers.MulLayer.backward, {"dout": None}, TypeError, "dout"),
    (layers.AddLayer.forward, {"y": [None]}, TypeError, "y"),
    (layers.AddLayer.forward, {"y": X[:3]}, ValueError, "y"),
    (layers.AddLayer.backward, {"dout": X[:2]}, ValueError, "dout"),
    (layers.Affine, {"W": [[1.0, 2.0]] * 4}, TypeError, "W"),
    (layers.Affine, {"W": PARAMS["W1"].astype(int)}, TypeError, "W.dtype"),
    (layers.Affine, {"W": PARAMS["W1"][0]}, ValueError, "W"),
    (layers.Affine, {"W": with_nan(PARAMS["W1"], (0, 0))}, ValueError, "W"),
    (layers.Affine, {"b": PARAMS["b2"].copy()}, ValueError, "b"),
    (layers.Affine, {"b": PARAMS["b1"].astype(np.float32)}, TypeError, "b"),
    (layers.Affine.forward, {"x": X[:, :3]}, ValueError, "x"),
    (layers.Affine.forward, {"x": np.zeros((0, 4))}, ValueError, "x"),
    (layers.Affine.forward, {"x": np.array([["a"] * 4])}, TypeError, "x"),
    (layers.Affine.forward, {"training": "no"}, TypeError, "training"),
    (layers.Affine.backward, {"dout": np.ones((3, 5))}, ValueError, "dout"),
    (layers.Affine.backward, {"dout": np.array([["a"] * 3] * 5)}, TypeError, "dout"),
    (layers.Affine.backward, {"compute_dx": 1}, TypeError, "compute_dx"),
    (layers.Affine.backward, {"self": affine()}, RuntimeError, "forward"),
    (layers.Relu.forward, {"x": np.zeros(0)}, ValueError, "x"),
    (layers.Relu.forward, {"training": None}, TypeError, "training"),
    (layers.Relu.backward, {"dout": X[:, :2]}, ValueError, "dout"),
    (layers.Relu.backward, {"self": layers.Relu()}, RuntimeError, "forward"),
    (layers.Sigmoid.forward, {"x": "x"}, TypeError, "x"),
    (layers.Sigmoid.backward, {"dout": X.T}, ValueError, "dout"),
    (layers.Identity.forward, {"x": np.zeros((0, 2))}, ValueError, "x"),
    (layers.Identity.backward, {"dout": X[0]}, ValueError, "dout"),
    (layers.Softmax.forward, {"x": Y[0]}, ValueError, "x"),
    (layers.Softmax.forward, {"training": "yes"}, TypeError, "training"),
    (layers.Softmax.backward, {"dout": Y[:, :1]}, ValueError, "dout"),
    (layers.Dropout, {"rate": 1.0}, ValueError, "rate"),
    (layers.Dropout, {"rate": np.nan}, ValueError, "rate"),
    (layers.Dropout, {"rate": "0.5"}, TypeError, "rate"),
    (layers.Dropout, {"rng": 0}, TypeError, "rng"),
    (layers.Dropout.forward, {"x": np.zeros((0, 4))}, ValueError, "x"),
    (layers.Dropout.forward, {"training": 1}, TypeError, "training"),
    (layers.Dropout.backward, {"dout": X[:4]}, ValueError, "dout"),
    (layers.SoftmaxWithLoss.forward, {"x": with_nan(Y, (2, 1))}, ValueError, "x"),
    (layers.SoftmaxWithLoss.forward, {"x": Y[0]}, ValueError, "x"),
    (layers.SoftmaxWithLoss.forward, {"t": T[:4]}, ValueError, "t"),
    (layers.SoftmaxWithLoss.forward, {"t": np.array([0, 1, 2, 0, 1])}, ValueError, "t"),
    (layers.SoftmaxWithLoss.forward, {"t": T.astype(float)}, TypeError, "t"),
    (layers.SoftmaxWithLoss.forward, {"t": np.eye(2)[T].T.copy()}, ValueError, "t"),
    (layers.SoftmaxWithLoss.forward, {"t": with_nan(np.eye(2)[T], (1, 1))}, ValueError, "t"),
    (layers.SoftmaxWithLoss.backward, {"dout": "1"}, TypeError, "dout"),
    (layers.SoftmaxWithLoss.backward, {"dout": np.inf}, ValueError, "dout"),
    (layers.SoftmaxWithLoss.backward, {"self": layers.SoftmaxWithLoss()}, RuntimeError,
     "forward"),
    (layers.SoftmaxWithLoss.predict_labels, {"scores": Y[0]}, ValueError, "scores"),
    (layers.SoftmaxWithLoss.predict_labels, {"scores": np.zeros((0, 2))}, ValueError, "scores"),
    (layers.SoftmaxWithLoss.predict_labels, {"scores": with_nan(Y, (3, 0))}, ValueError,
     "scores"),
    (layers.SigmoidWithLoss.forward, {"t": 2 * Z}, ValueError, "t"),
    (layers.SigmoidWithLoss.forward, {"t": Z[:, :1]}, ValueError, "t"),
    (layers.SigmoidWithLoss.forward, {"x": np.full((5, 2), np.inf)}, ValueError, "x"),
    (layers.SigmoidWithLoss.backward, {"dout": True}, TypeError, "dout"),
    (layers.SigmoidWithLoss.predict_labels, {"scores": with_nan(Y[:, :1], (0, 0))}, ValueError,
     "scores"),
    (layers.MeanSquaredErrorLoss.forward, {"t": PROBABILITIES.T}, ValueError, "t"),
    (layers.MeanSquaredErrorLoss.forward, {"y": np.zeros((0, 2)), "t": np.zeros((0, 2))},
     ValueError, "y"),
    (layers.MeanSquaredErrorLoss.forward, {"y": with_nan(Y, (0, 0))}, ValueError, "y"),
    (layers.MeanSquaredErrorLoss.backward, {"dout": [1.0]}, TypeError, "dout"),
    (layers.MeanSquaredErrorLoss.predict_labels, {"scores": np.array([["a", "b"]])},
     TypeError, "scores"),
    (layers.LayerNet, {"layers": affine()}, TypeError, "layers"),
    (layers.LayerNet, {"layers": []}, ValueError, "layers"),
    (layers.LayerNet, {"layers": [affine(), "relu"]}, TypeError, "layers[1]"),
    (layers.LayerNet, {"loss_layer": "softmax"}, TypeError, "loss_layer"),
    (layers.LayerNet, {"weight_decay": -0.1}, ValueError, "weight_decay"),
    (layers.LayerNet, {"weight_decay": np.nan}, ValueError, "weight_decay"),
    (layers.LayerNet, {"weight_decay": "0.1"}, TypeError, "weight_decay"),
    (layers.LayerNet.from_params, {"params": list(PARAMS.values())}, TypeError, "params"),
    (layers.LayerNet.from_params, {"params": params(W2=None)}, ValueError, "b2"),
    (layers.LayerNet.from_params, {"params": params(W1=with_nan(PARAMS["W1"], (1, 1)))},
     ValueError, "params['W1']"),
    (layers.LayerNet.from_params, {"hidden": "tanh"}, ValueError, "hidden"),
    (layers.LayerNet.from_params, {"output": "relu"}, ValueError, "output"),
    (layers.LayerNet.from_params, {"loss": "hinge"}, ValueError, "loss"),
    (layers.LayerNet.from_params, {"dropout_rate": 1.0}, ValueError, "dropout_rate"),
    (layers.LayerNet.from_params, {"rng": 0}, TypeError, "rng"),
    (layers.LayerNet.from_params, {"rng": None}, TypeError, "rng"),
    (layers.LayerNet.from_params, {"weight_decay": -1}, ValueError, "weight_decay"),
    (layers.LayerNet.mlp, {"layer_sizes": [4]}, ValueError, "layer_sizes"),
    (layers.LayerNet.mlp, {"layer_sizes": [4, 2.0]}, TypeError, "layer_sizes[1]"),
    (layers.LayerNet.mlp, {"layer_sizes": [4, 0]}, ValueError, "layer_sizes[1]"),
    (layers.LayerNet.mlp, {"layer_sizes": 4}, TypeError, "layer_sizes"),
    (layers.LayerNet.mlp, {"hidden": "tanh"}, ValueError, "hidden"),
    (layers.LayerNet.mlp, {"scale": "big"}, ValueError, "scale"),
    (layers.LayerNet.mlp, {"scale": -1.0}, ValueError, "scale"),
    (layers.LayerNet.mlp, {"rng": "seed"}, TypeError, "rng"),
    (layers.LayerNet.mlp, {"dtype": int}, TypeError, "dtype"),
    (layers.LayerNet.mlp, {"dropout_rate": -0.5}, ValueError, "dropout_rate"),
    (layers.LayerNet.predict, {"x": with_nan(X, (1, 3))}, ValueError, "x"),
    (layers.LayerNet.predict, {"x": X[:, :3]}, ValueError, "x"),
    (layers.LayerNet.predict, {"x": np.zeros((0, 4))}, ValueError, "x"),
    (layers.LayerNet.loss, {"t": T[:4]}, ValueError, "t"),
    (layers.LayerNet.loss, {"x": with_nan(X, (0, 0))}, ValueError, "x"),
    (layers.LayerNet.loss, {"training": "yes"}, TypeError, "training"),
    (layers.LayerNet.gradient, {"t": np.array([0, 1, 2, 0, 1])}, ValueError, "t"),
    (layers.LayerNet.gradient, {"x": with_nan(X, (4, 3))}, ValueError, "x"),
    (layers.LayerNet.accuracy, {"t": T[:4]}, ValueError, "t"),
    (layers.LayerNet.accuracy, {"t": T.astype(str)}, TypeError, "t"),
    (layers.LayerNet.accuracy, {"x": with_nan(X, (2, 2))}, ValueError, "x"),
    (layers.LayerNet.accuracy, {"batch_size": 0}, ValueError, "batch_size"),
    (layers.LayerNet.accuracy, {"batch_size": 2.0}, TypeError, "batch_size"),
    (layers.LayerNet.evaluate, {"accuracy": "yes"}, TypeError, "accuracy"),
    (layers.LayerNet.evaluate, {"t": np.array([0, 1, 2, 0, 1])}, ValueError, "t"),
    (layers.LayerNet.evaluate, {"x": with_nan(X, (3, 1))}, ValueError, "x"),
    (layers.LayerNet.evaluate, {"batch_size": -1}, ValueError, "batch_size"),
    (layers.LayerNet.set_params, {"params": params(W2=None)}, ValueError, "params"),
    (layers.LayerNet.set_params, {"params": params(W9=PARAMS["W1"])}, ValueError, "params"),
    (layers.LayerNet.set_params, {"params": params(b1=np.zeros(4))}, ValueError,
     "params['b1']"),
    (layers.LayerNet.set_params, {"params": params(b1=with_nan(PARAMS["b1"], 0))}, ValueError,
     "params['b1']"),
    (layers.LayerNet.set_params, {"params": params(b1=np.array(["a"] * 3))}, TypeError,
     "params['b1']"),
    (layers.LayerNet.set_params, {"params": list(PARAMS.values())}, TypeError, "params"),
    # --- training
    (training.train, {"network": params()}, TypeError, "network"),
    (training.train, {"optimizer": "sgd"}, TypeError, "optimizer"),
    (training.train, {"x": with_nan(X, (0, 3))}, ValueError, "x"),
    (training.train, {"x": X[0]}, ValueError, "x"),
    (training.train, {"t": T[:4]}, ValueError, "t"),
    (training.train, {"epochs": 2.0}, TypeError, "epochs"),
    (training.train, {"epochs": 0}, ValueError, "epochs"),
    (training.train, {"batch_size": 6}, ValueError, "batch_size"),
    (training.train, {"batch_size": 0}, ValueError, "batch_size"),
    (training.train, {"rng": None}, TypeError, "rng"),
    (training.train, {"rng": -1}, ValueError, "rng"),
    (training.train, {"rng": "seed"}, TypeError, "rng"),
    (training.train, {"validation": X}, TypeError, "validation"),
    (training.train, {"validation": (with_nan(X, (0, 0)), T)}, ValueError, "x_val"),
    (training.train, {"validation": (X, T[:2])}, ValueError, "t_val"),
    (training.train, {"accuracy": "yes"}, TypeError, "accuracy"),
    (training.train, {"progress": 0}, TypeError, "progress"),
    (training.train, {"eval_batch_size": 0}, ValueError, "eval_batch_size"),
    (training.train, {"early_stopping": 0}, ValueError, "early_stopping"),
    (training.train, {"early_stopping": 2.0}, TypeError, "early_stopping"),
    (training.train, {"early_stopping": 2, "validation": None}, ValueError, "early_stopping"),
    (training.save_params, {"path": 3}, TypeError, "path"),
    (training.save_params, {"path": "params.txt"}, ValueError, "path"),
    (training.save_params, {"params": list(PARAMS.values())}, TypeError, "params"),
    (training.save_params, {"params": {}}, ValueError, "params"),
    (training.save_params, {"params": params(W1=with_nan(PARAMS["W1"], (0, 0)))}, ValueError,
     "params['W1']"),
    (training.save_params, {"params": params(b1=np.array(["a"] * 3))}, TypeError,
     "params['b1']"),
    (training.load_params, {"path": None}, TypeError, "path"),
    (training.load_params, {"path": "params.pkl"}, ValueError, "path"),
    # --- optimizers
    (optimizers.check_params_and_grads, {"params": list(PARAMS.values())}, TypeError, "params"),
    (optimizers.check_params_and_grads, {"grads": None}, TypeError, "grads"),
    (optimizers.check_params_and_grads, {"params": {}, "grads": {}}, ValueError, "params"),
    (optimizers.check_params_and_grads, {"grads": {"W1": GRADS["W1"]}}, ValueError, "grads"),
    (optimizers.check_params_and_grads, {"grads": {**GRADS, "b2": np.ones(3)}}, ValueError,
     "grads['b2']"),
    (optimizers.check_params_and_grads, {"params": params(b2=[0.0, 0.0])}, TypeError,
     "params['b2']"),
    (optimizers.check_params_and_grads, {"grads": {**GRADS, "b1": np.ones(3, int)}}, TypeError,
     "grads['b1']"),
    (optimizers.check_params_and_grads, {"params": params(b2=read_only(PARAMS["b2"]))},
     ValueError, "params['b2']"),
    (optimizers.SGD, {"lr": "0.1"}, TypeError, "lr"),
    (optimizers.SGD, {"lr": True}, TypeError, "lr"),
    (optimizers.Momentum, {"momentum": 1.0}, ValueError, "momentum"),
    (optimizers.Momentum, {"momentum": None}, TypeError, "momentum"),
    (optimizers.Nesterov, {"momentum": -0.1}, ValueError, "momentum"),
    (optimizers.AdaGrad, {"eps": 0.0}, ValueError, "eps"),
    (optimizers.RMSprop, {"decay_rate": 1.0}, ValueError, "decay_rate"),
    (optimizers.RMSprop, {"eps": np.inf}, ValueError, "eps"),
    (optimizers.Adam, {"beta1": 1.0}, ValueError, "beta1"),
    (optimizers.Adam, {"beta2": np.nan}, ValueError, "beta2"),
    (optimizers.Adam, {"eps": -1e-8}, ValueError, "eps"),
    *[(optimizer.update, spoiled, error, argument)
      for optimizer in OPTIMIZERS
      for spoiled, error, argument in (
          ({"grads": {"W1": GRADS["W1"]}}, ValueError, "grads"),
          ({"params": list(PARAMS.values())}, TypeError, "params"),
          ({"params": params(W1=read_only(PARAMS["W1"]))}, ValueError, "params['W1']"),
      )],
    # --- batchnorm
    (batchnorm.BatchNormalization, {"gamma": [1.0] * 4}, TypeError, "gamma"),
    (batchnorm.BatchNormalization, {"gamma": np.ones((1, 4))}, ValueError, "gamma"),
    (batchnorm.BatchNormalization, {"gamma": with_nan(np.ones(4), 0)}, ValueError, "gamma"),
    (batchnorm.BatchNormalization, {"beta": np.zeros(3)}, ValueError, "beta"),
    (batchnorm.BatchNormalization, {"beta": np.zeros(4, np.float32)}, TypeError, "beta"),
    (batchnorm.BatchNormalization, {"momentum": 1.0}, ValueError, "momentum"),
    (batchnorm.BatchNormalization, {"eps": 0.0}, ValueError, "eps"),
    (batchnorm.BatchNormalization, {"eps": "1e-5"}, TypeError, "eps"),
    (batchnorm.BatchNormalization, {"running_mean": np.zeros(5)}, ValueError, "running_mean"),
    (batchnorm.BatchNormalization, {"running_var": -np.ones(4)}, ValueError, "running_var"),
    (batchnorm.BatchNormalization.forward, {"x": X[:, :3]}, ValueError, "x"),
    (batchnorm.BatchNormalization.forward, {"x": np.zeros((0, 4))}, ValueError, "x"),
    (batchnorm.BatchNormalization.forward, {"x": with_nan(X, (1, 1))}, ValueError, "x"),
    (batchnorm.BatchNormalization.forward, {"training": "yes"}, TypeError, "training"),
    (batchnorm.BatchNormalization.backward, {"dout": X.T}, ValueError, "dout"),
    (batchnorm.BatchNormalization.backward, {"compute_dx": None}, TypeError, "compute_dx"),
    (batchnorm.BatchNormalization.backward, {"self": batch_norm()}, RuntimeError, "forward"),
    # --- conv
    (conv.output_size, {"input_size": 0}, ValueError, "input_size"),
    (conv.output_size, {"filter_size": 3.0}, TypeError, "filter_size"),
    (conv.output_size, {"filter_size": 8}, ValueError, "filter_size"),
    (conv.output_size, {"stride": 0}, ValueError, "stride"),
    (conv.output_size, {"pad": -1}, ValueError, "pad"),
    (conv.im2col, {"x": IMAGES[0]}, ValueError, "x"),
    (conv.im2col, {"x": np.zeros((0, 1, 5, 5))}, ValueError, "x"),
    (conv.im2col, {"filter_h": 0}, ValueError, "filter_h"),
    (conv.im2col, {"filter_w": 2.5}, TypeError, "filter_w"),
    (conv.im2col, {"filter_h": 9}, ValueError, "filter_h"),
    (conv.im2col, {"stride": None}, TypeError, "stride"),
    (conv.col2im, {"col": np.ones((18, 8))}, ValueError, "col"),
    (conv.col2im, {"col": np.array([["a"] * 9] * 18)}, TypeError, "col"),
    (conv.col2im, {"x_shape": [2, 1, 5, 5]}, TypeError, "x_shape"),
    (conv.col2im, {"x_shape": (2, 1, 5)}, TypeError, "x_shape"),
    (conv.col2im, {"x_shape": (2, 1, 2, 5)}, ValueError, "x_shape"),
    (conv.col2im, {"x_shape": (2, 1, 5, 0)}, ValueError, "x_shape[3]"),
    (conv.col2im, {"filter_w": -3}, ValueError, "filter_w"),
    (conv.col2im, {"pad": 0.5}, TypeError, "pad"),
    (conv.Convolution, {"W": np.ones((2, 3, 3))}, ValueError, "W"),
    (conv.Convolution, {"W": [[[[1.0]]]]}, TypeError, "W"),
    (conv.Convolution, {"W": np.ones((2, 1, 3, 3), int)}, TypeError, "W.dtype"),
    (conv.Convolution, {"W": with_nan(np.ones((2, 1, 3, 3)), (1, 0, 2, 2))}, ValueError, "W"),
    (conv.Convolution, {"b": np.zeros(3)}, ValueError, "b"),
    (conv.Convolution, {"b": np.zeros(2, np.float32)}, TypeError, "b"),
    (conv.Convolution, {"stride": 0}, ValueError, "stride"),
    (conv.Convolution, {"pad": -1}, ValueError, "pad"),
    (conv.Convolution.forward, {"x": IMAGES[:, :, :, :2]}, ValueError, "x"),
    (conv.Convolution.forward, {"x": np.ones((2, 3, 5, 5))}, ValueError, "x"),
    (conv.Convolution.forward, {"x": IMAGES[0]}, ValueError, "x"),
    (conv.Convolution.forward, {"x": with_nan(IMAGES, (1, 0, 4, 4))}, ValueError, "x"),
    (conv.Convolution.forward, {"training": "no"}, TypeError, "training"),
    (conv.Convolution.backward, {"dout": np.ones((2, 2, 3, 4))}, ValueError, "dout"),
    (conv.Convolution.backward, {"compute_dx": "no"}, TypeError, "compute_dx"),
    (conv.Convolution.backward, {"self": convolution()}, RuntimeError, "forward"),
    (conv.Pooling, {"pool_h": 0}, ValueError, "pool_h"),
    (conv.Pooling, {"pool_w": 2.0}, TypeError, "pool_w"),
    (conv.Pooling, {"stride": -1}, ValueError, "stride"),
    (conv.Pooling, {"pad": 2}, ValueError, "pad"),
    (conv.Pooling.forward, {"x": np.ones((2, 1, 1, 1))}, ValueError, "x"),
    (conv.Pooling.forward, {"x": np.ones((2, 25))}, ValueError, "x"),
    (conv.Pooling.forward, {"training": 0}, TypeError, "training"),
    (conv.Pooling.backward, {"dout": np.ones((2, 1, 3, 3))}, ValueError, "dout"),
    (conv.Pooling.backward, {"self": conv.Pooling(2, 2)}, RuntimeError, "forward"),
    (conv.simple_conv_net, {"input_shape": [1, 6, 6]}, TypeError, "input_shape"),
    (conv.simple_conv_net, {"input_shape": (1, 0, 6)}, ValueError, "input_shape[1]"),
    (conv.simple_conv_net, {"input_shape": (6, 6)}, TypeError, "input_shape"),
    (conv.simple_conv_net, {"filter_num": 0}, ValueError, "filter_num"),
    (conv.simple_conv_net, {"filter_size": 7}, ValueError, "filter_size"),
    (conv.simple_conv_net, {"hidden_size": 1.0}, TypeError, "hidden_size"),
    (conv.simple_conv_net, {"output_size": 1}, ValueError, "output_size"),
    (conv.simple_conv_net, {"scale": "lecun"}, ValueError, "scale"),
    (conv.simple_conv_net, {"scale": np.nan}, ValueError, "scale"),
    (conv.simple_conv_net, {"rng": "0"}, TypeError, "rng"),
    (conv.simple_conv_net, {"dtype": np.int32}, TypeError, "dtype"),
    (conv.simple_conv_net, {"stride": 0}, ValueError, "stride"),
    # --- datasets (every case fails while checking the arguments: no file is opened)
    (datasets.load_mnist, {"split": "valid"}, ValueError, "split"),
    (datasets.load_mnist, {"split": 0}, TypeError, "split"),
    (datasets.load_mnist, {"normalize": "yes"}, TypeError, "normalize"),
    (datasets.load_mnist, {"flatten": None}, TypeError, "flatten"),
    (datasets.load_mnist, {"one_hot_label": 1}, TypeError, "one_hot_label"),
    (datasets.load_fashion_mnist, {"split": "Train"}, ValueError, "split"),
    (datasets.load_fashion_mnist, {"normalize": 0}, TypeError, "normalize"),
    (datasets.load_fashion_mnist, {"one_hot_label": "no"}, TypeError, "one_hot_label"),
    (datasets.fetch, {"name": 3}, TypeError, "name"),
    (datasets.fetch, {"name": "train-images.gz"}, ValueError, "name"),
    (datasets.sha256_of, {"path": 3}, TypeError, "path"),
    (datasets.verify_sha256, {"path": None}, TypeError, "path"),
    (datasets.verify_sha256, {"expected": "abc"}, ValueError, "expected"),
    (datasets.verify_sha256, {"expected": b"0" * 64}, TypeError, "expected"),
    (datasets.read_idx, {"path": 1.5}, TypeError, "path"),
    (datasets.read_idx, {"magic": -1}, ValueError, "magic"),
    (datasets.read_idx, {"magic": "2049"}, TypeError, "magic"),
    (datasets.read_idx, {"item_shape": 28}, TypeError, "item_shape"),
    (datasets.parse_idx, {"data": "bytes"}, TypeError, "data"),
    (datasets.parse_idx, {"source": None}, TypeError, "source"),
    (datasets.parse_idx, {"magic": 2049.0}, TypeError, "magic"),
    (datasets.parse_idx, {"item_shape": (28, -1)}, ValueError, "item_shape"),
    (datasets.safe_unpickle, {"source": 3}, TypeError, "source"),
    # --- plotting
    (plotting.plot_functions, {"ax": None}, TypeError, "ax"),
    (plotting.plot_functions, {"x": with_nan(GRID, 2)}, ValueError, "x"),
    (plotting.plot_functions, {"x": np.zeros(0)}, ValueError, "x"),
    (plotting.plot_functions, {"curves": [GRID]}, TypeError, "curves"),
    (plotting.plot_functions, {"curves": {}}, ValueError, "curves"),
    (plotting.plot_functions, {"curves": {"y": GRID[:3]}, "styles": None}, ValueError, "x"),
    (plotting.plot_functions, {"styles": {"z": {}}}, ValueError, "styles"),
    (plotting.plot_functions, {"styles": {"x^2": "--"}}, TypeError, "styles['x^2']"),
    (plotting.plot_functions, {"ylim": (1, 0)}, ValueError, "ylim"),
    (plotting.plot_functions, {"ylim": (0, np.nan)}, ValueError, "ylim[1]"),
    (plotting.plot_functions, {"ylim": 1.0}, TypeError, "ylim"),
    (plotting.plot_functions, {"title": 3}, TypeError, "title"),
    (plotting.plot_functions, {"xlabel": None, "ylabel": 1}, TypeError, "ylabel"),
    (plotting.plot_training_curves, {"ax": "ax"}, TypeError, "ax"),
    (plotting.plot_training_curves, {"curves": {"train": []}}, ValueError, "curves['train']"),
    (plotting.plot_training_curves, {"curves": {"train": [[1.0]]}}, ValueError,
     "curves['train']"),
    (plotting.plot_training_curves, {"curves": {"train": np.sum}}, TypeError,
     "curves['train']"),
    (plotting.plot_training_curves, {"logy": "yes"}, TypeError, "logy"),
    (plotting.plot_training_curves, {"xlabel": 0}, TypeError, "xlabel"),
    (plotting.plot_decision_boundary, {"score": "p[:, 0]"}, TypeError, "score"),
    (plotting.plot_decision_boundary, {"X": POINTS[:, :1]}, ValueError, "X"),
    (plotting.plot_decision_boundary, {"X": with_nan(POINTS, (0, 1))}, ValueError, "X"),
    (plotting.plot_decision_boundary, {"t": np.array([0, 1, 2, 1])}, ValueError, "t"),
    (plotting.plot_decision_boundary, {"t": np.array([0, 1])}, ValueError, "t"),
    (plotting.plot_decision_boundary, {"score": lambda p: p[:, 0] * np.nan}, ValueError,
     "score(points)"),
    (plotting.plot_decision_boundary, {"resolution": 1}, ValueError, "resolution"),
    (plotting.plot_decision_boundary, {"resolution": 10.0}, TypeError, "resolution"),
    (plotting.plot_decision_boundary, {"margin": -0.1}, ValueError, "margin"),
    (plotting.plot_decision_boundary, {"margin": np.inf}, ValueError, "margin"),
    (plotting.image_grid, {"images": RNG.random((3, 15))}, ValueError, "images"),
    (plotting.image_grid, {"images": np.zeros((0, 16))}, ValueError, "images"),
    (plotting.image_grid, {"images": with_nan(RNG.random((3, 16)), (0, 0))}, ValueError,
     "images"),
    (plotting.image_grid, {"labels": [0, 1]}, ValueError, "labels"),
    (plotting.image_grid, {"labels": [0.0, 1.0, 2.0]}, TypeError, "labels"),
    (plotting.image_grid, {"predictions": [0, -1, 1]}, ValueError, "predictions"),
    (plotting.image_grid, {"ncols": 0}, ValueError, "ncols"),
    (plotting.image_grid, {"image_shape": 16}, TypeError, "image_shape"),
    (plotting.image_grid, {"image_shape": (4, 0)}, ValueError, "image_shape[1]"),
    (plotting.image_grid, {"title": ["t"]}, TypeError, "title"),
    (plotting.plot_probabilities, {"probabilities": [0.2, 1.8]}, ValueError, "probabilities"),
    (plotting.plot_probabilities, {"probabilities": [np.nan, 0.8]}, ValueError,
     "probabilities"),
    (plotting.plot_probabilities, {"probabilities": [[0.2, 0.8]]}, ValueError, "probabilities"),
    (plotting.plot_probabilities, {"label": 2}, ValueError, "label"),
    (plotting.plot_probabilities, {"label": 1.0}, TypeError, "label"),
    (plotting.plot_confusion_matrix, {"counts": COUNTS.astype(float)}, TypeError, "counts"),
    (plotting.plot_confusion_matrix, {"counts": COUNTS[:1]}, ValueError, "counts"),
    (plotting.plot_confusion_matrix, {"counts": -COUNTS}, ValueError, "counts"),
    (plotting.plot_confusion_matrix, {"class_names": ["a"]}, ValueError, "class_names"),
    (plotting.plot_confusion_matrix, {"class_names": "ab"}, TypeError, "class_names"),
    (plotting.plot_confusion_matrix, {"class_names": ["a", 2]}, TypeError, "class_names"),
    (plotting.plot_confusion_matrix, {"normalize": "rows"}, TypeError, "normalize"),
    (plotting.plot_confusion_matrix, {"scale": "sqrt"}, ValueError, "scale"),
    # --- course
    (course.setup, {"seed": -1}, ValueError, "seed"),
    (course.setup, {"seed": 2**32}, ValueError, "seed"),
    (course.setup, {"seed": 1.0}, TypeError, "seed"),
    (course.setup, {"seed": None}, TypeError, "seed"),
    (course.expect_error, {"*": ("ValueError",)}, TypeError, "exception_types"),
    (course.expect_error, {"*": (ValueError("x"),)}, TypeError, "exception_types"),
    (course.show_warnings, {"*": (ValueError,)}, TypeError, "categories"),
    (course.show_warnings, {"*": ("RuntimeWarning",)}, TypeError, "categories"),
]


def names_the_argument(message, argument):
    """True if ``argument`` appears in ``message`` as a word of its own (``t`` is not in "got")."""
    return re.search(rf"(^|[\s(\[:']){re.escape(argument)}($|[\s',:=\[)(])", message) is not None


def takes_arguments(function):
    """False for a callable with nothing to spoil (``MulLayer()``, ``LayerNet.penalty(self)``)."""
    parameters = inspect.signature(function).parameters
    return any(name != "self" for name in parameters)


def public_functions(module):
    """Every public function, class (its constructor) and public method defined in ``module``.

    Exceptions and dataclasses (``gradcheck.Comparison``, a result record) are not computations.
    """
    found = []
    for name, member in inspect.getmembers(module):
        if name.startswith("_") or getattr(member, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(member):
            found.append(member)
        elif inspect.isclass(member) and not issubclass(member, Exception) \
                and not dataclasses.is_dataclass(member):  # a result record, not a computation
            found.append(member)
            for method_name, method in vars(member).items():
                if method_name.startswith("_") or isinstance(method, property):
                    continue
                if isinstance(method, (classmethod, staticmethod)):
                    found.append(getattr(member, method_name))
                elif inspect.isfunction(method):
                    found.append(method)
    return [function for function in found if takes_arguments(function)]


def call(function, arguments):
    """Call ``function``: key "*" holds positional arguments, key "with" a block to run inside
    the context manager that the call returns."""
    arguments = dict(arguments)
    positional = arguments.pop("*", ())
    block = arguments.pop("with", None)
    result = function(*positional, **arguments)
    if block is not None:
        with result:
            block()
    return result


def case_id(case):
    function, arguments, error, _ = case
    return f"{function.__qualname__}-{'-'.join(arguments)}-{error.__name__}"


@pytest.fixture(autouse=True)
def _restore_global_state():
    """course.setup changes NumPy's print options, global seed and matplotlib's rcParams."""
    import matplotlib as mpl

    printing, rc, state = np.get_printoptions(), dict(mpl.rcParams), np.random.get_state()  # noqa: NPY002
    yield
    np.set_printoptions(**printing)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # restoring deprecated rcParams warns
        mpl.rcParams.update(rc)
    np.random.set_state(state)  # noqa: NPY002


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_every_public_function_has_valid_arguments_and_bad_cases(module):
    spoiled = {case[0] for case in CASES}
    missing = [f.__qualname__ for f in public_functions(module)
               if f not in VALID or f not in spoiled]
    assert not missing


NEEDS_DATA = {
    datasets.load_mnist: os.environ.get(datasets.DATA_DIR_ENV),
    datasets.fetch: os.environ.get(datasets.DATA_DIR_ENV),
    datasets.load_fashion_mnist: os.environ.get(datasets.DATA_DIR_ENV)
    or datasets.SYSTEM_FASHION_MNIST_DIR.is_dir(),
}


@pytest.mark.parametrize("function", list(VALID), ids=lambda function: function.__qualname__)
def test_the_valid_arguments_work(function):
    if function in NEEDS_DATA and not NEEDS_DATA[function]:
        pytest.skip("needs the offline data: set NNLIB_DATA_DIR (see tests/test_datasets.py)")
    call(function, VALID[function]())


@pytest.mark.parametrize(("function", "arguments", "error", "argument"), CASES,
                         ids=[case_id(case) for case in CASES])
def test_bad_argument_raises_an_error_naming_it(function, arguments, error, argument):
    with pytest.raises(error) as raised:
        call(function, {**VALID[function](), **arguments})
    assert names_the_argument(str(raised.value), argument), str(raised.value)


def test_a_refused_sgd_update_leaves_the_parameters_unchanged():
    spoiled = params()
    grads = {name: np.ones_like(value) for name, value in PARAMS.items()}
    grads["b2"] = with_nan(grads["b2"], 1)  # the last one: every other would pass first
    with pytest.raises(ValueError, match=r"grads\['b2'\]"):
        backprop.sgd_update(spoiled, grads, 0.1)
    for name in PARAMS:
        np.testing.assert_array_equal(spoiled[name], PARAMS[name])


# --- properties -------------------------------------------------------------------------


@given(learning_rate=st.sampled_from(NON_FINITE) | st.floats(max_value=0, allow_nan=False))
def test_any_non_finite_or_non_positive_learning_rate_is_refused(learning_rate):
    for function in (backprop.sgd_update, backprop.sgd_step, backprop.train_sgd):
        with pytest.raises(ValueError, match="learning_rate"):
            function(**{**VALID[function](), "learning_rate": learning_rate})


@given(row=st.integers(0, 4), column=st.integers(0, 3), value=st.sampled_from(NON_FINITE))
def test_any_nan_or_infinity_anywhere_in_x_is_refused_by_predict(row, column, value):
    x = X.copy()
    x[row, column] = value
    for function in (network.predict, network.forward, network.accuracy, backprop.gradients):
        with pytest.raises(ValueError, match=rf"x must be finite.*\({row}, {column}\)"):
            function(**{**VALID[function](), "x": x})


@given(data=st.data(), hidden=st.sampled_from(["sigmoid", "relu", "identity", "step"]))
def test_a_nan_anywhere_in_the_parameters_never_becomes_a_prediction(data, hidden):
    name = data.draw(st.sampled_from(sorted(PARAMS)))
    index = tuple(data.draw(st.integers(0, n - 1)) for n in PARAMS[name].shape)
    spoiled = params(**{name: with_nan(PARAMS[name], index)})
    with pytest.raises(ValueError, match=re.escape(f"params['{name}'] must be finite")):
        network.predict(spoiled, X, hidden=hidden)
    if hidden != "step":  # backprop has no derivative for the step function
        with pytest.raises(ValueError, match=re.escape(f"params['{name}'] must be finite")):
            backprop.gradients(spoiled, X, T, hidden=hidden)


@given(h=st.sampled_from(NON_FINITE) | st.floats(max_value=0, allow_nan=False))
def test_any_non_finite_or_non_positive_step_is_refused(h):
    for function in (gradcheck.numerical_gradient, gradcheck.numerical_gradients):
        with pytest.raises(ValueError, match="h must be"):
            function(**{**VALID[function](), "h": h})


@given(num_classes=st.floats(1, 100))
def test_a_float_number_of_classes_is_refused_even_when_whole(num_classes):
    with pytest.raises(TypeError, match="num_classes"):
        losses.one_hot(T, num_classes)


@given(rate=st.sampled_from(NON_FINITE) | st.floats(min_value=1.0) | st.floats(max_value=-1e-9))
def test_any_dropout_rate_outside_zero_one_is_refused(rate):
    with pytest.raises(ValueError, match="rate"):
        dropout.dropout(X, rate, np.random.default_rng(0))
    with pytest.raises(ValueError, match="dropout_rate"):
        backprop.gradients(params(), X, T, dropout_rate=rate, rng=np.random.default_rng(0))


@given(lr=st.sampled_from(NON_FINITE) | st.floats(max_value=0, allow_nan=False))
def test_any_non_finite_or_non_positive_lr_is_refused_by_every_optimizer(lr):
    for optimizer in OPTIMIZERS:
        with pytest.raises(ValueError, match=r"lr must be"):
            optimizer(lr=lr)


@given(value=st.sampled_from(NON_FINITE) | st.floats(min_value=1.0) | st.floats(max_value=-1e-9),
       data=st.data())
def test_any_decay_outside_zero_one_is_refused_by_every_optimizer(value, data):
    optimizer, name = data.draw(st.sampled_from([
        (optimizers.Momentum, "momentum"), (optimizers.Nesterov, "momentum"),
        (optimizers.RMSprop, "decay_rate"), (optimizers.Adam, "beta1"),
        (optimizers.Adam, "beta2")]))
    with pytest.raises(ValueError, match=rf"{name} must be"):
        optimizer(**{name: value})


@given(row=st.integers(0, 4), column=st.integers(0, 3), value=st.sampled_from(NON_FINITE))
def test_any_nan_or_infinity_in_x_is_refused_by_the_layer_net(row, column, value):
    x = X.copy()
    x[row, column] = value
    methods = [layers.LayerNet.predict, layers.LayerNet.accuracy, layers.LayerNet.evaluate]
    if np.isnan(value):  # loss and gradient name x once the loss layer refuses the scores
        methods += [layers.LayerNet.loss, layers.LayerNet.gradient]
    for method in methods:
        with pytest.raises(ValueError, match=rf"x must be finite.*\({row}, {column}\)"):
            method(**{**VALID[method](), "x": x})


@given(index=st.tuples(st.integers(0, 1), st.integers(0, 0), st.integers(0, 4),
                       st.integers(0, 4)),
       value=st.sampled_from(NON_FINITE))
def test_any_nan_or_infinity_in_x_is_refused_by_convolution_forward(index, value):
    x = IMAGES.copy()
    x[index] = value
    with pytest.raises(ValueError, match=re.escape(f"x must be finite, got 1 NaN or infinite "
                                                   f"value(s) (the first at index {index}")):
        convolution().forward(x)


@given(data=st.data())
def test_a_nan_in_a_layer_net_parameter_never_becomes_a_prediction(data):
    network_ = layer_net()
    name = data.draw(st.sampled_from(sorted(network_.params)))
    index = tuple(data.draw(st.integers(0, n - 1)) for n in network_.params[name].shape)
    network_.params[name][index] = np.nan  # as a diverged training run leaves it
    for method in (network_.predict, network_.accuracy):
        with pytest.raises(ValueError, match=re.escape(f"params['{name}'] must be finite")):
            method(X) if method == network_.predict else method(X, T)


@given(scores=st.lists(st.sampled_from([0.5, -1.0, np.nan, np.inf]), min_size=2, max_size=6)
       .filter(lambda values: not np.isfinite(values).all()))
def test_no_loss_layer_turns_a_nan_score_into_a_class(scores):
    column = np.array(scores)[:, None]
    for loss_layer in (layers.SoftmaxWithLoss(), layers.SigmoidWithLoss(),
                       layers.MeanSquaredErrorLoss()):
        with pytest.raises(ValueError, match="scores must be finite"):
            loss_layer.predict_labels(np.hstack([column, -column]))
        with pytest.raises(ValueError, match="scores must be finite"):
            loss_layer.predict_labels(column)


def test_a_refused_optimizer_update_leaves_the_parameters_unchanged():
    for optimizer in OPTIMIZERS:
        spoiled = params(b2=read_only(PARAMS["b2"]))  # the last one: every other would pass
        with pytest.raises(ValueError, match=r"params\['b2'\] must be writeable"):
            optimizer(lr=0.1).update(spoiled, dict(GRADS))
        for name in PARAMS:
            np.testing.assert_array_equal(spoiled[name], PARAMS[name])
