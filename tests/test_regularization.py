"""Regularization: weight decay in LayerNet's loss and gradient, early stopping in train."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnlib import gradcheck
from nnlib.batchnorm import BatchNormalization
from nnlib.conv import simple_conv_net
from nnlib.layers import Affine, LayerNet, Relu, SoftmaxWithLoss
from nnlib.optimizers import SGD
from nnlib.training import train


def blobs(n=150, seed=0):
    """Three Gaussian clusters in the plane, float32, with integer labels."""
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
    t = rng.integers(0, 3, n)
    x = (centers[t] + 0.6 * rng.standard_normal((n, 2))).astype(np.float32)
    return x, t


def float64_net(weight_decay, sizes=(4, 5, 3), seed=0, **options):
    """A float64 MLP whose biases are not zero (a zero bias would hide a decayed bias)."""
    net = LayerNet.mlp(list(sizes), rng=seed, dtype=np.float64, weight_decay=weight_decay,
                       **options)
    for key, value in net.params.items():
        if key.startswith("b"):
            value[...] = np.linspace(-0.5, 0.5, value.size)
    return net


def sample(seed=1, n=6, d=4, k=3):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.integers(0, k, n)


def batchnorm_net(seed=0, weight_decay=0.0, dtype=np.float64):
    """Affine - BatchNormalization - ReLU - Affine, on 2-D inputs with 3 classes."""
    rng = np.random.default_rng(seed)
    layers = [
        Affine(rng.standard_normal((2, 6)).astype(dtype), np.zeros(6, dtype)),
        BatchNormalization(np.ones(6, dtype), np.zeros(6, dtype)),
        Relu(),
        Affine(rng.standard_normal((6, 3)).astype(dtype), np.zeros(3, dtype)),
    ]
    return LayerNet(layers, SoftmaxWithLoss(), weight_decay=weight_decay)


# --------------------------------------------------------------------------- weight decay: loss


def test_weight_decay_adds_half_lambda_times_the_squared_weights_to_the_loss():
    x, t = sample()
    plain, decayed = float64_net(0.0), float64_net(0.3)
    squares = np.sum(plain.params["W1"] ** 2) + np.sum(plain.params["W2"] ** 2)
    assert decayed.penalty() == pytest.approx(0.5 * 0.3 * squares, rel=1e-12)
    assert decayed.loss(x, t) == pytest.approx(plain.loss(x, t) + 0.15 * squares, rel=1e-12)


def test_the_penalty_leaves_out_the_biases():
    decayed = float64_net(0.3)
    before = decayed.penalty()
    decayed.params["b1"] += 5.0
    decayed.params["b2"] -= 3.0
    assert decayed.penalty() == before


def test_no_weight_decay_means_no_penalty():
    x, t = sample()
    net = float64_net(0.0)
    assert net.penalty() == 0.0
    assert net.loss(x, t) == net.evaluate(x, t)["loss"]


def test_the_penalty_covers_convolution_filters():
    net = simple_conv_net((1, 8, 8), filter_num=2, filter_size=3, hidden_size=4, output_size=3,
                          rng=0, dtype=np.float64)
    net.weight_decay = 0.5
    squares = sum(np.sum(net.params[key] ** 2) for key in ("W1", "W2", "W3"))
    assert net.params["W1"].ndim == 4
    assert net.penalty() == pytest.approx(0.25 * squares, rel=1e-12)


def test_the_penalty_leaves_out_batchnorm_gamma_and_beta():
    net = batchnorm_net(weight_decay=0.2)
    squares = np.sum(net.params["W1"] ** 2) + np.sum(net.params["W2"] ** 2)
    assert list(net.params) == ["W1", "b1", "gamma1", "beta1", "W2", "b2"]
    assert net.penalty() == pytest.approx(0.1 * squares, rel=1e-12)


def test_evaluate_reports_the_data_loss_without_the_penalty():
    x, t = sample()
    plain, decayed = float64_net(0.0), float64_net(0.3)
    assert decayed.evaluate(x, t)["loss"] == pytest.approx(plain.evaluate(x, t)["loss"],
                                                           rel=1e-12)
    assert decayed.evaluate(x, t)["loss"] == pytest.approx(decayed.loss(x, t)
                                                           - decayed.penalty(), rel=1e-12)


def test_weight_decay_does_not_change_predictions_or_accuracy():
    x, t = sample(n=20)
    plain, decayed = float64_net(0.0), float64_net(10.0)
    np.testing.assert_array_equal(decayed.predict(x), plain.predict(x))
    assert decayed.accuracy(x, t) == plain.accuracy(x, t)
    assert decayed.evaluate(x, t)["accuracy"] == plain.evaluate(x, t)["accuracy"]


# --------------------------------------------------------------------------- weight decay: gradient


def test_weight_decay_adds_lambda_W_to_each_weight_gradient_and_nothing_to_the_biases():
    x, t = sample()
    plain, decayed = float64_net(0.0), float64_net(0.3)
    plain_loss, plain_grads = plain.gradient(x, t)
    decayed_loss, decayed_grads = decayed.gradient(x, t)
    for key in ("W1", "W2"):
        np.testing.assert_array_equal(decayed_grads[key],
                                      plain_grads[key] + 0.3 * decayed.params[key])
    for key in ("b1", "b2"):
        np.testing.assert_array_equal(decayed_grads[key], plain_grads[key])
    assert decayed_loss == pytest.approx(plain_loss + decayed.penalty(), rel=1e-12)


def test_the_layers_own_gradients_stay_those_of_the_data_loss():
    x, t = sample()
    decayed = float64_net(0.3)
    _, grads = decayed.gradient(x, t)
    first_affine = decayed.layers[0]
    np.testing.assert_array_equal(grads["W1"], first_affine.dW + 0.3 * decayed.params["W1"])


@settings(max_examples=15, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    hidden=st.sampled_from(["relu", "sigmoid"]),
    weight_decay=st.floats(0.01, 3.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_weight_decay_gradient_matches_numerical_gradients_of_the_regularized_loss(
    sizes, hidden, weight_decay, seed
):
    rng = np.random.default_rng(seed)
    sizes[-1] = max(sizes[-1], 2)
    net = LayerNet.mlp(sizes, hidden=hidden, rng=rng, dtype=np.float64,
                       weight_decay=weight_decay)
    for value in net.params.values():
        value += 0.1 * rng.standard_normal(value.shape)
    x, t = rng.standard_normal((3, sizes[0])), rng.integers(0, sizes[-1], 3)
    z = x
    for i in range(1, len(sizes) - 1):  # ReLU's kink must lie further than h from every input
        a = z @ net.params[f"W{i}"] + net.params[f"b{i}"]
        assume(hidden != "relu" or np.min(np.abs(a)) > 1e-3)
        z = np.maximum(a, 0) if hidden == "relu" else a
    _, grads = net.gradient(x, t)
    numeric = gradcheck.numerical_gradients(lambda _: net.loss(x, t), net.params)
    for key in net.params:
        result = gradcheck.compare(key, grads[key], numeric[key], rtol=1e-5, atol=1e-7)
        assert result.close, str(result)


def test_weight_decay_with_batchnorm_matches_numerical_gradients():
    rng = np.random.default_rng(4)
    net = batchnorm_net(seed=3, weight_decay=0.7)
    net.params["gamma1"][...] = 1 + rng.random(6)
    net.params["beta1"][...] = rng.standard_normal(6)
    x, t = rng.standard_normal((8, 2)), rng.integers(0, 3, 8)
    _, grads = net.gradient(x, t)
    numeric = gradcheck.numerical_gradients(lambda _: net.loss(x, t, training=True), net.params)
    for key in net.params:
        result = gradcheck.compare(key, grads[key], numeric[key], rtol=1e-5, atol=1e-7)
        assert result.close, str(result)


def test_weight_decay_keeps_float32_gradients_float32():
    net = LayerNet.mlp([4, 5, 3], rng=0, weight_decay=0.1)
    x, t = np.ones((2, 4), np.float32), np.array([0, 2])
    loss, grads = net.gradient(x, t)
    assert type(loss) is float
    assert all(grad.dtype == np.float32 for grad in grads.values())


def test_an_sgd_step_with_weight_decay_is_pytorchs_sgd_weight_decay_rule():
    x, t = sample()
    plain, decayed = float64_net(0.0), float64_net(0.3)
    _, plain_grads = plain.gradient(x, t)
    before = {key: value.copy() for key, value in decayed.params.items()}
    _, grads = decayed.gradient(x, t)
    SGD(lr=0.1).update(decayed.params, grads)
    for key in ("W1", "W2"):  # torch: g = g + weight_decay * p; p = p - lr * g
        expected = before[key] - 0.1 * (plain_grads[key] + 0.3 * before[key])
        np.testing.assert_allclose(decayed.params[key], expected, rtol=1e-14)
    for key in ("b1", "b2"):  # a parameter group with weight_decay=0
        np.testing.assert_allclose(decayed.params[key], before[key] - 0.1 * plain_grads[key],
                                   rtol=1e-14)


def test_training_with_weight_decay_gives_smaller_weights():
    x, t = blobs()
    norms = {}
    for weight_decay in (0.0, 0.05):
        net = LayerNet.mlp([2, 16, 3], rng=1, weight_decay=weight_decay)
        train(net, x, t, optimizer=SGD(lr=0.3), epochs=20, batch_size=10, rng=2)
        norms[weight_decay] = np.sqrt(np.sum(net.params["W1"] ** 2) + np.sum(net.params["W2"] ** 2))
    assert norms[0.05] < 0.8 * norms[0.0]


def test_the_training_loss_in_the_history_includes_the_penalty():
    x, t = blobs(n=30)
    net = LayerNet.mlp([2, 8, 3], rng=1, dtype=np.float64, weight_decay=0.5)
    objective_before = net.loss(x, t)
    history = train(net, x, t, optimizer=SGD(lr=0.1), epochs=1, batch_size=30, rng=0)
    assert history["batch_loss"][0] == pytest.approx(objective_before, rel=1e-12)
    assert objective_before > net.evaluate(x, t)["loss"] + 0.1  # the penalty is not small here


# --------------------------------------------------------------------------- weight decay: checks


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (-0.1, ValueError, "weight_decay must be at least 0"),
        (np.nan, ValueError, "weight_decay must be finite"),
        (np.inf, ValueError, "weight_decay must be finite"),
        ("0.1", TypeError, "weight_decay must be a real number"),
        (True, TypeError, "weight_decay must be a real number"),
        (None, TypeError, "weight_decay must be a real number"),
    ],
)
@pytest.mark.parametrize("where", ["mlp", "from_params", "LayerNet", "attribute"])
def test_a_bad_weight_decay_is_refused_by_name(where, value, error, message):
    x_net = LayerNet.mlp([3, 2], rng=0)
    with pytest.raises(error, match=message):
        if where == "mlp":
            LayerNet.mlp([3, 2], rng=0, weight_decay=value)
        elif where == "from_params":
            LayerNet.from_params({"W1": np.ones((3, 2)), "b1": np.zeros(2)}, weight_decay=value)
        elif where == "LayerNet":
            LayerNet([Affine(np.ones((3, 2)), np.zeros(2))], SoftmaxWithLoss(),
                     weight_decay=value)
        else:
            x_net.weight_decay = value
    assert x_net.weight_decay == 0.0


def test_numpy_scalars_are_accepted_as_weight_decay():
    net = LayerNet.mlp([3, 2], rng=0, weight_decay=np.float32(0.25))
    assert net.weight_decay == 0.25 and type(net.weight_decay) is float


def test_weight_decay_on_a_network_without_weights_is_refused():
    class Scale:
        def __init__(self):
            self.gamma = np.ones(3)

        @property
        def params(self):
            return {"gamma": self.gamma}

        def forward(self, x, training=False):
            return x * self.gamma

        def backward(self, dout):
            return dout * self.gamma

    with pytest.raises(ValueError, match="weight_decay decays the parameters named W"):
        LayerNet([Scale()], SoftmaxWithLoss(), weight_decay=0.1)


def test_layernet_repr_shows_weight_decay():
    net = LayerNet.mlp([4, 2], rng=0, weight_decay=0.01)
    assert repr(net) == (
        "LayerNet(\n  Affine(4 -> 2, float32)\n  loss: SoftmaxWithLoss()\n"
        "  weight_decay: 0.01\n)"
    )


# --------------------------------------------------------------------------- buffers


def test_layernet_numbers_the_layers_buffers_like_parameters():
    net = batchnorm_net()
    batchnorm = net.layers[1]
    assert list(net.buffers) == ["running_mean1", "running_var1"]
    assert net.buffers["running_mean1"] is batchnorm.running_mean
    assert net.buffers["running_var1"] is batchnorm.running_var
    assert LayerNet.mlp([3, 2], rng=0).buffers == {}


# --------------------------------------------------------------------------- early stopping


def noisy_validation(x, t):
    """60 training images, 10 of them mislabelled: the loss falls, then rises as the network
    grows sure of itself on the 10 it cannot get right."""
    t_val = t[:60].copy()
    t_val[:10] = (t_val[:10] + 1) % 3
    return x[:60], t_val


def right_validation(x, t):
    return x[:60], t[:60]


def test_early_stopping_stops_after_patience_epochs_without_a_new_lowest_loss():
    x, t = blobs()
    history = train(LayerNet.mlp([2, 8, 3], rng=1), x, t, optimizer=SGD(lr=0.05), epochs=30,
                    batch_size=10, rng=2, validation=noisy_validation(x, t), early_stopping=3)
    best = history["best_epoch"]
    assert history["stopped_early"] is True and best > 1
    assert len(history["val_loss"]) == best + 3 < 30
    assert len(history["loss"]) == len(history["train_accuracy"]) == best + 3
    assert min(history["val_loss"][best:]) >= history["val_loss"][best - 1]
    assert history["val_loss"][best - 1] == min(history["val_loss"])


def test_early_stopping_restores_the_best_epochs_parameters_exactly():
    x, t = blobs()
    validation = noisy_validation(x, t)
    stopped = LayerNet.mlp([2, 8, 3], rng=1)
    arrays = dict(stopped.params)
    history = train(stopped, x, t, optimizer=SGD(lr=0.05), epochs=30, batch_size=10, rng=2,
                    validation=validation, early_stopping=2)
    assert history["stopped_early"]
    assert history["best_epoch"] > 1
    reference = LayerNet.mlp([2, 8, 3], rng=1)
    train(reference, x, t, optimizer=SGD(lr=0.05), epochs=history["best_epoch"], batch_size=10,
          rng=2)
    for key in stopped.params:
        assert stopped.params[key] is arrays[key]  # the layers' own arrays, restored in place
        np.testing.assert_array_equal(stopped.params[key], reference.params[key])
    best_loss = history["val_loss"][history["best_epoch"] - 1]
    assert stopped.evaluate(*validation)["loss"] == best_loss


def test_early_stopping_changes_nothing_while_the_validation_loss_keeps_falling():
    x, t = blobs()
    options = {"optimizer": SGD(lr=0.05), "epochs": 6, "batch_size": 10, "rng": 2,
               "validation": right_validation(x, t)}
    watched, plain = LayerNet.mlp([2, 8, 3], rng=1), LayerNet.mlp([2, 8, 3], rng=1)
    history = train(watched, x, t, early_stopping=2, **options)
    plain_history = train(plain, x, t, **options)
    assert np.all(np.diff(history["val_loss"]) < 0)
    assert (history.pop("best_epoch"), history.pop("stopped_early")) == (6, False)
    assert history == plain_history
    for key in plain.params:
        np.testing.assert_array_equal(watched.params[key], plain.params[key])


def test_running_out_of_epochs_before_the_patience_still_keeps_the_best_epoch():
    x, t = blobs()
    net = LayerNet.mlp([2, 8, 3], rng=1)
    history = train(net, x, t, optimizer=SGD(lr=0.05), epochs=7, batch_size=10, rng=2,
                    validation=noisy_validation(x, t), early_stopping=10)
    assert (history["stopped_early"], len(history["val_loss"])) == (False, 7)
    assert 1 < history["best_epoch"] < 7
    reference = LayerNet.mlp([2, 8, 3], rng=1)
    train(reference, x, t, optimizer=SGD(lr=0.05), epochs=history["best_epoch"], batch_size=10,
          rng=2)
    for key in net.params:
        np.testing.assert_array_equal(net.params[key], reference.params[key])


def test_early_stopping_restores_batchnorm_running_averages_too():
    x, t = blobs()
    validation = noisy_validation(x, t)
    stopped = batchnorm_net(dtype=np.float32)
    history = train(stopped, x, t, optimizer=SGD(lr=0.05), epochs=30, batch_size=10, rng=2,
                    validation=validation, early_stopping=2)
    assert history["stopped_early"] and history["best_epoch"] > 1
    reference = batchnorm_net(dtype=np.float32)
    train(reference, x, t, optimizer=SGD(lr=0.05), epochs=history["best_epoch"], batch_size=10,
          rng=2)
    for key in stopped.buffers:
        np.testing.assert_array_equal(stopped.buffers[key], reference.buffers[key])
    for key in stopped.params:
        np.testing.assert_array_equal(stopped.params[key], reference.params[key])


def test_history_records_the_best_epoch_as_an_int_and_stopped_early_as_a_bool():
    x, t = blobs(n=40)
    history = train(LayerNet.mlp([2, 8, 3], rng=1), x, t, optimizer=SGD(lr=0.1), epochs=2,
                    batch_size=10, rng=0, validation=(x, t), early_stopping=1)
    assert type(history["best_epoch"]) is int and 1 <= history["best_epoch"] <= 2
    assert type(history["stopped_early"]) is bool


def test_early_stopping_needs_validation():
    x, t = blobs()
    with pytest.raises(ValueError, match=r"early_stopping=3 needs validation=\(x_val, t_val\)"):
        train(LayerNet.mlp([2, 8, 3], rng=1), x, t, optimizer=SGD(), epochs=5, rng=0,
              early_stopping=3)


@pytest.mark.parametrize(
    ("patience", "error", "message"),
    [
        (0, ValueError, "early_stopping must be at least 1"),
        (-2, ValueError, "early_stopping must be at least 1"),
        (2.0, TypeError, "early_stopping must be an integer"),
        (True, TypeError, "early_stopping must be an integer"),
        ("3", TypeError, "early_stopping must be an integer"),
    ],
)
def test_a_bad_patience_is_refused_by_name(patience, error, message):
    x, t = blobs()
    net = LayerNet.mlp([2, 8, 3], rng=1)
    before = {key: value.copy() for key, value in net.params.items()}
    with pytest.raises(error, match=message):
        train(net, x, t, optimizer=SGD(), epochs=5, rng=0, validation=(x, t),
              early_stopping=patience)
    for key in before:
        np.testing.assert_array_equal(net.params[key], before[key])


def test_numpy_integers_are_accepted_as_patience():
    x, t = blobs(n=40)
    history = train(LayerNet.mlp([2, 8, 3], rng=1), x, t, optimizer=SGD(lr=0.1), epochs=2,
                    batch_size=10, rng=0, validation=(x, t), early_stopping=np.int64(1))
    assert "best_epoch" in history
