"""axe-core (bundled by axe-playwright-python) on every public page type of the demo newspaper
(tests/demo_site.py) at desktop (1280) and phone (360) widths: no violation of impact serious or critical.

The pages: home, back issues (and a day without an issue), an issue, the digital edition's page with its article
areas, an article with pictures and an opinion piece, section, tag, event, author, organization, search (with
results, none, and the empty form), a share-link preview, and the 403, 404, 500 and 503 pages. A failure lists
every violation: page, rule, impact, element and what the rule asks.
"""

import pytest

pytestmark = pytest.mark.browser

WIDTHS = {1280: 800, 360: 780}
FAILING_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="module")
def site(browser, demo_site):
    """The demo site, built once the browser is known to be there (no browser, no build)."""
    return demo_site.start()


def serious_violations(page, name: str) -> list[str]:
    """axe-core's serious and critical violations on the page in the tab, one line per element."""
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page).response
    return [
        f"{name}: {violation['id']} ({violation['impact']}) {' '.join(map(str, node['target']))}:"
        f" {violation['help']}"
        for violation in response["violations"]
        if violation["impact"] in FAILING_IMPACTS
        for node in violation["nodes"]
    ]


def test_axe_reports_serious_violations(page):
    """The check below can fail: a picture without alt text and an empty link are reported."""
    page.set_content(
        '<html lang="zh-CN"><title>t</title><main><img src="x.png"><a href="/"></a></main></html>'
    )
    found = serious_violations(page, "broken")
    assert any(line.startswith("broken: image-alt (critical) img") for line in found), found
    assert any(line.startswith("broken: link-name (serious) a") for line in found), found


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_passes_axe(new_context, site, width):
    page = new_context(viewport={"width": width, "height": WIDTHS[width]}).new_page()
    found = []
    for name, (path, status) in site.pages.items():
        response = page.goto(site.url + path, wait_until="load")
        assert response.status == status, (name, path)
        page.wait_for_load_state("networkidle")
        found += serious_violations(page, name)
    assert found == [], (
        f"{len(found)} serious or critical violations at {width} px in {len(site.pages)} pages:\n"
        + ("\n".join(found))
    )
