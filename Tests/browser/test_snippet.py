"""The storefront snippet (`/sdk/tailor.js`): small enough to put on every page,
refused, visibly, on a page whose origin its public key does not allow, and losing no
event to a dropped connection."""

from __future__ import annotations

import functools
import http.server
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
import rjsmin

from conftest import note, shot
from console import css
from harness import HOST, TOUR_SHOPPER, fetch_bytes, free_port, wait_until

#: The snippet's budget once minified (docs/storefront.md).
SNIPPET_BUDGET = 10_240


def test_snippet_minified_fits_its_budget(cluster):
    status, body = fetch_bytes(f"{cluster.url(0)}/sdk/tailor.js")
    assert status == 200, f"GET /sdk/tailor.js answered {status}"
    minified = rjsmin.jsmin(body.decode())
    size = len(minified.encode())
    note("snippet", f"/sdk/tailor.js: {len(body):,} bytes, {size:,} minified (rjsmin; budget {SNIPPET_BUDGET:,})")
    assert size <= SNIPPET_BUDGET, f"/sdk/tailor.js is {size:,} bytes minified, over the {SNIPPET_BUDGET:,}-byte budget"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def other_origin_page(cluster):
    """A shop page served from another port (so another origin) that loads the snippet
    from the gateway with the public key, which allows only the key's own origins."""
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "index.html").write_text(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another shop</title></head>
<body><main><h1>Another shop</h1>
<div id="recs" data-tailor-placement="home_for_you" data-tailor-k="4"></div>
<script src="{cluster.url(0)}/sdk/tailor.js" data-key="{cluster.public_key}" data-user="{TOUR_SHOPPER}"></script>
</main></body></html>
""")
        port = free_port()
        server = http.server.ThreadingHTTPServer((HOST, port), functools.partial(_Quiet, directory=folder))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://{HOST}:{port}/"
        finally:
            server.shutdown()
            server.server_close()


def test_snippet_on_an_origin_its_key_does_not_allow_marks_the_placement(browser, other_origin_page):
    browser.get(other_origin_page)
    error = wait_until(
        "data-tailor-error on the placement of a page from an origin the key does not allow",
        lambda: browser.execute_script("return document.getElementById('recs').getAttribute('data-tailor-error')"),
        timeout=10, interval=0.05,
    )
    note("snippet", f"from {other_origin_page}: data-tailor-error={error!r}")
    shot(browser, "snippet-refused-origin")
    assert "403" in error or "origin" in error.lower(), f"the error does not say 403 or origin: {error!r}"
    assert not css(browser, "#recs [data-product]"), "the refused placement shows products"


def test_events_the_network_lost_are_sent_again_once_it_is_back(browser, cluster):
    """A shopper's connection drops while the snippet sends its events: the batch is
    kept and sent again, with the same id, once requests get through."""
    if not cluster.storefront_url:
        pytest.fail("tailor local printed no 'Demo storefront: http://…/' line: there is no storefront to test")
    browser.get(cluster.storefront_url)
    wait_until("tailor.js loaded on the storefront", lambda: browser.execute_script("return !!window.Tailor"), timeout=10)
    shopper, event = f"retry-{uuid.uuid4().hex[:8]}", f"e-retry-{uuid.uuid4().hex[:8]}"
    product = cluster.category_products(next(iter(cluster.category_paths().values()))).pop()
    browser.get_log("browser")  # start from an empty log
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/v1/events"]})
    try:
        browser.execute_script(
            "Tailor.init({user: arguments[0]}); Tailor.track({type: 'view', product: arguments[1], id: arguments[2]}); Tailor.flush();",
            shopper, product, event,
        )
        failed = wait_until(
            "the snippet's warning that the blocked batch failed",
            lambda: next((m["message"] for m in browser.get_log("browser") if "Tailor: events: 0" in m["message"]), None),
            timeout=10, interval=0.1,
        )
    finally:
        browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})

    def held():
        status, answer = cluster.admin("GET", f"/v1/users/{shopper}/export")
        return status == 200 and [e for e in answer.get("events", []) if e.get("id") == event]

    stored = wait_until(f"event {event} in GET /v1/users/{shopper}/export after the network came back", held, timeout=20, interval=0.25)
    note("snippet", f"a batch blocked by the browser ({failed.split('Tailor: ')[-1][:40]}…) was sent again: {len(stored)} event {event} stored")
    assert len(stored) == 1
