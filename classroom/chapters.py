"""Find the chapter notebooks and check the metadata that slides and the student edition rely on.

The rules are CONTRIBUTING.md's: every cell has ``metadata.slideshow.slide_type``; an exercise is a
``solution``-tagged code cell holding nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION``
markers, followed by a ``check``-tagged code cell.
"""

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "_build"
CHAPTER_GLOB = "[0-9][0-9]_*.ipynb"

SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")
# reveal.js themes whose fonts ship with reveal.js; the others (RISE's default "simple" among
# them) import Google Fonts, which a classroom without internet cannot load.
OFFLINE_THEMES = ("white", "black")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
# nbgrader's ClearSolutions takes any line that merely contains these words as a marker, in any
# cell, markdown included.
NBGRADER_BEGIN, NBGRADER_END = "BEGIN SOLUTION", "END SOLUTION"


class BuildError(RuntimeError):
    """A build cannot go on; the message says why (for a chapter's metadata, cell by cell)."""


def chapter_paths(notebooks=NOTEBOOKS):
    """Return the chapter notebooks ``NN_name.ipynb`` of a folder, in chapter order."""
    return sorted(Path(notebooks).glob(CHAPTER_GLOB))


def read(path):
    """Read a notebook as nbformat 4."""
    return nbformat.read(path, as_version=4)


def tags(cell):
    """The cell's tags, as a set."""
    return set(cell.get("metadata", {}).get("tags", []))


def slide_type(cell):
    """The cell's ``slideshow.slide_type``, or None when it has none."""
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def exercises(nb):
    """Return ``(solution_index, check_index)`` pairs in notebook order.

    The check is the first code cell after the solution cell. A pair whose check cell is not tagged
    ``check`` is still returned; :func:`problems` reports it.
    """
    pairs = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "solution" in tags(cell):
            following = [
                j for j in range(index + 1, len(nb.cells)) if nb.cells[j].cell_type == "code"
            ]
            pairs.append((index, following[0] if following else None))
    return pairs


def slide_problems(nb):
    """What the slide builds need and a chapter lacks, in words its author can act on."""
    found = []
    for index, cell in enumerate(nb.cells):
        kind = slide_type(cell)
        if kind is None:
            found.append(f"{_where(index, cell)}: no metadata.slideshow.slide_type")
        elif kind not in SLIDE_TYPES:
            found.append(f"{_where(index, cell)}: slide_type {kind!r} is not one of {SLIDE_TYPES}")
    if nb.cells and slide_type(nb.cells[0]) not in (None, "slide"):
        found.append(
            f"cell 0: the title cell's slide_type is {slide_type(nb.cells[0])!r}, not 'slide'"
        )
    theme = nb.metadata.get("rise", {}).get("theme")
    if theme not in OFFLINE_THEMES:
        found.append(
            f"notebook metadata rise.theme is {theme!r}: RISE (live slides in JupyterLab) then "
            'uses a theme that loads Google Fonts; add "rise": {"theme": "white"} to the '
            "notebook metadata"
        )
    visible = [c for c in nb.cells if slide_type(c) not in ("skip", "notes")]
    starts = [c for c in visible if slide_type(c) in ("slide", "subslide")]
    if len(visible) > 4 and len(starts) == len(visible):
        found.append("every visible cell starts a (sub)slide: use '-' or 'fragment' to group cells")
    return found


def exercise_problems(nb):
    """What the student edition needs and a chapter lacks, in words its author can act on."""
    found = []
    language = nb.metadata.get("kernelspec", {}).get("language")
    if language != "python":
        found.append(f"notebook metadata kernelspec.language is {language!r}, expected 'python'")
    for index, cell in enumerate(nb.cells):
        has_markers = NBGRADER_BEGIN in cell.source or NBGRADER_END in cell.source
        if "solution" in tags(cell):
            if cell.cell_type != "code":
                found.append(f"{_where(index, cell)}: tagged 'solution' but is not a code cell")
            begins, ends = cell.source.count(BEGIN), cell.source.count(END)
            if begins < 1 or begins != ends:
                found.append(f"{_where(index, cell)}: tagged 'solution' without {BEGIN} ... {END}")
        elif has_markers:
            found.append(
                f"{_where(index, cell)}: contains the words {NBGRADER_BEGIN!r} or {NBGRADER_END!r} "
                "but is not tagged 'solution'; nbgrader takes any such line, in any cell, for a "
                "solution marker and stops (reword it, e.g. 'replace the lines between the BEGIN "
                "and END markers')"
            )
    pairs = exercises(nb)
    for solution, check in pairs:
        if check is None or "check" not in tags(nb.cells[check]):
            found.append(
                f"cell {solution}: solution cell not followed by a 'check'-tagged code cell"
            )
    checks = [i for i, c in enumerate(nb.cells) if "check" in tags(c)]
    orphans = sorted(set(checks) - {check for _, check in pairs})
    found.extend(f"cell {i}: 'check'-tagged cell with no solution cell before it" for i in orphans)
    if not pairs:
        found.append("no exercises: no code cell is tagged 'solution'")
    return found


def problems(nb):
    """Everything :func:`slide_problems` and :func:`exercise_problems` report."""
    return slide_problems(nb) + exercise_problems(nb)


def _where(index, cell):
    first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
    return f"cell {index} ({cell.cell_type}: {first_line[:50]!r})"
