"""Bad input to every public function of nnlib's computing modules: a clear error, never a number.

The validation policy (CONTRIBUTING.md): every argument is checked, ``TypeError`` for the wrong
kind and ``ValueError`` for a wrong value, shape or range, and the message names the argument.
Each case below starts from a call that works (``VALID``) and spoils one argument.
"""

import inspect
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlib import activations, backprop, dropout, gradcheck, losses, network

MODULES = (activations, losses, network, backprop, dropout, gradcheck)

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


def names_the_argument(message, argument):
    """True if ``argument`` appears in ``message`` as a word of its own (``t`` is not in "got")."""
    return re.search(rf"(^|[\s(\[:']){re.escape(argument)}($|[\s',:\[)(])", message) is not None


def public_functions(module):
    return [
        function
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and function.__module__ == module.__name__
    ]


def case_id(case):
    function, arguments, error, _ = case
    return f"{function.__name__}-{'-'.join(arguments)}-{error.__name__}"


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_every_public_function_has_valid_arguments_and_bad_cases(module):
    spoiled = {case[0] for case in CASES}
    missing = [f.__name__ for f in public_functions(module) if f not in VALID or f not in spoiled]
    assert not missing


@pytest.mark.parametrize("function", list(VALID), ids=lambda function: function.__name__)
def test_the_valid_arguments_work(function):
    function(**VALID[function]())


@pytest.mark.parametrize(("function", "arguments", "error", "argument"), CASES,
                         ids=[case_id(case) for case in CASES])
def test_bad_argument_raises_an_error_naming_it(function, arguments, error, argument):
    with pytest.raises(error) as raised:
        function(**{**VALID[function](), **arguments})
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
