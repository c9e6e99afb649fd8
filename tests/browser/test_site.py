"""The course site in a real browser: every chapter loads cleanly, with its figures and its math,
and the API reference documents every public module of nnlib."""

import pkgutil

import nbformat
import pytest
from browser_support import CHAPTER_IDS, CHAPTERS, ROOT, screenshot_path

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


def _public_nnlib_modules():
    """Every module of nnlib whose name does not start with an underscore, alphabetically."""
    return sorted(
        f"nnlib.{module.name}"
        for module in pkgutil.iter_modules([str(ROOT / "nnlib")])
        if not module.name.startswith("_")
    )


def test_api_reference_has_a_page_per_public_module_linked_from_the_navigation(
    page, build_server
):
    page.goto(f"{build_server}/site/index.html", wait_until="load")
    assert page.locator('nav.bd-docs-nav a[href="api/index.html"]').count() == 1

    page.goto(f"{build_server}/site/api/index.html", wait_until="load")
    links = page.locator("article .toctree-wrapper a.reference.internal")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs == [f"{module}.html" for module in _public_nnlib_modules()]
    assert page.watch.report() == []


def test_api_page_shows_a_class_with_its_numpy_style_sections(page, build_server):
    page.goto(f"{build_server}/site/api/nnlib.layers.html", wait_until="load")
    layer_net = page.locator('dt[id="nnlib.layers.LayerNet"]')
    assert layer_net.count() == 1
    assert "LayerNet" in layer_net.inner_text()
    # napoleon turned the docstring's "Parameters" section into a field list naming them
    fields = page.locator('dt[id="nnlib.layers.LayerNet"] + dd dl.field-list').first
    assert "layers" in fields.inner_text() and "loss_layer" in fields.inner_text()
    assert page.locator('dt[id="nnlib.layers.Affine.backward"]').count() == 1
    layer_net.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_path("site-api-layers"))
    assert page.watch.report() == []
