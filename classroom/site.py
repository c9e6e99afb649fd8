"""Build the static course site with Sphinx, sphinx-book-theme and MyST-NB.

The chapters are copied into a staging source folder (``_build/site-src``) beside the site's
``conf.py`` and ``index.md`` (kept in ``classroom/site``) and a local MathJax 3; Sphinx then builds
``_build/site``. Copies keep their modification times, so a rebuild only re-reads what changed.

The API reference is written into the staging folder too: ``api/index.rst`` and one page per
public module of ``nnlib`` (every module whose name does not start with ``_``, found on disk, so
a new module gets its page without a change here), each an ``automodule`` directive that autodoc
fills from the module's docstrings.
"""

import filecmp
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

from classroom import assets, chapters

SOURCES = Path(__file__).resolve().parent / "site"
NNLIB = chapters.ROOT / "nnlib"


def _sync(source, target):
    """Copy ``source`` to ``target`` unless it is already identical there."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or not filecmp.cmp(source, target, shallow=False):
        shutil.copy2(source, target)


def _write(text, target):
    """Write ``text`` to ``target`` unless it already holds it (keeps the modification time)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def api_modules(package=NNLIB):
    """The public modules of ``nnlib``, by name, in alphabetical order (``_checks`` is private)."""
    return sorted(
        f"nnlib.{module.name}"
        for module in pkgutil.iter_modules([str(package)])
        if not module.name.startswith("_")
    )


def _api_pages(folder, modules):
    """``api/index.rst`` (a table of contents) and ``api/nnlib.NAME.rst`` for each module."""
    wanted = {f"{module}.rst" for module in modules} | {"index.rst"}
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.iterdir():
        if stale.name not in wanted:
            stale.unlink()
    entries = "\n".join(f"   {module}" for module in modules)
    _write(
        "API reference\n=============\n\n"
        "The ``nnlib`` library, module by module, from its docstrings: what each function and "
        "class takes\n(with array shapes), returns and refuses. ``import nnlib`` loads all of "
        "them but ``datasets`` and\n``plotting``, which load when first used.\n\n"
        f".. toctree::\n   :maxdepth: 1\n\n{entries}\n",
        folder / "index.rst",
    )
    for module in modules:
        title = f"``{module}``"
        _write(f"{title}\n{'=' * len(title)}\n\n.. automodule:: {module}\n",
               folder / f"{module}.rst")


def stage(notebooks=chapters.NOTEBOOKS, staging=chapters.BUILD / "site-src"):
    """Lay out the Sphinx source folder: conf.py, index.md, chapters/, api/ and _static/."""
    staging = Path(staging)
    for name in ("conf.py", "index.md", "favicon.svg"):
        _sync(SOURCES / name, staging / name)
    wanted = {path.name: path for path in chapters.chapter_paths(notebooks)}
    folder = staging / "chapters"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.iterdir():
        if stale.name not in wanted:
            stale.unlink()
    for name, path in wanted.items():
        _sync(path, folder / name)
    _api_pages(staging / "api", api_modules())
    _sync(SOURCES / "print.css", staging / "_static" / "print.css")
    assets.copy_mathjax(staging / "_static" / "mathjax")
    return staging


def build(notebooks=chapters.NOTEBOOKS, out=chapters.BUILD / "site", staging=None, strict=False):
    """Stage the sources and run ``sphinx-build -b html``; return the output folder.

    With ``strict``, any Sphinx warning (a broken reference, a notebook MyST cannot read) fails the
    build, so a chapter that would render badly is caught in CI.
    """
    out = Path(out)
    staging = stage(notebooks, staging or out.parent / "site-src")
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q"]
    if strict:
        command += ["-W", "--keep-going"]
    command += ["-d", str(out.parent / "site-doctrees"), str(staging), str(out)]
    if subprocess.run(command, check=False).returncode != 0:
        raise chapters.BuildError("sphinx-build failed; its messages are above")
    return out
