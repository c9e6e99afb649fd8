"""Losses: values, stable forms against naive ones, gradients against central differences."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib import losses
from nnlib.activations import sigmoid, softmax
from nnlib.gradcheck import numerical_gradient

FLOAT_DTYPES = [np.float32, np.float64]


def naive_binary_cross_entropy(x, z):
    s = 1 / (1 + np.exp(-x))
    return -z * np.log(s) - (1 - z) * np.log(1 - s)


# --- mean squared error ------------------------------------------------------------------


def test_mean_squared_error_of_the_books_example():
    t = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    assert losses.mean_squared_error(y, t) == pytest.approx(0.0975)


def test_mean_squared_error_averages_over_the_batch():
    y = np.array([[1.0, 2.0], [0.0, 0.0]])
    t = np.zeros((2, 2))
    assert losses.mean_squared_error(y, t) == pytest.approx((2.5 + 0.0) / 2)
    np.testing.assert_allclose(losses.mean_squared_error(y, t, reduction="none"), [2.5, 0.0])
    assert losses.mean_squared_error(y, t, reduction="sum") == pytest.approx(2.5)


def test_mean_squared_error_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2, 2\)"):
        losses.mean_squared_error(np.zeros((2, 3)), np.zeros((2, 2)))


def test_unknown_reduction_is_rejected():
    with pytest.raises(ValueError, match="reduction"):
        losses.mean_squared_error(np.zeros((2, 3)), np.zeros((2, 3)), reduction="max")


def test_mean_squared_error_grad_matches_central_difference():
    rng = np.random.default_rng(0)
    y, t = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    numeric = numerical_gradient(lambda v: losses.mean_squared_error(v, t), y)
    np.testing.assert_allclose(losses.mean_squared_error_grad(y, t), numeric, rtol=1e-6)


# --- cross-entropy -------------------------------------------------------------------------


def test_cross_entropy_of_the_books_example():
    t = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    assert losses.cross_entropy_error(y, t) == pytest.approx(0.510825457, rel=1e-6)


def test_cross_entropy_accepts_one_hot_or_labels_alike():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    one_hot = losses.one_hot(labels, 4)
    y = softmax(logits)
    assert losses.cross_entropy_error(y, labels) == pytest.approx(
        losses.cross_entropy_error(y, one_hot)
    )
    assert losses.softmax_cross_entropy(logits, labels) == pytest.approx(
        losses.softmax_cross_entropy(logits, one_hot)
    )
    np.testing.assert_allclose(
        losses.softmax_cross_entropy_grad(logits, labels),
        losses.softmax_cross_entropy_grad(logits, one_hot),
    )


def test_softmax_cross_entropy_equals_cross_entropy_of_softmax():
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((6, 3))
    labels = rng.integers(0, 3, 6)
    expected = losses.cross_entropy_error(softmax(logits), labels, eps=0.0)
    assert losses.softmax_cross_entropy(logits, labels) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_softmax_cross_entropy_is_finite_for_huge_logits(dtype):
    big = np.finfo(dtype).max / 2
    logits = np.array([[big, -big, 0.0], [0.0, 0.0, 0.0]], dtype=dtype)
    per_sample = losses.softmax_cross_entropy(logits, np.array([1, 0]), reduction="none")
    assert per_sample.dtype == dtype
    assert np.isinf(per_sample[0]) or per_sample[0] > 1e30  # confidently wrong: enormous loss
    assert per_sample[1] == pytest.approx(np.log(3), rel=1e-6)


def test_softmax_cross_entropy_grad_matches_central_difference():
    rng = np.random.default_rng(2)
    logits = rng.standard_normal((4, 5))
    labels = rng.integers(0, 5, 4)
    numeric = numerical_gradient(lambda v: losses.softmax_cross_entropy(v, labels), logits)
    np.testing.assert_allclose(
        losses.softmax_cross_entropy_grad(logits, labels), numeric, rtol=1e-6, atol=1e-10
    )


def test_cross_entropy_rejects_targets_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(5,\)"):
        losses.softmax_cross_entropy(np.zeros((4, 3)), np.zeros(5, dtype=int))


def test_one_hot_rejects_out_of_range_labels():
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        losses.one_hot([0, 3], 3)


def test_one_hot_rejects_float_labels():
    with pytest.raises(TypeError, match="integer class labels"):
        losses.one_hot([0.0, 1.0], 3)


@given(
    logits=hnp.arrays(np.float64, (3, 4), elements=st.floats(-30, 30)),
    shift=st.floats(-1e3, 1e3),
)
def test_log_softmax_is_shift_invariant_and_normalised(logits, shift):
    log_y = losses.log_softmax(logits)
    np.testing.assert_allclose(np.exp(log_y).sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(losses.log_softmax(logits + shift), log_y, atol=1e-9)


# --- binary cross-entropy from logits ------------------------------------------------------


@given(
    x=hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=5), elements=st.floats(-30, 30)),
    data=st.data(),
)
def test_stable_binary_cross_entropy_equals_naive_where_naive_is_finite(x, data):
    z = data.draw(hnp.arrays(np.float64, x.shape, elements=st.sampled_from([0.0, 1.0])))
    stable = losses.binary_cross_entropy_with_logits(x, z, reduction="none")
    naive = naive_binary_cross_entropy(x, z)
    # The naive form loses digits when sigmoid(x) rounds towards 0 or 1: its error grows
    # like eps * exp(|x|). Within that, the two agree.
    tolerance = 1e-12 + 4 * np.finfo(np.float64).eps * np.exp(np.abs(x))
    assert np.all(np.abs(stable - naive) <= tolerance)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@given(data=st.data())
def test_binary_cross_entropy_never_warns_or_overflows(dtype, data):
    x = data.draw(
        hnp.arrays(dtype, 6, elements=st.floats(allow_nan=False, allow_infinity=False, width=32))
    )
    z = data.draw(hnp.arrays(dtype, 6, elements=st.sampled_from([0.0, 1.0])))
    values = losses.binary_cross_entropy_with_logits(x, z, reduction="none")
    assert values.dtype == dtype
    assert np.all(values >= 0)
    assert np.all(np.isfinite(values))


def test_binary_cross_entropy_at_extreme_logits():
    x = np.array([1000.0, -1000.0, 1000.0])
    z = np.array([1.0, 0.0, 0.0])
    np.testing.assert_allclose(
        losses.binary_cross_entropy_with_logits(x, z, reduction="none"), [0, 0, 1000]
    )


def test_binary_cross_entropy_grad_is_sigmoid_minus_target():
    rng = np.random.default_rng(3)
    x, z = rng.standard_normal((4, 2)), rng.integers(0, 2, (4, 2)).astype(float)
    np.testing.assert_allclose(
        losses.binary_cross_entropy_with_logits_grad(x, z), (sigmoid(x) - z) / 8
    )
    numeric = numerical_gradient(lambda v: losses.binary_cross_entropy_with_logits(v, z), x)
    np.testing.assert_allclose(
        losses.binary_cross_entropy_with_logits_grad(x, z), numeric, rtol=1e-6, atol=1e-10
    )


def test_binary_cross_entropy_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"\(3,\) and \(4,\)"):
        losses.binary_cross_entropy_with_logits(np.zeros(3), np.zeros(4))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_one_hot_builds_the_requested_dtype(dtype):
    rows = losses.one_hot(np.array([2, 0], dtype=np.uint8), 3, dtype=dtype)
    assert rows.dtype == dtype
    np.testing.assert_array_equal(rows, [[0, 0, 1], [1, 0, 0]])


# --- refusing bad input ----------------------------------------------------------------------


@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=3), seed=st.integers(0, 99))
def test_mean_squared_error_grad_is_its_derivative_for_any_number_of_axes(shape, seed):
    # Every axis but the last counts samples, in the loss and in its gradient alike.
    rng = np.random.default_rng(seed)
    y, t = rng.standard_normal(shape), rng.standard_normal(shape)
    numeric = numerical_gradient(lambda v: losses.mean_squared_error(v, t), y)
    np.testing.assert_allclose(losses.mean_squared_error_grad(y, t), numeric, rtol=1e-6,
                               atol=1e-9)


@pytest.mark.parametrize(
    "loss",
    [
        lambda y: losses.mean_squared_error(y, np.zeros((2, 3))),
        lambda y: losses.softmax_cross_entropy(y, np.array([0, 2])),
        lambda y: losses.binary_cross_entropy_with_logits(y, np.zeros((2, 3))),
    ],
    ids=["mse", "softmax_cross_entropy", "binary_cross_entropy"],
)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_nan_or_infinite_prediction_never_becomes_a_loss(loss, bad):
    y = np.zeros((2, 3))
    y[1, 2] = bad
    with pytest.raises(ValueError, match=r"must be finite.*\(1, 2\)"):
        loss(y)


@pytest.mark.parametrize(
    "loss",
    [
        lambda y: losses.mean_squared_error(y, y),
        lambda y: losses.softmax_cross_entropy(y, np.zeros(0, dtype=int)),
        lambda y: losses.cross_entropy_error(y, np.zeros(0, dtype=int)),
        lambda y: losses.binary_cross_entropy_with_logits(y, y),
    ],
    ids=["mse", "softmax_cross_entropy", "cross_entropy_error", "binary_cross_entropy"],
)
def test_an_empty_batch_is_an_error_not_nan(loss):
    with pytest.raises(ValueError, match="must not be empty"):
        loss(np.zeros((0, 3)))


def test_cross_entropy_error_refuses_logits_in_place_of_probabilities():
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\].*softmax_cross_entropy"):
        losses.cross_entropy_error(np.array([[2.0, -1.0]]), np.array([0]))


def test_float_labels_are_a_type_error_that_says_how_to_fix_them():
    with pytest.raises(TypeError, match=r"t.astype\(int\)"):
        losses.softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 2.0]))


def test_binary_targets_outside_zero_one_are_refused():
    with pytest.raises(ValueError, match=r"z must hold targets in \[0, 1\]"):
        losses.binary_cross_entropy_with_logits(np.zeros(2), np.array([0.0, 2.0]))


def test_one_hot_refuses_a_fractional_number_of_classes():
    with pytest.raises(TypeError, match=r"num_classes must be an integer, got 2\.5"):
        losses.one_hot([0, 1], 2.5)


def test_one_hot_of_a_single_label_is_one_row():
    np.testing.assert_array_equal(losses.one_hot(np.int64(1), 3), [0.0, 1.0, 0.0])
