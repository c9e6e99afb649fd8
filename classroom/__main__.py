"""Command line: ``python -m classroom {check,slides,site,student,pdf,all}``, from the repo root."""

import argparse
import sys
from pathlib import Path

from classroom import chapters


def _check(args):
    paths = chapters.chapter_paths(args.notebooks)
    if not paths:
        print(f"no chapters ({chapters.CHAPTER_GLOB}) in {args.notebooks}")
        return 1
    failed = False
    for path in paths:
        found = chapters.problems(chapters.read(path))
        print(f"{path.name}: {'ok' if not found else f'{len(found)} problem(s)'}")
        for problem in found:
            print(f"  - {problem}")
        failed = failed or bool(found)
    return 1 if failed else 0


def _slides(args):
    from classroom import slides

    for path in chapters.chapter_paths(args.notebooks):
        for problem in chapters.slide_problems(chapters.read(path)):
            print(f"warning: {path.name}: {problem}", file=sys.stderr)
    for path in slides.build(args.notebooks, args.build_dir / "slides"):
        print(f"slides: {path}")
    return 0


def _site(args):
    from classroom import site

    out = site.build(args.notebooks, args.build_dir / "site", strict=args.strict)
    print(f"site: {out / 'index.html'}")
    return 0


def _student(args):
    from classroom import student

    for path in student.build(args.notebooks, args.build_dir):
        print(f"student edition: {path}")
    print(f"nbgrader source edition: {args.build_dir / 'nbgrader' / 'source'}")
    return 0


def _pdf(args):
    from classroom import pdf

    for path in pdf.build(args.notebooks, args.build_dir, slides=args.slides, only=args.chapters):
        print(f"pdf: {path}")
    return 0


def _all(args):
    return _student(args) or _slides(args) or _site(args)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m classroom",
        description="Build the course's slides, site, student edition and PDFs, offline.",
    )
    parser.add_argument(
        "--notebooks", type=Path, default=chapters.NOTEBOOKS,
        help="folder of the chapters NN_name.ipynb (default: notebooks/)",
    )  # fmt: skip
    parser.add_argument(
        "--build-dir", type=Path, default=chapters.BUILD,
        help="where outputs go (default: _build/)",
    )  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="report slide and exercise metadata the builds need")
    commands.add_parser("slides", help="reveal.js decks in BUILD/slides (offline assets)")
    site = commands.add_parser("site", help="the course site in BUILD/site (Sphinx + MyST-NB)")
    site.add_argument("--strict", action="store_true", help="turn Sphinx warnings into errors")
    commands.add_parser(
        "student", help="student and nbgrader editions in BUILD/student, BUILD/nbgrader"
    )
    printed = commands.add_parser("pdf", help="each site chapter as a PDF in BUILD/pdf (Chromium)")
    printed.add_argument("--slides", action="store_true", help="also each slide deck as a PDF")
    printed.add_argument("chapters", nargs="*", help="only these chapters (e.g. 01 03_softmax)")
    every = commands.add_parser("all", help="student edition, slides and site")
    every.add_argument("--strict", action="store_true", help="turn Sphinx warnings into errors")
    args = parser.parse_args(argv)
    args.build_dir = args.build_dir.resolve()
    run = {
        "check": _check,
        "slides": _slides,
        "site": _site,
        "student": _student,
        "pdf": _pdf,
        "all": _all,
    }
    try:
        return run[args.command](args)
    except chapters.BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
