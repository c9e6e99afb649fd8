"""nnlib.backprop as chapters 6-8 and benchmarks/training.py use it.

The training step reuses its temporaries in place (ReLU applied to the pre-activation, the softmax
delta built in the exponentials' array, integer labels scattered into one-hot rows without the
float64 detour). These tests pin down that none of that changes a result or touches the caller's
arrays.
"""

import numpy as np
import pytest

from nnlib import backprop, dropout, network


def batch(sizes, n=8, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    params = network.init_params(sizes, rng=rng, dtype=dtype)
    for name in params:
        params[name] += (0.1 * rng.standard_normal(params[name].shape)).astype(dtype)
    x = rng.standard_normal((n, sizes[0])).astype(dtype)
    labels = rng.integers(0, sizes[-1], n)
    return params, x, labels


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("hidden", ["sigmoid", "relu", "identity"])
@pytest.mark.parametrize("label_dtype", [np.int64, np.uint8])
def test_integer_labels_and_one_hot_rows_give_identical_loss_and_gradients(
    dtype, hidden, label_dtype
):
    params, x, labels = batch([5, 7, 6, 4], dtype=dtype)
    one_hot = np.eye(4, dtype=dtype)[labels]
    loss_a, grads_a = backprop.gradients(params, x, labels.astype(label_dtype), hidden=hidden)
    loss_b, grads_b = backprop.gradients(params, x, one_hot, hidden=hidden)
    assert loss_a == loss_b
    for name in params:
        np.testing.assert_array_equal(grads_a[name], grads_b[name])


@pytest.mark.parametrize("hidden", ["sigmoid", "relu"])
@pytest.mark.parametrize("dropout_rate", [0.0, 0.5])
def test_gradients_leave_the_callers_arrays_unchanged(hidden, dropout_rate):
    params, x, labels = batch([4, 6, 5, 3])
    before = {name: value.copy() for name, value in params.items()}
    x_before, labels_before = x.copy(), labels.copy()
    backprop.gradients(params, x, labels, hidden=hidden, dropout_rate=dropout_rate,
                       rng=np.random.default_rng(1))
    for name in params:
        np.testing.assert_array_equal(params[name], before[name])
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(labels, labels_before)


def test_softmax_cross_entropy_gradient_is_softmax_minus_one_hot_over_n():
    params = network.init_params([3, 4], rng=2, dtype=np.float64)
    params["b1"] = np.array([0.5, -1.0, 2.0, 0.0])
    x = np.random.default_rng(3).standard_normal((5, 3))
    labels = np.array([0, 3, 3, 1, 2])
    loss, grads = backprop.gradients(params, x, labels)
    y = network.forward(params, x)
    delta = (y - np.eye(4)[labels]) / 5
    np.testing.assert_allclose(grads["b1"], delta.sum(axis=0))
    np.testing.assert_allclose(grads["W1"], x.T @ delta)
    assert loss == pytest.approx(-np.mean(np.log(y[np.arange(5), labels])))


@pytest.mark.parametrize(
    "labels", [np.array([0, 3]), np.array([-1, 0]), np.array([4, 0], dtype=np.uint8)]
)
def test_labels_outside_the_classes_raise_a_value_error_naming_the_range(labels):
    params = network.init_params([2, 3], rng=0)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        backprop.gradients(params, np.zeros((2, 2)), labels)


def test_gradients_reject_an_unknown_hidden_activation():
    params = network.init_params([2, 3, 2], rng=0)
    with pytest.raises(ValueError, match="unknown activation 'tanh'"):
        backprop.gradients(params, np.zeros((1, 2)), np.array([0]), hidden="tanh")


def test_relu_gradients_with_dropout_equal_hand_written_backprop_with_the_same_masks():
    params, x, labels = batch([4, 6, 5, 3], n=7)
    _, grads = backprop.gradients(params, x, labels, hidden="relu", dropout_rate=0.3,
                                  rng=np.random.default_rng(5))

    masks_rng = np.random.default_rng(5)  # gradients draws one mask per hidden layer, in order
    a1 = x @ params["W1"] + params["b1"]
    m1 = dropout.dropout_mask(a1.shape, 0.3, masks_rng, dtype=np.float64)
    z1 = np.maximum(a1, 0) * m1
    a2 = z1 @ params["W2"] + params["b2"]
    m2 = dropout.dropout_mask(a2.shape, 0.3, masks_rng, dtype=np.float64)
    z2 = np.maximum(a2, 0) * m2
    y = network.activations.softmax(z2 @ params["W3"] + params["b3"])
    d3 = (y - np.eye(3)[labels]) / len(x)
    d2 = (d3 @ params["W3"].T) * m2 * (a2 > 0)
    d1 = (d2 @ params["W2"].T) * m1 * (a1 > 0)
    expected = {"W3": z2.T @ d3, "W2": z1.T @ d2, "W1": x.T @ d1,
                "b3": d3.sum(0), "b2": d2.sum(0), "b1": d1.sum(0)}
    for name, value in expected.items():
        np.testing.assert_allclose(grads[name], value, rtol=1e-12, atol=1e-15, err_msg=name)


@pytest.mark.parametrize("hidden", ["sigmoid", "relu"])
def test_uint8_labels_and_float32_inputs_give_float32_gradients(hidden):
    params, x, labels = batch([6, 5, 10], dtype=np.float32)
    loss, grads = backprop.gradients(params, x, labels.astype(np.uint8), hidden=hidden)
    assert isinstance(loss, float)
    assert all(grad.dtype == np.float32 for grad in grads.values())


def test_train_sgd_takes_exactly_the_steps_of_a_gradients_and_sgd_update_loop():
    # benchmarks/training.py times both and relies on them ending at the same weights
    params, x, labels = batch([6, 5, 4], n=40, dtype=np.float32)
    trained, _ = backprop.train_sgd(params, x, labels, learning_rate=0.1, epochs=3, batch_size=10,
                                    hidden="relu", rng=7)
    rng = np.random.default_rng(7)
    manual = {name: value.copy() for name, value in params.items()}
    for _ in range(3):
        order = rng.permutation(40)
        for start in range(0, 40, 10):
            rows = order[start : start + 10]
            _, grads = backprop.gradients(manual, x[rows], labels[rows], hidden="relu")
            backprop.sgd_update(manual, grads, 0.1)
    for name in params:
        np.testing.assert_array_equal(trained[name], manual[name])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("hidden", "output", "loss"), [("relu", "softmax", "cross_entropy"),
                                                        ("sigmoid", "sigmoid", "mse")])
def test_sgd_step_equals_gradients_then_sgd_update_to_the_last_bit(dtype, hidden, output, loss):
    params, x, labels = batch([5, 6, 3], dtype=dtype)
    t = labels if output == "softmax" else np.eye(3, dtype=dtype)[labels]
    stepped = {name: value.copy() for name, value in params.items()}
    value = backprop.sgd_step(stepped, x, t, 0.3, hidden=hidden, output=output, loss=loss)
    expected_value, grads = backprop.gradients(
        params, x, t, hidden=hidden, output=output, loss=loss
    )
    backprop.sgd_update(params, grads, 0.3)
    assert value == expected_value
    for name in params:
        assert stepped[name].dtype == dtype
        np.testing.assert_array_equal(stepped[name], params[name])


def test_sgd_step_with_float64_inputs_keeps_float32_weights_float32():
    params, x, labels = batch([4, 3, 2], dtype=np.float32)
    reference = {name: value.copy() for name, value in params.items()}
    backprop.sgd_step(params, x.astype(np.float64), labels, 0.1, hidden="relu")
    _, grads = backprop.gradients(reference, x.astype(np.float64), labels, hidden="relu")
    backprop.sgd_update(reference, grads, 0.1)
    for name in params:
        assert params[name].dtype == np.float32
        np.testing.assert_array_equal(params[name], reference[name])


def test_sgd_step_rejects_a_batch_that_does_not_fit_w1_and_leaves_params_alone():
    params, _, _ = batch([4, 3, 2])
    before = {name: value.copy() for name, value in params.items()}
    with pytest.raises(ValueError, match=r"\(2, 5\).*\(4, 3\)"):
        backprop.sgd_step(params, np.zeros((2, 5)), np.array([0, 1]), 0.1)
    for name in params:
        np.testing.assert_array_equal(params[name], before[name])
