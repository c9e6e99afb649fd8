"""Classroom tooling for nnlib-course: slides, a static course site and a student edition.

Every command reads the chapters ``notebooks/NN_*.ipynb`` as they are stored (with their outputs;
nothing is re-executed) and writes under ``_build/``. Nothing here needs the network: reveal.js and
MathJax come from Python packages that the ``classroom`` extra installs, and are copied next to the
pages that use them.

Run ``python -m classroom --help`` from the repository root.
"""
