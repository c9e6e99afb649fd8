"""nnlib.network applies hidden activations in place: same results, inputs untouched, no warnings.

``network.logits`` overwrites each layer's pre-activation instead of allocating temporaries (the
speed-up ``benchmarks/inference.py`` measures). These tests pin down that this changes nothing a
caller can see.
"""

import numpy as np
import pytest

from nnlib import activations, network


def reference_forward(params, x, hidden, output=activations.softmax):
    """The forward pass written with the activation functions themselves, nothing in place."""
    h = activations.get(hidden)[0]
    z = x
    for i in (1, 2):
        z = h(z @ params[f"W{i}"] + params[f"b{i}"])
    return output(z @ params["W3"] + params["b3"])


@pytest.mark.parametrize("hidden", ["sigmoid", "relu", "identity", "step"])
@pytest.mark.parametrize("dtype, rtol", [(np.float32, 1e-5), (np.float64, 1e-13)])
def test_forward_equals_the_activation_functions_applied_layer_by_layer(hidden, dtype, rtol):
    rng = np.random.default_rng(4)
    params = network.init_params([12, 9, 7, 5], rng=rng, dtype=dtype)
    x = rng.standard_normal((30, 12)).astype(dtype)
    y = network.forward(params, x, hidden=hidden)
    assert y.dtype == dtype
    np.testing.assert_allclose(y, reference_forward(params, x, hidden), rtol=rtol, atol=1e-7)


def test_forward_leaves_the_input_and_the_parameters_unchanged():
    rng = np.random.default_rng(5)
    params = network.init_params([6, 4, 4, 3], rng=rng)
    x = rng.standard_normal((8, 6)).astype(np.float32)
    saved_x, saved_params = x.copy(), {k: v.copy() for k, v in params.items()}
    for hidden in ("sigmoid", "relu", "identity", "step"):
        network.forward(params, x, hidden=hidden)
        network.predict(params, x, hidden=hidden)
    np.testing.assert_array_equal(x, saved_x)
    for key, value in params.items():
        np.testing.assert_array_equal(value, saved_params[key])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_hidden_sigmoid_saturates_without_overflow_warning(dtype):
    # Sums of -1e4 and +1e4: exp(1e4) overflows in either precision; the limit is still exact.
    params = {
        "W1": np.array([[1e4, -1e4]], dtype=dtype),
        "b1": np.zeros(2, dtype=dtype),
        "W2": np.eye(2, dtype=dtype),
        "b2": np.zeros(2, dtype=dtype),
    }
    x = np.array([[1.0], [-1.0]], dtype=dtype)
    z1 = network.logits(params, x)  # W2 is the identity, so these are the sigmoid outputs
    np.testing.assert_array_equal(z1, [[1.0, 0.0], [0.0, 1.0]])


def test_unknown_hidden_activation_is_still_rejected_by_name():
    params = network.init_params([2, 2, 2], rng=0)
    with pytest.raises(ValueError, match="unknown activation 'tanh'"):
        network.forward(params, np.zeros((1, 2)), hidden="tanh")
