"""The course site in a real browser: every chapter loads cleanly, with its figures and its math."""

import nbformat
import pytest
from browser_support import CHAPTER_IDS, CHAPTERS, screenshot_path

pytestmark = pytest.mark.browser

MATHJAX_DONE = "() => window.MathJax && MathJax.startup && MathJax.startup.promise"


def _expected(chapter):
    """The chapter's title, how many figures its stored outputs hold, and whether it has math."""
    nb = nbformat.read(chapter, as_version=4)
    title = nb.cells[0].source.strip().splitlines()[0].lstrip("#").strip()
    figures = sum(
        1
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if {"image/png", "image/svg+xml", "image/jpeg"} & set(output.get("data", {}))
    )
    has_math = any(cell.cell_type == "markdown" and "$" in cell.source for cell in nb.cells)
    return title, figures, has_math


def _typeset(page):
    page.wait_for_function(MATHJAX_DONE)
    page.evaluate("() => MathJax.startup.promise")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=CHAPTER_IDS)
def test_chapter_page_shows_figures_and_math_without_errors(page, build_server, chapter):
    title, figures, has_math = _expected(chapter)
    page.goto(f"{build_server}/site/chapters/{chapter.stem}.html", wait_until="load")
    _typeset(page)

    assert page.locator("article h1").first.inner_text().strip().rstrip("#").strip() == title

    images = page.evaluate(
        """() => Array.from(document.querySelectorAll('.cell_output img')).map(img => ({
                src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 0}))"""
    )
    assert len(images) == figures, f"{figures} figures in the notebook, {len(images)} on the page"
    assert all(image["ok"] for image in images), [i["src"] for i in images if not i["ok"]]

    math = page.evaluate(
        """() => {
            const nodes = Array.from(document.querySelectorAll('span.math, div.math'));
            return {total: nodes.length,
                    typeset: nodes.filter(n => n.querySelector('mjx-container')).length,
                    errors: document.querySelectorAll('mjx-merror').length};
        }"""
    )
    if has_math:
        assert math["total"] > 0, "the notebook has math, the page has none"
    assert math["typeset"] == math["total"], f"math left as TeX: {math}"
    assert math["errors"] == 0, f"MathJax could not typeset {math['errors']} expression(s)"

    page.screenshot(path=screenshot_path(f"site-{chapter.stem}"))
    if figures:
        figure = page.locator(".cell_output img").first
        figure.scroll_into_view_if_needed()
        page.screenshot(path=screenshot_path(f"site-{chapter.stem}-figure"))
    assert page.watch.report() == []


def test_index_links_every_chapter_and_navigates_to_it(page, build_server):
    page.goto(f"{build_server}/site/index.html", wait_until="load")
    links = page.locator("nav.bd-docs-nav a.reference.internal")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert [h for h in hrefs if h.startswith("chapters/")] == [
        f"chapters/{c.stem}.html" for c in CHAPTERS
    ]
    page.screenshot(path=screenshot_path("site-index"))
    page.locator("a.right-next").click()
    page.wait_for_url(f"**/chapters/{CHAPTERS[0].stem}.html")
    _typeset(page)
    assert page.watch.report() == []
