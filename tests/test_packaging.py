"""The project's set-up files agree with each other and with what CI runs."""

import pathlib
import re
import sys

import yaml
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:>=\s*([0-9][0-9.]*))?")


def parse(requirement):
    """``'numpy>=1.26'`` -> ``('numpy', '1.26')``, ignoring environment markers."""
    name, lower = REQUIREMENT.match(requirement.split(";")[0]).groups()
    return name.lower().replace("_", "-"), lower


def pyproject_requirements(extras=None):
    project = PYPROJECT["project"]
    lines = list(project["dependencies"])
    for name, extra in project["optional-dependencies"].items():
        if extras is None or name in extras:
            lines += [line for line in extra if not line.startswith(project["name"])]
    return dict(parse(line) for line in lines)


def conda_requirements():
    """Conda packages plus the environment's pip section (packages conda-forge lacks)."""
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    entries = [entry for entry in environment["dependencies"] if isinstance(entry, str)]
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            entries += [line for line in entry["pip"] if not line.startswith("-")]
    return dict(parse(entry) for entry in entries if not entry.startswith(("python", "pip")))


def test_environment_yml_lists_the_same_packages_and_lower_bounds_as_pyproject():
    assert conda_requirements() == pyproject_requirements()


def test_every_dependency_has_a_lower_bound_and_no_exact_pin():
    for name, lower in pyproject_requirements().items():
        assert lower is not None, f"{name} has no lower bound"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "==" not in text


def test_oldest_constraints_pin_exactly_the_lower_bounds():
    lines = (ROOT / ".ci" / "constraints-oldest.txt").read_text(encoding="utf-8").splitlines()
    pins = {}
    for line in lines:
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower()] = Version(version)
    # The classroom extra is not part of the oldest run: nbgrader needs a newer JupyterLab than
    # the course's lower bound, and a teacher installs the classroom tools fresh anyway.
    for name, lower in pyproject_requirements(extras=("course", "test")).items():
        if name != "tomli":  # only installed on Python 3.10
            assert pins.get(name) == Version(lower), f"{name} is not pinned at {lower}"


def test_readme_test_command_is_a_single_plain_pytest_call():
    sys.path.insert(0, str(ROOT / ".ci"))
    try:
        from readme_command import readme_command
    finally:
        sys.path.pop(0)
    command = readme_command("test", README)
    steps = [step.strip() for step in command.split("&&")]
    assert steps[-1] == "pytest"
    assert sum("pytest" in step for step in steps) == 1
    assert 'pip install -e ".[test]"' in steps
    assert readme_command("course", README).endswith("jupyter lab notebooks/")


def test_plain_pytest_runs_the_notebooks_under_full_nbval():
    options = PYPROJECT["tool"]["pytest"]["ini_options"]
    assert "notebooks" in options["testpaths"] and "tests" in options["testpaths"]
    assert "--nbval " in options["addopts"] + " "
    assert "--nbval-lax" not in options["addopts"]
    assert options["filterwarnings"][0] == "error"


def test_every_chapter_in_the_readme_exists_and_every_notebook_is_listed():
    linked = set(re.findall(r"\(notebooks/([0-9]{2}_[a-z_]+\.ipynb)\)", README))
    present = {path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert linked == present
