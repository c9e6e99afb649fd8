"""Local copies of reveal.js and MathJax, taken from installed Python packages.

No page we build loads anything from a CDN. The two JavaScript libraries come from packages of the
``classroom`` extra, so that once the environment is installed every build works offline:

- reveal.js 5 from ``sphinx-revealjs`` (which vendors reveal.js's ``dist/`` and plugins);
- MathJax 3 from ``django-static-mathjax`` (MathJax's own ``es5/`` build, packaged as static
  files; it has no dependencies and needs no Django to be read from disk).

MathJax 2 as shipped by ``jupyter-server-mathjax`` was tried first: its HTML-CSS output loads a
probe font from ``about:blank``, which Chromium refuses with a console error on every page.
"""

import importlib.util
import shutil
from pathlib import Path

# The combined component: TeX input with every extension, CommonHTML output, the menu.
MATHJAX_SCRIPT = "tex-chtml-full.js"


def _package_dir(name):
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"the Python package {name!r} is not installed; install the course's classroom extra: "
            "pip install -e '.[classroom]'"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def reveal_dir():
    """The folder of reveal.js (with ``dist/`` and ``plugin/``) inside sphinx-revealjs."""
    folder = _package_dir("sphinx_revealjs") / "_static" / "revealjs"
    if not (folder / "dist" / "reveal.js").is_file():
        raise RuntimeError(f"no dist/reveal.js in {folder}: sphinx-revealjs changed its layout")
    return folder


def mathjax_dir():
    """The folder of MathJax 3's browser build (``tex-chtml-full.js``, ``output/``, ``input/``)."""
    folder = _package_dir("mathjax") / "static" / "mathjax" / "es5"
    if not (folder / MATHJAX_SCRIPT).is_file():
        raise RuntimeError(
            f"no {MATHJAX_SCRIPT} in {folder}: django-static-mathjax changed its layout"
        )
    return folder


def copy_reveal(dest):
    """Copy the parts of reveal.js a deck loads (``dist/`` and the notes plugin) into ``dest``."""
    source = reveal_dir()
    dest = Path(dest)
    shutil.copytree(source / "dist", dest / "dist", dirs_exist_ok=True)
    shutil.copytree(source / "plugin" / "notes", dest / "plugin" / "notes", dirs_exist_ok=True)
    shutil.copy2(source / "LICENSE", dest / "LICENSE")
    return dest


def copy_mathjax(dest):
    """Copy MathJax 3 into ``dest``, so that ``dest/tex-chtml-full.js`` exists."""
    return Path(shutil.copytree(mathjax_dir(), dest, dirs_exist_ok=True))
