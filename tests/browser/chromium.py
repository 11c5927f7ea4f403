"""Debian's Chromium as the browser tests and the page-layout generator (tests/printimport/layouts/generate.py)
launch it: where it is, and its flags. No Django here: the generator runs as a plain script."""

import os
import shutil

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def chromium_path() -> str | None:
    """CHROMIUM_PATH if set, else Debian's `chromium` (or Ubuntu's `chromium-browser`) on PATH."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "chromium", "chromium-browser"):
        found = candidate and shutil.which(candidate)
        if found:
            return found
    return None
