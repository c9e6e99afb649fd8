"""Notebook conveniences: one ``setup()`` call per chapter, and ways to show errors and warnings.

A student runs every cell top to bottom, and nbval compares what each cell prints with the stored
output. So a chapter never lets an expected error stop the run, never lets a warning reach stderr
(where it carries a path that changes every run), and prints numbers the same way on every machine.
"""

import contextlib
import warnings

import numpy as np

from nnlib._checks import check_int

FIGURE_SIZE = (6.0, 4.0)
FIGURE_DPI = 100

# The Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008): colours that people with
# any common colour-vision deficiency can tell apart. Ordered so that the first five reach a
# contrast of 3:1 on white (WCAG's minimum for lines and marks), which a projector needs; its
# yellow (1.3:1) is left out, as a yellow line on a white slide all but disappears.
PALETTE = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish green": "#009E73",
    "reddish purple": "#CC79A7",
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
}

# Font sizes in points. A figure of FIGURE_SIZE at FIGURE_DPI fills about half a 1280x720 slide;
# 10 pt is the smallest text that stays legible there from the back of a room.
FONT_SIZES = {
    "font.size": 11,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "legend.title_fontsize": 11,
    "axes.titlesize": 14,
    "figure.titlesize": 15,
}
MIN_FONT_SIZE = 10


def setup(seed=0):
    """Prepare a chapter: seed NumPy, fix print options and figure defaults.

    The figure defaults are the course's figure conventions (CONTRIBUTING.md, "Figures"): a
    fixed size and DPI, the colour-blind-safe :data:`PALETTE` as the colour cycle, and text
    of at least :data:`MIN_FONT_SIZE` points, titles larger.

    Parameters
    ----------
    seed : int
        Seed for the returned generator and for NumPy's legacy global generator (which
        re-created snippets from the seeds call as ``np.random.random``), in [0, 2**32).

    Returns
    -------
    numpy.random.Generator
        ``np.random.default_rng(seed)``: draw every random number of the chapter from it.
    """
    seed = check_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    np.random.seed(seed)  # noqa: NPY002 (seed snippets re-created in the chapters use it)
    np.set_printoptions(precision=8, suppress=False, linewidth=100)
    if int(np.__version__.split(".")[0]) >= 2:
        # NumPy 2 prints scalars as np.float64(1.5); the 1.25 legacy mode prints 1.5, as
        # NumPy 1 does, so a chapter's output is the same on both.
        np.set_printoptions(legacy="1.25")
    _configure_matplotlib()
    return np.random.default_rng(seed)


def _configure_matplotlib():
    try:
        import matplotlib as mpl
    except ImportError:  # the library alone does not need matplotlib
        return
    mpl.rcParams.update(
        {
            "figure.figsize": FIGURE_SIZE,
            "figure.dpi": FIGURE_DPI,
            "savefig.dpi": FIGURE_DPI,
            "figure.autolayout": True,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.prop_cycle": mpl.cycler(color=list(PALETTE.values())),
            "lines.linewidth": 2.0,
            "lines.markersize": 7.0,
            **FONT_SIZES,
            "image.cmap": "gray",
        }
    )


@contextlib.contextmanager
def expect_error(*exception_types):
    """Run a block that must raise, and print the error instead of stopping the notebook.

    Parameters
    ----------
    *exception_types : type
        The exception classes the block is expected to raise (default: any ``Exception``).

    Raises
    ------
    AssertionError
        If the block raises nothing, so a chapter cannot claim an error that no longer happens.
    """
    expected = _check_classes(exception_types, BaseException, "exception_types") or (Exception,)
    try:
        yield
    except expected as error:
        print(f"{type(error).__name__}: {error}")
    else:
        names = ", ".join(t.__name__ for t in expected)
        raise AssertionError(f"expected {names}, but the block raised nothing")


@contextlib.contextmanager
def show_warnings(*categories):
    """Run a block and print the warnings it issues, one line each, instead of writing stderr.

    Parameters
    ----------
    *categories : type
        Warning classes the block is expected to issue (default: any ``Warning``).

    Raises
    ------
    AssertionError
        If the block issues no warning of the expected categories.
    """
    expected = _check_classes(categories, Warning, "categories") or (Warning,)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught
    shown = [w for w in caught if issubclass(w.category, expected)]
    if not shown:
        names = ", ".join(c.__name__ for c in expected)
        raise AssertionError(f"expected a warning ({names}), but the block issued none")
    for message in dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in shown):
        print(message)


def _check_classes(classes, base, name):
    """Return ``classes`` if each is a subclass of ``base`` (``ValueError`` is; ``"ValueError"``
    or ``ValueError("x")`` is not), else raise ``TypeError`` naming the argument."""
    for value in classes:
        if not (isinstance(value, type) and issubclass(value, base)):
            raise TypeError(f"{name} must be {base.__name__} classes, got {value!r}")
    return classes
