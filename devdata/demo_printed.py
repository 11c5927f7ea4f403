"""The demo's printed issues imported from their own page PDFs, as an editor imports an issue.

devdata/printed/ holds a PDF for every page of issues 1201 and 1202, laid out from the demo's articles and printed
by headless Chromium (tests/printimport/layouts/demo_issue.py rebuilds them; the JSON beside each PDF is its
layout's truth, what tests/printimport/test_pdfpage.py measures the areas against). `build` imports each issue
through printimport/issueplan.py: the pages get their PDFs and images, and every article its area, found in the
PDF (printimport/pdfpage.py), not drawn. The articles exist already (devdata/demo.py wrote them with their tags,
photos and workflow), so the import finds them by their titles and creates none; the lead story of issue 1202
jumps from page 1 to page 2 and gets an area on both.

Idempotent, as any import is: a page keeps the PDF it has and an article gets no second area on a page.
"""

from __future__ import annotations

import re
from pathlib import Path

from printimport.issueplan import PageFile, execute_issue, plan_issue

PRINTED = Path(__file__).resolve().parent / "printed"
PAGE_FILE = re.compile(r"issue-(?P<issue>\d+)-page-(?P<page>\d+)\.pdf")


def page_files(number: int) -> list[PageFile]:
    """The page PDFs of issue `number` in devdata/printed/, in page order."""
    found = []
    for path in PRINTED.glob(f"issue-{number}-page-*.pdf"):
        match = PAGE_FILE.fullmatch(path.name)
        if match:
            found.append(PageFile(int(match["page"]), path.name, path.read_bytes(), is_pdf=True))
    return sorted(found, key=lambda page: page.number)


def build(issues, user, log=print) -> int:
    """Import the printed pages of `issues` ([(number, date)…]) as `user`; returns how many rows it made."""
    created = 0
    for number, date in issues:
        pages = page_files(number)
        if not pages:
            continue
        plan = plan_issue(pages, number, date)
        report = execute_issue(plan, user)
        created += len(report.created) + report.areas_created
        for warning in plan.warnings:
            log(f"Issue {number}: {warning}")
        if report.created:
            log(f"Issue {number}: the page PDFs named {len(report.created)} articles the demo does not have.")
    return created
