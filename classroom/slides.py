"""Build one reveal.js deck per chapter, with reveal.js and MathJax copied next to the decks.

The same as ``jupyter nbconvert --to slides`` with this package's template ``classroom_reveal``
(in ``classroom/templates``) and local asset URLs: the cells' ``slideshow.slide_type`` metadata
decides what is a slide, a sub-slide, a fragment, skipped, or a speaker note. Decks are 16:9
(1280x720) and every slide fits it: the template wraps long lines and zooms out a slide whose
content is too large, instead of letting it run off or scroll.
"""

import html
import shutil
from pathlib import Path

from traitlets.config import Config

from classroom import assets, chapters

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
FAVICON = HERE / "site" / "favicon.svg"
STATIC = "_static"
REVEAL_PREFIX = f"{STATIC}/reveal.js"
MATHJAX_URL = f"{STATIC}/mathjax/{assets.MATHJAX_SCRIPT}"
FAVICON_URL = f"{STATIC}/favicon.svg"


def exporter():
    """An nbconvert SlidesExporter that writes decks loading nothing from the network."""
    from nbconvert import SlidesExporter

    config = Config()
    config.TemplateExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.SlidesExporter.template_name = "classroom_reveal"
    config.SlidesExporter.reveal_url_prefix = REVEAL_PREFIX
    config.SlidesExporter.mathjax_url = MATHJAX_URL
    # "white" loads its fonts from reveal.js's own folder; "simple" (nbconvert's default) and
    # several other themes import Google Fonts.
    config.SlidesExporter.reveal_theme = "white"
    # 16:9, the shape of today's projectors and screens; the template fits each slide's content
    # into it (no slide scrolls: tests/browser/test_slide_overflow.py).
    config.SlidesExporter.reveal_width = "1280"
    config.SlidesExporter.reveal_height = "720"
    config.SlidesExporter.reveal_number = "c/t"
    # "In [12]:" prompts take a tenth of the slide's width and mean nothing in a lecture.
    config.SlidesExporter.exclude_input_prompt = True
    config.SlidesExporter.exclude_output_prompt = True
    # The template uses none of these; make sure no CDN address is left in the page either.
    for name in ("require_js_url", "jquery_url", "mermaid_js_url", "widget_renderer_url"):
        setattr(config.SlidesExporter, name, "")
    return SlidesExporter(config=config)


def deck_name(chapter):
    """``01_activations.ipynb`` -> ``01_activations.slides.html`` (nbconvert's own naming)."""
    return f"{Path(chapter).stem}.slides.html"


def build(notebooks=chapters.NOTEBOOKS, out=chapters.BUILD / "slides"):
    """Write ``out/NN_name.slides.html`` for every chapter, ``out/index.html``, and the assets."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    assets.copy_reveal(out / REVEAL_PREFIX)
    assets.copy_mathjax(out / STATIC / "mathjax")
    shutil.copy2(FAVICON, out / FAVICON_URL)
    slides = exporter()
    written = []
    for path in chapters.chapter_paths(notebooks):
        resources = {"metadata": {"name": path.stem}, "classroom_favicon": FAVICON_URL}
        body, _ = slides.from_notebook_node(chapters.read(path), resources=resources)
        target = out / deck_name(path)
        target.write_text(body, encoding="utf-8")
        written.append(target)
    (out / "index.html").write_text(_index(written), encoding="utf-8")
    return written


# The course's two parts, as in the README and the site's navigation.
PARTS = (
    ("Part one: a network from functions", range(1, 9)),
    ("Part two: layers and training", range(9, 100)),
)


def _index(decks):
    sections = []
    for title, numbers in PARTS:
        items = "\n".join(
            f'<li><a href="{html.escape(deck.name)}">{html.escape(deck.name.split(".")[0])}</a>'
            "</li>"
            for deck in decks
            if int(deck.name[:2]) in numbers
        )
        if items:
            sections.append(f"<h2>{html.escape(title)}</h2>\n<ul>\n{items}\n</ul>")
    items = "\n".join(sections)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>nnlib-course slides</title>
<link rel="icon" href="{FAVICON_URL}">
</head>
<body>
<h1>nnlib-course slides</h1>
<p>Open a deck. <kbd>S</kbd> opens the speaker notes, <kbd>Esc</kbd> an overview, <kbd>F</kbd>
full screen. To print a deck or save it as PDF, add <code>?print-pdf</code> to its address and
print from the browser.</p>
{items}
</body>
</html>
"""
