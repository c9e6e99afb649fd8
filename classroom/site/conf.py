"""Sphinx configuration of the course site (copied into the staging folder by ``classroom site``).

MyST-NB reads the chapters with their stored outputs (never executes them); sphinx-book-theme
gives the navigation; MathJax 3 is served from ``_static/mathjax`` (copied from the
django-static-mathjax package), so no page loads anything from the network. The API reference
(``api/``, one page per public ``nnlib`` module, written by ``classroom site``) is built from the
docstrings by autodoc, which imports ``nnlib``; napoleon reads their NumPy style.
"""

project = "nnlib-course"
author = "nnlib-course contributors"
copyright = "nnlib-course contributors, MIT licence"

extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "jupyter_execute"]

# The API reference: NumPy-style docstrings, members in the order the module defines them (the
# order its docstring explains them in), and signatures without the module prefix.
napoleon_google_docstring = False
napoleon_numpy_docstring = True
# An "Attributes" section becomes a field list of its class, not attribute entries of their own,
# which would describe a property a second time (a duplicate-object warning).
napoleon_use_ivar = True
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True}
add_module_names = False

# Stored outputs are the chapter; re-running would need MNIST and minutes per build.
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = "nnlib-course"
html_static_path = ["_static"]
html_css_files = ["print.css"]
# A page without an icon makes the browser ask the server for /favicon.ico (a 404 in the console).
html_favicon = "favicon.svg"
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
# Figures are drawn on white; also, without a default the theme logs a console error on a first
# visit (an empty stored mode).
html_context = {"default_mode": "light"}
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": True,
}

# MathJax 3, local. MyST adds its processHtmlClass option to this config, so that only math
# (and not a stray dollar in the text) is typeset.
mathjax_path = "mathjax/tex-chtml-full.js"
mathjax3_config = {"tex": {"tags": "ams"}}
