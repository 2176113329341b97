"""Write the README's report, time it, and check it in headless Chromium.

    python perf/report_screenshot.py [--out DIR] [--runs N]

1. Runs ``python -m benchmark report --dataset shuanggao --out DIR/report.html``
   in a fresh process (the README's first command) ``--runs`` times and prints
   the wall time of each run and the time the report itself reports.
2. Opens the file in headless Chromium (Debian's ``chromium``): ``--dump-dom``
   gives the rendered document, in which every section must be present with
   its figures (embedded PNG ``<img>`` elements) and no external resource;
   ``--screenshot`` of the whole page must be non-blank down to the end of
   the content, with figures in it (many distinct colours).

3. Opens it again in a phone-sized (390 px) and a desktop (1280 px) window and
   checks that the page does not scroll sideways (wide tables and figures
   scroll inside their own box), and prints it to PDF (A4).

Exit status 0 when every check passes, 1 otherwise; when Chromium is not
installed the browser checks are skipped (status 0, with a message). The
test suite (``tests/test_cli.py``) imports :func:`check_in_browser`.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Figures each section must show (the ids the report gives them).
EXPECTED_FIGURES = {
    "summary": ["fig-profile"],
    "self": ["fig-completion", "fig-trajectories"],
    "peers": ["fig-gaps", "fig-leaders"],
    "cost": ["fig-cost-outcome", "fig-frontier"],
    "field": ["fig-ranks", "fig-tiers", "fig-transitions"],
    "notes": [],
}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]
README_COMMAND = [sys.executable, "-m", "benchmark", "report", "--dataset", "shuanggao", "--out"]


def find_chromium() -> str | None:
    """The Chromium (or Chrome) executable, or ``None`` (an empty or non-executable file does not count)."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found and Path(found).stat().st_size > 0:
            return found
    fallback = Path("/usr/bin/chromium")
    usable = fallback.is_file() and fallback.stat().st_size > 0 and os.access(fallback, os.X_OK)
    return str(fallback) if usable else None


def _chromium(browser: str, page: Path, extra: list[str], profile: Path) -> subprocess.CompletedProcess:
    cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)


def dom_problems(dom: str) -> list[str]:
    """What is missing from the rendered document."""
    problems = []
    parts = re.split(r'(?=<section class="part" id=")', dom)
    sections = {re.match(r'<section class="part" id="([^"]+)"', p).group(1): p for p in parts[1:]}
    for ident, figures in EXPECTED_FIGURES.items():
        if ident not in sections:
            problems.append(f"section {ident!r} is missing")
            continue
        body = sections[ident]
        for fig in figures:
            block = re.search(rf'<figure class="fig" id="{fig}">(.*?)</figure>', body, re.DOTALL)
            image = r'<img [^>]*src="data:image/png;base64,[A-Za-z0-9+/=]{2000,}'
            drawing = re.search(r"<svg [^>]*>(.*?)</svg>", block.group(1), re.DOTALL) if block else None
            drawn = drawing is not None and drawing.group(1).count("<") >= 20  # axes, marks and text, not a shell
            if not block or not (re.search(image, block.group(1)) or drawn):
                problems.append(f"figure {fig!r} of section {ident!r} is missing or empty")
    if re.search(r'(src|href)="(https?:)?//', dom):
        problems.append("the page refers to a network resource")
    if "<script" in dom.lower():
        problems.append("the page holds a script element")
    return problems


def screenshot_problems(png: Path) -> list[str]:
    """A blank or truncated screenshot, or one without figures."""
    import numpy as np
    from PIL import Image

    image = np.asarray(Image.open(png).convert("RGB"))
    grey = image.mean(axis=2)
    content = np.nonzero((grey < 245).any(axis=1))[0]
    problems = []
    if content.size == 0:
        return ["the screenshot is blank"]
    last = content.max()
    # Every 1000-pixel band down to the end of the content shows something (no blank stretch).
    for top in range(0, last - 1000, 1000):
        if not (grey[top:top + 1000] < 245).any():
            problems.append(f"the screenshot is blank between y={top} and y={top + 1000}")
    colours = len(np.unique(image[:last].reshape(-1, 3)[:: 7], axis=0))
    if colours < 500:
        problems.append(f"only {colours} distinct colours: the figures did not render")
    if last >= image.shape[0] - 5:
        problems.append("the page is longer than the screenshot; raise the window height")
    return problems


def check_in_browser(page: Path, *, browser: str | None = None, png: Path | None = None,
                     height: int = 16000, scale: float = 1.0) -> dict:
    """Render ``page`` in headless Chromium; returns the DOM, the screenshot path and the problems found.

    One browser run gives both the rendered document (``--dump-dom``) and a
    screenshot of ``1280 x height`` CSS pixels; ``scale=0.5`` renders it at
    half resolution, which halves the time.
    """
    browser = browser or find_chromium()
    if browser is None:
        raise FileNotFoundError("chromium is not installed")
    png = png or page.with_suffix(".png")
    with tempfile.TemporaryDirectory() as tmp:
        done = _chromium(browser, page, ["--dump-dom", f"--screenshot={png}", f"--window-size=1280,{height}",
                                         f"--force-device-scale-factor={scale}"], Path(tmp) / "profile")
    problems = dom_problems(done.stdout)
    problems += screenshot_problems(png) if png.exists() else ["chromium wrote no screenshot"]
    return {"dom": done.stdout, "png": png, "problems": problems}


def _framed(page: Path, folder: Path, width: int, height: int) -> Path:
    """A page that shows ``page`` in an iframe ``width`` CSS pixels wide and records its widths.

    Headless Chromium will not make a window narrower than 500 pixels, so a
    phone-sized viewport is an iframe. ``srcdoc`` keeps the report in the
    page's own origin, so the script may read the document's width, which it
    writes into the DOM for ``--dump-dom``.
    """
    doc = html.escape(page.read_text(encoding="utf-8"), quote=True)
    frame = (f'<!DOCTYPE html><html><body style="margin:0"><iframe id="report" srcdoc="{doc}" '
             f'style="width:{width}px;height:{height}px;border:0;display:block"></iframe><script>'
             'const f = document.getElementById("report"); f.onload = () => document.body.setAttribute('
             '"data-scroll-width", f.contentDocument.documentElement.scrollWidth + "/" + f.contentWindow.innerWidth);'
             "</script></body></html>")
    path = folder / "framed.html"
    path.write_text(frame, encoding="utf-8")
    return path


def view_at(page: Path, width: int, *, png: Path | None = None, height: int = 2400,
            browser: str | None = None) -> tuple[int, int]:
    """The document's width and the viewport's (CSS pixels) when ``page`` is ``width`` pixels wide.

    A document wider than its viewport scrolls sideways. With ``png`` the top
    ``width`` x ``height`` pixels of the page are also saved as a screenshot.
    """
    browser = browser or find_chromium()
    if browser is None:
        raise FileNotFoundError("chromium is not installed")
    window = max(width, 500)
    with tempfile.TemporaryDirectory() as tmp:
        framed = _framed(page, Path(tmp), width, height)
        extra = ["--dump-dom", f"--window-size={window},{height}"]
        if png is not None:
            extra.append(f"--screenshot={png}")
        done = _chromium(browser, framed, extra, Path(tmp) / "profile")
    found = re.search(r'data-scroll-width="(\d+)/(\d+)"', done.stdout)
    if not found:
        raise RuntimeError(f"chromium did not report the page width: {done.stderr[-500:]}")
    if png is not None and png.exists() and window > width:
        from PIL import Image

        Image.open(png).crop((0, 0, width, height)).save(png)
    return int(found.group(1)), int(found.group(2))


def print_pdf(page: Path, pdf: Path, *, browser: str | None = None) -> Path:
    """``page`` printed to PDF by Chromium, with the report's print style sheet (A4)."""
    browser = browser or find_chromium()
    if browser is None:
        raise FileNotFoundError("chromium is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        _chromium(browser, page, [f"--print-to-pdf={pdf}", "--no-pdf-header-footer"], Path(tmp) / "profile")
    return pdf


def time_readme_command(out: Path, runs: int) -> list[tuple[float, str]]:
    """Wall time of each run of the README command and its first output line."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([*README_COMMAND, str(out)], capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"the README command failed:\n{done.stderr}")
        times.append((wall, done.stdout.splitlines()[0]))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for report.html and report.png")
    parser.add_argument("--runs", type=int, default=2, help="how often to run the command (default 2)")
    args = parser.parse_args(argv)
    folder = args.out or Path(tempfile.mkdtemp(prefix="benchmark-report-"))
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "report.html"
    print(f"$ python -m benchmark report --dataset shuanggao --out {page}")
    for i, (wall, line) in enumerate(time_readme_command(page, args.runs), start=1):
        print(f"run {i}: {wall:5.1f} s wall for the whole process | {line}")
    print(f"report size: {page.stat().st_size / 1e6:.1f} MB")
    browser = find_chromium()
    if browser is None:
        print("chromium is not installed: browser checks skipped (apt-get install chromium)")
        return 0
    result = check_in_browser(page, browser=browser, png=folder / "report.png")
    for width in (390, 1280):
        shot = folder / f"report-{width}.png"
        wide, view = view_at(page, width, png=shot, browser=browser)
        verdict = "OK" if wide <= view else "FAIL"
        print(f"{verdict}: in a {view} px viewport the page is {wide} px wide; top of the page in {shot}")
        if wide > view:
            result["problems"].append(f"the page scrolls sideways at {view} px ({wide} px wide)")
    pdf = print_pdf(page, folder / "report.pdf", browser=browser)
    print(f"PDF: {pdf} ({pdf.stat().st_size / 1e6:.1f} MB)")
    for problem in result["problems"]:
        print(f"FAIL: {problem}")
    if not result["problems"]:
        n_img = result["dom"].count('src="data:image/png;base64,')
        print(f"OK: {len(EXPECTED_FIGURES)} sections and {n_img} figures rendered; screenshot {result['png']}")
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
