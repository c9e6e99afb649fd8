"""Central differences and the comparison helper."""

import numpy as np
import pytest

from nnlib import backprop, gradcheck, losses, network


def test_numerical_gradient_of_a_quadratic():
    x = np.array([3.0, -4.0])
    np.testing.assert_allclose(
        gradcheck.numerical_gradient(lambda v: np.sum(v**2), x), 2 * x, rtol=1e-9
    )


def test_numerical_gradient_restores_a_float64_input_exactly():
    x = np.array([[0.1 + 0.2, 1 / 3]])
    before = x.copy()
    grad = gradcheck.numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    assert grad.dtype == np.float64
    np.testing.assert_allclose(grad, np.cos(x), rtol=1e-9)
    assert x.tobytes() == before.tobytes()


def test_numerical_gradient_refuses_float32_and_says_how_to_convert():
    x = np.array([[1.0, 2.0]], dtype=np.float32)
    with pytest.raises(TypeError, match=r"x must be a float64 array.*astype\(np.float64\)"):
        gradcheck.numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    np.testing.assert_array_equal(x, [[1.0, 2.0]])


def test_float32_perturbed_in_place_is_tens_of_percent_off():
    # Why float32 is refused: a float32 loss rounds at ~1e-7 of its value, and dividing that
    # by 2h = 2e-5 swamps the difference that central differences measure.
    rng = np.random.default_rng(0)
    params = network.init_params([10, 8, 4], rng=rng)  # float32
    x, labels = rng.standard_normal((16, 10)).astype(np.float32), rng.integers(0, 4, 16)
    W1, h = params["W1"], 1e-5
    in_place = np.zeros(W1.shape)
    for index in np.ndindex(W1.shape):
        original = W1[index]
        values = []
        for step in (h, -h):
            W1[index] = original + step
            values.append(float(losses.softmax_cross_entropy(network.logits(params, x), labels)))
        W1[index] = original
        in_place[index] = (values[0] - values[1]) / (2 * h)
    params64 = {name: value.astype(np.float64) for name, value in params.items()}
    exact = backprop.gradients(params64, x.astype(np.float64), labels)[1]["W1"]
    assert np.linalg.norm(in_place - exact) / np.linalg.norm(exact) > 0.05


def test_numerical_gradient_of_a_plain_number():
    assert gradcheck.numerical_gradient(lambda v: v**3, 2.0) == pytest.approx(12.0, rel=1e-8)


def test_numerical_gradient_restores_the_input_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])

    def fails_on_the_second_element(v):
        if v[1] != 2.0:
            raise RuntimeError("boom")
        return float(np.sum(v))

    with pytest.raises(RuntimeError, match="boom"):
        gradcheck.numerical_gradient(fails_on_the_second_element, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_book_idiom_closure_reading_the_array_itself_gets_the_right_gradient():
    # The book's idiom: the loss ignores its argument and reads the network's own weights.
    rng = np.random.default_rng(0)
    params = network.init_params([3, 4, 2], rng=rng, dtype=np.float64)
    x, labels = rng.standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])

    def loss_of_the_network(_):
        return losses.softmax_cross_entropy(network.logits(params, x), labels)

    _, grads = backprop.gradients(params, x, labels)
    for name in ("W1", "b2"):
        numeric = gradcheck.numerical_gradient(loss_of_the_network, params[name])
        assert np.abs(numeric).max() > 1e-3  # not the all-zero gradient of a copied array
        np.testing.assert_allclose(numeric, grads[name], rtol=1e-6, atol=1e-9)


def test_numerical_gradients_with_a_closure_over_the_networks_params():
    rng = np.random.default_rng(1)
    params = network.init_params([3, 5, 3], rng=rng, dtype=np.float64)
    x, labels = rng.standard_normal((4, 3)), np.array([2, 0, 1, 2])
    before = {name: value.copy() for name, value in params.items()}
    numeric = gradcheck.numerical_gradients(
        lambda _: backprop.gradients(params, x, labels, hidden="relu")[0], params
    )
    _, grads = backprop.gradients(params, x, labels, hidden="relu")
    for name in params:
        np.testing.assert_allclose(numeric[name], grads[name], rtol=1e-5, atol=1e-9)
        assert params[name].tobytes() == before[name].tobytes()


def test_numerical_gradients_refuses_float32_params_naming_the_key():
    params = network.init_params([2, 2], rng=0)  # float32
    with pytest.raises(TypeError, match=r"params\['W1'\] must be a float64 array"):
        gradcheck.numerical_gradients(lambda p: float(np.sum(p["W1"])), params)


def test_f_must_return_one_finite_number():
    with pytest.raises(TypeError, match="single number"):
        gradcheck.numerical_gradient(lambda v: v * 2, np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"finite number, got inf at x\[0\] \+ h"):
        gradcheck.numerical_gradient(lambda v: np.inf if v[0] > 1 else 0.0, np.array([1.0]))


def test_a_read_only_array_is_refused():
    x = np.ones(2)
    x.flags.writeable = False
    with pytest.raises(ValueError, match="x must be writeable"):
        gradcheck.numerical_gradient(np.sum, x)


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
