"""JupyterLab itself: chapter 1 runs top to bottom in the browser with no error output.

JupyterLab starts on 127.0.0.1 with a random token, in a temporary folder holding a copy of the
chapters, with its own settings, workspaces and runtime folders so that nothing from the user's
own JupyterLab changes the run. The kernel is this interpreter's (the environment under test).
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest
from browser_support import CHAPTERS, screenshot_path

pytestmark = pytest.mark.browser

# User settings of the temporary JupyterLab: render every cell (no virtual scrolling), so the page
# holds all prompts and outputs at once; and do not ask about fetching news from the internet.
LAB_SETTINGS = {
    "notebook-extension/tracker": {"windowingMode": "none"},
    "apputils-extension/notification": {"fetchNews": "false"},
}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url, process, log, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(encoding="utf-8")[-2000:]
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not answer {url} within {seconds} s")


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    """A JupyterLab server on 127.0.0.1; yields ``(base_url, token, folder)``."""
    if not CHAPTERS:
        pytest.skip("no chapters in notebooks/")
    home = tmp_path_factory.mktemp("lab")
    folder = home / "course"
    folder.mkdir()
    for chapter in CHAPTERS:
        # Without its stored outputs, so that a numbered prompt can only mean "ran just now".
        nb = nbformat.read(chapter, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, folder / chapter.name)
    for name, values in LAB_SETTINGS.items():
        path = home / "settings" / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    env = {
        k: v for k, v in os.environ.items() if k != "MPLBACKEND"
    }  # figures inline, as for a student
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_PLATFORM_DIRS="1",
    )
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI and containers run as root
    log_path = home / "jupyterlab.log"
    log = log_path.open("w")
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/api/status?token={token}", process, log_path)
        yield base, token, folder
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_for_connected_kernel(page, base, token, path, seconds=90):
    """Wait until the server has an idle kernel for ``path`` with the page connected to it.

    Waits with the page's own timer: a plain sleep would block Playwright's event loop, and with
    it every request the page makes (each goes through the route that keeps the page local).
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=5) as response:
            sessions = json.load(response)
        kernels = [s["kernel"] for s in sessions if s["path"] == path]
        if kernels and kernels[0]["execution_state"] == "idle" and kernels[0]["connections"]:
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"no connected, idle kernel for {path} after {seconds} s: {sessions}")


def _saved_code_cells(page, path, seconds=30):
    """The code cells of ``path`` once JupyterLab has saved it with every cell run."""
    deadline = time.monotonic() + seconds
    while True:
        cells = [
            c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"
        ]  # fmt: skip
        if all(c["execution_count"] for c in cells):
            return cells
        assert time.monotonic() < deadline, f"{path.name} was not saved with every cell run"
        page.wait_for_timeout(500)  # not time.sleep: the page's save request must go through


PROMPTS = """() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt'))
    .map(p => p.textContent.trim())"""


def test_chapter_1_runs_all_cells_in_jupyterlab_without_errors(page, lab):
    base, token, folder = lab
    chapter = CHAPTERS[0]
    page.goto(f"{base}/lab/tree/{chapter.name}?token={token}")
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    notebook.wait_for()
    # "Run All" clicked before the page's kernel connection is up runs nothing: wait for it.
    _wait_for_connected_kernel(page, base, token, chapter.name)
    page.get_by_text(re.compile(r"\| Idle$")).first.wait_for()

    assert all(not re.search(r"\d", prompt) for prompt in page.evaluate(PROMPTS))
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

    code_cells = notebook.locator(".jp-CodeCell")
    count = code_cells.count()
    assert count > 0
    # Done when every cell has a number, or when an error has stopped the run (JupyterLab then
    # leaves the cells after it unrun and the queue empty).
    page.wait_for_function(
        f"(count) => {{ const p = ({PROMPTS})(); "
        "const ran = p.length === count && p.every(t => /^\\[\\d+\\]/.test(t)); "
        "const stopped = document.querySelector('.jp-OutputArea-output[data-mime-type="
        "\"application/vnd.jupyter.stderr\"]') && !p.some(t => t.includes('*')); "
        "return ran || stopped; }",
        arg=count,
        timeout=180_000,
    )
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for()

    errors = notebook.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    )
    shown = [errors.nth(i).inner_text()[:300] for i in range(errors.count())]
    code_cells.last.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_path(f"jupyterlab-{chapter.stem}-run-all"))
    assert shown == [], f"error or stderr output in JupyterLab: {shown}"
    prompts = page.evaluate(PROMPTS)
    assert all(re.match(r"\[\d+\]", p) for p in prompts), f"not every cell ran: {prompts}"

    # Save, and read back what the kernel produced: the same verdict from the file itself.
    page.keyboard.press("Control+s")
    cells = _saved_code_cells(page, folder / chapter.name)
    bad = [
        o for c in cells for o in c["outputs"]
        if o["output_type"] == "error" or (o["output_type"] == "stream" and o["name"] == "stderr")
    ]  # fmt: skip
    assert bad == []
    assert [p for p in page.watch.report() if "non-local host" in p] == []


def test_rise_shows_chapter_1_as_live_slides(page, lab):
    base, token, _ = lab
    chapter = CHAPTERS[0]
    page.goto(f"{base}/rise/{chapter.name}?token={token}")
    page.wait_for_function(
        "() => document.querySelectorAll('.reveal .slides > section').length > 1"
    )
    page.wait_for_timeout(2000)  # the first slide's layout and math
    assert page.locator(".reveal .slides > section.present").is_visible()
    page.screenshot(path=screenshot_path(f"rise-{chapter.stem}"))
    assert [p for p in page.watch.report() if "non-local host" in p] == []
