"""The figures the chapters share. Each function draws on a matplotlib ``Axes`` and returns it,
so a notebook can place several on one figure (``fig, axes = plt.subplots(1, 2)``).

This module imports matplotlib; ``import nnlib`` does not load it until ``nnlib.plotting`` is used.
"""

import matplotlib.pyplot as plt  # noqa: F401  (registers the colormaps used below)
import numpy as np


def plot_functions(ax, x, curves, *, title=None, xlabel="x", ylabel="y", ylim=None, styles=None):
    """Plot several functions of the same ``x``, e.g. activation functions.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x : (M,) array_like
    curves : dict
        ``label -> y`` where ``y`` is an (M,) array or a callable applied to ``x``.
    title, xlabel, ylabel : str
    ylim : (float, float), optional
    styles : dict, optional
        ``label -> dict`` of keyword arguments for ``ax.plot`` (color, linestyle, ...).

    Returns
    -------
    matplotlib.axes.Axes
    """
    x = np.asarray(x)
    styles = styles or {}
    for label, curve in curves.items():
        y = curve(x) if callable(curve) else np.asarray(curve)
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
        ``label -> sequence of floats``.
    title, xlabel, ylabel : str
    logy : bool
        Logarithmic y axis, which shows a loss that keeps falling by orders of magnitude.

    Returns
    -------
    matplotlib.axes.Axes
    """
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
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
    X : (N, 2) array_like
        The input points (only the first two columns are drawn; e.g. XOR's inputs).
    t : (N,) array_like
        Their 0/1 targets.
    resolution : int
        Grid points per axis.
    margin : float
        Space around the points.
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    X = np.asarray(X, dtype=float)
    t = np.asarray(t).reshape(-1)
    if X.ndim != 2 or X.shape[1] < 2 or X.shape[0] != t.shape[0]:
        raise ValueError(f"X must be (N, 2) with one target each, got X {X.shape} and t {t.shape}")
    lo = X[:, :2].min(axis=0) - margin
    hi = X[:, :2].max(axis=0) + margin
    u, v = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    values = np.asarray(score(np.column_stack([u.ravel(), v.ravel()]))).reshape(u.shape)
    filled = ax.contourf(u, v, values, levels=np.linspace(0, 1, 11), cmap="coolwarm", alpha=0.6)
    ax.contour(u, v, values, levels=[0.5], colors="black", linewidths=1.5)
    for label, marker in ((0, "o"), (1, "s")):
        chosen = t == label
        ax.scatter(
            X[chosen, 0],
            X[chosen, 1],
            marker=marker,
            s=80,
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
    labels : (N,) array_like, optional
        True labels, written under each image.
    predictions : (N,) array_like, optional
        Predicted labels; captions read ``pred/true`` and wrong ones are red.
    ncols : int
    image_shape : (int, int)
        Used to reshape flat images.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    images = np.asarray(images)
    count = images.shape[0]
    if count == 0:
        raise ValueError("image_grid needs at least one image")
    if images.ndim == 2:
        if images.shape[1] != image_shape[0] * image_shape[1]:
            raise ValueError(
                f"flat images of shape {images.shape} do not fit image_shape {image_shape}"
            )
        images = images.reshape(count, *image_shape)
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
        caption, color = _caption(k, labels, predictions)
        if caption:
            ax.text(
                1 + col * (width + 1),
                1 + row * (height + 1) + height - 1,
                caption,
                color=color,
                fontsize=8,
                fontweight="bold",
                va="bottom",
                ha="left",
            )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def _caption(k, labels, predictions):
    if predictions is None:
        return ("" if labels is None else str(labels[k])), "tab:blue"
    if labels is None:
        return str(predictions[k]), "tab:blue"
    wrong = predictions[k] != labels[k]
    return f"{predictions[k]}/{labels[k]}", ("tab:red" if wrong else "tab:green")


def plot_probabilities(ax, probabilities, *, label=None, title="Predicted probabilities"):
    """Bar chart of one sample's class probabilities, the predicted class highlighted.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    probabilities : (K,) array_like
    label : int, optional
        The true class, marked on the x axis.
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    probabilities = np.asarray(probabilities, dtype=float)
    if probabilities.ndim != 1:
        raise ValueError(f"probabilities must be 1-D (K,), got shape {probabilities.shape}")
    classes = np.arange(probabilities.size)
    colors = np.where(classes == np.argmax(probabilities), "tab:orange", "tab:blue")
    ax.bar(classes, probabilities, color=colors)
    ax.set_xticks(classes)
    ax.set(title=title, xlabel="class", ylabel="probability", ylim=(0, 1))
    if label is not None:
        ax.get_xticklabels()[int(label)].set_fontweight("bold")
        ax.set_xlabel(f"class (true class {int(label)} in bold)")
    return ax


def plot_confusion_matrix(ax, counts, *, title="Confusion matrix"):
    """Draw a confusion matrix (rows: true class, columns: predicted class) with its counts.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    counts : (K, K) int array_like
        E.g. from :func:`nnlib.network.confusion_matrix`.
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"counts must be a square (K, K) array, got shape {counts.shape}")
    image = ax.imshow(counts, cmap="Blues")
    threshold = counts.max() / 2
    for (i, j), value in np.ndenumerate(counts):
        ax.text(
            j,
            i,
            str(value),
            ha="center",
            va="center",
            fontsize=7,
            color="white" if value > threshold else "black",
        )
    ticks = np.arange(counts.shape[0])
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.grid(False)
    ax.set(title=title, xlabel="predicted class", ylabel="true class")
    ax.figure.colorbar(image, ax=ax, label="count")
    return ax
