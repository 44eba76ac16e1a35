"""Every console page is interactive within a second: from the navigation (a click in
the nav, or the click on Log in for the first page) to the moment the page has
rendered its first data (`TailorConsole.readyMs`), both for a page opened as a new
document and for one reached through the nav. The median of three loads per page."""

from __future__ import annotations

import statistics

from conftest import note
from console import PAGES, console_url, log_in, open_page, page_hash, ready_ms, wait_ready
from harness import TOUR_SHOPPER

BUDGET_MS = 1000
LOADS = 3


def recommendation_id(cluster) -> str:
    status, answer = cluster.public("POST", "/v1/recommendations", {"user": TOUR_SHOPPER, "placement": "home_for_you", "k": 8})
    assert status == 200, f"POST /v1/recommendations answered {status}: {answer}"
    return answer["recommendationId"]


def first_load(browser, cluster, page: str, trace_of: str) -> float:
    """The page opened as a new document (the key is kept for the tab): its readyMs is
    the time since the navigation started."""
    browser.get("about:blank")
    browser.get(console_url(cluster) + page_hash(page, trace_of))
    wait_ready(browser, page)
    return ready_ms(browser)


def test_every_console_page_is_ready_within_a_second(browser, cluster):
    trace_of = recommendation_id(cluster)
    logins: list[float] = []
    for _ in range(LOADS):
        clicked = log_in(browser, cluster)
        wait_ready(browser, "overview")
        logins.append(ready_ms(browser) - clicked)
    loaded: dict[str, list[float]] = {page: [first_load(browser, cluster, page, trace_of) for _ in range(LOADS)] for page in PAGES}
    # The same document, page after page, as a merchandiser moves through the nav.
    followed: dict[str, list[float]] = {}
    for _ in range(LOADS):
        for page in PAGES:
            followed.setdefault(page, []).append(open_page(browser, page, recommendation_id=trace_of))

    note("console speed", f"log in -> overview ready: median {statistics.median(logins):.0f} ms ({', '.join(f'{t:.0f}' for t in logins)})")
    note("console speed", f"{'page':<12} {'first load':>10} {'from nav':>9}   (median of {LOADS} in ms; the loads)")
    slow = [f"log in {statistics.median(logins):.0f} ms"] if statistics.median(logins) > BUDGET_MS else []
    for page in PAGES:
        first, nav = statistics.median(loaded[page]), statistics.median(followed[page])
        note("console speed", f"{page:<12} {first:>10.0f} {nav:>9.0f}   "
             f"({', '.join(f'{t:.0f}' for t in loaded[page])} / {', '.join(f'{t:.0f}' for t in followed[page])})")
        slow += [f"{page} {how} {t:.0f} ms" for how, t in (("first load", first), ("from the nav", nav)) if t > BUDGET_MS]
    assert not slow, f"console pages over {BUDGET_MS} ms (median of {LOADS}): {', '.join(slow)}"
