"""The demo storefront `tailor local` serves, as a shopper uses it: browsing a
category moves the home page's recommendations, and a click on a recommendation
shows up in the shop's report."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from conftest import note, shot
from console import click, css, wait_css
from harness import wait_until

HOME = '[data-tailor-placement="home_for_you"]'


def storefront_of(cluster) -> str:
    if not cluster.storefront_url:
        pytest.fail("tailor local printed no 'Demo storefront: http://…/' line: there is no storefront to test")
    return cluster.storefront_url


def home_products(browser, storefront: str, load: bool = True) -> list[str]:
    if load:
        browser.get(storefront)
    items = wait_css(browser, f"{HOME} [data-product]", timeout=15, what="the home page's home_for_you placement shows no product")
    return [i.get_attribute("data-product") for i in items]


def new_visitor(browser, storefront: str):
    """The storefront as a first-time visitor sees it: no chosen shopper, no cart, no
    anonymous id or session kept by tailor.js."""
    browser.get(storefront)
    browser.execute_script("localStorage.clear(); sessionStorage.clear();")


def test_home_follows_the_category_a_shopper_browses(browser, cluster):
    storefront = storefront_of(cluster)
    new_visitor(browser, storefront)
    before = home_products(browser, storefront)
    shot(browser, "storefront-home")
    slugs: list[str] = []
    for link in css(browser, "a[data-category]"):
        slug = link.get_attribute("data-category")
        if slug and slug not in slugs:
            slugs.append(slug)
    assert slugs, "the storefront's home page links no category (a[data-category])"
    paths = cluster.category_paths()

    # A category the home page shows nothing of yet, so that its arrival is what a shopper would notice.
    chosen, members = None, set()
    for slug in slugs[:20]:
        products = cluster.category_products(paths[slug]) if slug in paths else set()
        if len(products) >= 2 and not products.intersection(before):
            chosen, members = slug, products
            break
    assert chosen, f"every category linked ({slugs[:20]}) already shows on the home page {before}"

    click(browser, next(l for l in css(browser, "a[data-category]") if l.get_attribute("data-category") == chosen))
    wait_css(browser, "a[data-product-link]", what=f"the {chosen} page links no product (a[data-product-link])")
    shot(browser, "storefront-category")
    viewed = []
    for index in range(2):
        link = wait_css(browser, "a[data-product-link]")[index]
        viewed.append(link.get_attribute("data-product-link"))
        click(browser, link)
        wait_css(browser, "#add-to-cart", what="the product page has no #add-to-cart")
        if index == 0:
            shot(browser, "storefront-product")
            browser.back()
    assert set(viewed) <= members, f"the products viewed {viewed} are not all in {paths[chosen]}"

    def follows():
        now = home_products(browser, storefront)
        shown = [p for p in now if p in members and p not in viewed]
        return (now, shown) if shown and now != before else None

    after, shown = wait_until(f"home_for_you showing another product of {paths[chosen]} after two of its products were viewed",
                              follows, timeout=20, interval=0.5)
    note("storefront", f"a new visitor viewed {viewed} ({paths[chosen]}): home_for_you {before} -> {after} "
         f"({len(shown)} others of that category)")
    shot(browser, "storefront-home-after-browsing")


def test_a_click_on_a_recommendation_counts_in_the_report(browser, cluster):
    storefront = storefront_of(cluster)
    home_products(browser, storefront)
    placement = browser.find_element(By.CSS_SELECTOR, HOME)
    assert placement.get_attribute("data-recommendation-id"), f"{HOME} carries no data-recommendation-id"
    before = cluster.clicks("home_for_you")
    item = placement.find_element(By.CSS_SELECTOR, "[data-product]")
    target = item if item.tag_name == "a" else (item.find_elements(By.CSS_SELECTOR, "a") or [item])[0]
    clicked = item.get_attribute("data-product")
    click(browser, target)
    counted = wait_until("the click in GET /v1/reports/recommendations?placement=home_for_you",
                         lambda: (lambda n: n if n > before else None)(cluster.clicks("home_for_you")), timeout=20, interval=0.25)
    note("storefront", f"clicked {clicked} on home_for_you: report clicks {before} -> {counted}")
