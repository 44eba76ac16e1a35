"""The console as a merchandiser uses it: log in, look at a shopper's recommendations
and why, tune a weight with a preview, save it, and see the change on another gateway."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from conftest import note, shot
from console import accept_confirm, click, css, log_in, open_page, wait_css, wait_ready
from harness import TOUR_SHOPPER, fetch_bytes, wait_until


def logged_in(browser, cluster, node: int = 0):
    log_in(browser, cluster, node=node)
    wait_ready(browser, "overview")


def test_every_gateway_serves_the_console_and_the_snippet(cluster):
    for port in cluster.ports:
        status, page = fetch_bytes(f"http://127.0.0.1:{port}/console/")
        assert status == 200 and b'id="key"' in page, f"GET /console/ on port {port} answered {status} without the login form"
        status, _ = fetch_bytes(f"http://127.0.0.1:{port}/sdk/tailor.js")
        assert status == 200, f"GET /sdk/tailor.js on port {port} answered {status}"


def test_login_refuses_a_wrong_key_and_admits_the_admin_key(browser, cluster):
    log_in(browser, cluster, key="not-the-admin-key-" + "x" * 20)
    error = wait_css(browser, "#login-error", what="a wrong key showed no visible #login-error")[0]
    assert error.text.strip(), "#login-error is shown but says nothing"
    assert browser.execute_script("return document.body.dataset.page") != "overview", "a wrong key got into the console"
    shot(browser, "console-login-refused")

    log_in(browser, cluster, fresh=False)
    wait_ready(browser, "overview")
    members = wait_css(browser, "tr[data-member]", what="the overview lists no member (tr[data-member])")
    assert len(members) >= 3, f"the overview lists {len(members)} members; the cluster has 3 nodes"
    assert css(browser, "#traffic-chart"), "the overview has no #traffic-chart"
    shot(browser, "console-overview")


def test_shopper_page_shows_recommendations_with_reasons(browser, cluster):
    logged_in(browser, cluster)
    link = css(browser, 'nav a[href^="#/shopper"]')
    assert link, 'the nav has no Shopper link (nav a[href^="#/shopper"])'
    click(browser, link[0])
    field = wait_css(browser, "#shopper-id")[0]
    field.clear()
    field.send_keys(TOUR_SHOPPER)
    click(browser, browser.find_element(By.CSS_SELECTOR, "#shopper-find"))
    wait_ready(browser, "shopper")
    items = wait_css(browser, 'section[data-placement="home_for_you"] li[data-product]',
                     what=f"no home_for_you recommendation shown for {TOUR_SHOPPER}")
    reasons = [i.find_element(By.CSS_SELECTOR, ".reason").text.strip() for i in items]
    assert all(reasons), f"recommendations without a reason: {reasons}"
    shown = [i.get_attribute("data-product") for i in items]
    note("console", f"shopper {TOUR_SHOPPER}: home_for_you shows {shown[:5]}…, first reason: {reasons[0]!r}")
    shot(browser, "console-shopper")

    # Why this list: the trace of the recommendation shown.
    traces = css(browser, 'section[data-placement="home_for_you"] a[data-trace]') or css(browser, "a[data-trace]")
    assert traces, "the shopper page links no trace (a[data-trace])"
    click(browser, traces[0])
    wait_ready(browser, "trace")
    traced = [r.get_attribute("data-product") for r in wait_css(browser, "#trace-shown tr[data-product]")]
    assert shown[0] in traced, f"the trace's shown products {traced[:5]} do not include the first shown, {shown[0]}"
    shot(browser, "console-trace")


def _set_weight(browser, field, value: float):
    if field.get_attribute("type") == "range":
        browser.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            field, str(value),
        )
    else:
        field.clear()
        field.send_keys(str(value))


def _versions(cluster, node: int) -> dict[str, dict]:
    status, answer = cluster.admin("GET", "/v1/strategies", node=node)
    assert status == 200, f"GET /v1/strategies on gateway {node + 1} answered {status}: {answer}"
    return {s["placement"]: s for s in answer["strategies"]}


def test_weight_change_is_previewed_saved_and_seen_by_another_gateway(browser, cluster):
    logged_in(browser, cluster)
    open_page(browser, "shopper")
    wait_css(browser, 'section[data-placement="home_for_you"] li[data-product]')
    strategy = "conversion"
    chooser = css(browser, "#preview-strategy")
    if chooser and chooser[0].get_attribute("value"):
        strategy = chooser[0].get_attribute("value")
    weight = wait_css(browser, 'input[data-weight="popularity"]')[0]
    old = float(weight.get_attribute("value") or 0)
    top = min(10.0, float(weight.get_attribute("max") or 10))
    new = round(old + (top - old) * 0.8, 2)
    _set_weight(browser, weight, new)

    # The Preview button is the preview form's submit (#preview-run); #preview holds the two answers.
    click(browser, (css(browser, "#preview-run") or css(browser, "button#preview"))[0])
    after = wait_css(browser, "#preview-new [data-product]", what="#preview-new rendered no product")
    before = [e.get_attribute("data-product") for e in css(browser, "#preview-current [data-product]")]
    after = [e.get_attribute("data-product") for e in after]
    note("console", f"preview, popularity {old:g} -> {new:g} ({strategy}): current {before[:5]}, new {after[:5]}"
         f" ({'differs' if before != after else 'same order'})")
    shot(browser, "console-shopper-preview")

    held = _versions(cluster, node=1)
    click(browser, browser.find_element(By.CSS_SELECTOR, "#save-strategy"))
    accept_confirm(browser)
    saved: dict = {}
    try:
        # The second gateway (node 2's public API) learns the write with its configuration sync.
        def learned():
            for placement, view in _versions(cluster, node=1).items():
                if view["version"] > held[placement]["version"]:
                    saved.update(view)
                    return True
            return False

        wait_until("the saved strategy on the second gateway (GET /v1/strategies)", learned, timeout=15)
        placement = saved["placement"]
        saved_weight = saved["weights"].get(strategy, {}).get("popularity")
        assert saved_weight is not None and abs(saved_weight - new) < 1e-3, (
            f"the second gateway's {placement} strategy has popularity {saved_weight} for {strategy}, not {new}: {saved['weights']}"
        )
        note("console", f"saved {placement} version {saved['version']} seen on gateway 2 (port {cluster.ports[1]})")

        # And on the third gateway's console, its Strategies page shows the new version.
        logged_in(browser, cluster, node=2)
        open_page(browser, "strategies")
        form = wait_css(browser, f'form[data-placement="{placement}"]')[0]
        history = wait_css(browser, f"#history-{placement}")[0]
        named = history.find_elements(By.CSS_SELECTOR, f'[data-version="{saved["version"]}"]') or str(saved["version"]) in history.text
        assert named, f"#history-{placement} on gateway 3 does not name version {saved['version']}: {history.text!r}"
        shown = [float(f.get_attribute("value")) for f in form.find_elements(By.CSS_SELECTOR, 'input[data-weight="popularity"]')]
        assert any(abs(v - new) < 1e-3 for v in shown), f"gateway 3's {placement} form shows popularity {shown}, not {new}"
        shot(browser, "console-strategies-gateway3")
    finally:
        if saved:
            cluster.admin("DELETE", f"/v1/strategies/{saved['placement']}")


def _chart_points(browser, canvas_id: str) -> int:
    """The points of the chart's fullest line (-1 without a chart)."""
    return browser.execute_script(
        "const c = window.Chart && Chart.getChart(document.getElementById(arguments[0]));"
        "return c ? Math.max(0, ...c.data.datasets.map((d) => d.data.filter((v) => v !== null).length)) : -1;", canvas_id)


def test_experiment_is_created_watched_and_stopped(browser, cluster):
    """A bandit made with the console's form, its allocation charted from the gateway's
    history, then stopped with #stop."""
    from selenium.webdriver.support.ui import Select

    experiment = "browser-bandit"
    cluster.admin("DELETE", f"/v1/experiments/{experiment}")
    logged_in(browser, cluster)
    open_page(browser, "experiments")
    field = wait_css(browser, "#experiment-id")[0]
    field.clear()
    field.send_keys(experiment)
    Select(browser.find_element(By.CSS_SELECTOR, "#experiment-placement")).select_by_value("checkout_offer")
    Select(browser.find_element(By.CSS_SELECTOR, "#experiment-allocation")).select_by_value("bandit")
    click(browser, browser.find_element(By.CSS_SELECTOR, "#experiment-create"))
    wait_ready(browser, "experiment")
    try:
        status, made = cluster.admin("GET", f"/v1/experiments/{experiment}")
        assert status == 200 and made["allocation"] == "bandit" and made["placements"] == ["checkout_offer"], f"{status}: {made}"

        # The gateway samples a bandit's shares as the counts arrive (every 2 s): the
        # detail page charts that history, then its own readings.
        def sampled():
            return len(cluster.admin("GET", f"/v1/experiments/{experiment}")[1].get("allocationHistory") or []) >= 1
        wait_until("a sample in the bandit's allocationHistory", sampled, timeout=15)
        open_page(browser, "experiments")
        open_page(browser, "experiment", experiment)
        wait_until("two points on the allocation chart's lines (the history's and a reading)",
                   lambda: _chart_points(browser, "allocation-chart") >= 2, timeout=10)
        lines = browser.execute_script("return Chart.getChart(document.getElementById('allocation-chart')).data.datasets.map((d) => d.label)")
        assert {"personalised", "control"} <= set(lines), f"the allocation chart draws {lines}, not both variants"
        assert css(browser, "#experiment-metrics-chart"), "the detail has no #experiment-metrics-chart"
        shot(browser, "console-experiment")

        click(browser, browser.find_element(By.CSS_SELECTOR, "#stop"))
        accept_confirm(browser)
        wait_until("the experiment stopped (running false)",
                   lambda: cluster.admin("GET", f"/v1/experiments/{experiment}")[1].get("running") is False, timeout=10)
    finally:
        cluster.admin("DELETE", f"/v1/experiments/{experiment}")
