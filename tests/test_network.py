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


# --- refusing bad input (issue 10's examples) --------------------------------------------------


def test_params_with_b2_but_no_W2_are_refused_not_run_as_one_layer(seed_001_params):
    params = {"W1": np.zeros((2, 3)), "b1": np.zeros(3), "b2": np.zeros(2)}
    with pytest.raises(ValueError, match=r"\['b2'\] besides W1, b1: either W2 is missing"):
        network.predict(params, np.zeros((1, 2)))


def test_an_unknown_parameter_key_is_named(seed_001_params):
    with pytest.raises(ValueError, match=r"params holds \['W9'\]"):
        network.forward({**seed_001_params, "W9": np.zeros((2, 2))}, np.zeros(2))


def test_parameters_must_be_floating_arrays():
    with pytest.raises(TypeError, match=r"params\['W1'\] must be a float32 or float64"):
        network.layer_count({"W1": [[1.0, 2.0]], "b1": np.zeros(2)})


def test_a_nan_input_never_becomes_a_prediction(seed_001_params):
    x = np.array([[1.0, 0.5], [np.nan, 0.0]])
    with pytest.raises(ValueError, match=r"x must be finite.*\(1, 0\)"):
        network.predict(seed_001_params, x)


@pytest.mark.parametrize("hidden", ["sigmoid", "relu", "identity", "step"])
def test_a_nan_weight_never_becomes_an_accuracy(seed_001_params, hidden):
    seed_001_params["W2"][1, 0] = np.nan
    x = np.array([[1.0, 0.5], [0.0, 0.0]])
    with pytest.raises(ValueError, match=r"params\['W2'\] must be finite"):
        network.accuracy(seed_001_params, x, np.array([0, 1]), hidden=hidden)


def test_logits_that_overflow_are_an_error_naming_the_weights():
    params = {"W1": np.full((2, 2), 1e308), "b1": np.zeros(2)}
    with np.errstate(over="ignore"), pytest.raises(ValueError, match=r"overflowed.*1e\+308"):
        network.logits(params, np.ones((1, 2)))


def test_accuracy_refuses_string_labels_instead_of_scoring_zero():
    params = {"W1": np.eye(2), "b1": np.zeros(2)}
    with pytest.raises(TypeError, match="integer class labels"):
        network.accuracy(params, np.eye(2), np.array(["0", "1"]))


def test_accuracy_refuses_labels_the_network_cannot_predict():
    params = {"W1": np.eye(2), "b1": np.zeros(2)}
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\)"):
        network.accuracy(params, np.eye(2), np.array([0, 7]))


def test_accuracy_accepts_whole_number_float_labels():
    params = {"W1": np.eye(2), "b1": np.zeros(2)}
    assert network.accuracy(params, np.eye(2), np.array([0.0, 0.0])) == 0.5


def test_confusion_matrix_refuses_a_negative_label_instead_of_counting_it_last():
    with pytest.raises(ValueError, match=r"non-negative.*-1"):
        network.confusion_matrix([0, 1, 2], [0, 1, -1])


def test_confusion_matrix_refuses_labels_beyond_num_classes():
    with pytest.raises(ValueError, match=r"predicted must lie in \[0, 3\)"):
        network.confusion_matrix([0, 1, 3], [0, 1, 2], num_classes=3)


def test_init_params_accepts_a_numpy_scale():
    W1 = network.init_params([400, 300], rng=0, scale=np.float32(0.1))["W1"]
    assert W1.std() == pytest.approx(0.1, rel=0.02)


def test_init_params_refuses_an_integer_dtype():
    with pytest.raises(TypeError, match="dtype must be float32 or float64, got int64"):
        network.init_params([3, 2], dtype=int)


def test_affine_refuses_a_bias_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"b \(2,\)"):
        network.affine(np.ones((1, 3)), np.ones((3, 4)), np.zeros(2))
