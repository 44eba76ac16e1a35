"""Driving the console (`/console/` on every gateway) as a person would, through the
hooks it exposes for tests: `#key`/`#login`, the nav's `#/page` links, and
`document.body.dataset.page`/`.ready` with `window.TailorConsole.readyMs` once a page
has rendered its first data (docs/console.md)."""

from __future__ import annotations

from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from harness import TOUR_SHOPPER

#: Every console page and a hash that opens it (the shopper's and the trace's need an id).
PAGES = ["overview", "shopper", "strategies", "experiments", "catalog", "trace"]


def console_url(cluster, node: int = 0) -> str:
    return f"{cluster.url(node)}/console/"


def page_hash(page: str, recommendation_id: str | None = None) -> str:
    if page == "shopper":
        return f"#/shopper/{TOUR_SHOPPER}"
    if page == "trace":
        return f"#/trace/{recommendation_id}"
    if page == "experiment":
        return f"#/experiments/{recommendation_id}"
    return f"#/{page}"


def css(driver, selector: str):
    return driver.find_elements(By.CSS_SELECTOR, selector)


def wait_css(driver, selector: str, timeout: float = 10, what: str | None = None):
    """The elements `selector` matches once there is at least one visible."""
    def visible(d):
        found = [e for e in d.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]
        return found or False
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(visible, what or f"no visible {selector} within {timeout} s")


def click(driver, element):
    """Clicks `element` once scrolled to the middle of the window: at an edge, a sticky
    header may cover it, and Chromium refuses a click that something else would get.
    Instantly: Bootstrap's smooth scrolling would still be moving when the click lands."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'nearest', behavior: 'instant'})", element)
    element.click()


def is_ready(driver, page: str) -> bool:
    return driver.execute_script(
        "return document.body && document.body.dataset.page === arguments[0] && document.body.dataset.ready === 'true'", page
    )


def wait_ready(driver, page: str, timeout: float = 10):
    WebDriverWait(driver, timeout, poll_frequency=0.02).until(
        lambda d: is_ready(d, page),
        f"the console's {page} page did not set body.dataset.ready='true' (with dataset.page='{page}') within {timeout} s",
    )


def ready_ms(driver) -> float:
    return float(driver.execute_script("return window.TailorConsole && window.TailorConsole.readyMs"))


def log_in(driver, cluster, key: str | None = None, node: int = 0, fresh: bool = True) -> float:
    """Opens the console and logs in with `key` (the admin key by default); answers the
    page time (performance.now()) just before the click on Log in."""
    if fresh:
        driver.get(console_url(cluster, node))
        driver.execute_script("try { sessionStorage.clear(); localStorage.clear(); } catch (e) {}")
        driver.get(console_url(cluster, node))
    field = wait_css(driver, "#key")[0]
    field.clear()
    field.send_keys(cluster.admin_key if key is None else key)
    clicked_at = driver.execute_script("return performance.now()")
    click(driver, driver.find_element(By.CSS_SELECTOR, "#login"))
    return clicked_at


def open_page(driver, page: str, recommendation_id: str | None = None, timeout: float = 10) -> float:
    """Follows the hash of `page` in the loaded console and waits until it is ready;
    answers the milliseconds from the navigation to the page's readyMs."""
    target = page_hash(page, recommendation_id)
    started = driver.execute_script(
        """
        delete document.body.dataset.ready; delete document.body.dataset.page;
        const link = document.querySelector('nav a[href="' + arguments[0] + '"]');
        const t = performance.now();
        if (link) { link.click(); } else { location.hash = arguments[0]; }
        return t;
        """,
        target,
    )
    wait_ready(driver, page, timeout)
    return ready_ms(driver) - started


def accept_confirm(driver, timeout: float = 5) -> str:
    alert = WebDriverWait(driver, timeout).until(EC.alert_is_present(), "no confirm dialog")
    text = alert.text
    alert.accept()
    return text


def element_or_none(driver, selector: str):
    try:
        return driver.find_element(By.CSS_SELECTOR, selector)
    except NoSuchElementException:
        return None
