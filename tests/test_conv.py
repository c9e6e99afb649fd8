"""Convolution, pooling, im2col/col2im and the book's ConvNet: against loops written here,
numerical gradients, adjoint identities, dtypes, bad shapes, and a loss that goes down."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import conv, gradcheck, optimizers, training
from nnlib.conv import Convolution, Pooling, col2im, im2col, simple_conv_net
from nnlib.layers import Affine, LayerNet, Relu, SoftmaxWithLoss

SEEDS = st.integers(0, 2**32 - 1)


# --------------------------------------------------------------------------- references (loops)


def padded(x, pad, fill=0.0):
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=fill)


def loop_convolution(x, W, b, stride, pad):
    """The definition, one output value at a time."""
    n, _, height, width = x.shape
    filters, _, filter_h, filter_w = W.shape
    out_h = (height + 2 * pad - filter_h) // stride + 1
    out_w = (width + 2 * pad - filter_w) // stride + 1
    xp = padded(x, pad)
    out = np.zeros((n, filters, out_h, out_w))
    for image in range(n):
        for f in range(filters):
            for i in range(out_h):
                for j in range(out_w):
                    window = xp[image, :, i * stride : i * stride + filter_h,
                                j * stride : j * stride + filter_w]
                    out[image, f, i, j] = np.sum(window * W[f]) + b[f]
    return out


def loop_max_pooling(x, pool_h, pool_w, stride, pad):
    """Each window's maximum, one output value at a time; padding never wins (-inf)."""
    n, c, height, width = x.shape
    out_h = (height + 2 * pad - pool_h) // stride + 1
    out_w = (width + 2 * pad - pool_w) // stride + 1
    xp = padded(x, pad, fill=-np.inf)
    out = np.zeros((n, c, out_h, out_w))
    for image in range(n):
        for channel in range(c):
            for i in range(out_h):
                for j in range(out_w):
                    out[image, channel, i, j] = xp[image, channel, i * stride : i * stride + pool_h,
                                                   j * stride : j * stride + pool_w].max()
    return out


def loop_im2col(x, filter_h, filter_w, stride, pad):
    """One row per window, windows in (n, i, j) order, values in (c, y, x) order."""
    n, _, height, width = x.shape
    out_h = (height + 2 * pad - filter_h) // stride + 1
    out_w = (width + 2 * pad - filter_w) // stride + 1
    xp = padded(x, pad)
    rows = []
    for image in range(n):
        for i in range(out_h):
            for j in range(out_w):
                rows.append(xp[image, :, i * stride : i * stride + filter_h,
                               j * stride : j * stride + filter_w].ravel())
    return np.array(rows)


@st.composite
def geometries(draw, max_window=3):
    """(x_shape, window_h, window_w, stride, pad) whose windows tile the padded input exactly.

    Drawn from the output size, so every draw fits: H = (OH - 1) * stride + FH - 2 * pad.
    """
    window_h = draw(st.integers(1, max_window))
    window_w = draw(st.integers(1, max_window))
    stride = draw(st.integers(1, 3))
    pad = draw(st.integers(0, min(window_h, window_w) - 1))
    out_h, out_w = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    height = (out_h - 1) * stride + window_h - 2 * pad
    width = (out_w - 1) * stride + window_w - 2 * pad
    if height < 1:
        height += stride * (-(-(1 - height) // stride))
    if width < 1:
        width += stride * (-(-(1 - width) // stride))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), height, width)
    return shape, window_h, window_w, stride, pad


def numerical_input_gradient(forward, x, dout):
    """Central differences of ``sum(forward(x) * dout)``, whose gradient is backward(dout)."""
    return gradcheck.numerical_gradient(lambda point: np.sum(forward(point) * dout), x)


def assert_gradients_close(analytic, numeric, rtol=1e-6, atol=1e-8):
    result = gradcheck.compare("grad", analytic, numeric, rtol=rtol, atol=atol)
    assert result.close, str(result)


def distinct_values(rng, shape, spacing=0.01):
    """Values all at least ``spacing`` apart, so a central difference never swaps two maxima."""
    return (rng.permutation(np.prod(shape)).reshape(shape) - np.prod(shape) / 2) * spacing


# --------------------------------------------------------------------------- output size


def test_output_size_is_the_books_formula():
    assert conv.output_size(28, 5) == 24
    assert conv.output_size(28, 5, stride=1, pad=2) == 28
    assert conv.output_size(24, 2, stride=2) == 12
    assert conv.output_size(7, 3, stride=2, pad=1) == 4


def test_output_size_names_the_formula_when_the_stride_does_not_divide():
    with pytest.raises(ValueError, match=r"\(input_size \+ 2\*pad - filter_size\) / stride \+ 1"
                                         r" = \(28 \+ 2\*0 - 5\) / 2 \+ 1 = 12\.5"):
        conv.output_size(28, 5, stride=2)


def test_output_size_refuses_a_filter_larger_than_the_padded_input():
    with pytest.raises(ValueError, match="smaller than the window"):
        conv.output_size(3, 5, pad=0)


@pytest.mark.parametrize("argument, value, error", [
    ("input_size", 0, ValueError), ("filter_size", 2.0, TypeError), ("stride", 0, ValueError),
    ("pad", -1, ValueError), ("stride", True, TypeError),
])
def test_output_size_checks_its_arguments(argument, value, error):
    arguments = {"input_size": 28, "filter_size": 5, "stride": 1, "pad": 0, argument: value}
    with pytest.raises(error, match=argument):
        conv.output_size(**arguments)


def test_output_size_accepts_numpy_integers():
    assert conv.output_size(np.int64(28), np.int32(5), np.uint8(1), np.int16(0)) == 24


# --------------------------------------------------------------------------- im2col and col2im


@settings(max_examples=40, deadline=None)
@given(geometry=geometries(), seed=SEEDS)
def test_im2col_matches_a_loop_over_windows(geometry, seed):
    shape, filter_h, filter_w, stride, pad = geometry
    x = np.random.default_rng(seed).standard_normal(shape)
    np.testing.assert_array_equal(im2col(x, filter_h, filter_w, stride, pad),
                                  loop_im2col(x, filter_h, filter_w, stride, pad))


@settings(max_examples=40, deadline=None)
@given(geometry=geometries(), seed=SEEDS)
def test_col2im_is_the_adjoint_of_im2col(geometry, seed):
    shape, filter_h, filter_w, stride, pad = geometry
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    col = im2col(x, filter_h, filter_w, stride, pad)
    y = rng.standard_normal(col.shape)
    back = col2im(y, shape, filter_h, filter_w, stride, pad)
    assert back.shape == shape
    assert np.sum(col * y) == pytest.approx(np.sum(x * back), rel=1e-12, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(geometry=geometries(), seed=SEEDS)
def test_col2im_of_im2col_multiplies_each_pixel_by_its_window_count(geometry, seed):
    shape, filter_h, filter_w, stride, pad = geometry
    x = np.random.default_rng(seed).standard_normal(shape)
    count = col2im(im2col(np.ones(shape), filter_h, filter_w, stride, pad), shape, filter_h,
                   filter_w, stride, pad)
    round_trip = col2im(im2col(x, filter_h, filter_w, stride, pad), shape, filter_h, filter_w,
                        stride, pad)
    np.testing.assert_allclose(round_trip, x * count, rtol=1e-12, atol=1e-12)


def test_col2im_of_im2col_is_the_identity_when_windows_tile_without_overlap():
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 4))
    np.testing.assert_array_equal(col2im(im2col(x, 2, 2, stride=2), x.shape, 2, 2, stride=2), x)


def test_im2col_has_one_row_per_window_and_one_column_per_filter_weight():
    col = im2col(np.zeros((100, 1, 28, 28), np.float32), 5, 5)
    assert col.shape == (100 * 24 * 24, 25)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_im2col_and_col2im_keep_the_dtype(dtype):
    x = np.ones((2, 1, 4, 4), dtype=dtype)
    col = im2col(x, 3, 3)
    assert col.dtype == dtype
    assert col2im(col, x.shape, 3, 3).dtype == dtype


def test_im2col_never_modifies_its_input():
    x = np.random.default_rng(1).standard_normal((2, 2, 5, 5))
    before = x.copy()
    im2col(x, 3, 3, stride=2, pad=1)[...] = 0.0
    np.testing.assert_array_equal(x, before)


def test_im2col_names_both_sizes_and_the_formula_when_the_windows_do_not_fit():
    with pytest.raises(ValueError, match=r"height H=28 does not fit filter_h=5 with stride=2.*"
                                         r"\(H \+ 2\*pad - filter_h\) / stride \+ 1"):
        im2col(np.zeros((1, 1, 28, 28)), 5, 5, stride=2)


def test_im2col_refuses_a_batch_of_flat_rows():
    with pytest.raises(ValueError, match=r"x must be a 4-D batch.*\(2, 784\)"):
        im2col(np.zeros((2, 784)), 5, 5)


def test_im2col_refuses_an_empty_batch():
    with pytest.raises(ValueError, match="at least one image"):
        im2col(np.zeros((0, 1, 5, 5)), 3, 3)


def test_col2im_names_the_shape_it_expects():
    with pytest.raises(ValueError, match=r"col must have shape .*\(18, 9\)"):
        col2im(np.zeros((18, 8)), (2, 1, 5, 5), 3, 3)


def test_col2im_refuses_an_x_shape_that_is_not_a_tuple_of_four():
    with pytest.raises(TypeError, match="x_shape must be a tuple"):
        col2im(np.zeros((18, 9)), [2, 1, 5, 5], 3, 3)


# --------------------------------------------------------------------------- convolution


def convolution_case(geometry, seed, filters=2):
    shape, filter_h, filter_w, stride, pad = geometry
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((filters, shape[1], filter_h, filter_w))
    b = rng.standard_normal(filters)
    x = rng.standard_normal(shape)
    return x, W, b, stride, pad


@settings(max_examples=40, deadline=None)
@given(geometry=geometries(), filters=st.integers(1, 3), seed=SEEDS)
def test_convolution_forward_matches_the_loop_definition(geometry, filters, seed):
    x, W, b, stride, pad = convolution_case(geometry, seed, filters)
    out = Convolution(W, b, stride, pad).forward(x)
    np.testing.assert_allclose(out, loop_convolution(x, W, b, stride, pad), rtol=1e-12,
                               atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(geometry=geometries(), seed=SEEDS)
def test_convolution_backward_matches_numerical_gradients(geometry, seed):
    x, W, b, stride, pad = convolution_case(geometry, seed)
    layer = Convolution(W, b, stride, pad)
    out = layer.forward(x)
    dout = np.random.default_rng(seed + 1).standard_normal(out.shape)
    dx = layer.backward(dout)

    assert_gradients_close(dx, numerical_input_gradient(
        lambda p: Convolution(W, b, stride, pad).forward(p), x, dout))
    assert_gradients_close(layer.dW, numerical_input_gradient(
        lambda p: Convolution(p, b, stride, pad).forward(x), W, dout))
    assert_gradients_close(layer.db, numerical_input_gradient(
        lambda p: Convolution(W, p, stride, pad).forward(x), b, dout))


def test_convolution_without_dx_fills_the_same_gradients_and_returns_none():
    x, W, b, stride, pad = convolution_case(((2, 3, 6, 6), 3, 3, 1, 1), seed=4)
    full, first = Convolution(W, b, stride, pad), Convolution(W, b, stride, pad)
    dout = np.ones_like(full.forward(x))
    first.forward(x)
    full.backward(dout)
    assert first.backward(dout, compute_dx=False) is None
    np.testing.assert_array_equal(first.dW, full.dW)
    np.testing.assert_array_equal(first.db, full.db)


def test_convolution_sees_an_in_place_update_of_its_filters():
    W, b = np.ones((1, 1, 2, 2)), np.zeros(1)
    layer = Convolution(W, b)
    W *= 0.0
    np.testing.assert_array_equal(layer.forward(np.ones((1, 1, 3, 3))), np.zeros((1, 1, 2, 2)))


@pytest.mark.parametrize("pad", [0, 1])
def test_convolution_keeps_float32_forward_and_backward(pad):
    rng = np.random.default_rng(5)
    W = rng.standard_normal((4, 2, 3, 3)).astype(np.float32)
    layer = Convolution(W, np.zeros(4, np.float32), pad=pad)
    out = layer.forward(rng.standard_normal((3, 2, 5, 5)).astype(np.float32))
    dx = layer.backward(np.ones(out.shape, np.float32))
    assert (out.dtype, dx.dtype, layer.dW.dtype, layer.db.dtype) == (np.float32,) * 4


def test_convolution_backward_never_modifies_the_callers_arrays():
    x, W, b, stride, pad = convolution_case(((2, 2, 5, 5), 3, 3, 2, 1), seed=6)
    layer = Convolution(W, b, stride, pad)
    out = layer.forward(x)
    dout = np.random.default_rng(7).standard_normal(out.shape)
    saved = [array.copy() for array in (x, W, b, dout)]
    layer.backward(dout)
    for array, before in zip((x, W, b, dout), saved, strict=True):
        np.testing.assert_array_equal(array, before)


def test_convolution_names_the_channels_when_x_does_not_match_the_filters():
    layer = Convolution(np.zeros((2, 3, 3, 3)), np.zeros(2))
    with pytest.raises(ValueError, match=r"1 channel\(s\).*expect C=3"):
        layer.forward(np.zeros((1, 1, 5, 5)))


def test_convolution_names_the_formula_when_the_stride_does_not_divide():
    layer = Convolution(np.zeros((2, 1, 5, 5)), np.zeros(2), stride=2)
    with pytest.raises(ValueError, match=r"width W=28 does not fit FW=5 with stride=2.*12\.5"):
        layer.forward(np.zeros((1, 1, 27, 28)))


def test_convolution_refuses_an_image_smaller_than_the_filter():
    layer = Convolution(np.zeros((1, 1, 5, 5)), np.zeros(1))
    with pytest.raises(ValueError, match=r"height H=3 with pad=0 is smaller than the window FH=5"):
        layer.forward(np.zeros((1, 1, 3, 8)))


@pytest.mark.parametrize("W, b, message, error", [
    (np.zeros((2, 3, 3)), np.zeros(2), "W must be a 4-D array", ValueError),
    (np.zeros((2, 1, 3, 3)), np.zeros(3), r"b must have shape \(FN,\) = \(2,\)", ValueError),
    (np.zeros((2, 1, 3, 3)).tolist(), np.zeros(2), "W must be a NumPy array", TypeError),
    (np.zeros((2, 1, 3, 3), int), np.zeros(2), "W.dtype", TypeError),
    (np.zeros((2, 1, 3, 3)), np.zeros(2, np.float32), "same dtype", TypeError),
    (np.full((2, 1, 3, 3), np.nan), np.zeros(2), "W must be finite", ValueError),
])
def test_convolution_refuses_bad_parameters(W, b, message, error):
    with pytest.raises(error, match=message):
        Convolution(W, b)


@pytest.mark.parametrize("stride, pad, error", [
    (0, 0, ValueError), (1.5, 0, TypeError), (1, -1, ValueError), (1, "1", TypeError),
])
def test_convolution_refuses_a_bad_stride_or_pad(stride, pad, error):
    with pytest.raises(error, match="stride" if stride != 1 else "pad"):
        Convolution(np.zeros((1, 1, 2, 2)), np.zeros(1), stride=stride, pad=pad)


def test_convolution_backward_before_forward_raises():
    with pytest.raises(RuntimeError, match="before forward"):
        Convolution(np.zeros((1, 1, 2, 2)), np.zeros(1)).backward(np.zeros((1, 1, 1, 1)))


def test_convolution_backward_refuses_dout_of_another_shape():
    layer = Convolution(np.zeros((2, 1, 2, 2)), np.zeros(2))
    layer.forward(np.zeros((3, 1, 4, 4)))
    with pytest.raises(ValueError, match=r"dout must have the shape.*\(3, 2, 3, 3\)"):
        layer.backward(np.zeros((3, 2, 3, 4)))


def test_convolution_refuses_a_training_flag_that_is_not_a_bool():
    with pytest.raises(TypeError, match="training"):
        Convolution(np.zeros((1, 1, 2, 2)), np.zeros(1)).forward(np.zeros((1, 1, 2, 2)), 1)


# --------------------------------------------------------------------------- pooling


@settings(max_examples=40, deadline=None)
@given(geometry=geometries(), seed=SEEDS)
def test_pooling_forward_matches_the_loop_definition(geometry, seed):
    shape, pool_h, pool_w, stride, pad = geometry
    x = np.random.default_rng(seed).standard_normal(shape)
    out = Pooling(pool_h, pool_w, stride, pad).forward(x)
    np.testing.assert_array_equal(out, loop_max_pooling(x, pool_h, pool_w, stride, pad))


@settings(max_examples=30, deadline=None)
@given(geometry=geometries(), seed=SEEDS)
def test_pooling_backward_matches_numerical_gradients(geometry, seed):
    shape, pool_h, pool_w, stride, pad = geometry
    rng = np.random.default_rng(seed)
    x = distinct_values(rng, shape)
    layer = Pooling(pool_h, pool_w, stride, pad)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    numeric = numerical_input_gradient(lambda p: Pooling(pool_h, pool_w, stride, pad).forward(p),
                                       x, dout)
    assert_gradients_close(layer.backward(dout), numeric)


def test_pooling_backward_sends_the_gradient_to_the_maximum_only():
    layer = Pooling(2, 2, stride=2)
    layer.forward(np.array([[[[1.0, 5.0], [3.0, 2.0]]]]))
    np.testing.assert_array_equal(layer.backward(np.array([[[[7.0]]]])),
                                  [[[[0.0, 7.0], [0.0, 0.0]]]])


def test_pooling_backward_gives_a_tie_to_the_first_maximum_in_row_major_order():
    layer = Pooling(2, 2, stride=2)
    layer.forward(np.array([[[[0.0, 4.0], [4.0, 4.0]]]]))
    np.testing.assert_array_equal(layer.backward(np.array([[[[1.0]]]])),
                                  [[[[0.0, 1.0], [0.0, 0.0]]]])


def test_pooling_backward_passes_on_each_windows_gradient_exactly_once_after_relu():
    # after a ReLU, many windows are all zeros: a tie of four
    x = np.maximum(np.random.default_rng(8).standard_normal((3, 2, 6, 6)), 0)
    layer = Pooling(2, 2, stride=2)
    layer.forward(x)
    dout = np.random.default_rng(9).standard_normal((3, 2, 3, 3))
    dx = layer.backward(dout)
    window_sums = dx.reshape(3, 2, 3, 2, 3, 2).sum(axis=(3, 5))
    np.testing.assert_allclose(window_sums, dout, rtol=1e-12)
    assert np.count_nonzero(dx) == np.count_nonzero(dout)


def test_overlapping_windows_add_their_gradients_at_a_shared_maximum():
    layer = Pooling(2, 2, stride=1)
    layer.forward(np.array([[[[0.0, 0.0, 0.0], [0.0, 9.0, 0.0], [0.0, 0.0, 0.0]]]]))
    dx = layer.backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))
    assert dx[0, 0, 1, 1] == 10.0
    assert np.count_nonzero(dx) == 1


def test_pooling_padding_never_wins_the_maximum():
    x = -np.ones((1, 1, 2, 2))
    np.testing.assert_array_equal(Pooling(2, 2, stride=1, pad=1).forward(x), -np.ones((1, 1, 3, 3)))


def test_pooling_keeps_float32_forward_and_backward():
    layer = Pooling(2, 2, stride=2)
    out = layer.forward(np.random.default_rng(10).standard_normal((2, 3, 4, 4)).astype(np.float32))
    dx = layer.backward(np.ones(out.shape, np.float32))
    assert (out.dtype, dx.dtype) == (np.float32, np.float32)


def test_pooling_backward_never_modifies_the_callers_arrays():
    x = np.random.default_rng(11).standard_normal((2, 2, 4, 4))
    layer = Pooling(3, 3, stride=1, pad=1)
    out = layer.forward(x)
    dout = np.random.default_rng(12).standard_normal(out.shape)
    saved_x, saved_dout = x.copy(), dout.copy()
    layer.backward(dout)
    np.testing.assert_array_equal(x, saved_x)
    np.testing.assert_array_equal(dout, saved_dout)


def test_pooling_names_the_formula_when_the_stride_does_not_divide():
    with pytest.raises(ValueError, match=r"height H=5 does not fit pool_h=2 with stride=2.*2\.5"):
        Pooling(2, 2, stride=2).forward(np.zeros((1, 1, 5, 4)))


@pytest.mark.parametrize("arguments, message, error", [
    ((0, 2), "pool_h", ValueError), ((2, 2.0), "pool_w", TypeError),
    ((2, 2, 0), "stride", ValueError), ((2, 2, 1, 2), "pad must be smaller", ValueError),
])
def test_pooling_refuses_bad_sizes(arguments, message, error):
    with pytest.raises(error, match=message):
        Pooling(*arguments)


def test_pooling_backward_before_forward_raises():
    with pytest.raises(RuntimeError, match="before forward"):
        Pooling(2, 2).backward(np.zeros((1, 1, 1, 1)))


def test_pooling_backward_refuses_dout_of_another_shape():
    layer = Pooling(2, 2, stride=2)
    layer.forward(np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match=r"dout must have the shape.*\(1, 1, 2, 2\)"):
        layer.backward(np.zeros((1, 1, 4, 4)))


def test_reprs_name_the_sizes():
    assert repr(Convolution(np.zeros((30, 1, 5, 5), np.float32), np.zeros(30, np.float32))) == (
        "Convolution(30 filters 1x5x5, stride=1, pad=0, float32)")
    assert repr(Pooling(2, 2, stride=2)) == "Pooling(2x2, stride=2, pad=0, max)"


# --------------------------------------------------------------------------- the ConvNet


def tiny_conv_net(rng, dtype=np.float64):
    """Conv 3 filters 3x3 on 1x6x6 -> ReLU -> 2x2 pool -> affine 5 -> ReLU -> affine 3."""
    return simple_conv_net((1, 6, 6), filter_num=3, filter_size=3, pad=1, hidden_size=5,
                           output_size=3, scale=0.5, rng=rng, dtype=dtype)


def test_simple_conv_net_draws_he_weights_by_default():
    net = simple_conv_net(rng=0)
    for key, fan_in in (("W1", 25), ("W2", 4320), ("W3", 100)):
        assert net.params[key].std() == pytest.approx(np.sqrt(2 / fan_in), rel=0.1), key
    assert simple_conv_net(rng=0, scale=0.01).params["W2"].std() == pytest.approx(0.01, rel=0.01)


def test_simple_conv_net_has_the_books_layers_and_parameter_names():
    net = simple_conv_net(rng=0)
    assert [type(layer).__name__ for layer in net.layers] == [
        "Convolution", "Relu", "Pooling", "Affine", "Relu", "Affine"]
    assert isinstance(net.loss_layer, SoftmaxWithLoss)
    assert {key: value.shape for key, value in net.params.items()} == {
        "W1": (30, 1, 5, 5), "b1": (30,), "W2": (30 * 12 * 12, 100), "b2": (100,),
        "W3": (100, 10), "b3": (10,)}
    assert all(value.dtype == np.float32 for value in net.params.values())


def test_simple_conv_net_gradient_matches_numerical_gradients():
    rng = np.random.default_rng(13)
    net = tiny_conv_net(rng)
    x = distinct_values(rng, (2, 1, 6, 6), spacing=0.05)
    t = np.array([0, 2])
    _, grads = net.gradient(x, t)

    def loss_of(point):
        saved = {key: value.copy() for key, value in net.params.items()}
        net.set_params(point)
        try:
            return net.loss(x, t)
        finally:
            net.set_params(saved)

    numeric = gradcheck.numerical_gradients(loss_of, net.params)
    for key in net.params:
        assert_gradients_close(grads[key], numeric[key], rtol=1e-5, atol=1e-8)


def test_simple_conv_net_keeps_float32_gradients():
    net = tiny_conv_net(np.random.default_rng(14), dtype=np.float32)
    x = np.random.default_rng(15).random((4, 1, 6, 6), dtype=np.float32)
    _, grads = net.gradient(x, np.array([0, 1, 2, 0]))
    assert all(grad.dtype == np.float32 for grad in grads.values())


def test_simple_conv_net_loss_decreases_on_a_tiny_problem():
    rng = np.random.default_rng(16)
    x = rng.random((30, 1, 6, 6)).astype(np.float32)
    t = np.arange(30) % 3
    x[t == 0, :, :3] += 1.0  # class 0: bright top, class 1: bright left, class 2: neither
    x[t == 1, :, :, :3] += 1.0
    net = tiny_conv_net(rng, dtype=np.float32)
    history = training.train(net, x, t, optimizer=optimizers.Adam(lr=0.01), epochs=30,
                             batch_size=10, rng=0)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["train_accuracy"][-1] == 1.0


def test_accuracy_in_batches_equals_accuracy_at_once():
    net = tiny_conv_net(np.random.default_rng(17), dtype=np.float32)
    x = np.random.default_rng(18).random((25, 1, 6, 6), dtype=np.float32)
    t = np.arange(25) % 3
    assert net.accuracy(x, t, batch_size=4) == net.accuracy(x, t, batch_size=25)


def test_a_conv_net_built_by_hand_numbers_its_parameters_in_layer_order():
    net = LayerNet([Convolution(np.zeros((2, 1, 3, 3)), np.zeros(2)), Relu(),
                    Affine(np.zeros((2 * 4 * 4, 3)), np.zeros(3))], SoftmaxWithLoss())
    assert list(net.params) == ["W1", "b1", "W2", "b2"]
    assert net.predict(np.zeros((1, 1, 6, 6))).shape == (1, 3)


def test_simple_conv_net_refuses_a_convolution_output_pooling_cannot_tile():
    with pytest.raises(ValueError, match=r"output is 5x5.*must be even"):
        simple_conv_net((1, 7, 7), filter_size=3)


@pytest.mark.parametrize("arguments, error", [
    ({"input_shape": [1, 28, 28]}, TypeError), ({"filter_num": 0}, ValueError),
    ({"scale": -0.1}, ValueError), ({"scale": "glorot"}, ValueError),
    ({"dtype": np.int32}, TypeError),
    ({"hidden_size": 10.0}, TypeError), ({"rng": "seed"}, TypeError),
])
def test_simple_conv_net_checks_its_arguments(arguments, error):
    with pytest.raises(error, match=next(iter(arguments))):
        simple_conv_net(**arguments)
