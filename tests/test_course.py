"""The notebook conveniences in nnlib.course, and the promise that `import nnlib` stays light."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

import nnlib
from nnlib import course


def test_setup_seeds_both_generators_and_fixes_print_options():
    rng = nnlib.setup(seed=3)
    assert rng.random() == np.random.default_rng(3).random()
    legacy_first = np.random.random()  # noqa: NPY002 (setup seeds the legacy generator too)
    np.random.seed(3)  # noqa: NPY002
    assert legacy_first == np.random.random()  # noqa: NPY002
    assert np.get_printoptions()["precision"] == 8
    assert repr(np.float64(1.5)) == "1.5"  # the same on NumPy 1 and 2


def test_setup_fixes_the_figure_size_and_dpi():
    import matplotlib as mpl

    nnlib.setup()
    assert tuple(mpl.rcParams["figure.figsize"]) == course.FIGURE_SIZE
    assert mpl.rcParams["figure.dpi"] == course.FIGURE_DPI


def test_expect_error_prints_the_error(capsys):
    with course.expect_error(ZeroDivisionError):
        1 / 0  # noqa: B018
    assert capsys.readouterr().out == "ZeroDivisionError: division by zero\n"


def test_expect_error_fails_when_nothing_is_raised():
    with pytest.raises(AssertionError, match="ValueError"), course.expect_error(ValueError):
        pass


def test_expect_error_lets_other_errors_through():
    with pytest.raises(KeyError), course.expect_error(ValueError):
        raise KeyError("x")


def test_show_warnings_prints_each_warning_once(capsys):
    with course.show_warnings(RuntimeWarning):
        np.exp(np.array([1000.0, 2000.0]))
        np.exp(np.array([1000.0]))
    assert capsys.readouterr().out == "RuntimeWarning: overflow encountered in exp\n"


def test_show_warnings_fails_when_nothing_is_warned():
    with (
        pytest.raises(AssertionError, match="RuntimeWarning"),
        course.show_warnings(RuntimeWarning),
    ):
        np.exp(np.array([1.0]))


def test_show_warnings_restores_the_warning_filters():
    with course.show_warnings():
        warnings.warn("shown", UserWarning, stacklevel=1)
    with pytest.raises(UserWarning):
        warnings.warn("an error again in this suite", UserWarning, stacklevel=1)


def test_import_nnlib_loads_no_heavy_dependency():
    code = (
        "import sys, nnlib; "
        "print(sorted(m for m in ('matplotlib', 'sympy', 'pooch', 'tqdm') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_lazy_modules_load_on_first_use():
    assert nnlib.plotting.__name__ == "nnlib.plotting"
    with pytest.raises(AttributeError, match="no_such_module"):
        nnlib.no_such_module  # noqa: B018
