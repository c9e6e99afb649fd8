"""The forward pass, predictions and metrics of nnlib.network."""

import numpy as np
import pytest

from nnlib import network
from nnlib.activations import sigmoid, softmax


def test_seed_001_three_layer_network_output(seed_001_params):
    y = network.forward(seed_001_params, np.array([1.0, 0.5]), output="identity")
    np.testing.assert_allclose(y, [0.31682708, 0.69627909], atol=5e-9)


def test_forward_on_a_batch_equals_forward_on_each_row(seed_001_params):
    x = np.array([[1.0, 0.5], [0.0, 0.0], [-2.0, 3.0]])
    batch = network.forward(seed_001_params, x)
    rows = np.stack([network.forward(seed_001_params, row) for row in x])
    np.testing.assert_allclose(batch, rows, rtol=1e-15)


def test_forward_matches_hand_written_layers(seed_001_params):
    p = seed_001_params
    x = np.array([[1.0, 0.5], [0.3, -0.2]])
    z1 = sigmoid(x @ p["W1"] + p["b1"])
    z2 = sigmoid(z1 @ p["W2"] + p["b2"])
    expected = softmax(z2 @ p["W3"] + p["b3"])
    np.testing.assert_allclose(network.forward(p, x), expected, rtol=1e-15)


def test_init_params_shapes_dtype_and_names():
    params = network.init_params([784, 50, 100, 10], rng=0)
    assert sorted(params) == ["W1", "W2", "W3", "b1", "b2", "b3"]
    assert params["W1"].shape == (784, 50)
    assert params["b3"].shape == (10,)
    assert all(value.dtype == np.float32 for value in params.values())


def test_init_params_is_reproducible_from_a_seed():
    a = network.init_params([3, 4, 2], rng=7)
    b = network.init_params([3, 4, 2], rng=np.random.default_rng(7))
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])


@pytest.mark.parametrize(
    ("scale", "expected"), [("xavier", 1 / 20), ("he", np.sqrt(2 / 400)), (0.01, 0.01)]
)
def test_init_params_weight_scale(scale, expected):
    W1 = network.init_params([400, 300], rng=0, scale=scale, dtype=np.float64)["W1"]
    assert W1.std() == pytest.approx(expected, rel=0.02)


def test_init_params_rejects_bad_sizes_and_scales():
    with pytest.raises(ValueError, match="layer_sizes"):
        network.init_params([5])
    with pytest.raises(ValueError, match="scale"):
        network.init_params([5, 2], scale="big")


def test_float32_network_gives_float32_output():
    params = network.init_params([4, 3, 2], rng=0)
    x = np.ones((5, 4), dtype=np.float32)
    assert network.forward(params, x).dtype == np.float32
    assert network.logits(params, x, hidden="relu").dtype == np.float32


def test_shape_mismatch_error_names_both_shapes(seed_001_params):
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(2, 3\)"):
        network.forward(seed_001_params, np.zeros((4, 3)))


def test_layer_count_detects_shapes_that_do_not_chain():
    params = {"W1": np.zeros((2, 3)), "b1": np.zeros(3), "W2": np.zeros((4, 2)), "b2": np.zeros(2)}
    with pytest.raises(ValueError, match=r"W1 \(2, 3\) and W2 \(4, 2\)"):
        network.layer_count(params)


def test_layer_count_detects_missing_and_misshapen_biases():
    with pytest.raises(ValueError, match="no b1"):
        network.layer_count({"W1": np.zeros((2, 3))})
    with pytest.raises(ValueError, match=r"b1 \(2,\)"):
        network.layer_count({"W1": np.zeros((2, 3)), "b1": np.zeros(2)})
    with pytest.raises(ValueError, match="W1, b1"):
        network.layer_count({"weights": np.zeros(2)})


def test_predict_is_argmax_of_probabilities():
    rng = np.random.default_rng(0)
    params = network.init_params([6, 5, 4], rng=rng, dtype=np.float64)
    x = rng.standard_normal((20, 6))
    np.testing.assert_array_equal(
        network.predict(params, x), network.forward(params, x).argmax(axis=1)
    )


def test_predict_with_one_sigmoid_output_thresholds_at_one_half():
    params = {"W1": np.array([[1.0], [-1.0]]), "b1": np.array([0.0])}
    x = np.array([[2.0, 1.0], [1.0, 2.0]])
    np.testing.assert_array_equal(network.predict(params, x, hidden="relu"), [1, 0])


def test_accuracy_with_labels_and_one_hot():
    params = {"W1": np.eye(3), "b1": np.zeros(3)}
    x = np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0], [1.0, 0, 0]])
    labels = np.array([0, 1, 2, 2])
    assert network.accuracy(params, x, labels) == 0.75
    assert network.accuracy(params, x, np.eye(3)[labels]) == 0.75


def test_accuracy_rejects_wrong_number_of_targets():
    params = {"W1": np.eye(3), "b1": np.zeros(3)}
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3,\)"):
        network.accuracy(params, np.zeros((2, 3)), np.zeros(3, dtype=int))


def test_unknown_output_activation_is_rejected(seed_001_params):
    with pytest.raises(ValueError, match="softmax"):
        network.forward(seed_001_params, np.zeros(2), output="tanh")


def test_confusion_matrix_counts_pairs():
    counts = network.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    np.testing.assert_array_equal(counts, [[1, 0, 0], [0, 1, 0], [0, 1, 1]])
    assert counts.sum() == 4


def test_confusion_matrix_rejects_unequal_lengths():
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        network.confusion_matrix([0, 1, 1], [0, 1])


def test_affine_is_x_at_W_plus_b():
    x, W, b = np.ones((2, 3)), np.arange(6.0).reshape(3, 2), np.array([1.0, -1.0])
    np.testing.assert_array_equal(network.affine(x, W, b), x @ W + b)
