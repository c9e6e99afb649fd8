"""BatchNormalization: forward in both modes, running averages, backward against numerical
gradients (hypothesis, both modes, 2-D and 4-D), float32, errors, and inside a LayerNet."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.batchnorm import BatchNormalization
from nnlib.gradcheck import numerical_gradient, numerical_gradients
from nnlib.layers import Affine, LayerNet, Relu, SoftmaxWithLoss
from nnlib.network import init_params
from nnlib.optimizers import SGD, Adam
from nnlib.training import load_params, save_params, train


def make_layer(d, dtype=np.float64, seed=0, **kwargs):
    rng = np.random.default_rng(seed)
    gamma = rng.uniform(0.5, 2.0, d).astype(dtype)
    beta = rng.standard_normal(d).astype(dtype)
    return BatchNormalization(gamma, beta, **kwargs)


def batch(shape, seed=1, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return (3.0 * rng.standard_normal(shape) + 2.0).astype(dtype)


# --------------------------------------------------------------------------- forward


def test_training_mode_gives_each_feature_mean_zero_and_variance_one():
    layer = BatchNormalization(np.ones(4), np.zeros(4), eps=1e-12)
    out = layer.forward(batch((50, 4)), training=True)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1, rtol=1e-9)


def test_training_mode_follows_the_written_out_formula():
    x = np.array([[1.0, 10.0], [2.0, 20.0], [6.0, 0.0]])
    gamma, beta = np.array([2.0, 0.5]), np.array([0.0, 1.0])
    layer = BatchNormalization(gamma.copy(), beta.copy(), eps=1e-6)
    mu = np.array([3.0, 10.0])
    var = np.array([(4 + 1 + 9) / 3, (0 + 100 + 100) / 3])
    expected = gamma * (x - mu) / np.sqrt(var + 1e-6) + beta
    np.testing.assert_allclose(layer.forward(x, training=True), expected, rtol=1e-14)


def test_inference_mode_is_the_affine_map_of_the_running_averages():
    rng = np.random.default_rng(2)
    mean, var = rng.standard_normal(3), rng.uniform(0.5, 2.0, 3)
    layer = make_layer(3, running_mean=mean.copy(), running_var=var.copy(), eps=1e-5)
    x = batch((7, 3))
    expected = layer.gamma * (x - mean) / np.sqrt(var + 1e-5) + layer.beta
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-14)


def test_an_untrained_layer_at_inference_is_the_identity_map():
    layer = BatchNormalization(np.ones(3), np.zeros(3), eps=1e-6)
    x = batch((5, 3))
    np.testing.assert_allclose(layer.forward(x, training=False), x / np.sqrt(1 + 1e-6))


def test_running_averages_follow_the_momentum_rule():
    layer = make_layer(3, momentum=0.8)
    mean, var = np.zeros(3), np.ones(3)
    for seed in range(5):
        x = batch((10, 3), seed=seed)
        layer.forward(x, training=True)
        mean = 0.8 * mean + 0.2 * x.mean(axis=0)
        var = 0.8 * var + 0.2 * x.var(axis=0)  # the biased variance, as the book
    np.testing.assert_allclose(layer.running_mean, mean, rtol=1e-13)
    np.testing.assert_allclose(layer.running_var, var, rtol=1e-13)


def test_running_averages_approach_the_data_statistics():
    layer = make_layer(2)
    rng = np.random.default_rng(3)
    for _ in range(200):
        layer.forward(rng.normal([5.0, -1.0], [2.0, 0.5], (100, 2)), training=True)
    np.testing.assert_allclose(layer.running_mean, [5.0, -1.0], atol=0.1)
    np.testing.assert_allclose(layer.running_var, [4.0, 0.25], rtol=0.1)


def test_inference_mode_changes_no_running_average():
    layer = make_layer(3)
    layer.forward(batch((6, 3)), training=True)
    mean, var = layer.running_mean.copy(), layer.running_var.copy()
    layer.forward(batch((6, 3), seed=9))
    np.testing.assert_array_equal(layer.running_mean, mean)
    np.testing.assert_array_equal(layer.running_var, var)


def test_running_averages_are_updated_in_place_in_buffers():
    layer = make_layer(3)
    buffers = layer.buffers
    layer.forward(batch((6, 3)), training=True)
    assert buffers["running_mean"] is layer.running_mean
    assert buffers["running_var"] is layer.running_var
    assert not np.array_equal(buffers["running_mean"], np.zeros(3))


def test_training_output_depends_on_the_batch_and_inference_output_does_not():
    layer = make_layer(3)
    x = batch((8, 3))
    other = x.copy()
    other[1:] += 5.0  # the first row is the same, the rest of its batch is not
    assert not np.allclose(layer.forward(x, training=True)[0],
                           layer.forward(other, training=True)[0])
    np.testing.assert_array_equal(layer.forward(x)[0], layer.forward(other)[0])


def test_images_are_normalized_per_channel_over_batch_and_positions():
    x = batch((4, 3, 5, 2))
    layer = BatchNormalization(np.ones(3), np.zeros(3), eps=1e-12)
    out = layer.forward(x, training=True)
    assert out.shape == x.shape
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=(0, 2, 3)), 1, rtol=1e-9)
    np.testing.assert_allclose(layer.running_mean, 0.1 * x.mean(axis=(0, 2, 3)), rtol=1e-13)


# --------------------------------------------------------------------------- backward


def check_backward(layer, x, training, seed):
    """dx, dgamma and dbeta of sum(w * out) against central differences (float64)."""
    w = np.random.default_rng(seed).standard_normal(x.shape)

    def loss(_):
        return float(np.sum(w * layer.forward(x, training=training)))

    layer.forward(x, training=training)
    dx = layer.backward(w)
    dgamma, dbeta = layer.dgamma.copy(), layer.dbeta.copy()
    np.testing.assert_allclose(dx, numerical_gradient(loss, x), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dgamma, numerical_gradient(loss, layer.gamma), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dbeta, numerical_gradient(loss, layer.beta), rtol=1e-5, atol=1e-7)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 6), d=st.integers(1, 4), training=st.booleans(),
       seed=st.integers(0, 2**32 - 1))
def test_backward_matches_numerical_gradients(n, d, training, seed):
    rng = np.random.default_rng(seed)
    layer = make_layer(d, seed=seed % 1000, running_mean=rng.standard_normal(d),
                       running_var=rng.uniform(0.5, 2.0, d))
    check_backward(layer, batch((n, d), seed=seed % 997), training, seed)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 3), h=st.integers(1, 3), w=st.integers(2, 3),
       training=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_backward_on_images_matches_numerical_gradients(n, c, h, w, training, seed):
    layer = make_layer(c, seed=seed % 1000)
    layer.forward(batch((4, c, 2, 2), seed=seed % 13), training=True)  # non-trivial averages
    check_backward(layer, batch((n, c, h, w), seed=seed % 997), training, seed)


def test_inference_backward_is_gamma_over_the_running_std():
    layer = make_layer(3, running_var=np.array([0.5, 1.0, 4.0]), eps=1e-6)
    x, dout = batch((5, 3)), batch((5, 3), seed=4)
    layer.forward(x)
    np.testing.assert_allclose(layer.backward(dout),
                               dout * layer.gamma / np.sqrt(layer.running_var + 1e-6))


def test_training_backward_sums_to_zero_over_the_batch():
    # the output does not change when a constant is added to a column: dx sums to 0 over rows
    layer = make_layer(3)
    layer.forward(batch((9, 3)), training=True)
    dx = layer.backward(batch((9, 3), seed=5))
    np.testing.assert_allclose(dx.sum(axis=0), 0, atol=1e-12)


def test_backward_without_dx_fills_the_gradients_and_returns_none():
    layer = make_layer(3)
    layer.forward(batch((5, 3)), training=True)
    dout = batch((5, 3), seed=6)
    assert layer.backward(dout, compute_dx=False) is None
    np.testing.assert_allclose(layer.grads["beta"], dout.sum(axis=0))


@pytest.mark.parametrize("training", [True, False])
def test_forward_and_backward_never_modify_the_callers_arrays(training):
    layer = make_layer(3)
    x, dout = batch((5, 3)), batch((5, 3), seed=7)
    saved_x, saved_dout = x.copy(), dout.copy()
    layer.forward(x, training=training)
    layer.backward(dout)
    np.testing.assert_array_equal(x, saved_x)
    np.testing.assert_array_equal(dout, saved_dout)


@pytest.mark.parametrize("shape", [(6, 3), (2, 3, 2, 2)])
@pytest.mark.parametrize("training", [True, False])
def test_float32_in_gives_float32_out_gradients_and_averages(shape, training):
    layer = make_layer(3, dtype=np.float32)
    out = layer.forward(batch(shape, dtype=np.float32), training=training)
    dx = layer.backward(np.ones(shape, np.float32))
    assert out.dtype == dx.dtype == np.float32
    assert layer.dgamma.dtype == layer.dbeta.dtype == np.float32
    assert layer.running_mean.dtype == layer.running_var.dtype == np.float32


def test_params_and_grads_use_the_local_names_gamma_and_beta():
    layer = make_layer(3)
    layer.forward(batch((5, 3)), training=True)
    layer.backward(np.ones((5, 3)))
    assert layer.params["gamma"] is layer.gamma and layer.params["beta"] is layer.beta
    assert set(layer.grads) == {"gamma", "beta"}


# --------------------------------------------------------------------------- in a network


def bn_net(sizes, dtype=np.float32, scale="he", seed=0, layers_with_bn=None):
    params = init_params(sizes, rng=seed, scale=scale, dtype=dtype)
    count = len(sizes) - 1
    layers = []
    for i in range(1, count + 1):
        layers.append(Affine(params[f"W{i}"], params[f"b{i}"]))
        if i < count:
            if layers_with_bn is None or i in layers_with_bn:
                width = sizes[i]
                layers.append(BatchNormalization(np.ones(width, dtype), np.zeros(width, dtype)))
            layers.append(Relu())
    return LayerNet(layers, SoftmaxWithLoss())


def test_layernet_numbers_gamma_and_beta_per_normalization_layer():
    net = bn_net([4, 5, 6, 3])
    assert list(net.params) == ["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2",
                                "W3", "b3"]
    assert net.params["gamma2"] is net.layers[4].gamma


def test_layernet_gradient_with_batch_normalization_matches_numerical_gradients():
    net = bn_net([4, 5, 3], dtype=np.float64, seed=3)
    rng = np.random.default_rng(4)
    x, t = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    _, grads = net.gradient(x, t)
    grads = {key: value.copy() for key, value in grads.items()}
    numeric = numerical_gradients(lambda _: net.loss(x, t, training=True), net.params)
    for key in net.params:
        np.testing.assert_allclose(grads[key], numeric[key], rtol=1e-5, atol=1e-8)


def fashion_like_data(seed=0, n=400):
    """Three classes of badly scaled inputs: a network must normalize to learn them quickly."""
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 3, n)
    x = rng.standard_normal((n, 6)) + 3.0 * np.eye(3, 6)[t]
    x = (x * np.array([10.0, 0.1, 1.0, 3.0, 1.0, 1.0]) + 5.0).astype(np.float32)
    return x, t


def test_a_network_with_batch_normalization_trains_with_the_training_loop():
    x, t = fashion_like_data()
    net = bn_net([6, 16, 16, 3], seed=1)
    history = train(net, x, t, optimizer=Adam(lr=0.003), epochs=15, batch_size=40, rng=2)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["train_accuracy"][-1] > 0.8
    assert all(value.dtype == np.float32 for value in net.params.values())


def test_batch_normalization_rescues_a_collapsing_initialization():
    # weights of std 0.01 in a 4-layer ReLU network: without normalization the signal (and
    # the gradient) all but vanish and SGD barely moves; with it, the same SGD learns
    x, t = fashion_like_data(seed=5)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    losses = {}
    for use_bn in (False, True):
        net = bn_net([6, 32, 32, 32, 3], scale=0.01, seed=6, layers_with_bn=None if use_bn else ())
        history = train(net, x, t, optimizer=SGD(lr=0.05), epochs=10, batch_size=40, rng=7)
        losses[use_bn] = history["loss"][-1]
    assert losses[False] > 1.0  # still about log(3) = 1.10
    assert losses[True] < 0.5


def test_prediction_uses_the_running_averages_not_the_batch():
    x, t = fashion_like_data()
    net = bn_net([6, 8, 3], seed=1)
    train(net, x, t, optimizer=Adam(lr=0.01), epochs=3, batch_size=40, rng=2)
    alone = net.predict(x[:1])
    in_batch = net.predict(x[:50])[:1]
    np.testing.assert_allclose(alone, in_batch, rtol=1e-5, atol=1e-6)


def test_running_averages_can_be_saved_and_loaded_with_the_parameters(tmp_path):
    x, t = fashion_like_data()
    net = bn_net([6, 8, 3], seed=1)
    train(net, x, t, optimizer=Adam(lr=0.01), epochs=2, batch_size=40, rng=2)
    bn = net.layers[1]
    saved = {**net.params, **{f"{name}1": array for name, array in bn.buffers.items()}}
    save_params(tmp_path / "net.npz", saved)
    expected = net.predict(x)
    fresh = bn_net([6, 8, 3], seed=9)
    loaded = load_params(tmp_path / "net.npz")
    fresh.set_params({key: loaded[key] for key in fresh.params})
    fresh.layers[1].running_mean[...] = loaded["running_mean1"]
    fresh.layers[1].running_var[...] = loaded["running_var1"]
    np.testing.assert_array_equal(fresh.predict(x), expected)


# --------------------------------------------------------------------------- errors and repr


def test_refuses_a_list_for_gamma():
    with pytest.raises(TypeError, match="gamma must be a NumPy array"):
        BatchNormalization([1.0, 1.0], np.zeros(2))


def test_refuses_integer_gamma():
    with pytest.raises(TypeError, match=r"gamma\.dtype must be float32 or float64"):
        BatchNormalization(np.ones(2, dtype=int), np.zeros(2))


def test_refuses_beta_of_another_shape():
    with pytest.raises(ValueError, match=r"beta must have the shape of gamma \(3,\), got \(2,\)"):
        BatchNormalization(np.ones(3), np.zeros(2))


def test_refuses_gamma_and_beta_of_different_dtypes():
    with pytest.raises(TypeError, match="gamma and beta must have the same dtype"):
        BatchNormalization(np.ones(3, np.float32), np.zeros(3))


def test_refuses_two_dimensional_gamma():
    with pytest.raises(ValueError, match="gamma must be 1-D"):
        BatchNormalization(np.ones((3, 1)), np.zeros((3, 1)))


def test_refuses_running_averages_of_another_dtype_than_gamma():
    with pytest.raises(TypeError, match="running_var must have gamma's dtype float32"):
        BatchNormalization(np.ones(2, np.float32), np.zeros(2, np.float32),
                           running_var=np.ones(2))


def test_refuses_a_negative_running_variance():
    with pytest.raises(ValueError, match="running_var must be non-negative"):
        BatchNormalization(np.ones(2), np.zeros(2), running_var=np.array([1.0, -1.0]))


def test_refuses_nan_in_gamma():
    with pytest.raises(ValueError, match="gamma must be finite"):
        BatchNormalization(np.array([1.0, np.nan]), np.zeros(2))


@pytest.mark.parametrize(("name", "value"), [("momentum", 1.0), ("momentum", -0.5),
                                             ("eps", 0.0), ("eps", float("nan"))])
def test_refuses_a_hyperparameter_out_of_range(name, value):
    with pytest.raises(ValueError, match=f"{name} must be"):
        BatchNormalization(np.ones(2), np.zeros(2), **{name: value})


@pytest.mark.parametrize("shape", [(5, 4), (5,), (5, 3, 2), (2, 4, 3, 3)])
def test_forward_names_the_shapes_when_x_does_not_fit_gamma(shape):
    with pytest.raises(ValueError, match=r"x must have shape \(N, 3\) or \(N, 3, H, W\)"):
        make_layer(3).forward(np.ones(shape))


def test_forward_refuses_an_empty_batch():
    with pytest.raises(ValueError, match="must not be an empty batch"):
        make_layer(3).forward(np.ones((0, 3)))


def test_training_mode_refuses_a_single_sample_but_inference_takes_it():
    layer = make_layer(3)
    with pytest.raises(ValueError, match="training mode needs at least two"):
        layer.forward(np.ones((1, 3)), training=True)
    assert layer.forward(np.ones((1, 3))).shape == (1, 3)


def test_training_mode_refuses_nan_before_it_reaches_the_running_averages():
    layer = make_layer(3)
    x = batch((5, 3))
    x[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"x must be finite.*1 feature"):
        layer.forward(x, training=True)
    np.testing.assert_array_equal(layer.running_mean, np.zeros(3))
    np.testing.assert_array_equal(layer.running_var, np.ones(3))


def test_forward_refuses_a_training_flag_that_is_not_a_bool():
    with pytest.raises(TypeError, match="training must be True or False"):
        make_layer(3).forward(np.ones((4, 3)), training="yes")


def test_backward_before_forward_raises():
    with pytest.raises(RuntimeError, match="called before forward"):
        make_layer(3).backward(np.ones((4, 3)))


def test_backward_names_a_dout_of_the_wrong_shape():
    layer = make_layer(3)
    layer.forward(np.ones((4, 3)) * np.arange(4)[:, None], training=True)
    with pytest.raises(ValueError, match=r"dout must have the shape .* \(4, 3\), got \(3, 4\)"):
        layer.backward(np.ones((3, 4)))


def test_repr_shows_size_dtype_and_momentum():
    layer = BatchNormalization(np.ones(5, np.float32), np.zeros(5, np.float32))
    assert repr(layer) == "BatchNormalization(5, float32, momentum=0.9)"
