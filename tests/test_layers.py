"""Layers and LayerNet: values, gradients against central differences, dtypes, errors, modes."""

import copy

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnlib import backprop, gradcheck, network
from nnlib.layers import (
    AddLayer,
    Affine,
    Dropout,
    Identity,
    LayerNet,
    MeanSquaredErrorLoss,
    MulLayer,
    Relu,
    Sigmoid,
    SigmoidWithLoss,
    Softmax,
    SoftmaxWithLoss,
)

SEEDS = st.integers(0, 2**32 - 1)
SIDES = st.integers(1, 5)


def away_from_zero(x):
    """Move values off ReLU's kink, where a central difference straddles two slopes."""
    return np.where(np.abs(x) < 1e-2, x + 0.05, x)


def numerical_input_gradient(forward, x, dout):
    """Central differences of ``sum(forward(x) * dout)``, whose gradient is backward(dout)."""
    return gradcheck.numerical_gradient(lambda point: np.sum(forward(point) * dout), x)


def assert_gradients_close(analytic, numeric, rtol=1e-6, atol=1e-8):
    result = gradcheck.compare("grad", analytic, numeric, rtol=rtol, atol=atol)
    assert result.close, str(result)


def numerical_network_gradients(net, x, t):
    """The book's idiom: a loss closure that reads the network's own (float64) parameters."""
    return gradcheck.numerical_gradients(lambda _: net.loss(x, t), net.params)


# --------------------------------------------------------------------------- graph nodes


def test_mul_layers_reproduce_the_books_apple_example():
    mul_apple, mul_tax = MulLayer(), MulLayer()
    price = mul_tax.forward(mul_apple.forward(100, 2), 1.1)
    dapple_price, dtax = mul_tax.backward(1)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    assert price == pytest.approx(220.0)
    assert (dapple, dapple_num, dtax) == pytest.approx((2.2, 110.0, 200.0))


def test_mul_and_add_layers_reproduce_the_books_apple_and_orange_example():
    mul_apple, mul_orange, add, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    total = add.forward(mul_apple.forward(100, 2), mul_orange.forward(150, 3))
    price = mul_tax.forward(total, 1.1)
    dtotal, dtax = mul_tax.backward(1)
    dapples, doranges = add.backward(dtotal)
    dapple, dapple_num = mul_apple.backward(dapples)
    dorange, dorange_num = mul_orange.backward(doranges)
    assert price == pytest.approx(715.0)
    assert (dapple_num, dapple, dorange, dorange_num, dtax) == pytest.approx(
        (110.0, 2.2, 3.3, 165.0, 650.0)
    )


def test_mul_layer_on_arrays_matches_numerical_gradients():
    rng = np.random.default_rng(0)
    x, y, dout = rng.standard_normal((3, 3, 4))
    node = MulLayer()
    node.forward(x, y)
    dx, dy = node.backward(dout)
    numeric_dx = numerical_input_gradient(lambda p: MulLayer().forward(p, y), x, dout)
    numeric_dy = numerical_input_gradient(lambda p: MulLayer().forward(x, p), y, dout)
    assert_gradients_close(dx, numeric_dx)
    assert_gradients_close(dy, numeric_dy)


def test_add_layer_passes_the_gradient_to_both_inputs():
    node = AddLayer()
    node.forward(np.ones(3), np.zeros(3))
    dx, dy = node.backward(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(dx, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(dy, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("node_class", [MulLayer, AddLayer])
def test_graph_node_refuses_inputs_of_different_shapes(node_class):
    with pytest.raises(ValueError, match=r"same shape.*\(2,\) and \(3,\)"):
        node_class().forward(np.ones(2), np.ones(3))


@pytest.mark.parametrize("node_class", [MulLayer, AddLayer])
def test_graph_node_backward_before_forward_raises(node_class):
    with pytest.raises(RuntimeError, match="before forward"):
        node_class().backward(1.0)


def test_graph_node_refuses_a_boolean_input():
    with pytest.raises(TypeError, match="x must be a number"):
        MulLayer().forward(True, 2.0)


# --------------------------------------------------------------------------- forward values


def test_affine_forward_is_x_times_W_plus_b():
    W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = np.array([0.1, 0.2, 0.3])
    out = Affine(W, b).forward(np.array([[1.0, 2.0], [0.0, -1.0]]))
    np.testing.assert_allclose(out, [[9.1, 12.2, 15.3], [-3.9, -4.8, -5.7]])


def test_affine_backward_gives_the_batch_formulas():
    W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    layer = Affine(W, np.zeros(3))
    x = np.array([[1.0, 2.0], [0.0, -1.0]])
    layer.forward(x)
    dout = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    dx = layer.backward(dout)
    np.testing.assert_allclose(layer.dW, [[1.0, 0.0, -1.0], [0.0, -1.0, -2.0]])
    np.testing.assert_allclose(layer.db, [3.0, 1.0, -1.0])
    np.testing.assert_allclose(dx, [[-2.0, -2.0], [4.0, 13.0]])


def test_affine_flattens_images_and_returns_dx_in_their_shape():
    rng = np.random.default_rng(1)
    W, b = rng.standard_normal((12, 4)), rng.standard_normal(4)
    images = rng.standard_normal((5, 3, 2, 2))
    layer = Affine(W, b)
    np.testing.assert_allclose(layer.forward(images), images.reshape(5, 12) @ W + b)
    assert layer.backward(np.ones((5, 4))).shape == (5, 3, 2, 2)


def test_affine_without_dx_fills_the_gradients_and_returns_none():
    rng = np.random.default_rng(2)
    layer = Affine(rng.standard_normal((3, 2)), np.zeros(2))
    x = rng.standard_normal((4, 3))
    layer.forward(x)
    assert layer.backward(np.ones((4, 2)), compute_dx=False) is None
    np.testing.assert_allclose(layer.dW, x.T @ np.ones((4, 2)))


def test_affine_update_in_place_is_seen_by_the_layer():
    W, b = np.ones((2, 2)), np.zeros(2)
    layer = Affine(W, b)
    W -= 1.0
    np.testing.assert_array_equal(layer.forward(np.ones((1, 2))), [[0.0, 0.0]])


def test_relu_forward_and_backward_are_zero_where_x_is_not_positive():
    layer = Relu()
    out = layer.forward(np.array([[-1.0, 0.0, 2.0]]))
    np.testing.assert_array_equal(out, [[0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(layer.backward(np.array([[5.0, 6.0, 7.0]])), [[0.0, 0.0, 7.0]])


def test_sigmoid_at_zero_is_one_half_with_slope_one_quarter():
    layer = Sigmoid()
    np.testing.assert_array_equal(layer.forward(np.zeros((1, 2))), [[0.5, 0.5]])
    np.testing.assert_array_equal(layer.backward(np.array([[1.0, 2.0]])), [[0.25, 0.5]])


def test_identity_passes_values_and_gradients_through():
    layer = Identity()
    x = np.array([[1.0, -2.0]])
    np.testing.assert_array_equal(layer.forward(x), x)
    np.testing.assert_array_equal(layer.backward(np.array([[3.0, 4.0]])), [[3.0, 4.0]])


def test_softmax_with_loss_on_seed_000_logits():
    layer = SoftmaxWithLoss()
    loss = layer.forward(np.array([[0.3, 2.9, 4.0]]), np.array([2]))
    assert loss == pytest.approx(0.30571446, abs=1e-8)
    np.testing.assert_allclose(
        layer.backward(), [[0.01821127, 0.24519181, 0.73659691 - 1]], atol=5e-9
    )


def test_softmax_with_loss_is_the_same_for_labels_and_one_hot_rows():
    x = np.random.default_rng(3).standard_normal((4, 3))
    labels = np.array([2, 0, 1, 2])
    by_label, by_row = SoftmaxWithLoss(), SoftmaxWithLoss()
    assert by_label.forward(x, labels) == pytest.approx(by_row.forward(x, np.eye(3)[labels]))
    np.testing.assert_allclose(by_label.backward(), by_row.backward())


def test_softmax_with_loss_survives_huge_logits():
    layer = SoftmaxWithLoss()
    loss = layer.forward(np.array([[1000.0, 0.0], [0.0, 1000.0]]), np.array([1, 1]))
    assert loss == pytest.approx(500.0)
    assert np.isfinite(layer.backward()).all()


def test_sigmoid_with_loss_at_zero_logits_is_log_two():
    layer = SigmoidWithLoss()
    assert layer.forward(np.zeros((2, 1)), np.array([0.0, 1.0])) == pytest.approx(np.log(2))
    np.testing.assert_allclose(layer.backward(), [[0.25], [-0.25]])


def test_mean_squared_error_loss_matches_the_books_example():
    y = np.array([[0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]])
    t = np.eye(10)[[2]]
    layer = MeanSquaredErrorLoss()
    assert layer.forward(y, t) == pytest.approx(0.0975)
    np.testing.assert_allclose(layer.backward(), y - t)


def test_loss_backward_scales_by_dout():
    layer = SoftmaxWithLoss()
    layer.forward(np.array([[1.0, 2.0]]), np.array([0]))
    np.testing.assert_allclose(layer.backward(3.0), 3 * layer.backward())


def test_dropout_at_inference_returns_x_unchanged():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(Dropout(0.5, np.random.default_rng(0)).forward(x), x)


def test_dropout_while_training_uses_the_generators_mask():
    x = np.ones((50, 40))
    out = Dropout(0.3, np.random.default_rng(4)).forward(x, training=True)
    kept = np.random.default_rng(4).random((50, 40)) >= 0.3
    np.testing.assert_allclose(out, np.where(kept, 1 / 0.7, 0.0))


def test_dropout_backward_passes_gradient_only_through_kept_units():
    layer = Dropout(0.5, np.random.default_rng(5))
    out = layer.forward(np.ones((6, 7)), training=True)
    np.testing.assert_array_equal(layer.backward(np.ones((6, 7))), out)


# --------------------------------------------------------------------------- gradients (hypothesis)


@settings(max_examples=30, deadline=None)
@given(n=SIDES, d=SIDES, h=SIDES, seed=SEEDS)
def test_affine_backward_matches_numerical_gradients(n, d, h, seed):
    rng = np.random.default_rng(seed)
    W, b, x = rng.standard_normal((d, h)), rng.standard_normal(h), rng.standard_normal((n, d))
    dout = rng.standard_normal((n, h))
    layer = Affine(W, b)
    layer.forward(x)
    dx = layer.backward(dout)
    assert_gradients_close(dx, numerical_input_gradient(lambda p: Affine(W, b).forward(p), x, dout))
    assert_gradients_close(
        layer.dW, numerical_input_gradient(lambda p: Affine(p, b).forward(x), W, dout)
    )
    assert_gradients_close(
        layer.db, numerical_input_gradient(lambda p: Affine(W, p).forward(x), b, dout)
    )


ELEMENTWISE = {
    "relu": Relu,
    "sigmoid": Sigmoid,
    "identity": Identity,
    "softmax": Softmax,
    "dropout": lambda: Dropout(0.4, np.random.default_rng(6)),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
@settings(max_examples=20, deadline=None)
@given(n=SIDES, k=st.integers(2, 5), seed=SEEDS)
def test_layer_backward_matches_numerical_gradient(name, n, k, seed):
    rng = np.random.default_rng(seed)
    x = away_from_zero(rng.standard_normal((n, k)))
    dout = rng.standard_normal((n, k))
    make = ELEMENTWISE[name]
    layer = make()
    layer.forward(x, training=True)
    numeric = numerical_input_gradient(lambda p: make().forward(p, training=True), x, dout)
    assert_gradients_close(layer.backward(dout), numeric)


def targets_for(loss_class, n, k, rng):
    if loss_class is SoftmaxWithLoss:
        return rng.integers(0, k, n)
    if loss_class is SigmoidWithLoss:
        return rng.integers(0, 2, (n, k)).astype(float)
    return rng.standard_normal((n, k))


@pytest.mark.parametrize("loss_class", [SoftmaxWithLoss, SigmoidWithLoss, MeanSquaredErrorLoss])
@settings(max_examples=20, deadline=None)
@given(n=SIDES, k=st.integers(1, 5), seed=SEEDS)
def test_loss_layer_backward_matches_numerical_gradient(loss_class, n, k, seed):
    rng = np.random.default_rng(seed)
    x = 3 * rng.standard_normal((n, k))
    t = targets_for(loss_class, n, k, rng)
    layer = loss_class()
    layer.forward(x, t)
    numeric = gradcheck.numerical_gradient(lambda p: loss_class().forward(p, t), x)
    assert_gradients_close(layer.backward(), numeric)


# --------------------------------------------------------------------------- dtypes


ALL_LAYERS = {
    "affine": lambda: Affine(np.ones((4, 3), np.float32), np.zeros(3, np.float32)),
    **ELEMENTWISE,
}


@pytest.mark.parametrize("name", ALL_LAYERS)
def test_float32_in_gives_float32_out_and_gradients(name):
    layer = ALL_LAYERS[name]()
    x = np.random.default_rng(7).standard_normal((2, 4)).astype(np.float32)
    out = layer.forward(x, training=True)
    dx = layer.backward(np.ones_like(out))
    assert out.dtype == np.float32 and dx.dtype == np.float32
    for grad in getattr(layer, "grads", {}).values():
        assert grad.dtype == np.float32


@pytest.mark.parametrize("loss_class", [SoftmaxWithLoss, SigmoidWithLoss, MeanSquaredErrorLoss])
def test_loss_layers_give_a_python_float_and_a_float32_gradient(loss_class):
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 2)).astype(np.float32)
    layer = loss_class()
    loss = layer.forward(x, targets_for(loss_class, 3, 2, rng))
    assert type(loss) is float
    assert layer.backward().dtype == np.float32


# --------------------------------------------------------------------------- the caller's arrays


@pytest.mark.parametrize("name", ALL_LAYERS)
def test_forward_and_backward_never_modify_the_callers_arrays(name):
    layer = ALL_LAYERS[name]()
    rng = np.random.default_rng(9)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    x_before = x.copy()
    out = layer.forward(x, training=True)
    dout = rng.standard_normal(out.shape).astype(np.float32)
    dout_before = dout.copy()
    layer.backward(dout)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(dout, dout_before)


@pytest.mark.parametrize("loss_class", [SoftmaxWithLoss, SigmoidWithLoss, MeanSquaredErrorLoss])
def test_loss_layers_never_modify_scores_or_targets(loss_class):
    rng = np.random.default_rng(10)
    x, t = rng.standard_normal((3, 2)), targets_for(loss_class, 3, 2, rng)
    x_before, t_before = x.copy(), t.copy()
    layer = loss_class()
    layer.forward(x, t)
    layer.backward()
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(t, t_before)


# --------------------------------------------------------------------------- errors


def test_affine_names_both_shapes_when_x_does_not_fit_W():
    layer = Affine(np.ones((4, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=r"x has shape \(2, 5\) but W has shape \(4, 3\)"):
        layer.forward(np.ones((2, 5)))


def test_affine_refuses_a_bias_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"b must have shape \(W.shape\[1\],\) = \(3,\)"):
        Affine(np.ones((4, 3)), np.zeros(4))


def test_affine_refuses_a_list_for_W():
    with pytest.raises(TypeError, match="W must be a NumPy array"):
        Affine([[1.0, 2.0]], np.zeros(2))


def test_affine_refuses_integer_weights():
    with pytest.raises(TypeError, match=r"W\.dtype must be float32 or float64"):
        Affine(np.ones((2, 2), dtype=int), np.zeros(2))


def test_affine_refuses_weights_and_bias_of_different_dtypes():
    with pytest.raises(TypeError, match="same dtype"):
        Affine(np.ones((2, 2), np.float32), np.zeros(2))


def test_affine_refuses_nan_weights():
    with pytest.raises(ValueError, match="W must be finite"):
        Affine(np.full((2, 2), np.nan), np.zeros(2))


@pytest.mark.parametrize("name", ALL_LAYERS)
def test_backward_before_forward_raises(name):
    with pytest.raises(RuntimeError, match="backward was called before forward"):
        ALL_LAYERS[name]().backward(np.ones((2, 3)))


@pytest.mark.parametrize("name", ALL_LAYERS)
def test_backward_refuses_dout_of_another_shape(name):
    layer = ALL_LAYERS[name]()
    layer.forward(np.ones((2, 4), np.float32))
    with pytest.raises(ValueError, match=r"dout must have the shape of .* got \(2, 5\)"):
        layer.backward(np.ones((2, 5)))


@pytest.mark.parametrize("name", ALL_LAYERS)
def test_forward_refuses_an_empty_batch(name):
    with pytest.raises(ValueError, match="empty"):
        ALL_LAYERS[name]().forward(np.ones((0, 4)))


@pytest.mark.parametrize("name", ALL_LAYERS)
def test_forward_refuses_a_training_flag_that_is_not_a_bool(name):
    with pytest.raises(TypeError, match="training must be True or False"):
        ALL_LAYERS[name]().forward(np.ones((2, 4)), training="yes")


@pytest.mark.parametrize(("rate", "error"), [(1.0, ValueError), (-0.1, ValueError),
                                             ("0.5", TypeError)])
def test_dropout_refuses_a_bad_rate(rate, error):
    with pytest.raises(error, match="rate"):
        Dropout(rate, np.random.default_rng(0))


def test_dropout_needs_a_generator_not_a_seed():
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        Dropout(0.5, 0)


def test_softmax_with_loss_refuses_labels_out_of_range():
    with pytest.raises(ValueError, match=r"t must lie in \[0, 3\)"):
        SoftmaxWithLoss().forward(np.zeros((2, 3)), np.array([0, 3]))


def test_softmax_with_loss_refuses_float_labels():
    with pytest.raises(TypeError, match="integer class labels"):
        SoftmaxWithLoss().forward(np.zeros((2, 3)), np.array([0.0, 1.0]))


def test_softmax_with_loss_refuses_one_label_too_many():
    with pytest.raises(ValueError, match="t has 3 labels but x has 2 rows"):
        SoftmaxWithLoss().forward(np.zeros((2, 3)), np.array([0, 1, 2]))


def test_loss_layer_says_nan_scores_mean_divergence():
    with pytest.raises(ValueError, match="diverged"):
        SoftmaxWithLoss().forward(np.array([[np.nan, 0.0]]), np.array([0]))


def test_sigmoid_with_loss_refuses_targets_outside_zero_one():
    with pytest.raises(ValueError, match=r"t must lie in \[0, 1\]"):
        SigmoidWithLoss().forward(np.zeros((2, 1)), np.array([0.0, 2.0]))


def test_mean_squared_error_loss_names_the_expected_target_shape():
    with pytest.raises(ValueError, match=r"t must have the shape of the scores \(2, 3\)"):
        MeanSquaredErrorLoss().forward(np.zeros((2, 3)), np.zeros(2))


def test_loss_backward_before_forward_raises():
    with pytest.raises(RuntimeError, match="before forward"):
        SoftmaxWithLoss().backward()


# --------------------------------------------------------------------------- repr


def test_reprs_name_the_layer_and_its_shape():
    assert repr(Affine(np.ones((784, 100), np.float32), np.zeros(100, np.float32))) == (
        "Affine(784 -> 100, float32)"
    )
    assert repr(Dropout(0.5, np.random.default_rng(0))) == "Dropout(rate=0.5)"
    assert repr(SoftmaxWithLoss()) == "SoftmaxWithLoss()"


def test_layernet_repr_lists_its_layers():
    net = LayerNet.mlp([4, 3, 2], rng=0)
    assert repr(net) == (
        "LayerNet(\n  Affine(4 -> 3, float32)\n  Relu()\n  Affine(3 -> 2, float32)\n"
        "  loss: SoftmaxWithLoss()\n)"
    )


# --------------------------------------------------------------------------- LayerNet


def test_mlp_has_the_weights_of_init_params():
    net = LayerNet.mlp([5, 4, 3], rng=0)
    expected = network.init_params([5, 4, 3], rng=0)
    assert list(net.params) == ["W1", "b1", "W2", "b2"]
    for key in expected:
        np.testing.assert_array_equal(net.params[key], expected[key])
        assert net.params[key].dtype == np.float32


def test_params_are_the_layers_own_arrays():
    net = LayerNet.mlp([5, 4, 3], rng=0)
    assert net.params["W1"] is net.layers[0].W
    assert net.params["b2"] is net.layers[2].b


def test_from_params_uses_the_given_arrays_without_copying():
    params = network.init_params([3, 2], rng=0)
    net = LayerNet.from_params(params)
    assert net.params["W1"] is params["W1"]


def test_params_updated_in_place_change_the_prediction():
    net = LayerNet.mlp([3, 2], rng=0)
    x = np.ones((1, 3), np.float32)
    net.params["b1"] += 1.0
    np.testing.assert_allclose(net.predict(x), x @ net.params["W1"] + net.params["b1"])


def test_replacing_a_parameter_array_is_refused():
    net = LayerNet.mlp([3, 2], rng=0)
    with pytest.raises(TypeError, match="params\\['W1'\\] cannot be replaced"):
        net.params["W1"] = net.params["W1"] - 0.1


def test_params_cannot_gain_entries():
    net = LayerNet.mlp([3, 2], rng=0)
    with pytest.raises(TypeError, match="cannot gain or lose"):
        net.params.update({"W9": np.zeros(1)})


def test_set_params_copies_values_in_place():
    net = LayerNet.mlp([3, 2], rng=0)
    W1 = net.params["W1"]
    net.set_params({"W1": np.ones((3, 2)), "b1": np.zeros(2)})
    assert net.params["W1"] is W1
    np.testing.assert_array_equal(W1, np.ones((3, 2)))
    assert W1.dtype == np.float32


def test_set_params_names_missing_and_unexpected_keys():
    net = LayerNet.mlp([3, 2], rng=0)
    with pytest.raises(ValueError, match=r"missing \['b1'\], unexpected \['b2'\]"):
        net.set_params({"W1": np.ones((3, 2)), "b2": np.zeros(2)})


def test_set_params_refuses_a_wrong_shape_and_changes_nothing():
    net = LayerNet.mlp([3, 2], rng=0)
    before = net.params["W1"].copy()
    with pytest.raises(ValueError, match=r"params\['b1'\] has shape \(3,\)"):
        net.set_params({"W1": np.ones((3, 2)), "b1": np.zeros(3)})
    np.testing.assert_array_equal(net.params["W1"], before)


class ScaleShift:
    """A test layer ``gamma * x + beta``, with BatchNormalization's parameter names."""

    def __init__(self, gamma, beta):
        self.gamma, self.beta = gamma, beta
        self.x = self.dgamma = self.dbeta = None

    @property
    def params(self):
        return {"gamma": self.gamma, "beta": self.beta}

    @property
    def grads(self):
        return {"gamma": self.dgamma, "beta": self.dbeta}

    def forward(self, x, training=False):
        self.x = x
        return self.gamma * x + self.beta

    def backward(self, dout):
        self.dgamma = (dout * self.x).sum(axis=0)
        self.dbeta = dout.sum(axis=0)
        return dout * self.gamma


def scale_shift_net(rng):
    W1, W2 = rng.standard_normal((4, 3)), rng.standard_normal((3, 2))
    return LayerNet(
        [
            Affine(W1, rng.standard_normal(3)),
            ScaleShift(1 + rng.random(3), rng.standard_normal(3)),
            Relu(),
            Affine(W2, rng.standard_normal(2)),
            ScaleShift(1 + rng.random(2), rng.standard_normal(2)),
        ],
        SoftmaxWithLoss(),
    )


def test_a_new_parameter_layer_is_numbered_like_the_books_batch_norm():
    net = scale_shift_net(np.random.default_rng(0))
    assert list(net.params) == ["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2"]


def test_a_network_with_a_new_parameter_layer_matches_numerical_gradients():
    rng = np.random.default_rng(11)
    net = scale_shift_net(rng)
    x, t = rng.standard_normal((5, 4)), rng.integers(0, 2, 5)
    _, grads = net.gradient(x, t)
    numeric = numerical_network_gradients(net, x, t)
    assert list(grads) == list(net.params)
    for key in net.params:
        assert_gradients_close(grads[key], numeric[key])


def test_a_book_style_first_layer_without_compute_dx_works():
    class BookAffine:
        def __init__(self, W, b):
            self.W, self.b = W, b

        @property
        def params(self):
            return {"W": self.W, "b": self.b}

        @property
        def grads(self):
            return {"W": self.dW, "b": self.db}

        def forward(self, x, training=False):
            self.x = x
            return x @ self.W + self.b

        def backward(self, dout):
            self.dW, self.db = self.x.T @ dout, dout.sum(axis=0)
            return dout @ self.W.T

    params = network.init_params([4, 3, 2], rng=1, dtype=np.float64)
    x, t = np.random.default_rng(2).standard_normal((3, 4)), np.array([0, 1, 1])
    ours = LayerNet.from_params({key: value.copy() for key, value in params.items()})
    book = LayerNet([BookAffine(params["W1"], params["b1"]), Relu(),
                     Affine(params["W2"], params["b2"])], SoftmaxWithLoss())
    _, expected = ours.gradient(x, t)
    _, grads = book.gradient(x, t)
    for key in params:
        np.testing.assert_allclose(grads[key], expected[key])


def test_layernet_refuses_a_loss_layer_among_the_layers():
    with pytest.raises(ValueError, match=r"layers\[1\] is a loss layer"):
        LayerNet([Relu(), SoftmaxWithLoss()], SoftmaxWithLoss())


def test_layernet_refuses_the_same_layer_object_twice():
    relu = Relu()
    with pytest.raises(ValueError, match="same layer object twice"):
        LayerNet([relu, relu], SoftmaxWithLoss())


def test_layernet_refuses_something_that_is_not_a_layer():
    with pytest.raises(TypeError, match=r"layers\[0\] must be a layer"):
        LayerNet(["relu"], SoftmaxWithLoss())


def test_layernet_refuses_an_array_shared_by_two_layers():
    W, b = np.ones((2, 2)), np.zeros(2)
    with pytest.raises(ValueError, match="same array"):
        LayerNet([Affine(W, b), Affine(W, np.zeros(2))], SoftmaxWithLoss())


def test_layernet_needs_a_loss_layer():
    with pytest.raises(TypeError, match="loss_layer must be a loss layer"):
        LayerNet([Relu()], Relu())


def test_from_params_refuses_cross_entropy_on_an_identity_output():
    with pytest.raises(ValueError, match="cross_entropy needs a softmax or sigmoid output"):
        LayerNet.from_params(network.init_params([2, 2], rng=0), output="identity")


def test_from_params_with_dropout_needs_a_generator():
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        LayerNet.from_params(network.init_params([2, 3, 2], rng=0), dropout_rate=0.5)


def test_layernet_gradients_are_float32_for_a_float32_network():
    net = LayerNet.mlp([4, 3, 2], rng=0)
    x = np.ones((2, 4), np.float32)
    loss, grads = net.gradient(x, np.array([0, 1]))
    assert type(loss) is float
    assert all(grad.dtype == np.float32 for grad in grads.values())
    assert net.predict(x).dtype == np.float32


@settings(max_examples=15, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    hidden=st.sampled_from(["relu", "sigmoid", "identity"]),
    seed=SEEDS,
)
def test_layernet_gradient_matches_numerical_gradients(sizes, hidden, seed):
    rng = np.random.default_rng(seed)
    sizes[-1] = max(sizes[-1], 2)
    net = LayerNet.mlp(sizes, hidden=hidden, rng=rng, dtype=np.float64)
    for value in net.params.values():
        value += 0.1 * rng.standard_normal(value.shape)
    x, t = rng.standard_normal((3, sizes[0])), rng.integers(0, sizes[-1], 3)
    z = x
    for i in range(1, len(sizes) - 1):  # ReLU's kink must lie further than h from every input
        a = z @ net.params[f"W{i}"] + net.params[f"b{i}"]
        assume(hidden != "relu" or np.min(np.abs(a)) > 1e-3)
        z = np.maximum(a, 0) if hidden == "relu" else a
    _, grads = net.gradient(x, t)
    numeric = numerical_network_gradients(net, x, t)
    for key in net.params:
        assert_gradients_close(grads[key], numeric[key], rtol=1e-5, atol=1e-7)


def test_the_books_closure_idiom_gives_the_gradient_of_a_float64_layernet():
    net = LayerNet.mlp([4, 5, 3], rng=0, dtype=np.float64)
    x, t = np.random.default_rng(1).standard_normal((6, 4)), np.array([0, 1, 2, 2, 1, 0])
    _, grads = net.gradient(x, t)
    before = net.params["W1"].copy()
    numeric = gradcheck.numerical_gradient(lambda _: net.loss(x, t), net.params["W1"])
    assert_gradients_close(grads["W1"], numeric)
    np.testing.assert_array_equal(net.params["W1"], before)


def test_numerical_gradients_of_a_float32_layernet_fail_clearly():
    net = LayerNet.mlp([4, 3], rng=0)
    x, t = np.ones((2, 4), np.float32), np.array([0, 1])
    with pytest.raises(TypeError, match="float64"):
        gradcheck.numerical_gradients(lambda _: net.loss(x, t), net.params)


def test_dropout_network_gradient_matches_numerical_gradients_for_a_fixed_mask():
    params = network.init_params([4, 6, 5, 3], rng=1, dtype=np.float64)
    x, t = np.random.default_rng(2).standard_normal((5, 4)), np.array([0, 2, 1, 1, 0])

    def net_with_mask(p):
        return LayerNet.from_params(p, dropout_rate=0.5, rng=np.random.default_rng(3))

    _, grads = net_with_mask(params).gradient(x, t)
    numeric = gradcheck.numerical_gradients(
        lambda p: net_with_mask(p).loss(x, t, training=True), params
    )
    for key in params:
        assert_gradients_close(grads[key], numeric[key])
    assert np.any(grads["W2"] == 0)  # the masks really drop units


# --------------------------------------------------------------------------- inference mode


def dropout_net_and_twin(rate=0.5):
    """A network with heavy dropout, and the same weights without dropout."""
    params = network.init_params([6, 8, 8, 3], rng=0, dtype=np.float64)
    with_dropout = LayerNet.from_params(params, dropout_rate=rate, rng=np.random.default_rng(1))
    return with_dropout, LayerNet.from_params(params)


def test_predict_never_drops_units():
    net, twin = dropout_net_and_twin()
    x = np.random.default_rng(2).standard_normal((20, 6))
    np.testing.assert_array_equal(net.predict(x), twin.predict(x))


def test_accuracy_and_evaluate_never_drop_units():
    net, twin = dropout_net_and_twin()
    rng = np.random.default_rng(3)
    x, t = rng.standard_normal((50, 6)), rng.integers(0, 3, 50)
    assert net.accuracy(x, t) == twin.accuracy(x, t)
    assert net.evaluate(x, t) == twin.evaluate(x, t)


def test_loss_is_measured_in_inference_mode_by_default():
    net, twin = dropout_net_and_twin()
    rng = np.random.default_rng(4)
    x, t = rng.standard_normal((10, 6)), rng.integers(0, 3, 10)
    assert net.loss(x, t) == twin.loss(x, t)
    assert net.loss(x, t, training=True) != twin.loss(x, t)


def test_gradient_trains_with_dropout():
    net, twin = dropout_net_and_twin()
    rng = np.random.default_rng(5)
    x, t = rng.standard_normal((10, 6)), rng.integers(0, 3, 10)
    assert net.gradient(x, t)[0] != twin.gradient(x, t)[0]


# --------------------------------------------------------------------------- evaluation


def test_accuracy_in_small_batches_equals_accuracy_in_one():
    net = LayerNet.mlp([5, 4, 3], rng=0)
    rng = np.random.default_rng(6)
    x, t = rng.standard_normal((53, 5)).astype(np.float32), rng.integers(0, 3, 53)
    expected = np.mean(np.argmax(net.predict(x), axis=1) == t)
    assert net.accuracy(x, t, batch_size=7) == pytest.approx(expected)
    assert net.accuracy(x, t) == pytest.approx(expected)


def test_accuracy_accepts_one_hot_targets():
    net = LayerNet.mlp([5, 3], rng=0)
    x, t = np.random.default_rng(7).standard_normal((9, 5)), np.arange(9) % 3
    assert net.accuracy(x, np.eye(3)[t]) == net.accuracy(x, t)


def test_accuracy_of_a_single_sigmoid_output_thresholds_the_logit_at_zero():
    W, b = np.array([[1.0]]), np.array([0.0])
    net = LayerNet([Affine(W, b)], SigmoidWithLoss())
    assert net.accuracy(np.array([[-2.0], [-1.0], [1.0], [3.0]]), np.array([0, 1, 1, 1])) == 0.75


def test_evaluate_in_batches_gives_the_mean_loss_over_all_samples():
    net = LayerNet.mlp([5, 4, 3], rng=0, dtype=np.float64)
    rng = np.random.default_rng(8)
    x, t = rng.standard_normal((23, 5)), rng.integers(0, 3, 23)
    measured = net.evaluate(x, t, batch_size=5)
    assert measured["loss"] == pytest.approx(net.loss(x, t), rel=1e-12)
    assert measured["accuracy"] == net.accuracy(x, t)


def test_evaluate_without_accuracy_suits_a_regression():
    net = LayerNet.mlp([3, 1], output="identity", loss="mse", rng=0, dtype=np.float64)
    x, y = np.ones((4, 3)), np.linspace(-2.0, 5.0, 4)
    assert net.evaluate(x, y, accuracy=False) == {"loss": pytest.approx(net.loss(x, y))}


def test_accuracy_refuses_targets_of_another_length():
    net = LayerNet.mlp([5, 3], rng=0)
    with pytest.raises(ValueError, match=r"need one target per row"):
        net.accuracy(np.ones((4, 5)), np.zeros(3, dtype=int))


def test_predict_refuses_nan_scores():
    net = LayerNet.mlp([2, 2], rng=0, dtype=np.float64)
    with pytest.raises(ValueError, match="scores hold NaN"):
        net.predict(np.array([[np.nan, 0.0]]))


def test_predict_says_how_to_pass_one_sample():
    net = LayerNet.mlp([5, 3], rng=0)
    with pytest.raises(ValueError, match=r"got shape \(5,\) \(one sample: x.reshape\(1, -1\)\)"):
        net.predict(np.ones(5))


def test_predict_names_shapes_that_do_not_fit():
    net = LayerNet.mlp([5, 3], rng=0)
    with pytest.raises(ValueError, match=r"x has shape \(2, 4\) but W has shape \(5, 3\)"):
        net.predict(np.ones((2, 4)))


# --------------------------------------------------------------------------- one engine


PAIRINGS = [
    ("softmax", "cross_entropy"),
    ("sigmoid", "cross_entropy"),
    ("identity", "mse"),
    ("sigmoid", "mse"),
    ("softmax", "mse"),
]


def functional_targets(output, loss, n, k, rng):
    if output == "softmax" and loss == "cross_entropy":
        return rng.integers(0, k, n)
    if output == "sigmoid" and loss == "cross_entropy":
        return rng.integers(0, 2, (n, k)).astype(float)
    return rng.random((n, k))


SIZES = [[3, 4, 2], [5, 7, 6, 3], [2, 3, 3, 3, 1]]
ONE_ENGINE_CASES = [
    (sizes, output, loss)
    for sizes in SIZES
    for output, loss in PAIRINGS
    if not (output == "softmax" and sizes[-1] == 1)  # a softmax over one output is constant
]


@pytest.mark.parametrize("hidden", ["sigmoid", "relu", "identity"])
@pytest.mark.parametrize(("sizes", "output", "loss"), ONE_ENGINE_CASES)
def test_layernet_and_functional_backprop_give_the_same_loss_and_gradients(
    sizes, hidden, output, loss
):
    rng = np.random.default_rng(sum(sizes))
    params = network.init_params(sizes, rng=rng, dtype=np.float64)
    for value in params.values():
        value += 0.1 * rng.standard_normal(value.shape)
    x, t = rng.standard_normal((6, sizes[0])), functional_targets(output, loss, 6, sizes[-1], rng)
    expected_loss, expected = backprop.gradients(
        params, x, t, hidden=hidden, output=output, loss=loss
    )
    net = LayerNet.from_params(params, hidden=hidden, output=output, loss=loss)
    value, grads = net.gradient(x, t)
    assert value == pytest.approx(expected_loss, rel=1e-12)
    for key in params:
        np.testing.assert_allclose(grads[key], expected[key], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("hidden", ["sigmoid", "relu"])
def test_layernet_and_functional_backprop_draw_the_same_dropout_masks(hidden):
    params = network.init_params([5, 8, 7, 3], rng=0, dtype=np.float64)
    x, t = np.random.default_rng(1).standard_normal((6, 5)), np.array([0, 1, 2, 2, 1, 0])
    expected_loss, expected = backprop.gradients(
        params, x, t, hidden=hidden, dropout_rate=0.4, rng=np.random.default_rng(2)
    )
    net = LayerNet.from_params(params, hidden=hidden, dropout_rate=0.4,
                               rng=np.random.default_rng(2))
    value, grads = net.gradient(x, t)
    assert value == pytest.approx(expected_loss, rel=1e-12)
    for key in params:
        np.testing.assert_allclose(grads[key], expected[key], rtol=1e-10, atol=1e-14)


def test_float32_layernet_and_functional_backprop_agree_to_float32_rounding():
    params = network.init_params([784, 100, 10], rng=0)
    rng = np.random.default_rng(3)
    x, t = rng.random((100, 784), dtype=np.float32), rng.integers(0, 10, 100)
    expected_loss, expected = backprop.gradients(params, x, t, hidden="relu")
    value, grads = LayerNet.from_params(params).gradient(x, t)
    assert value == pytest.approx(expected_loss, rel=1e-5)
    for key in params:
        np.testing.assert_allclose(grads[key], expected[key], rtol=1e-4, atol=1e-6)


def test_a_deep_copy_of_a_network_trains_independently():
    net = LayerNet.mlp([3, 4, 2], rng=0)
    before = net.params["W1"].copy()
    twin = copy.deepcopy(net)
    assert twin.params["W1"] is twin.layers[0].W
    twin.params["W1"] -= 1.0
    np.testing.assert_array_equal(net.params["W1"], before)
    np.testing.assert_array_equal(twin.layers[0].W, before - 1.0)
