"""The student edition: solutions replaced by a stub, outputs cleared, and no vacuous check.

The copies are built as a teacher builds them, with ``python -m classroom student`` (nbgrader's
ClearSolutions and ClearOutput run through nbconvert). Each copy then runs in a kernel, cell by
cell:

- every cell outside the exercises runs without an error, starting with everything before them;
- each exercise's check fails on the stub a student receives, and again on an empty answer (the
  stub with ``pass`` for its ``raise``), so a check cannot pass on what the chapter already defines;
- after the chapter's own solution runs, the check passes and prints ``Exercise N: correct``.

These tests need nbgrader, which the ``classroom`` extra installs; without it they are skipped.
"""

import copy
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CHAPTERS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
STUB = ("# your code here", "raise NotImplementedError()")
CHAPTER_IDS = [path.stem for path in CHAPTERS]

pytest.importorskip(
    "nbgrader", reason="the student edition is built with nbgrader (classroom extra)"
)


class _ThisPython(KernelSpecManager):
    """Start kernels with the interpreter that runs the tests, as nbval's --nbval-current-env."""

    def get_kernel_spec(self, kernel_name):
        from ipykernel.kernelspec import RESOURCES, get_kernel_dict

        return self.kernel_spec_class(resource_dir=RESOURCES, **get_kernel_dict())


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("classroom")
    result = subprocess.run(
        [sys.executable, "-m", "classroom", "--build-dir", str(out), "student"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"python -m classroom student failed:\n{result.stderr}"
    return out


def _tags(cell):
    return set(cell.metadata.get("tags", []))


def _exercise_number(cells, index):
    """N from the nearest ``### Exercise N`` heading above cell ``index``."""
    for cell in reversed(cells[:index]):
        match = re.search(r"^#+\s*Exercise\s+(\d+)", cell.source, flags=re.MULTILINE)
        if cell.cell_type == "markdown" and match:
            return int(match.group(1))
    raise AssertionError(f"no '### Exercise N' heading above cell {index}")


def _empty_answer(stub_cell):
    """The student's cell with the stub's ``raise`` turned into ``pass``: runs, answers nothing."""
    cell = copy.deepcopy(stub_cell)
    cell.source = re.sub(r"(?m)^(\s*)raise NotImplementedError\(\)$", r"\1pass", cell.source)
    return cell


class _Kernel:
    """Run single cells of one notebook in one kernel and report what they printed and raised."""

    def __init__(self, client):
        self.client = client

    def run(self, cell, index):
        cell = copy.deepcopy(cell)
        cell.outputs = []
        self.client.execute_cell(cell, index, store_history=True)
        errors = [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]
        stdout = "".join(
            o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout"
        )
        return errors, stdout


def _where(index, cell):
    first_line = (cell.source.strip().splitlines() or [""])[0]
    return f"cell {index} ({first_line[:60]!r})"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=CHAPTER_IDS)
def test_student_copy_replaces_solutions_with_the_stub_and_clears_outputs(chapter, build_dir):
    reference = nbformat.read(chapter, as_version=4)
    student = nbformat.read(build_dir / "student" / chapter.name, as_version=4)
    nbformat.validate(student)
    assert len(student.cells) == len(reference.cells)
    solutions = 0
    for index, (ours, theirs) in enumerate(zip(reference.cells, student.cells, strict=True)):
        assert theirs.cell_type == ours.cell_type
        assert theirs.metadata.get("slideshow") == ours.metadata.get("slideshow")
        assert "nbgrader" not in theirs.metadata
        if theirs.cell_type == "code":
            assert theirs.outputs == [], f"{_where(index, ours)} kept its outputs"
            assert theirs.execution_count is None
        if "solution" in _tags(ours):
            solutions += 1
            assert all(line in theirs.source for line in STUB), _where(index, ours)
            assert "SOLUTION" not in theirs.source, f"{_where(index, ours)} kept a marker"
        else:
            assert theirs.source == ours.source, f"{_where(index, ours)} changed"
    assert solutions >= 1, f"{chapter.name} has no exercise (no cell tagged 'solution')"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=CHAPTER_IDS)
def test_nbgrader_source_edition_marks_answers_and_checks(chapter, build_dir):
    source = nbformat.read(build_dir / "nbgrader" / "source" / chapter.stem / chapter.name, 4)
    roles = [c.metadata["nbgrader"] for c in source.cells if "nbgrader" in c.metadata]
    answers = [r for r in roles if r["solution"]]
    checks = [r for r in roles if r["grade"]]
    assert answers and len(answers) == len(checks)
    assert all(r["locked"] and r["points"] == 1 for r in checks)
    assert len({r["grade_id"] for r in roles}) == len(roles)


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS, ids=CHAPTER_IDS)
def test_student_copy_runs_and_every_check_fails_on_the_stub(chapter, build_dir):
    reference = nbformat.read(chapter, as_version=4)
    student = nbformat.read(build_dir / "student" / chapter.name, as_version=4)
    client = NotebookClient(
        student,
        km=KernelManager(kernel_spec_manager=_ThisPython()),
        timeout=120,
        allow_errors=True,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    cells = student.cells
    checks_seen = set()
    with client.setup_kernel(cleanup_kc=True):
        kernel = _Kernel(client)
        for index, cell in enumerate(cells):
            if cell.cell_type != "code" or index in checks_seen:
                continue
            if "solution" not in _tags(cell):
                errors, _ = kernel.run(cell, index)
                assert not errors, f"{chapter.name}, {_where(index, cell)} failed: {errors}"
                continue
            check = next(j for j in range(index + 1, len(cells)) if cells[j].cell_type == "code")
            assert "check" in _tags(cells[check]), f"{_where(index, cell)} has no check cell"
            checks_seen.add(check)
            number = _exercise_number(cells, index)
            correct = f"Exercise {number}: correct"

            kernel.run(cell, index)
            errors, stdout = kernel.run(cells[check], check)
            assert errors and correct not in stdout, (
                f"{chapter.name}, exercise {number}: the check passes on the student's stub"
            )

            kernel.run(_empty_answer(cell), index)
            errors, stdout = kernel.run(cells[check], check)
            assert errors and correct not in stdout, (
                f"{chapter.name}, exercise {number}: the check passes on an empty answer "
                "(the stub without its raise)"
            )

            errors, _ = kernel.run(reference.cells[index], index)
            assert not errors, f"{chapter.name}, exercise {number}: the solution fails: {errors}"
            errors, stdout = kernel.run(cells[check], check)
            assert not errors, f"{chapter.name}, exercise {number}: check fails on the solution"
            assert correct in stdout, f"{chapter.name}: the check did not print {correct!r}"
