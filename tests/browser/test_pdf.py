"""Printing a chapter: ``python -m classroom pdf`` writes real PDFs of a site page and its deck."""

import pytest
from browser_support import BUILD, CHAPTERS, run_classroom

pytestmark = pytest.mark.browser


def _pages(pdf):
    """Page objects in a PDF file (each has a ``/Type /Page`` entry)."""
    data = pdf.read_bytes()
    return data.count(b"/Type /Page") - data.count(b"/Type /Pages")


def test_first_chapter_prints_to_pdf_with_its_slides(chromium, build_server):
    stem = CHAPTERS[0].stem
    run_classroom("pdf", "--slides", stem)
    handout, deck = BUILD / "pdf" / f"{stem}.pdf", BUILD / "pdf" / f"{stem}.slides.pdf"
    for pdf in (handout, deck):
        assert pdf.read_bytes().startswith(b"%PDF-"), pdf
        assert _pages(pdf) > 1, f"{pdf.name} has {_pages(pdf)} page(s)"
