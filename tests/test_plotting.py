"""The shared figures draw what they claim, on the Axes they are given."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from nnlib import plotting


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_plot_functions_draws_one_line_per_curve_with_legend(ax):
    x = np.linspace(-1, 1, 5)
    result = plotting.plot_functions(ax, x, {"double": 2 * x, "square": np.square}, title="t")
    assert result is ax
    assert [line.get_label() for line in ax.get_lines()] == ["double", "square"]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), x**2)
    assert ax.get_legend() is not None and ax.get_title() == "t"


def test_plot_functions_rejects_a_curve_of_the_wrong_length(ax):
    with pytest.raises(ValueError, match=r"\(3,\).*\(5,\)"):
        plotting.plot_functions(ax, np.zeros(5), {"bad": np.zeros(3)})


def test_plot_training_curves_numbers_epochs_from_one(ax):
    plotting.plot_training_curves(ax, {"loss": [3.0, 2.0, 1.0]}, logy=True)
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [1, 2, 3])
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "epoch"


def test_plot_decision_boundary_evaluates_the_score_on_a_grid(ax):
    calls = []

    def score(points):
        calls.append(points.shape)
        return (points[:, 0] > 0.5).astype(float)

    X = np.array([[0, 0], [1, 1]], dtype=float)
    plotting.plot_decision_boundary(ax, score, X, np.array([0, 1]), resolution=20)
    assert calls == [(400, 2)]
    assert len(ax.collections) >= 3  # filled contours, boundary, two scatter groups


def test_plot_decision_boundary_rejects_mismatched_targets(ax):
    with pytest.raises(ValueError, match=r"\(2, 2\).*\(3,\)"):
        plotting.plot_decision_boundary(ax, lambda p: p[:, 0], np.zeros((2, 2)), np.zeros(3))


def test_image_grid_tiles_images_and_marks_wrong_predictions(ax):
    images = np.random.default_rng(0).random((5, 784))
    plotting.image_grid(ax, images, labels=[1, 2, 3, 4, 5], predictions=[1, 2, 0, 4, 5], ncols=3)
    canvas = ax.get_images()[0].get_array()
    assert canvas.shape == (2 * 29 + 1, 3 * 29 + 1)
    captions = {text.get_text(): text.get_color() for text in ax.texts}
    assert captions["0/3"] == "tab:red" and captions["1/1"] == "tab:green"


def test_image_grid_accepts_image_shaped_input(ax):
    plotting.image_grid(ax, np.zeros((2, 1, 5, 5)), labels=[0, 1])
    assert ax.get_images()[0].get_array().shape == (7, 13)


def test_image_grid_rejects_flat_images_of_the_wrong_size(ax):
    with pytest.raises(ValueError, match=r"\(2, 10\)"):
        plotting.image_grid(ax, np.zeros((2, 10)))


def test_plot_probabilities_highlights_the_predicted_class(ax):
    probabilities = np.array([0.1, 0.7, 0.2])
    plotting.plot_probabilities(ax, probabilities, label=1)
    heights = [patch.get_height() for patch in ax.patches]
    np.testing.assert_allclose(heights, probabilities)
    assert "true class 1" in ax.get_xlabel()


def test_plot_probabilities_rejects_a_batch(ax):
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        plotting.plot_probabilities(ax, np.zeros((2, 3)))


def test_plot_confusion_matrix_writes_every_count(ax):
    counts = np.array([[5, 1], [0, 4]])
    plotting.plot_confusion_matrix(ax, counts)
    assert sorted(text.get_text() for text in ax.texts) == ["0", "1", "4", "5"]
    assert ax.get_ylabel() == "true class"


def test_plot_confusion_matrix_rejects_a_non_square_array(ax):
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        plotting.plot_confusion_matrix(ax, np.zeros((2, 3)))
