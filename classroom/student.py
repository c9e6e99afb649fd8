"""Build the student edition with nbgrader's own preprocessors, run through nbconvert.

The chapters mark each exercise the way nbgrader does (``### BEGIN SOLUTION`` ... ``### END
SOLUTION`` inside a cell tagged ``solution``; a ``check``-tagged cell after it). nbgrader wants that
role in ``metadata.nbgrader`` instead of a tag, so :class:`TagsToNbgrader` writes it from the tags.
Then nbgrader's ``ClearSolutions`` replaces each solution region with the stub
``# your code here`` / ``raise NotImplementedError()`` and nbgrader's ``ClearOutput`` removes the
outputs. No nbgrader database or course folder is involved, so this runs anywhere, offline.

Two editions are written:

- ``_build/student/NN_name.ipynb``: what students get (the tags stay, nbgrader's metadata does not);
- ``_build/nbgrader/source/NN_name/NN_name.ipynb``: the full chapter with nbgrader metadata, ready
  for a teacher's ``nbgrader generate_assignment NN_name`` (with ``_build/nbgrader`` as the course
  folder; the ``nbgrader_config.py`` written there makes nbgrader use the same stub).
"""

from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from classroom import chapters

CODE_STUB = "# your code here\nraise NotImplementedError()"

NBGRADER_CONFIG = f'''"""nbgrader settings for the nnlib-course chapters.

Written by python -m classroom student, so that nbgrader's release uses the same stub.
"""

c = get_config()  # noqa: F821
c.CourseDirectory.root = "."
c.ClearSolutions.code_stub = {{"python": {CODE_STUB!r}}}
'''


class TagsToNbgrader(Preprocessor):
    """Give ``solution``- and ``check``-tagged cells nbgrader's cell metadata.

    A solution cell becomes an nbgrader "autograded answer"; a check cell becomes a locked
    "autograder tests" cell worth one point. Ids are ``exercise<k>_solution`` /
    ``exercise<k>_check`` with ``k`` counting the solution cells.
    """

    def preprocess(self, nb, resources):
        number = 0
        for cell in nb.cells:
            cell_tags = chapters.tags(cell)
            if "solution" in cell_tags:
                number += 1
                cell.metadata["nbgrader"] = {
                    "grade": False,
                    "grade_id": f"exercise{number}_solution",
                    "locked": False,
                    "schema_version": 3,
                    "solution": True,
                    "task": False,
                }
            elif "check" in cell_tags:
                cell.metadata["nbgrader"] = {
                    "grade": True,
                    "grade_id": f"exercise{number}_check",
                    "locked": True,
                    "points": 1,
                    "schema_version": 3,
                    "solution": False,
                    "task": False,
                }
        return nb, resources


class DropNbgraderMetadata(Preprocessor):
    """Remove ``metadata.nbgrader`` again, so the student copy is a plain course notebook."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            cell.metadata.pop("nbgrader", None)
        return nb, resources


def student_exporter():
    """An nbconvert NotebookExporter running nbgrader's ClearSolutions and ClearOutput."""
    from nbconvert import NotebookExporter
    from nbgrader.preprocessors import ClearOutput, ClearSolutions

    config = Config()
    config.ClearSolutions.code_stub = {"python": CODE_STUB}
    # A solution marker outside a solution cell is a chapter bug: stop rather than leak it.
    config.ClearSolutions.enforce_metadata = True
    # Also drop the run's timestamps, which say nothing to a student.
    config.ClearOutput.remove_metadata_fields = {
        "collapsed",
        "scrolled",
        "execution",
        "ExecuteTime",
    }
    exporter = NotebookExporter(config=config)
    for preprocessor in (TagsToNbgrader, ClearSolutions, ClearOutput, DropNbgraderMetadata):
        exporter.register_preprocessor(preprocessor(config=config), enabled=True)
    return exporter


def source_exporter():
    """An nbconvert NotebookExporter that only adds nbgrader's metadata (the teacher's source)."""
    from nbconvert import NotebookExporter

    exporter = NotebookExporter()
    exporter.register_preprocessor(TagsToNbgrader(), enabled=True)
    return exporter


def build(notebooks=chapters.NOTEBOOKS, out=chapters.BUILD):
    """Write the student edition and the nbgrader source edition; return the student copies."""
    out = Path(out)
    student_dir = out / "student"
    course_dir = out / "nbgrader"
    student_dir.mkdir(parents=True, exist_ok=True)
    (course_dir / "source").mkdir(parents=True, exist_ok=True)
    (course_dir / "nbgrader_config.py").write_text(NBGRADER_CONFIG, encoding="utf-8")
    students, sources = student_exporter(), source_exporter()
    written = []
    for path in chapters.chapter_paths(notebooks):
        problems = chapters.exercise_problems(chapters.read(path))
        if problems:
            listed = "\n- ".join(problems)
            raise chapters.BuildError(
                f"{path.name} cannot be turned into a student copy:\n- {listed}"
            )
        for exporter, target in (
            (students, student_dir / path.name),
            (sources, course_dir / "source" / path.stem / path.name),
        ):
            body, _ = exporter.from_notebook_node(chapters.read(path))
            nb = nbformat.reads(body, as_version=4)
            nbformat.validate(nb)
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target)
        written.append(student_dir / path.name)
    return written
