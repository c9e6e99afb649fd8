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


def test_setup_makes_the_colour_blind_safe_palette_the_colour_cycle():
    import matplotlib as mpl

    nnlib.setup()
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == list(course.PALETTE.values())


def _contrast_on_white(colour):
    """WCAG 2 contrast ratio of a colour against white."""
    from matplotlib.colors import to_rgb

    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_the_first_five_colours_reach_a_contrast_of_3_to_1_on_white():
    # WCAG 2.1's minimum for lines and marks; a projector lowers contrast further.
    contrasts = {name: _contrast_on_white(hex_code) for name, hex_code in course.PALETTE.items()}
    assert all(contrast >= 3 for contrast in list(contrasts.values())[:5]), contrasts
    assert "yellow" not in course.PALETTE


def test_setup_sets_every_text_size_to_at_least_10_points_and_titles_larger():
    import matplotlib as mpl

    nnlib.setup()
    sizes = {key: mpl.rcParams[key] for key in course.FONT_SIZES}
    assert min(sizes.values()) >= course.MIN_FONT_SIZE == 10
    for title in ("axes.titlesize", "figure.titlesize"):
        assert sizes[title] > max(sizes["axes.labelsize"], sizes["xtick.labelsize"])


def test_setup_accepts_a_numpy_integer_seed():
    rng = nnlib.setup(seed=np.int64(5))
    assert rng.random() == np.random.default_rng(5).random()


@pytest.mark.parametrize(
    ("seed", "error"),
    [(-1, ValueError), (2**32, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError),
     (None, TypeError)],
)  # fmt: skip
def test_setup_names_a_bad_seed(seed, error):
    with pytest.raises(error, match="seed"):
        nnlib.setup(seed)


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


@pytest.mark.parametrize("bad", ["ValueError", ValueError("x"), int])
def test_expect_error_refuses_what_is_not_an_exception_class(bad):
    with pytest.raises(TypeError, match="exception_types"), course.expect_error(bad):
        pass


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


@pytest.mark.parametrize("bad", [ValueError, "RuntimeWarning", RuntimeWarning("x")])
def test_show_warnings_refuses_what_is_not_a_warning_class(bad):
    with pytest.raises(TypeError, match="categories"), course.show_warnings(bad):
        pass


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
