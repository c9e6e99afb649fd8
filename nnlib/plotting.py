"""The figures the chapters share. Each function draws on a matplotlib ``Axes`` and returns it,
so a notebook can place several on one figure (``fig, axes = plt.subplots(1, 2)``).

Every figure follows the course's figure conventions (CONTRIBUTING.md, "Figures"), made to be read
on a projector: the colour-blind-safe palette of :data:`nnlib.course.PALETTE` (``nnlib.setup()``
makes it the colour cycle), no text smaller than :data:`nnlib.course.MIN_FONT_SIZE` points, a
highlight (a mistake, the predicted class) never shown by colour alone, and a logarithmic colour
scale where counts differ by orders of magnitude.

This module imports matplotlib; ``import nnlib`` does not load it until ``nnlib.plotting`` is used.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, LogNorm, Normalize
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from nnlib._checks import (
    _describe,
    check_array,
    check_bool,
    check_choice,
    check_int,
    check_labels,
    check_real,
)
from nnlib.course import MIN_FONT_SIZE, PALETTE

# Two roles that recur: the thing the figure is about (a prediction, a mistake) and the rest.
HIGHLIGHT = PALETTE["vermillion"]
REGULAR = PALETTE["blue"]


def plot_functions(ax, x, curves, *, title=None, xlabel="x", ylabel="y", ylim=None, styles=None):
    """Plot several functions of the same ``x``, e.g. activation functions.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x : (M,) array_like
        Finite, at least one point.
    curves : dict
        ``label -> y`` where ``y`` is an (M,) array or a callable applied to ``x``.
    title, xlabel, ylabel : str or None
    ylim : (float, float), optional
        Lower and upper limit of the y axis, lower < upper.
    styles : dict, optional
        ``label -> dict`` of keyword arguments for ``ax.plot`` (color, linestyle, ...), for
        labels of ``curves``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _check_axes(ax)
    x = check_array(x, "x", ndim=1, nonempty=True, finite=True)
    curves = _check_curves(curves)
    styles = _check_styles(styles, curves)
    ylim = _check_limits(ylim, "ylim")
    title, xlabel, ylabel = (
        _check_text(title, "title"), _check_text(xlabel, "xlabel"), _check_text(ylabel, "ylabel")
    )  # fmt: skip
    for label, curve in curves.items():
        y = curve(x) if callable(curve) else curve
        y = check_array(y, f"curves[{label!r}]")
        if y.shape != x.shape:
            raise ValueError(f"curve {label!r} has shape {y.shape} but x has shape {x.shape}")
        ax.plot(x, y, label=label, **styles.get(label, {}))
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if len(curves) > 1:
        ax.legend()
    return ax


def plot_training_curves(
    ax, curves, *, title="Training", xlabel="epoch", ylabel="loss", logy=False
):
    """Plot one or more histories (loss or accuracy per epoch) against the epoch number.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    curves : dict
        ``label -> sequence of floats`` (at least one value each). A NaN (a diverged run) is
        drawn as a gap.
    title, xlabel, ylabel : str or None
    logy : bool
        Logarithmic y axis, which shows a loss that keeps falling by orders of magnitude. Every
        value must then be positive.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _check_axes(ax)
    curves = _check_curves(curves, callables=False)
    logy = check_bool(logy, "logy")
    title, xlabel, ylabel = (
        _check_text(title, "title"), _check_text(xlabel, "xlabel"), _check_text(ylabel, "ylabel")
    )  # fmt: skip
    histories = {}
    for label, values in curves.items():
        values = check_array(values, f"curves[{label!r}]", ndim=1, nonempty=True)
        if logy and np.any(values <= 0):
            raise ValueError(
                f"curves[{label!r}] must be positive for logy=True, got minimum {values.min():g}"
            )
        histories[label] = values
    for label, values in histories.items():
        ax.plot(np.arange(1, values.size + 1), values, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if len(curves) > 1:
        ax.legend()
    return ax


def plot_decision_boundary(
    ax, score, X, t, *, resolution=200, margin=0.5, title="Decision boundary"
):
    """Shade the plane by a 2-D classifier's score and draw the training points on top.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    score : callable
        ``score(points) -> (M,)`` values in [0, 1] (e.g. the sigmoid output) for ``points`` of
        shape (M, 2); the 0.5 contour is drawn as the boundary.
    X : (N, D) array_like, D >= 2
        The input points, finite (only the first two columns are drawn; e.g. XOR's inputs).
    t : (N,) or (N, 1) array_like
        Their targets, each 0 or 1.
    resolution : int
        Grid points per axis, from 2 to 2000.
    margin : float
        Space around the points, >= 0.
    title : str or None

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _check_axes(ax)
    if not callable(score):
        raise TypeError(f"score must be a function of an (M, 2) array, got {_describe(score)}")
    X = check_array(X, "X", ndim=2, nonempty=True, finite=True)
    t = check_array(t, "t", ndim=(1, 2))
    if t.ndim == 2 and t.shape[1] == 1:
        t = t[:, 0]
    if X.shape[1] < 2 or t.shape != (X.shape[0],):
        raise ValueError(f"X must be (N, 2) with one target each, got X {X.shape} and t {t.shape}")
    if not np.all((t == 0) | (t == 1)):
        raise ValueError(f"t must hold targets 0 and 1, got values {np.unique(t)[:5]}")
    resolution = check_int(resolution, "resolution", minimum=2, maximum=2000)
    margin = check_real(margin, "margin", minimum=0)
    title = _check_text(title, "title")
    lo = X[:, :2].min(axis=0) - margin
    hi = X[:, :2].max(axis=0) + margin
    u, v = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    values = np.asarray(score(np.column_stack([u.ravel(), v.ravel()])))
    if values.size != u.size or values.ndim not in (1, 2) or values.shape[0] != u.size:
        raise ValueError(
            f"score must return one value per point, shape ({u.size},), got shape {values.shape}"
        )
    values = check_array(values, "score(points)", finite=True).reshape(u.shape)
    if values.min() < 0 or values.max() > 1:
        raise ValueError(
            f"score must return values in [0, 1], got {values.min():g} to {values.max():g}"
        )
    filled = ax.contourf(u, v, values, levels=np.linspace(0, 1, 11), cmap="coolwarm", alpha=0.6)
    ax.contour(u, v, values, levels=[0.5], colors="black", linewidths=2)
    for label, marker in ((0, "o"), (1, "s")):
        chosen = t == label
        ax.scatter(
            X[chosen, 0],
            X[chosen, 1],
            marker=marker,
            s=90,
            edgecolors="black",
            c="white" if label == 0 else "black",
            label=f"target {label}",
        )
    ax.figure.colorbar(filled, ax=ax, label="network output")
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(loc="upper right")
    return ax


def image_grid(
    ax, images, *, labels=None, predictions=None, ncols=10, image_shape=(28, 28), title=None
):
    """Tile images into one picture, each captioned with its label (and prediction).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    images : (N, H*W) or (N, H, W) or (N, 1, H, W) array_like
        At least one image, finite values.
    labels : (N,) int array_like, optional
        True labels, written under each image.
    predictions : (N,) int array_like, optional
        Predicted labels; captions read ``pred/true``, wrong ones in bold vermillion, right ones
        in blue (the weight tells them apart without colour).
    ncols : int
        Images per row, at least 1.
    image_shape : (int, int)
        Used to reshape flat images.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _check_axes(ax)
    images = check_array(images, "images", ndim=(2, 3, 4), nonempty=True, finite=True)
    count = images.shape[0]
    labels = _check_optional_labels(labels, "labels", count)
    predictions = _check_optional_labels(predictions, "predictions", count)
    ncols = check_int(ncols, "ncols", minimum=1)
    image_shape = _check_image_shape(image_shape)
    title = _check_text(title, "title")
    if images.ndim == 2:
        if images.shape[1] != image_shape[0] * image_shape[1]:
            raise ValueError(
                f"flat images of shape {images.shape} do not fit image_shape {image_shape}"
            )
        images = images.reshape(count, *image_shape)
    if images.ndim == 4 and images.shape[1] != 1:
        raise ValueError(f"images must have one channel, (N, 1, H, W), got shape {images.shape}")
    images = images.reshape(count, images.shape[-2], images.shape[-1])
    height, width = images.shape[1:]
    ncols = min(ncols, count)
    nrows = -(-count // ncols)
    canvas = np.full((nrows * (height + 1) + 1, ncols * (width + 1) + 1), np.nan)
    for k, image in enumerate(images):
        row, col = divmod(k, ncols)
        top, left = 1 + row * (height + 1), 1 + col * (width + 1)
        canvas[top : top + height, left : left + width] = image
    ax.imshow(canvas, cmap="gray_r", interpolation="nearest")
    for k in range(count):
        row, col = divmod(k, ncols)
        caption, color, weight = _caption(k, labels, predictions)
        if caption:
            ax.text(
                1 + col * (width + 1),
                1 + row * (height + 1) + height - 1,
                caption,
                color=color,
                fontsize=MIN_FONT_SIZE,
                fontweight=weight,
                va="bottom",
                ha="left",
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1},
            )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def _caption(k, labels, predictions):
    """Caption text, colour and weight of image ``k``."""
    if predictions is None:
        return ("" if labels is None else str(labels[k])), REGULAR, "normal"
    if labels is None:
        return str(predictions[k]), REGULAR, "normal"
    if predictions[k] != labels[k]:
        return f"{predictions[k]}/{labels[k]}", HIGHLIGHT, "bold"
    return f"{predictions[k]}/{labels[k]}", REGULAR, "normal"


def plot_probabilities(ax, probabilities, *, label=None, title="Predicted probabilities"):
    """Bar chart of one sample's class probabilities, the predicted class highlighted.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    probabilities : (K,) array_like
        Values in [0, 1], e.g. one row of a softmax output.
    label : int, optional
        The true class, in [0, K), marked on the x axis.
    title : str or None

    Returns
    -------
    matplotlib.axes.Axes
        With a legend naming the two bar colours.
    """
    ax = _check_axes(ax)
    probabilities = check_array(probabilities, "probabilities", ndim=1, nonempty=True, finite=True)
    if probabilities.min() < 0 or probabilities.max() > 1:
        raise ValueError(
            f"probabilities must lie in [0, 1], got {probabilities.min():g} to "
            f"{probabilities.max():g}"
        )
    if label is not None:
        label = check_int(label, "label", minimum=0, maximum=probabilities.size - 1)
    title = _check_text(title, "title")
    classes = np.arange(probabilities.size)
    predicted = int(np.argmax(probabilities))
    colors = np.where(classes == predicted, HIGHLIGHT, REGULAR)
    ax.bar(classes, probabilities, color=colors)
    ax.set_xticks(classes)
    ax.set(title=title, xlabel="class", ylabel="probability", ylim=(0, 1))
    ax.legend(
        handles=[
            Patch(color=HIGHLIGHT, label=f"predicted class ({predicted})"),
            Patch(color=REGULAR, label="other classes"),
        ],
        loc="upper right",
    )
    if label is not None:
        ax.get_xticklabels()[label].set_fontweight("bold")
        ax.set_xlabel(f"class (true class {label} in bold)")
    return ax


def plot_confusion_matrix(
    ax, counts, *, class_names=None, normalize=False, scale="log", title="Confusion matrix"
):
    """Draw a confusion matrix (rows: true class, columns: predicted class) with its counts.

    A good classifier's counts differ by orders of magnitude (about 1,000 on the diagonal, a
    handful off it), so the colours follow a logarithmic scale by default: on a linear one every
    mistake would look as white as a cell with none. Cells with no sample stay white.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    counts : (K, K) int array_like
        Non-negative counts, e.g. from :func:`nnlib.network.confusion_matrix`.
    class_names : sequence of K str, optional
        Tick labels, e.g. ``nnlib.datasets``' Fashion-MNIST class names; default 0 ... K-1.
    normalize : bool
        Show each row as percentages of its true class (a row with no sample stays 0) instead
        of counts.
    scale : {"log", "linear"}
        The colour scale.
    title : str or None

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _check_axes(ax)
    counts = np.asarray(counts)
    if counts.dtype == np.bool_ or not np.issubdtype(counts.dtype, np.integer):
        raise TypeError(f"counts must hold integer counts, got dtype {counts.dtype}")
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.size == 0:
        raise ValueError(f"counts must be a square (K, K) array, K >= 1, got shape {counts.shape}")
    if counts.min() < 0:
        raise ValueError(f"counts must be non-negative, got minimum {counts.min()}")
    size = counts.shape[0]
    class_names = _check_class_names(class_names, size)
    normalize = check_bool(normalize, "normalize")
    scale = check_choice(scale, "scale", ("log", "linear"))
    title = _check_text(title, "title")

    if normalize:
        values = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    else:
        values = counts.astype(float)
    largest = max(values.max(), np.finfo(float).tiny)
    # Light blue for the smallest count, not Blues' white, so that one mistake shows.
    colormap = ListedColormap(plt.get_cmap("Blues")(np.linspace(0.35, 1.0, 256)))
    colormap = colormap.with_extremes(bad="white")
    if scale == "log":
        smallest = values[values > 0].min() if np.any(values > 0) else largest
        norm = LogNorm(vmin=min(smallest, largest / 10), vmax=largest)
    else:
        norm = Normalize(vmin=0, vmax=largest)
    image = ax.imshow(np.ma.masked_equal(values, 0), cmap=colormap, norm=norm)

    for (i, j), value in np.ndenumerate(values):
        if value == 0:
            text, color = "0", "#767676"
        else:
            text = _percent(value) if normalize else str(counts[i, j])
            color = "white" if norm(value) > 0.6 else "black"
        ax.text(j, i, text, ha="center", va="center", fontsize=MIN_FONT_SIZE, color=color)
    ticks = np.arange(size)
    long_names = max(len(name) for name in class_names) > 2
    ax.set_xticks(ticks, class_names, rotation=45 if long_names else 0,
                  ha="right" if long_names else "center", rotation_mode="anchor")  # fmt: skip
    ax.set_yticks(ticks, class_names)
    ax.grid(False)
    ax.set(title=title, xlabel="predicted class", ylabel="true class")
    what = "percent of the true class" if normalize else "count"
    colorbar = ax.figure.colorbar(
        image, ax=ax, label=f"{what} ({scale} scale)",
        format=PercentFormatter(xmax=1) if normalize else None,
    )  # fmt: skip
    # rcParams may hold a name such as "medium" (before nnlib.setup()): compare points
    tick_size = FontProperties(size=plt.rcParams["ytick.labelsize"]).get_size_in_points()
    colorbar.ax.tick_params(labelsize=max(MIN_FONT_SIZE, tick_size))
    return ax


def _percent(fraction):
    """``0.9512 -> "95"``, ``0.0034 -> "0.3"``: two digits at most, so that the text fits a cell."""
    percent = 100 * fraction
    return f"{percent:.0f}" if percent >= 9.5 else f"{percent:.1f}"


def _check_axes(ax):
    if not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes (fig, ax = plt.subplots()), got {_describe(ax)}"
        )
    return ax


def _check_text(value, name):
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string or None, got {_describe(value)}")
    return value


def _check_curves(curves, *, callables=True):
    if not isinstance(curves, dict):
        raise TypeError(f"curves must be a dict of label -> values, got {_describe(curves)}")
    if not curves:
        raise ValueError("curves must hold at least one curve, got an empty dict")
    for label, curve in curves.items():
        if not isinstance(label, str):
            raise TypeError(f"curves' labels must be strings, got {_describe(label)}")
        if callable(curve) and not callables:
            raise TypeError(f"curves[{label!r}] must be a sequence of numbers, got a function")
    return curves


def _check_styles(styles, curves):
    if styles is None:
        return {}
    if not isinstance(styles, dict):
        raise TypeError(f"styles must be a dict of label -> dict, got {_describe(styles)}")
    for label, style in styles.items():
        if label not in curves:
            raise ValueError(f"styles has a label that is not a curve: {label!r}")
        if not isinstance(style, dict):
            raise TypeError(f"styles[{label!r}] must be a dict of ax.plot keywords, got "
                            f"{_describe(style)}")  # fmt: skip
    return styles


def _check_limits(limits, name):
    if limits is None:
        return None
    if not isinstance(limits, (tuple, list)) or len(limits) != 2:
        raise TypeError(f"{name} must be a pair (lower, upper), got {_describe(limits)}")
    lower = check_real(limits[0], f"{name}[0]")
    upper = check_real(limits[1], f"{name}[1]")
    if not lower < upper:
        raise ValueError(f"{name} must have lower < upper, got ({lower:g}, {upper:g})")
    return lower, upper


def _check_optional_labels(values, name, count):
    if values is None:
        return None
    values = check_labels(values, name)
    if values.shape != (count,):
        raise ValueError(f"{name} must have one label per image, ({count},), got {values.shape}")
    return values


def _check_image_shape(shape):
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise TypeError(f"image_shape must be a pair (height, width), got {_describe(shape)}")
    return tuple(check_int(n, f"image_shape[{i}]", minimum=1) for i, n in enumerate(shape))


def _check_class_names(names, size):
    if names is None:
        return [str(k) for k in range(size)]
    if isinstance(names, str) or not isinstance(names, (list, tuple, np.ndarray)):
        raise TypeError(f"class_names must be a list of {size} strings, got {_describe(names)}")
    names = list(names)
    if len(names) != size:
        raise ValueError(f"class_names must name all {size} classes, got {len(names)} names")
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"class_names must hold strings, got {_describe(name)}")
    return names

