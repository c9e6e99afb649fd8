"""Backpropagation against central differences, and the SGD training loop."""

import numpy as np
import pytest

from nnlib import backprop, gradcheck, network

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_T = np.array([0.0, 1.0, 1.0, 0.0])


def targets_for(output, loss, n, k, rng):
    if output == "softmax" and loss == "cross_entropy":
        return rng.integers(0, k, n)
    if output == "sigmoid" and loss == "cross_entropy":
        return rng.integers(0, 2, (n, k)).astype(float)
    return rng.random((n, k))


PAIRINGS = [
    ("softmax", "cross_entropy"),
    ("sigmoid", "cross_entropy"),
    ("sigmoid", "mse"),
    ("identity", "mse"),
    ("softmax", "mse"),
]


@pytest.mark.parametrize("sizes", [[3, 4, 2], [5, 7, 6, 3], [2, 3, 3, 3, 1]])
@pytest.mark.parametrize("hidden", ["sigmoid", "relu"])
@pytest.mark.parametrize(("output", "loss"), PAIRINGS)
def test_backprop_matches_numerical_gradient(sizes, hidden, output, loss):
    rng = np.random.default_rng(sum(sizes))
    params = network.init_params(sizes, rng=rng, dtype=np.float64)
    for name in params:  # non-zero biases, so the bias gradients are exercised too
        params[name] += 0.1 * rng.standard_normal(params[name].shape)
    x = rng.standard_normal((6, sizes[0]))
    t = targets_for(output, loss, 6, sizes[-1], rng)

    def loss_of(p):
        return backprop.gradients(p, x, t, hidden=hidden, output=output, loss=loss)[0]

    _, grads = backprop.gradients(params, x, t, hidden=hidden, output=output, loss=loss)
    numeric = gradcheck.numerical_gradients(loss_of, params)
    for name in params:
        result = gradcheck.compare(name, grads[name], numeric[name], rtol=1e-5, atol=1e-8)
        assert result.close, str(result)


def test_backprop_with_dropout_matches_numerical_gradient_for_a_fixed_mask():
    params = network.init_params([4, 6, 5, 3], rng=1, dtype=np.float64)
    x = np.random.default_rng(2).standard_normal((5, 4))
    t = np.array([0, 2, 1, 1, 0])

    def loss_and_grads(p):
        return backprop.gradients(
            p, x, t, hidden="relu", dropout_rate=0.5, rng=np.random.default_rng(3)
        )

    _, grads = loss_and_grads(params)
    numeric = gradcheck.numerical_gradients(lambda p: loss_and_grads(p)[0], params)
    for name in params:
        assert gradcheck.compare(name, grads[name], numeric[name]).close, name
    # the mask really drops units: some hidden weights get no gradient from some samples
    assert np.any(grads["W2"] == 0)


def test_softmax_cross_entropy_gradient_is_the_same_for_labels_and_one_hot():
    params = network.init_params([3, 4, 3], rng=0, dtype=np.float64)
    x = np.random.default_rng(1).standard_normal((4, 3))
    labels = np.array([2, 0, 1, 2])
    loss_a, grads_a = backprop.gradients(params, x, labels)
    loss_b, grads_b = backprop.gradients(params, x, np.eye(3)[labels])
    assert loss_a == pytest.approx(loss_b)
    for name in params:
        np.testing.assert_allclose(grads_a[name], grads_b[name])


def test_float32_gradients_stay_float32():
    params = network.init_params([5, 4, 3], rng=0)
    x = np.ones((2, 5), dtype=np.float32)
    _, grads = backprop.gradients(params, x, np.array([0, 1]), hidden="relu")
    assert all(g.dtype == np.float32 for g in grads.values())


def test_gradients_reject_a_single_sample_vector():
    params = network.init_params([3, 2], rng=0)
    with pytest.raises(ValueError, match=r"2-D batch.*\(3,\)"):
        backprop.gradients(params, np.zeros(3), np.array([0]))


def test_gradients_reject_unknown_loss_and_bad_pairing():
    params = network.init_params([3, 2], rng=0)
    x = np.zeros((1, 3))
    with pytest.raises(ValueError, match="unknown loss"):
        backprop.gradients(params, x, np.array([0]), loss="hinge")
    with pytest.raises(ValueError, match="identity"):
        backprop.gradients(params, x, np.zeros((1, 2)), output="identity", loss="cross_entropy")


def test_sgd_update_moves_against_the_gradient_in_place():
    params = {"W1": np.array([[1.0]]), "b1": np.array([0.5])}
    backprop.sgd_update(params, {"W1": np.array([[2.0]]), "b1": np.array([-1.0])}, 0.1)
    np.testing.assert_allclose(params["W1"], [[0.8]])
    np.testing.assert_allclose(params["b1"], [0.6])


def test_sgd_update_rejects_misshapen_gradients():
    with pytest.raises(ValueError, match=r"\(2,\).*\(1,\)"):
        backprop.sgd_update({"b1": np.zeros(1)}, {"b1": np.zeros(2)}, 0.1)


def test_train_sgd_solves_xor_with_a_hidden_layer():
    params = network.init_params([2, 4, 1], rng=0, dtype=np.float64)
    trained, history = backprop.train_sgd(
        params, XOR_X, XOR_T, learning_rate=2.0, epochs=3000, output="sigmoid", rng=0
    )
    y = network.forward(trained, XOR_X, output="sigmoid").ravel()
    np.testing.assert_allclose(y, XOR_T, atol=0.05)
    assert history["loss"][-1] < history["loss"][0] / 10
    assert len(history["loss"]) == 3000


def test_train_sgd_does_not_modify_the_initial_params():
    params = network.init_params([2, 3, 1], rng=0, dtype=np.float64)
    before = {name: value.copy() for name, value in params.items()}
    backprop.train_sgd(params, XOR_X, XOR_T, epochs=5, output="sigmoid")
    for name in params:
        np.testing.assert_array_equal(params[name], before[name])


def test_train_sgd_minibatches_are_reproducible_and_record_accuracy():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((60, 5))
    t = (x[:, 0] > 0).astype(np.int64)
    params = network.init_params([5, 8, 2], rng=1, dtype=np.float64)
    runs = [
        backprop.train_sgd(
            params,
            x,
            t,
            learning_rate=0.5,
            epochs=20,
            batch_size=10,
            hidden="relu",
            dropout_rate=0.2,
            rng=3,
            validation=(x[:20], t[:20]),
        )
        for _ in range(2)
    ]
    assert runs[0][1] == runs[1][1]
    history = runs[0][1]
    assert set(history) == {"loss", "train_accuracy", "val_accuracy"}
    assert history["train_accuracy"][-1] > 0.9


def test_train_sgd_rejects_bad_batch_size_and_target_count():
    params = network.init_params([2, 1], rng=0)
    with pytest.raises(ValueError, match="batch_size"):
        backprop.train_sgd(params, XOR_X, XOR_T, batch_size=0, output="sigmoid")
    with pytest.raises(ValueError, match=r"\(4, 2\).*\(3,\)"):
        backprop.train_sgd(params, XOR_X, XOR_T[:3], output="sigmoid")


# --- refusing bad input (issue 10's examples) --------------------------------------------------


@pytest.mark.parametrize(("output", "loss"), [("sigmoid", "cross_entropy"), ("identity", "mse"),
                                              ("softmax", "cross_entropy")])
def test_transposed_targets_are_refused_not_reshaped(output, loss):
    params = network.init_params([3, 2], rng=0, dtype=np.float64)
    t = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])  # (N, K) = (3, 2)
    with pytest.raises(ValueError, match=r"t must .*\(3, 2\).*\(2, 3\)"):
        backprop.gradients(params, np.ones((3, 3)), t.T, output=output, loss=loss)


def test_softmax_with_squared_error_takes_integer_labels_as_one_hot_rows():
    params = network.init_params([3, 4, 3], rng=0, dtype=np.float64)
    x = np.random.default_rng(1).standard_normal((4, 3))
    labels = np.array([2, 0, 1, 2])
    loss_a, grads_a = backprop.gradients(params, x, labels, loss="mse")
    loss_b, grads_b = backprop.gradients(params, x, np.eye(3)[labels], loss="mse")
    assert loss_a == loss_b
    for name in params:
        np.testing.assert_array_equal(grads_a[name], grads_b[name])


def test_a_single_output_takes_its_targets_as_a_vector():
    params = network.init_params([2, 3, 1], rng=0, dtype=np.float64)
    loss_vector, _ = backprop.gradients(params, XOR_X, XOR_T, output="sigmoid")
    loss_column, _ = backprop.gradients(params, XOR_X, XOR_T[:, None], output="sigmoid")
    assert loss_vector == loss_column


def test_a_nan_weight_is_named_instead_of_spreading_through_training():
    params = network.init_params([3, 4, 2], rng=0, dtype=np.float64)
    params["b1"][2] = np.nan
    with pytest.raises(ValueError, match=r"params\['b1'\] must be finite.*\(2,\)"):
        backprop.sgd_step(params, np.ones((2, 3)), np.array([0, 1]), 0.1)


@pytest.mark.parametrize("learning_rate", [np.nan, np.inf, None, 0.0, -0.1])
def test_a_bad_learning_rate_is_refused_and_the_parameters_stay(learning_rate):
    params = network.init_params([3, 2], rng=0, dtype=np.float64)
    before = {name: value.copy() for name, value in params.items()}
    with pytest.raises((TypeError, ValueError), match="learning_rate"):
        backprop.sgd_step(params, np.ones((2, 3)), np.array([0, 1]), learning_rate)
    for name in params:
        np.testing.assert_array_equal(params[name], before[name])


def test_sgd_update_needs_a_gradient_for_every_parameter():
    params = {"W1": np.zeros((1, 1)), "b1": np.zeros(1)}
    with pytest.raises(ValueError, match=r"missing \['b1'\]"):
        backprop.sgd_update(params, {"W1": np.ones((1, 1))}, 0.1)


def test_train_sgd_refuses_a_fractional_number_of_epochs():
    params = network.init_params([2, 1], rng=0)
    with pytest.raises(TypeError, match=r"epochs must be an integer, got 2\.5"):
        backprop.train_sgd(params, XOR_X, XOR_T, epochs=2.5, output="sigmoid")


def test_a_read_only_parameter_is_refused_before_any_parameter_changes():
    params = network.init_params([3, 2], rng=0, dtype=np.float64)
    params["b1"].flags.writeable = False
    W1_before = params["W1"].copy()
    with pytest.raises(ValueError, match=r"params\['b1'\] is read-only"):
        backprop.sgd_step(params, np.ones((2, 3)), np.array([0, 1]), 0.1)
    np.testing.assert_array_equal(params["W1"], W1_before)
