"""Central differences and the comparison helper."""

import numpy as np
import pytest

from nnlib import gradcheck


def test_numerical_gradient_of_a_quadratic():
    x = np.array([3.0, -4.0])
    np.testing.assert_allclose(
        gradcheck.numerical_gradient(lambda v: np.sum(v**2), x), 2 * x, rtol=1e-9
    )


def test_numerical_gradient_leaves_the_input_untouched_and_handles_float32():
    x = np.array([[1.0, 2.0]], dtype=np.float32)
    grad = gradcheck.numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    np.testing.assert_array_equal(x, [[1.0, 2.0]])
    assert grad.dtype == np.float64
    np.testing.assert_allclose(grad, np.cos(x), rtol=1e-7)


def test_numerical_gradients_of_a_parameter_dict():
    params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([3.0])}
    grads = gradcheck.numerical_gradients(lambda p: np.sum(p["W1"] ** 2) * p["b1"][0], params)
    np.testing.assert_allclose(grads["W1"], [[6.0, 12.0]], rtol=1e-8)
    np.testing.assert_allclose(grads["b1"], [5.0], rtol=1e-8)


def test_compare_reports_exact_close_and_difference():
    exact = gradcheck.compare("W1", np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    assert (exact.exact, exact.close, exact.max_abs_diff) == (True, True, 0.0)
    close = gradcheck.compare("W1", np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9]))
    assert (close.exact, close.close) == (False, True)
    assert str(close) == "W1       | exact: False | close: True  | max abs diff: < 1e-08"
    wrong = gradcheck.compare("b1", np.array([1.0]), np.array([1.5]))
    assert (wrong.exact, wrong.close) == (False, False)
    assert "max abs diff: < 1e+00" in str(wrong)


def test_compare_rejects_different_shapes():
    with pytest.raises(ValueError, match=r"W2.*\(2,\).*\(3,\)"):
        gradcheck.compare("W2", np.zeros(2), np.zeros(3))
