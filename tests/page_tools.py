"""A figure's web page opened in a real browser, for the browser tests of one figure: Debian's
chromium driven by playwright, offline. Skipped without /usr/bin/chromium or plotly; no browser
is ever downloaded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")

#: True once the page's plotly figure holds its traces.
_DRAWN = (
    "() => { const gd = document.querySelector('.js-plotly-plot');"
    " return gd && gd._fullData && gd._fullData.length > 0; }"
)


def need_browser() -> None:
    """Skip unless a page can be drawn (plotly) and opened (Debian's chromium)."""
    pytest.importorskip("plotly")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")


@contextmanager
def open_page(path: Path, width: int, height: int, errors: list[str]) -> Iterator[Any]:
    """The page at ``path`` in a ``width`` x ``height`` viewport, offline, once its figure is
    drawn; every page error and console error it logs is appended to ``errors``. The browser
    closes when the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, offline=True)
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(path.as_uri())
            page.wait_for_function(_DRAWN, timeout=30_000)
            yield page
        finally:
            browser.close()
