"""Optimizers: each step against the update rule written out, in place, dtypes, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.layers import LayerNet
from nnlib.optimizers import SGD, check_params_and_grads


def params_and_grads(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    params = {"W1": rng.standard_normal((3, 2)).astype(dtype), "b1": np.zeros(2, dtype)}
    grads = {"W1": rng.standard_normal((3, 2)).astype(dtype), "b1": rng.standard_normal(2)}
    grads["b1"] = grads["b1"].astype(dtype)
    return params, grads


@settings(max_examples=30, deadline=None)
@given(lr=st.floats(1e-4, 10.0), seed=st.integers(0, 2**32 - 1))
def test_sgd_step_is_param_minus_lr_times_grad(lr, seed):
    params, grads = params_and_grads(seed=seed)
    expected = {key: params[key] - lr * grads[key] for key in params}
    SGD(lr=lr).update(params, grads)
    for key in params:
        np.testing.assert_array_equal(params[key], expected[key])


def test_three_sgd_steps_follow_the_written_out_rule():
    params, _ = params_and_grads()
    W = params["W1"].copy()
    optimizer = SGD(lr=0.1)
    for step in range(3):
        grads = {"W1": np.full((3, 2), step + 1.0), "b1": np.ones(2)}
        optimizer.update(params, grads)
        W = W - 0.1 * grads["W1"]
    np.testing.assert_array_equal(params["W1"], W)
    np.testing.assert_allclose(params["b1"], [-0.3, -0.3])


def test_sgd_updates_the_arrays_in_place():
    params, grads = params_and_grads()
    W1 = params["W1"]
    SGD().update(params, grads)
    assert params["W1"] is W1


def test_sgd_keeps_float32():
    params, grads = params_and_grads(np.float32)
    SGD(lr=0.5).update(params, grads)
    assert all(value.dtype == np.float32 for value in params.values())


def test_sgd_does_not_modify_the_gradients():
    params, grads = params_and_grads()
    before = {key: value.copy() for key, value in grads.items()}
    SGD(lr=0.5).update(params, grads)
    for key in grads:
        np.testing.assert_array_equal(grads[key], before[key])


def test_sgd_updates_a_layernet_through_its_params():
    net = LayerNet.mlp([3, 2], rng=0)
    x, t = np.ones((2, 3), np.float32), np.array([0, 1])
    W1 = net.params["W1"].copy()
    _, grads = net.gradient(x, t)
    SGD(lr=0.5).update(net.params, grads)
    np.testing.assert_array_equal(net.layers[0].W, W1 - np.float32(0.5) * grads["W1"])


def test_sgd_accepts_a_numpy_learning_rate():
    assert SGD(lr=np.float32(0.5)).lr == 0.5


@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan"), float("inf")])
def test_sgd_refuses_a_learning_rate_that_is_not_positive_and_finite(lr):
    with pytest.raises(ValueError, match="lr must be"):
        SGD(lr=lr)


@pytest.mark.parametrize("lr", ["0.1", True, None])
def test_sgd_refuses_a_learning_rate_that_is_not_a_number(lr):
    with pytest.raises(TypeError, match="lr must be a real number"):
        SGD(lr=lr)


def test_update_names_mismatched_keys():
    params, grads = params_and_grads()
    del grads["b1"]
    with pytest.raises(ValueError, match=r"params has \['W1', 'b1'\], grads has \['W1'\]"):
        SGD().update(params, grads)


def test_update_names_a_gradient_of_the_wrong_shape():
    params, grads = params_and_grads()
    grads["W1"] = grads["W1"].T
    with pytest.raises(ValueError, match=r"grads\['W1'\] has shape \(2, 3\) but params"):
        SGD().update(params, grads)


def test_update_refuses_a_parameter_that_cannot_change_in_place():
    params, grads = params_and_grads()
    params["b1"] = [0.0, 0.0]
    with pytest.raises(TypeError, match=r"params\['b1'\] must be a floating NumPy array"):
        SGD().update(params, grads)


def test_update_refuses_a_list_for_a_gradient():
    params, grads = params_and_grads()
    grads["b1"] = [0.0, 0.0]
    with pytest.raises(TypeError, match=r"grads\['b1'\] must be a floating NumPy array"):
        SGD().update(params, grads)


def test_update_refuses_empty_params():
    with pytest.raises(ValueError, match="params must not be empty"):
        check_params_and_grads({}, {})


def test_update_refuses_a_list_of_gradients():
    params, grads = params_and_grads()
    with pytest.raises(TypeError, match="grads must be a dict"):
        SGD().update(params, list(grads.values()))


def test_sgd_repr_shows_the_learning_rate():
    assert repr(SGD(lr=0.1)) == "SGD(lr=0.1)"
