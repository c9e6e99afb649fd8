"""Print chapters to PDF, for handouts: each site page, and optionally each slide deck.

Uses the system's Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``) through Playwright, headless
and offline, and waits for MathJax (and reveal.js) to finish before printing, which Chromium's own
``--print-to-pdf`` does not do. Build the site (and the slides) first.
"""

import os
from pathlib import Path

from classroom import chapters

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The machine's network is closed: keep Chromium from calling home.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MATHJAX_DONE = "() => window.MathJax && MathJax.startup && MathJax.startup.promise"


def _typeset(page):
    page.wait_for_function(MATHJAX_DONE)
    page.evaluate("() => MathJax.startup.promise")


def build(notebooks=chapters.NOTEBOOKS, build_dir=chapters.BUILD, slides=False, only=()):
    """Write ``build_dir/pdf/NN_name.pdf`` (and ``NN_name.slides.pdf``); return the paths.

    ``only`` names chapters to print (``01_activations`` or ``01``); by default, all of them.
    """
    from playwright.sync_api import sync_playwright

    build_dir = Path(build_dir)
    out = build_dir / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    jobs = []
    paths = chapters.chapter_paths(notebooks)
    if only:
        paths = [p for p in paths if p.stem in only or p.stem.split("_")[0] in only]
        if not paths:
            raise chapters.BuildError(f"no chapter matches {', '.join(only)}")
    for path in paths:
        site_page = build_dir / "site" / "chapters" / f"{path.stem}.html"
        jobs.append((site_page, out / f"{path.stem}.pdf"))
        if slides:
            deck = build_dir / "slides" / f"{path.stem}.slides.html"
            jobs.append((deck, out / f"{path.stem}.slides.pdf"))
    missing = [str(page) for page, _ in jobs if not page.is_file()]
    if missing:
        listed = ", ".join(missing)
        raise chapters.BuildError(f"build the site (and the slides) first; missing: {listed}")
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        for source, target in jobs:
            if source.name.endswith(".slides.html"):
                page.goto(source.as_uri() + "?print-pdf", wait_until="load")
                page.wait_for_function("() => window.Reveal && Reveal.isReady()")
                _typeset(page)
                page.pdf(path=target, prefer_css_page_size=True, print_background=True)
            else:
                page.goto(source.as_uri(), wait_until="load")
                _typeset(page)
                page.emulate_media(media="print")
                page.pdf(path=target, format="A4", print_background=True)
            written.append(target)
        browser.close()
    return written
