"""The shared figures draw what they claim, on the Axes they are given, readable on a projector."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.colors import LogNorm, Normalize, to_hex, to_rgb
from matplotlib.text import Text

import nnlib
from nnlib import plotting
from nnlib.course import MIN_FONT_SIZE, PALETTE

# An MNIST-like confusion matrix: about a thousand per class on the diagonal, a few mistakes.
MNIST_LIKE = np.array([[980, 0, 3], [1, 1120, 14], [6, 40, 986]])


@pytest.fixture
def ax():
    nnlib.setup()
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def _cell_color(ax, i, j):
    image = ax.get_images()[0]
    return to_hex(image.to_rgba(image.get_array())[i, j])


def _visible_texts(fig):
    fig.canvas.draw()
    return [text for text in fig.findobj(Text) if text.get_visible() and text.get_text()]


# plot_functions


def test_plot_functions_draws_one_line_per_curve_with_legend(ax):
    x = np.linspace(-1, 1, 5)
    result = plotting.plot_functions(ax, x, {"double": 2 * x, "square": np.square}, title="t")
    assert result is ax
    assert [line.get_label() for line in ax.get_lines()] == ["double", "square"]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), x**2)
    assert ax.get_legend() is not None and ax.get_title() == "t"


def test_plot_functions_draws_in_the_colour_blind_safe_cycle(ax):
    x = np.linspace(-1, 1, 5)
    plotting.plot_functions(ax, x, {"a": x, "b": -x, "c": 2 * x})
    colours = [to_hex(line.get_color()).upper() for line in ax.get_lines()]
    assert colours == list(PALETTE.values())[:3]


def test_plot_functions_rejects_a_curve_of_the_wrong_length(ax):
    with pytest.raises(ValueError, match=r"\(3,\).*\(5,\)"):
        plotting.plot_functions(ax, np.zeros(5), {"bad": np.zeros(3)})


@pytest.mark.parametrize(
    ("arguments", "error", "named"),
    [
        ({"x": np.zeros(0)}, ValueError, "x"),
        ({"x": np.array([0.0, np.nan])}, ValueError, "x"),
        ({"curves": [np.zeros(3)]}, TypeError, "curves"),
        ({"curves": {}}, ValueError, "curves"),
        ({"curves": {1: np.zeros(3)}}, TypeError, "curves"),
        ({"curves": {"a": ["x", "y", "z"]}}, TypeError, "curves['a']"),
        ({"styles": {"b": {}}}, ValueError, "styles"),
        ({"styles": {"a": "red"}}, TypeError, "styles['a']"),
        ({"ylim": (2, 1)}, ValueError, "ylim"),
        ({"ylim": 1.0}, TypeError, "ylim"),
        ({"title": 3}, TypeError, "title"),
        ({"xlabel": ["x"]}, TypeError, "xlabel"),
    ],
)
def test_plot_functions_names_each_bad_argument(ax, arguments, error, named):
    call = {"x": np.zeros(3), "curves": {"a": np.zeros(3)}} | arguments
    x, curves = call.pop("x"), call.pop("curves")
    with pytest.raises(error, match=named.replace("[", r"\[").replace("]", r"\]")):
        plotting.plot_functions(ax, x, curves, **call)


def test_plot_functions_refuses_something_that_is_not_an_axes():
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plotting.plot_functions(plt, np.zeros(3), {"a": np.zeros(3)})


# plot_training_curves


def test_plot_training_curves_numbers_epochs_from_one(ax):
    plotting.plot_training_curves(ax, {"loss": [3.0, 2.0, 1.0]}, logy=True)
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [1, 2, 3])
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "epoch"


def test_plot_training_curves_refuses_a_non_positive_value_on_a_log_axis(ax):
    with pytest.raises(ValueError, match=r"curves\['loss'\] must be positive"):
        plotting.plot_training_curves(ax, {"loss": [1.0, 0.0]}, logy=True)


@pytest.mark.parametrize(
    ("curves", "options", "error", "named"),
    [
        ({}, {}, ValueError, "curves"),
        ({"loss": []}, {}, ValueError, "curves"),
        ({"loss": np.square}, {}, TypeError, "curves"),
        ({"loss": [[1.0, 2.0]]}, {}, ValueError, "curves"),
        ({"loss": [1.0]}, {"logy": "yes"}, TypeError, "logy"),
        ({"loss": [1.0]}, {"ylabel": 0}, TypeError, "ylabel"),
    ],
)
def test_plot_training_curves_names_each_bad_argument(ax, curves, options, error, named):
    with pytest.raises(error, match=named):
        plotting.plot_training_curves(ax, curves, **options)


# plot_decision_boundary


def test_plot_decision_boundary_evaluates_the_score_on_a_grid(ax):
    calls = []

    def score(points):
        calls.append(points.shape)
        return (points[:, 0] > 0.5).astype(float)

    X = np.array([[0, 0], [1, 1]], dtype=float)
    plotting.plot_decision_boundary(ax, score, X, np.array([0, 1]), resolution=20)
    assert calls == [(400, 2)]
    assert len(ax.collections) >= 3  # filled contours, boundary, two scatter groups


def test_plot_decision_boundary_accepts_targets_as_a_column(ax):
    X = np.array([[0, 0], [1, 1]], dtype=float)
    plotting.plot_decision_boundary(ax, lambda p: 1 / (1 + np.exp(-p[:, 0])), X,
                                    np.array([[0.0], [1.0]]), resolution=5)  # fmt: skip
    assert ax.get_legend() is not None


def test_plot_decision_boundary_rejects_mismatched_targets(ax):
    with pytest.raises(ValueError, match=r"\(2, 2\).*\(3,\)"):
        plotting.plot_decision_boundary(ax, lambda p: p[:, 0], np.zeros((2, 2)), np.zeros(3))


@pytest.mark.parametrize(
    ("score", "t", "options", "error", "named"),
    [
        ("sigmoid", [0, 1], {}, TypeError, "score"),
        (lambda p: p, [0, 1], {}, ValueError, "score"),
        (lambda p: p[:, 0] + 2, [0, 1], {}, ValueError, r"score must return values in \[0, 1\]"),
        (lambda p: np.full(len(p), np.nan), [0, 1], {}, ValueError, "score"),
        (lambda p: p[:, 0] * 0, [0, 2], {}, ValueError, "t must hold targets 0 and 1"),
        (lambda p: p[:, 0] * 0, ["a", "b"], {}, TypeError, "t"),
        (lambda p: p[:, 0] * 0, [0, 1], {"resolution": 1}, ValueError, "resolution"),
        (lambda p: p[:, 0] * 0, [0, 1], {"resolution": 2.5}, TypeError, "resolution"),
        (lambda p: p[:, 0] * 0, [0, 1], {"margin": -1}, ValueError, "margin"),
    ],
)
def test_plot_decision_boundary_names_each_bad_argument(ax, score, t, options, error, named):
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    with pytest.raises(error, match=named):
        plotting.plot_decision_boundary(ax, score, X, np.array(t), **{"resolution": 4} | options)


# image_grid


def test_image_grid_tiles_images_and_marks_wrong_predictions(ax):
    images = np.random.default_rng(0).random((5, 784))
    plotting.image_grid(ax, images, labels=[1, 2, 3, 4, 5], predictions=[1, 2, 0, 4, 5], ncols=3)
    canvas = ax.get_images()[0].get_array()
    assert canvas.shape == (2 * 29 + 1, 3 * 29 + 1)
    captions = {text.get_text(): text for text in ax.texts}
    wrong, right = captions["0/3"], captions["1/1"]
    assert to_hex(wrong.get_color()).upper() == PALETTE["vermillion"]
    assert to_hex(right.get_color()).upper() == PALETTE["blue"]
    # Not by colour alone: a mistake is also bold.
    assert wrong.get_fontweight() == "bold" and right.get_fontweight() == "normal"


def test_image_grid_captions_are_readable(ax):
    plotting.image_grid(ax, np.zeros((3, 4)), labels=[0, 1, 2], image_shape=(2, 2))
    assert min(text.get_fontsize() for text in ax.texts) >= MIN_FONT_SIZE


def test_image_grid_accepts_image_shaped_input(ax):
    plotting.image_grid(ax, np.zeros((2, 1, 5, 5)), labels=[0, 1])
    assert ax.get_images()[0].get_array().shape == (7, 13)


def test_image_grid_rejects_flat_images_of_the_wrong_size(ax):
    with pytest.raises(ValueError, match=r"\(2, 10\)"):
        plotting.image_grid(ax, np.zeros((2, 10)))


@pytest.mark.parametrize(
    ("images", "options", "error", "named"),
    [
        (np.zeros((0, 784)), {}, ValueError, "images"),
        (np.full((1, 784), np.nan), {}, ValueError, "images"),
        (np.zeros((2, 3, 5, 5)), {}, ValueError, "images"),
        (np.zeros((2, 784)), {"labels": [0, 1, 2]}, ValueError, "labels"),
        (np.zeros((2, 784)), {"labels": [0.0, 1.0]}, TypeError, "labels"),
        (np.zeros((2, 784)), {"predictions": [0, -1]}, ValueError, "predictions"),
        (np.zeros((2, 784)), {"ncols": 0}, ValueError, "ncols"),
        (np.zeros((2, 784)), {"ncols": 2.0}, TypeError, "ncols"),
        (np.zeros((2, 784)), {"image_shape": 28}, TypeError, "image_shape"),
        (np.zeros((2, 784)), {"image_shape": (28, 0)}, ValueError, "image_shape"),
        (np.zeros((2, 784)), {"title": 5}, TypeError, "title"),
    ],
)
def test_image_grid_names_each_bad_argument(ax, images, options, error, named):
    with pytest.raises(error, match=named):
        plotting.image_grid(ax, images, **options)


# plot_probabilities


def test_plot_probabilities_highlights_the_predicted_class(ax):
    probabilities = np.array([0.1, 0.7, 0.2])
    plotting.plot_probabilities(ax, probabilities, label=np.int64(1))
    heights = [patch.get_height() for patch in ax.patches]
    np.testing.assert_allclose(heights, probabilities)
    colours = [to_hex(patch.get_facecolor()).upper() for patch in ax.patches]
    assert colours == [PALETTE["blue"], PALETTE["vermillion"], PALETTE["blue"]]
    assert "true class 1" in ax.get_xlabel()


def test_plot_probabilities_names_its_colours_in_a_legend(ax):
    plotting.plot_probabilities(ax, np.array([0.1, 0.7, 0.2]))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "predicted class (1)",
        "other classes",
    ]


def test_plot_probabilities_rejects_a_batch(ax):
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        plotting.plot_probabilities(ax, np.zeros((2, 3)))


@pytest.mark.parametrize(
    ("probabilities", "options", "error", "named"),
    [
        ([], {}, ValueError, "probabilities"),
        ([0.5, 1.5], {}, ValueError, "probabilities"),
        ([0.5, np.nan], {}, ValueError, "probabilities"),
        ([0.5, 0.5], {"label": 2}, ValueError, "label"),
        ([0.5, 0.5], {"label": 1.0}, TypeError, "label"),
        ([0.5, 0.5], {"title": b"t"}, TypeError, "title"),
    ],
)
def test_plot_probabilities_names_each_bad_argument(ax, probabilities, options, error, named):
    with pytest.raises(error, match=named):
        plotting.plot_probabilities(ax, np.array(probabilities), **options)


# plot_confusion_matrix


def test_plot_confusion_matrix_writes_every_count(ax):
    counts = np.array([[5, 1], [0, 4]])
    plotting.plot_confusion_matrix(ax, counts)
    assert sorted(text.get_text() for text in ax.texts) == ["0", "1", "4", "5"]
    assert ax.get_ylabel() == "true class"


def test_plot_confusion_matrix_colours_on_a_log_scale_by_default(ax):
    plotting.plot_confusion_matrix(ax, MNIST_LIKE)
    assert isinstance(ax.get_images()[0].norm, LogNorm)


def test_plot_confusion_matrix_shows_a_single_mistake_next_to_a_thousand(ax):
    plotting.plot_confusion_matrix(ax, MNIST_LIKE)
    one, none, many = _cell_color(ax, 1, 0), _cell_color(ax, 0, 1), _cell_color(ax, 1, 1)
    assert none == "#ffffff"
    assert one != many
    assert np.mean(to_rgb(one)) < 0.85, f"a count of 1 is drawn almost white: {one}"


def test_plot_confusion_matrix_on_a_linear_scale_hides_small_counts(ax):
    # The reason for the log scale: linearly, 1 of 1120 gets the lightest colour of all.
    plotting.plot_confusion_matrix(ax, MNIST_LIKE, scale="linear")
    assert type(ax.get_images()[0].norm) is Normalize
    assert _cell_color(ax, 1, 0) == _cell_color(ax, 0, 2)


def test_plot_confusion_matrix_numbers_and_labels_are_readable(ax):
    plotting.plot_confusion_matrix(ax, MNIST_LIKE)
    texts = _visible_texts(ax.figure)
    assert min(text.get_fontsize() for text in texts) >= MIN_FONT_SIZE
    assert ax.get_title() and ax.title.get_fontsize() > ax.xaxis.label.get_fontsize()


def test_plot_confusion_matrix_labels_ticks_with_class_names(ax):
    names = ["T-shirt/top", "Trouser", "Pullover"]
    plotting.plot_confusion_matrix(ax, MNIST_LIKE, class_names=names)
    ax.figure.canvas.draw()
    assert [label.get_text() for label in ax.get_xticklabels()] == names
    assert [label.get_text() for label in ax.get_yticklabels()] == names


def test_plot_confusion_matrix_has_a_colour_bar(ax):
    plotting.plot_confusion_matrix(ax, MNIST_LIKE)
    colour_bars = [other for other in ax.figure.axes if other is not ax]
    assert len(colour_bars) == 1
    assert colour_bars[0].get_ylabel() == "count (log scale)"


def test_plot_confusion_matrix_normalized_shows_percent_of_each_true_class(ax):
    plotting.plot_confusion_matrix(ax, np.array([[90, 10], [1, 999]]), normalize=True)
    assert sorted(text.get_text() for text in ax.texts) == ["0.1", "10", "100", "90"]
    assert "percent of the true class" in ax.figure.axes[1].get_ylabel()


def test_plot_confusion_matrix_normalized_keeps_an_empty_class_at_zero(ax):
    plotting.plot_confusion_matrix(ax, np.array([[0, 0], [3, 1]]), normalize=True)
    assert [text.get_text() for text in ax.texts[:2]] == ["0", "0"]


def test_plot_confusion_matrix_rejects_a_non_square_array(ax):
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        plotting.plot_confusion_matrix(ax, np.zeros((2, 3), dtype=int))


@pytest.mark.parametrize(
    ("counts", "options", "error", "named"),
    [
        (np.zeros((2, 2)), {}, TypeError, "counts"),
        (np.zeros((2, 2), dtype=bool), {}, TypeError, "counts"),
        (np.zeros((0, 0), dtype=int), {}, ValueError, "counts"),
        (np.array([[1, -1], [0, 1]]), {}, ValueError, "counts"),
        (np.eye(2, dtype=int), {"class_names": ["a"]}, ValueError, "class_names"),
        (np.eye(2, dtype=int), {"class_names": "ab"}, TypeError, "class_names"),
        (np.eye(2, dtype=int), {"class_names": [0, 1]}, TypeError, "class_names"),
        (np.eye(2, dtype=int), {"normalize": 1}, TypeError, "normalize"),
        (np.eye(2, dtype=int), {"scale": "sqrt"}, ValueError, "scale"),
        (np.eye(2, dtype=int), {"title": 1}, TypeError, "title"),
    ],
)
def test_plot_confusion_matrix_names_each_bad_argument(ax, counts, options, error, named):
    with pytest.raises(error, match=named):
        plotting.plot_confusion_matrix(ax, counts, **options)


@pytest.mark.parametrize(
    "draw",
    [
        lambda ax: plotting.plot_functions(ax, np.arange(3.0), {"a": np.zeros(3), "b": np.ones(3)},
                                           title="t"),
        lambda ax: plotting.plot_training_curves(ax, {"loss": [2.0, 1.0], "val": [3.0, 2.0]}),
        lambda ax: plotting.plot_decision_boundary(ax, lambda p: p[:, 0] * 0 + 0.5,
                                                   np.eye(2), [0, 1], resolution=4),
        lambda ax: plotting.plot_probabilities(ax, [0.2, 0.8], label=0),
        lambda ax: plotting.image_grid(ax, np.zeros((2, 4)), labels=[0, 1], image_shape=(2, 2),
                                       title="t"),
        lambda ax: plotting.plot_confusion_matrix(ax, MNIST_LIKE, class_names=["a", "b", "c"]),
    ],
    ids=["functions", "training", "boundary", "probabilities", "grid", "confusion"],
)
def test_every_figure_has_no_text_smaller_than_the_minimum(ax, draw):
    draw(ax)
    texts = _visible_texts(ax.figure)
    assert texts
    assert min(text.get_fontsize() for text in texts) >= MIN_FONT_SIZE
