"""Build the static course site with Sphinx, sphinx-book-theme and MyST-NB.

The chapters are copied into a staging source folder (``_build/site-src``) beside the site's
``conf.py`` and ``index.md`` (kept in ``classroom/site``) and a local MathJax 3; Sphinx then builds
``_build/site``. Copies keep their modification times, so a rebuild only re-reads what changed.
"""

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

from classroom import assets, chapters

SOURCES = Path(__file__).resolve().parent / "site"


def _sync(source, target):
    """Copy ``source`` to ``target`` unless it is already identical there."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or not filecmp.cmp(source, target, shallow=False):
        shutil.copy2(source, target)


def stage(notebooks=chapters.NOTEBOOKS, staging=chapters.BUILD / "site-src"):
    """Lay out the Sphinx source folder: conf.py, index.md, chapters/ and _static/."""
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
