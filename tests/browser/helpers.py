"""What the browser tests share: watching a tab for problems, and saving screenshots for the guides."""

import io
import os
from pathlib import Path

from django.conf import settings

SCREENSHOT_DIR = Path(settings.BASE_DIR) / "docs" / "screenshots"
SAVE_SCREENSHOTS = os.environ.get("SAVE_SCREENSHOTS") == "1"
MAX_SCREENSHOT_BYTES = 200 * 1024


def watch(page) -> list[str]:
    """Collect console errors, uncaught exceptions and failed responses of a browser tab.

    Not counted: the browser's own request for /favicon.ico (the admin declares no icon), the console's echo of
    a failed response (the response itself is counted, with its URL), and a request the page cancelled on
    purpose (the article picker drops its search request when the editor types on).
    """
    problems = []

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text} ({page.url})")

    def on_failed(request):
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"request failed: {request.url} {request.failure}")

    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error} ({page.url})"))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    return problems


def shoot(page, name: str, top: str | None = None, colors: int = 128) -> None:
    """Save the viewport as docs/screenshots/<name>.png (only with SAVE_SCREENSHOTS=1), with the element `top`
    (a selector) scrolled to the top of the viewport first when given.

    Quantized without dithering: admin and reader pages are flat colours and text, so this keeps them sharp and
    small (under MAX_SCREENSHOT_BYTES).
    """
    if not SAVE_SCREENSHOTS:
        return
    from PIL import Image

    if top:
        page.locator(top).first.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(200)  # let transitions and caret blinks settle
    image = Image.open(io.BytesIO(page.screenshot(type="png"))).convert("RGB")
    small = image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOT_DIR / f"{name}.png"
    small.save(target, format="PNG", optimize=True)
    assert target.stat().st_size < MAX_SCREENSHOT_BYTES, f"{target.name} is {target.stat().st_size} bytes"
