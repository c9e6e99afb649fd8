"""Print the shell command that README.md marks with ``<!-- NAME-command -->``.

CI runs the README's own test command, so the README can never drift from what is tested.
Usage: python3 .ci/readme_command.py test
"""

import pathlib
import re
import sys


def readme_command(name, readme_text):
    """Return the command in the fenced block after the ``<!-- name-command -->`` marker."""
    pattern = rf"<!-- {re.escape(name)}-command -->\s*```[a-z]*\n(.+?)\n```"
    match = re.search(pattern, readme_text, flags=re.DOTALL)
    if match is None:
        raise SystemExit(f"README.md has no <!-- {name}-command --> block")
    return match.group(1).strip()


if __name__ == "__main__":
    readme = pathlib.Path(__file__).resolve().parent.parent / "README.md"
    print(readme_command(sys.argv[1], readme.read_text(encoding="utf-8")))
