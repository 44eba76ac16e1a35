"""The browser suite's fixtures: one `tailor local` cluster and one headless Chromium
for the whole run, screenshots under .build/browser-screenshots/, and a summary
(measured times, sizes, accessibility findings) printed at the end."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from harness import ROOT, SCREENSHOTS, Cluster

#: Lines for the closing summary, by section.
SUMMARY: dict[str, list[str]] = {}


def note(section: str, line: str):
    """Prints a line now (with -s) and keeps it for the closing summary."""
    SUMMARY.setdefault(section, []).append(line)
    print(line)


@pytest.fixture(scope="session")
def cluster():
    binary = Path(os.environ.get("TAILOR_BIN") or ROOT / ".build" / "debug" / "tailor")
    if not binary.is_file():
        pytest.exit(f"{binary} is missing: build it first (swift build)", returncode=2)
    running = Cluster(binary)
    running.start()
    note("cluster", f"tailor local ready in {running.ready_seconds:.1f} s: gateways {running.ports}, "
         f"storefront {running.storefront_url or 'none (this build prints no Demo storefront line)'}")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser():
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--disable-gpu", "--no-first-run", "--disable-extensions", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


def shot(driver, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure: a screenshot, the page's URL and the browser's console messages."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    driver = item.funcargs.get("browser")
    if driver is None:
        return
    try:
        path = shot(driver, f"FAILED-{item.name}")
        messages = [f"{m['level']} {m['message']}" for m in driver.get_log("browser")][-20:]
        report.sections.append(("browser", f"url: {driver.current_url}\nscreenshot: {path}\nconsole:\n" + "\n".join(messages)))
    except Exception as error:  # noqa: BLE001 - the test's own failure is the one to report
        report.sections.append(("browser", f"(could not capture the browser's state: {error!r})"))


def pytest_terminal_summary(terminalreporter):
    for section, lines in SUMMARY.items():
        terminalreporter.write_sep("-", section)
        for line in lines:
            terminalreporter.write_line(line)
    if SCREENSHOTS.exists():
        terminalreporter.write_line(f"screenshots: {SCREENSHOTS.relative_to(ROOT)}/ ({len(list(SCREENSHOTS.glob('*.png')))} files)")
