#!/usr/bin/env python3
"""Cross-origin protection in headless Chromium: a form post and a fetch POST with
credentials, from the app's own page, are saved; the same from another site (another origin
and another site: `localhost` against `127.0.0.1`) are refused with 403 and not saved. The
browser sets `Origin` and `Sec-Fetch-Site` itself, as it does for every site.

It starts nothing: it takes the app's base URL and the other site's, served by
runtime/examples/cross_origin.rs.

    cargo run -p cookie-route --example cross_origin -- 127.0.0.1:8001 127.0.0.1:8002 &
    python3 tests/browser/cross_origin.py http://127.0.0.1:8001 http://localhost:8002

Needs chromium, chromium-driver and Selenium, as tests/browser/docs_ui.py. Exits 0 and
prints "N passed, 0 failed" when all pass.
"""

import sys
import time
import traceback
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from docs_ui import browser, wait_for


def saved(app):
    with urllib.request.urlopen(f"{app}/count", timeout=10) as response:
        return int(response.read())


def settle(app, expected, what):
    """Waits a little for the app's count to reach `expected` (a no-cors fetch resolves
    before the app has answered), then checks it stays there."""
    deadline = time.time() + 5
    while saved(app) != expected and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)
    count = saved(app)
    assert count == expected, f"{what}: {count} notes saved, {expected} expected"


def submit_form(driver, page):
    driver.get(page)
    wait_for(driver, EC.element_to_be_clickable((By.ID, "submit")), "the form").click()
    wait_for(driver, lambda d: d.current_url.rstrip("/").endswith("/notes"), "the form's answer")
    return driver.find_element(By.TAG_NAME, "body").text


def click_fetch(driver, page):
    driver.get(page)
    wait_for(driver, EC.element_to_be_clickable((By.ID, "fetch")), "the button").click()
    wait_for(driver, lambda d: d.find_element(By.ID, "result").text, "the fetch")
    return driver.find_element(By.ID, "result").text


def from_the_apps_own_page(driver, app, other):
    before = saved(app)
    body = submit_form(driver, f"{app}/")
    assert body.strip() == "saved", f"the form's answer: {body!r}"
    settle(app, before + 1, "the app's form")
    result = click_fetch(driver, f"{app}/")
    assert result.startswith("sent"), result
    settle(app, before + 2, "the app's fetch")
    return "a form post and a fetch from the app's page: saved"


def from_another_site(driver, app, other):
    before = saved(app)
    result = click_fetch(driver, f"{other}/")
    assert result.startswith("sent"), f"the browser did send it: {result}"
    settle(app, before, "another site's fetch")
    body = submit_form(driver, f"{other}/")
    assert "Forbidden" in body, f"the form's answer: {body!r}"
    settle(app, before, "another site's form")
    return "a form post and a fetch from another site: 403, not saved"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    app, other = (url.rstrip("/") for url in sys.argv[1:])
    driver = browser(allow=["127.0.0.1", "localhost"])
    passed = failed = 0
    try:
        for check in [from_the_apps_own_page, from_another_site]:
            try:
                print(f"ok   {check.__name__}: {check(driver, app, other)}")
                passed += 1
            except Exception:
                print(f"FAIL {check.__name__}")
                traceback.print_exc()
                failed += 1
    finally:
        driver.quit()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
