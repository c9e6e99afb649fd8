"""Inverted dropout."""

import numpy as np
import pytest

from nnlib.dropout import dropout, dropout_backward, dropout_mask


def test_mask_keeps_each_unit_with_probability_one_minus_rate():
    mask = dropout_mask((1000, 100), 0.2, np.random.default_rng(0))
    kept = mask > 0
    assert kept.mean() == pytest.approx(0.8, abs=0.005)
    np.testing.assert_allclose(mask[kept], 1 / 0.8, rtol=1e-6)
    assert mask.dtype == np.float32


def test_expected_activation_is_unchanged():
    x = np.full((2000, 50), 3.0)
    y, _ = dropout(x, 0.5, np.random.default_rng(1))
    assert y.mean() == pytest.approx(3.0, rel=0.01)


def test_nothing_is_dropped_at_inference():
    x = np.arange(6.0).reshape(2, 3)
    y, mask = dropout(x, 0.5, training=False)
    np.testing.assert_array_equal(y, x)
    assert mask is None


def test_backward_applies_the_same_mask():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 5))
    y, mask = dropout(x, 0.3, rng)
    upstream = np.ones_like(x)
    grad = dropout_backward(upstream, mask)
    np.testing.assert_array_equal(grad == 0, y == 0)
    np.testing.assert_array_equal(grad, mask)
    np.testing.assert_array_equal(dropout_backward(upstream, None), upstream)


def test_float32_stays_float32():
    x = np.ones((3, 3), dtype=np.float32)
    y, mask = dropout(x, 0.5, np.random.default_rng(0))
    assert y.dtype == np.float32 and mask.dtype == np.float32


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_rate_outside_zero_one_is_rejected(rate):
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        dropout(np.ones(3), rate, np.random.default_rng(0))


def test_training_dropout_needs_a_generator():
    with pytest.raises(ValueError, match="rng"):
        dropout(np.ones(3), 0.5)


def test_backward_rejects_a_mask_of_another_shape():
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        dropout_backward(np.ones(3), np.ones(2))


def test_an_integer_mask_dtype_is_refused():
    # int would truncate the kept units' scale 1 / (1 - rate) to 1 (or 2), silently.
    with pytest.raises(TypeError, match="dtype must be float32 or float64"):
        dropout_mask((2, 2), 0.3, np.random.default_rng(0), dtype=int)


def test_a_seed_is_not_taken_for_a_generator():
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        dropout(np.ones(3), 0.5, rng=0)


def test_training_must_be_a_bool():
    with pytest.raises(TypeError, match="training must be True or False"):
        dropout(np.ones(3), 0.5, np.random.default_rng(0), training="no")
