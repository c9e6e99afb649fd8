"""Notebook conveniences: one ``setup()`` call per chapter, and ways to show errors and warnings.

A student runs every cell top to bottom, and nbval compares what each cell prints with the stored
output. So a chapter never lets an expected error stop the run, never lets a warning reach stderr
(where it carries a path that changes every run), and prints numbers the same way on every machine.
"""

import contextlib
import warnings

import numpy as np

FIGURE_SIZE = (6.0, 4.0)
FIGURE_DPI = 100


def setup(seed=0):
    """Prepare a chapter: seed NumPy, fix print options and figure defaults.

    Parameters
    ----------
    seed : int
        Seed for the returned generator and for NumPy's legacy global generator (which
        re-created snippets from the seeds call as ``np.random.random``).

    Returns
    -------
    numpy.random.Generator
        ``np.random.default_rng(seed)``: draw every random number of the chapter from it.
    """
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
            "font.size": 10,
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
    expected = exception_types or (Exception,)
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
    expected = categories or (Warning,)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught
    shown = [w for w in caught if issubclass(w.category, expected)]
    if not shown:
        names = ", ".join(c.__name__ for c in expected)
        raise AssertionError(f"expected a warning ({names}), but the block issued none")
    for message in dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in shown):
        print(message)
