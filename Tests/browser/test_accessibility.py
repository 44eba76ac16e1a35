"""Accessibility: axe-core on every console page and on the storefront's home and
product pages (fails on critical and serious findings, prints every finding), and the
login form reachable with the keyboard alone."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium_axe_python import Axe

from conftest import note, shot
from console import PAGES, click, console_url, log_in, open_page, wait_css, wait_ready
from test_speed import recommendation_id

FAILING = {"critical", "serious"}


def audit(browser, name: str) -> list[str]:
    """axe's findings on the current page, printed; answers the failing ones."""
    axe = Axe(browser)
    axe.inject()
    results = axe.run()
    failing = []
    for violation in results["violations"]:
        targets = [", ".join(map(str, node["target"])) for node in violation["nodes"]]
        line = f"{name}: {violation['impact']} {violation['id']} ({violation['help']}) at {'; '.join(targets[:6])}" \
               + (f" and {len(targets) - 6} more" if len(targets) > 6 else "")
        note("accessibility", line)
        if violation["impact"] in FAILING:
            failing.append(line)
    if not results["violations"]:
        note("accessibility", f"{name}: no finding")
    return failing


def test_console_pages_have_no_serious_accessibility_finding(browser, cluster):
    browser.get(console_url(cluster))
    browser.execute_script("try { sessionStorage.clear(); localStorage.clear(); } catch (e) {}")
    browser.get(console_url(cluster))
    wait_css(browser, "#key")
    shot(browser, "console-login")
    failing = audit(browser, "console login")
    log_in(browser, cluster, fresh=False)
    wait_ready(browser, "overview")
    trace_of = recommendation_id(cluster)
    for page in PAGES:
        if page != "overview":
            open_page(browser, page, recommendation_id=trace_of)
        shot(browser, f"console-page-{page}")
        failing += audit(browser, f"console {page}")
    assert not failing, "critical or serious accessibility findings:\n" + "\n".join(failing)


def test_storefront_pages_have_no_serious_accessibility_finding(browser, cluster):
    if not cluster.storefront_url:
        pytest.fail("tailor local printed no 'Demo storefront: http://…/' line: there is no storefront to audit")
    browser.get(cluster.storefront_url)
    wait_css(browser, '[data-tailor-placement] [data-product]', timeout=15)
    shot(browser, "storefront-page-home")
    failing = audit(browser, "storefront home")
    click(browser, wait_css(browser, "a[data-product-link]")[0])
    wait_css(browser, "#add-to-cart")
    shot(browser, "storefront-page-product")
    failing += audit(browser, "storefront product")
    assert not failing, "critical or serious accessibility findings:\n" + "\n".join(failing)


def test_login_form_is_reachable_with_the_keyboard(browser, cluster):
    browser.get(console_url(cluster))
    browser.execute_script("try { sessionStorage.clear(); localStorage.clear(); } catch (e) {}")
    browser.get(console_url(cluster))
    wait_css(browser, "#key")
    # Where the page puts the focus first (an autofocused field counts as reached), then Tab.
    first = browser.switch_to.active_element
    visited = [] if first.tag_name == "body" else [first.get_attribute("id") or first.tag_name]
    for _ in range(15):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        focused = browser.switch_to.active_element
        visited.append(focused.get_attribute("id") or focused.tag_name)
        if visited[-1] == "login":
            break
    assert "key" in visited, f"Tab never reached #key: {visited}"
    assert "login" in visited[visited.index("key"):], f"Tab did not reach #login after #key: {visited}"
    note("accessibility", f"keyboard: Tab visits {' -> '.join(visited)}")
