"""Every slide of every deck fits a 1280x720 screen, and its text stays readable there.

The test visits every slide and sub-slide of every chapter's deck, with all fragments shown, and
measures what the browser drew: no element and no line of text may lie outside the slide, and no
element may hide part of its content behind a scroll bar or a clipped edge (a code cell that
scrolls inside itself does not "fit": a lecture cannot scroll it for the room). How the decks get
there (the template's code size, line wrapping and per-slide zoom) is not assumed, so the test
also catches a deck that fits only by zooming its text down to nothing: the smallest text on
each slide must be at least ``MIN_TEXT_PX`` screen pixels high.

The most zoomed-out slide of each deck is saved as a screenshot
(``artifacts/screenshots/slide-fit-NN_name.png``), to look at.
"""

import pytest
from browser_support import CHAPTER_IDS, Watch, screenshot_path

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 720}
# On a 1280x720 screen, the smallest projector resolution a classroom is likely to have; on a
# 1920x1080 projector the same text is 15 px high.
MIN_TEXT_PX = 10.0
TOLERANCE_PX = 1.0

# What the browser drew on the current slide, in slide units (the slide is 0..width x 0..height).
MEASURE = """
(tolerance) => {
    const slide = Reveal.getCurrentSlide();
    const frame = document.querySelector('.reveal .slides').getBoundingClientRect();
    const scale = frame.width / Reveal.getConfig().width;
    const skipped = 'aside.notes, mjx-assistive-mml, script, style';
    const problems = [];
    const name = (el) => {
        const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/) : [];
        return [el.tagName.toLowerCase(), ...classes.slice(0, 2)].join('.');
    };
    const where = (r) => '(' + [r.left - frame.left, r.top - frame.top, r.right - frame.left,
                                r.bottom - frame.top].map((v) => Math.round(v / scale))
                               .join(', ') + ')';
    const outside = (r) => r.width > 0 && r.height > 0 && (
        r.left < frame.left - tolerance || r.top < frame.top - tolerance ||
        r.right > frame.right + tolerance || r.bottom > frame.bottom + tolerance);
    for (const el of slide.querySelectorAll('*')) {
        if (el.closest(skipped)) continue;
        const r = el.getBoundingClientRect();
        if (outside(r)) problems.push(`${name(el)} at ${where(r)} runs off the slide`);
        if (el.closest('mjx-container')) continue;  // MathJax clips its glyph parts on purpose
        const style = getComputedStyle(el);
        if (style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + tolerance) {
            problems.push(`${name(el)} hides ${el.scrollWidth - el.clientWidth}px of its width`);
        }
        if (style.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + tolerance) {
            problems.push(`${name(el)} hides ${el.scrollHeight - el.clientHeight}px of its height`);
        }
    }
    // Text can run out of a box that itself fits (a long line in a narrow <pre>).
    const blockOf = (el) => {
        while (el.parentElement && getComputedStyle(el).display.startsWith('inline')) {
            el = el.parentElement;
        }
        return el;
    };
    const texts = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let smallest = Infinity;
    let smallestText = '';
    while (texts.nextNode()) {
        const node = texts.currentNode;
        const parent = node.parentElement;
        if (!node.textContent.trim() || parent.closest(skipped)) continue;
        range.selectNodeContents(node);
        const r = range.getBoundingClientRect();
        if (outside(r)) {
            problems.push(`text "${node.textContent.trim().slice(0, 30)}" at ${where(r)} runs off`);
        }
        const block = blockOf(parent);
        if (r.width === 0 || !block.offsetWidth) continue;
        // Font size as drawn: CSS size times every zoom and transform above it.
        const drawn = parseFloat(getComputedStyle(parent).fontSize)
            * block.getBoundingClientRect().width / block.offsetWidth;
        if (drawn < smallest) {
            smallest = drawn;
            smallestText = node.textContent.trim().slice(0, 30);
        }
    }
    return {problems: [...new Set(problems)], smallest, smallestText};
}
"""


@pytest.fixture(scope="module")
def decks(chromium, slides_server):
    """Each chapter's deck measured slide by slide: ``{chapter: [record, ...]}``.

    A record holds the slide's label (``h.v``, as in the deck's address ``#/h/v`` counted
    from 1), its number as the deck shows it, the problems found and the smallest text.
    """
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(60_000)
    watch = Watch(page)
    measured = {}
    for chapter in CHAPTER_IDS:
        page.goto(f"{slides_server}/slides/{chapter}.slides.html", wait_until="load")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        page.evaluate("() => Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
        indices = page.evaluate("() => Reveal.getSlides().map((s) => Reveal.getIndices(s))")
        records = []
        for number, index in enumerate(indices, start=1):
            h, v = index["h"], index.get("v") or 0
            page.evaluate(f"() => {{ Reveal.slide({h}, {v}); while (Reveal.nextFragment()) {{}} }}")
            page.evaluate("() => new Promise(requestAnimationFrame)")
            record = page.evaluate(MEASURE, TOLERANCE_PX)
            record.update(label=f"{h + 1}.{v + 1}", number=f"{number}/{len(indices)}")
            records.append(record)
        smallest = min(records, key=lambda record: record["smallest"])
        h, v = (int(part) - 1 for part in smallest["label"].split("."))
        page.evaluate(f"() => {{ Reveal.slide({h}, {v}); while (Reveal.nextFragment()) {{}} }}")
        page.screenshot(path=screenshot_path(f"slide-fit-{chapter}"))
        measured[chapter] = records
    context.close()
    assert watch.report() == []
    return measured


def _listing(chapter, records, key):
    return "\n".join(
        f"{chapter} slide {record['label']} ({record['number']}): {key(record)}"
        for record in records
    )


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_no_slide_content_overflows_at_1280x720(decks, chapter):
    overflowing = [record for record in decks[chapter] if record["problems"]]
    assert not overflowing, "content outside its slide or hidden in a scrolling box:\n" + (
        _listing(chapter, overflowing, lambda record: "; ".join(record["problems"][:4]))
    )


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_every_slide_is_readable_at_1280x720(decks, chapter):
    tiny = [record for record in decks[chapter] if record["smallest"] < MIN_TEXT_PX]
    assert not tiny, f"text smaller than {MIN_TEXT_PX:g} px (split the cell):\n" + _listing(
        chapter,
        tiny,
        lambda record: f"{record['smallest']:.1f} px, e.g. \"{record['smallestText']}\"",
    )
