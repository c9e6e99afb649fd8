"""A chapter's reveal.js deck in a real browser: it opens, typesets its math and advances."""

import nbformat
import pytest
from browser_support import CHAPTERS, screenshot_path

pytestmark = pytest.mark.browser


def _expected_slides(chapter):
    """How many horizontal slides nbconvert makes: the first shown cell, then every 'slide'."""
    kinds = [
        cell.metadata.get("slideshow", {}).get("slide_type", "-")
        for cell in nbformat.read(chapter, as_version=4).cells
    ]
    shown = [i for i, kind in enumerate(kinds) if kind not in ("skip", "notes")]
    return 1 + sum(1 for kind in kinds[shown[0] + 1 :] if kind == "slide")


def test_first_deck_opens_typesets_math_and_advances(page, build_server):
    if not CHAPTERS:
        pytest.skip("no chapters in notebooks/")
    chapter = CHAPTERS[0]
    page.goto(f"{build_server}/slides/{chapter.stem}.slides.html", wait_until="load")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")

    assert page.evaluate("() => Reveal.getHorizontalSlides().length") == _expected_slides(chapter)
    assert page.evaluate("() => Reveal.getIndices().h") == 0
    assert page.locator("mjx-merror").count() == 0
    if any("$" in cell.source for cell in nbformat.read(chapter, as_version=4).cells):
        assert page.locator("mjx-container").count() > 0, "the deck's math was not typeset"
    page.screenshot(path=screenshot_path(f"slides-{chapter.stem}-1"))

    # The right arrow first reveals any fragments of the slide, then moves to the next slide.
    fragments = page.evaluate("() => Reveal.getCurrentSlide().querySelectorAll('.fragment').length")
    for _ in range(fragments + 1):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => Reveal.getIndices().h === 1")
    page.wait_for_timeout(1000)  # the slide transition
    current = page.locator(".reveal .slides > section.present")
    assert current.is_visible()
    assert current.inner_text().strip(), "the second slide is empty"
    page.screenshot(path=screenshot_path(f"slides-{chapter.stem}-2"))
    assert page.watch.report() == []
