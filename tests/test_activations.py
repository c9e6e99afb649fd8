"""Activation functions: values from the seeds and the book, stability, dtypes, derivatives."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib import activations
from nnlib.gradcheck import numerical_gradient

FLOAT_DTYPES = [np.float32, np.float64]


def finite_arrays(dtype, max_side=6, bound=None):
    """Batches of finite floats of ``dtype``, 1-D or 2-D, optionally bounded."""
    elements = st.floats(
        min_value=-bound if bound else None,
        max_value=bound if bound else None,
        allow_nan=False,
        allow_infinity=False,
        width=32 if dtype == np.float32 else 64,
    )
    shapes = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=max_side)
    return hnp.arrays(dtype, shapes, elements=elements)


def naive_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def naive_softmax(a):
    exp_a = np.exp(a)
    return exp_a / exp_a.sum(axis=-1, keepdims=True)


# --- values from the seeds ---------------------------------------------------------------


def test_softmax_matches_seed_000_example():
    y = activations.softmax(np.array([0.3, 2.9, 4.0]))
    np.testing.assert_allclose(y, [0.01821127, 0.24519181, 0.73659691], atol=5e-9)
    assert y.sum() == pytest.approx(1.0)


def test_softmax_survives_seed_000_overflow_example():
    y = activations.softmax(np.array([1010.0, 1000.0, 990.0]))
    np.testing.assert_allclose(y, [9.99954600e-01, 4.53978686e-05, 2.06106005e-09], rtol=1e-7)


def test_step_is_one_only_for_positive_input():
    np.testing.assert_array_equal(activations.step(np.array([-1.0, 0.0, 0.5])), [0.0, 0.0, 1.0])


def test_step_accepts_integers_and_returns_floats():
    assert activations.step([-2, 3]).dtype == np.float64


def test_relu_works_on_arrays_where_builtin_max_fails():
    x = np.array([-2.0, 0.0, 3.0])
    with pytest.raises(ValueError, match="truth value"):
        max(0, x)
    np.testing.assert_array_equal(activations.relu(x), [0.0, 0.0, 3.0])


def test_identity_returns_its_input():
    x = np.array([[1.5, -2.0]])
    np.testing.assert_array_equal(activations.identity(x), x)


# --- stability and dtypes ----------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_sigmoid_is_stable_for_mixed_extreme_batch(dtype):
    big = np.finfo(dtype).max
    x = np.array([[-big, -1000, -50, 0, 50, 1000, big]], dtype=dtype)
    y = activations.sigmoid(x)  # warnings are errors in this suite
    assert y.dtype == dtype
    assert np.all(np.isfinite(y))
    np.testing.assert_array_equal(y[0, [0, 1, 3, 5, 6]], np.array([0, 0, 0.5, 1, 1], dtype=dtype))


def test_naive_sigmoid_overflows_where_nnlib_does_not():
    with pytest.warns(RuntimeWarning, match="overflow"):
        naive_sigmoid(np.array([-1000.0]))
    assert activations.sigmoid(np.array([-1000.0]))[0] == 0.0


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_softmax_survives_largest_logits(dtype):
    big = 1e308 if dtype == np.float64 else 3e38
    a = np.array([[big, -big, 0.0], [-big, -big, big], [big, big, -big]], dtype=dtype)
    y = activations.softmax(a)
    assert y.dtype == dtype
    np.testing.assert_allclose(y, [[1, 0, 0], [0, 0, 1], [0.5, 0.5, 0]], atol=1e-7)


@pytest.mark.parametrize("name", ["step", "sigmoid", "relu", "identity"])
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_activations_and_derivatives_keep_float_dtype(name, dtype):
    function, derivative = activations.get(name)
    x = np.linspace(-3, 3, 7, dtype=dtype)
    assert function(x).dtype == dtype
    assert derivative(x).dtype == dtype


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_softmax_and_its_gradient_keep_float_dtype(dtype):
    a = np.ones((2, 3), dtype=dtype)
    assert activations.softmax(a).dtype == dtype
    assert activations.softmax_grad(a, a).dtype == dtype


def test_softmax_works_on_the_last_axis_of_any_batch():
    a = np.arange(24, dtype=float).reshape(2, 3, 4)
    y = activations.softmax(a)
    np.testing.assert_allclose(y.sum(axis=-1), np.ones((2, 3)))
    np.testing.assert_allclose(y[1, 2], activations.softmax(a[1, 2]))


def test_softmax_of_a_scalar_is_rejected_with_its_shape():
    with pytest.raises(ValueError, match=r"\(\)"):
        activations.softmax(np.float64(1.0))


def test_softmax_grad_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 4\)"):
        activations.softmax_grad(np.zeros((2, 3)), np.zeros((2, 4)))


def test_unknown_activation_names_the_choices():
    with pytest.raises(ValueError, match="sigmoid"):
        activations.get("tanh")


def test_non_numeric_input_is_rejected():
    with pytest.raises(TypeError, match="dtype"):
        activations.sigmoid(np.array(["a"]))


# --- properties --------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@given(data=st.data())
def test_softmax_sums_to_one_and_is_non_negative(dtype, data):
    a = data.draw(finite_arrays(dtype))
    y = activations.softmax(a)
    assert np.all(y >= 0)
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, atol=tolerance)


@given(a=finite_arrays(np.float64, bound=1e6), shift=st.floats(-1e6, 1e6))
def test_softmax_is_shift_invariant(a, shift):
    np.testing.assert_allclose(activations.softmax(a + shift), activations.softmax(a), atol=1e-9)


@given(a=finite_arrays(np.float64, bound=50))
def test_softmax_equals_naive_softmax_where_naive_is_finite(a):
    np.testing.assert_allclose(activations.softmax(a), naive_softmax(a), rtol=1e-12, atol=1e-300)


@given(a=finite_arrays(np.float64))
def test_softmax_keeps_the_order_of_its_inputs(a):
    # Non-strictly: two close logits may round to the same probability, never to swapped ones.
    order = np.argsort(a, axis=-1, kind="stable")
    sorted_y = np.take_along_axis(activations.softmax(a), order, axis=-1)
    assert np.all(np.diff(sorted_y, axis=-1) >= 0)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@given(data=st.data())
def test_sigmoid_is_symmetric(dtype, data):
    x = data.draw(finite_arrays(dtype))
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(activations.sigmoid(-x), 1 - activations.sigmoid(x), atol=2 * eps)


@given(x=finite_arrays(np.float64, bound=700))
def test_sigmoid_equals_naive_sigmoid_where_naive_is_finite(x):
    np.testing.assert_allclose(activations.sigmoid(x), naive_sigmoid(x), rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@given(data=st.data())
def test_no_warnings_at_any_finite_input(dtype, data):
    x = data.draw(finite_arrays(dtype))
    for name in ("step", "sigmoid", "relu", "identity"):
        function, derivative = activations.get(name)
        function(x)
        derivative(x)
    activations.softmax(x)
    activations.softmax_grad(x, np.ones_like(x))


@given(x=finite_arrays(np.float64, bound=1e3))
def test_relu_is_max_of_zero_and_input(x):
    np.testing.assert_array_equal(activations.relu(x), np.where(x > 0, x, 0.0))


# --- derivatives against central differences ----------------------------------------------


@pytest.mark.parametrize("name", ["sigmoid", "relu", "identity"])
def test_derivative_matches_central_difference(name):
    function, derivative = activations.get(name)
    x = np.array([-3.0, -0.7, 0.3, 2.5])  # away from ReLU's kink at 0
    numeric = numerical_gradient(lambda v: function(v).sum(), x)
    np.testing.assert_allclose(derivative(x), numeric, rtol=1e-6, atol=1e-9)


def test_relu_derivative_is_zero_at_zero():
    assert activations.relu_grad(np.array([0.0]))[0] == 0.0


def test_step_derivative_is_zero():
    np.testing.assert_array_equal(activations.step_grad(np.array([-1.0, 2.0])), [0.0, 0.0])


def test_softmax_grad_matches_central_difference():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 4))
    upstream = rng.standard_normal((3, 4))
    numeric = numerical_gradient(lambda v: np.sum(activations.softmax(v) * upstream), a)
    np.testing.assert_allclose(activations.softmax_grad(a, upstream), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ["sigmoid", "relu"])
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_out_argument_writes_in_place_with_the_same_values(name, dtype):
    function = activations.get(name)[0]
    x = np.linspace(-50, 50, 11, dtype=dtype)
    expected = function(x)
    result = function(x, out=x)
    assert result is x
    np.testing.assert_array_equal(x, expected)


# --- NaN is passed on, never turned into a number ----------------------------------------


@given(data=st.data())
def test_every_activation_and_derivative_keeps_nan_where_it_was(data):
    x = data.draw(finite_arrays(np.float64, bound=1e3))
    nan_at = data.draw(hnp.arrays(np.bool_, x.shape))
    x[nan_at] = np.nan
    for name in ("step", "sigmoid", "relu", "identity"):
        for function in activations.get(name):
            np.testing.assert_array_equal(np.isnan(function(x)), nan_at, err_msg=name)


def test_step_of_nan_is_nan_not_zero():
    # (x > 0).astype(float) would give 0, and a NaN weight would vanish behind a step layer.
    assert np.isnan(activations.step(np.array([np.nan]))[0])


def test_softmax_row_with_a_nan_is_all_nan_and_other_rows_are_untouched():
    y = activations.softmax(np.array([[0.0, np.nan], [0.0, 0.0]]))
    assert np.isnan(y[0]).all()
    np.testing.assert_array_equal(y[1], [0.5, 0.5])


def test_out_of_another_dtype_is_refused_rather_than_cast():
    with pytest.raises(ValueError, match="out must have the input's shape"):
        activations.sigmoid(np.zeros(3), out=np.zeros(3, dtype=np.float32))


def test_softmax_axis_out_of_range_names_axis():
    with pytest.raises(ValueError, match=r"axis must lie in \[-2, 2\)"):
        activations.softmax(np.zeros((2, 3)), axis=2)


def test_unknown_activation_names_the_callers_argument():
    with pytest.raises(ValueError, match="hidden: unknown activation 'tanh'"):
        activations.get("tanh", "hidden")
