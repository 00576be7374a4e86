#!/usr/bin/env python3
"""The API docs pages in headless Chromium, offline: Swagger UI (/docs) and ReDoc (/redoc)
render the example app's document with nothing but the app's own files, and Swagger UI's "Try it out"
carries the browser's cookies.

It starts nothing: it takes the base URL of the app of runtime/examples/docs_ui.rs and its
three operations. Every host name but 127.0.0.1 fails to resolve in
the browser (--host-resolver-rules), so a page that fetched anything from a CDN, fonts or the
online validator would show it here: every request the pages make is checked to be the app's,
but those the page's own Content-Security-Policy refuses before they leave the browser (ReDoc
2's footer logo, which its bundle loads from Redocly's CDN), which are reported.

    cargo run -p cookie-route --features openapi --example docs_ui -- 127.0.0.1:8000 &
    python3 tests/browser/docs_ui.py http://127.0.0.1:8000

Needs chromium and chromium-driver (Debian: `apt-get install chromium chromium-driver`) and
Selenium (`pip install -r tests/browser/requirements.txt`). CHROMIUM and CHROMEDRIVER
override where they are looked for. Exits 0 and prints "N passed, 0 failed" when all pass.
"""

import json
import os
import shutil
import sys
import traceback
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

# The operations of runtime/examples/docs_ui.rs.
OPERATIONS = {
    ("get", "/items/{item_id}"): "Read Item",
    ("post", "/login"): "Log In",
    ("get", "/me"): "Read Me",
}
WAIT = 30


def find(*names, env):
    path = os.environ.get(env)
    if path:
        return path
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    sys.exit(f"docs_ui.py: none of {', '.join(names)} is installed (or set {env})")


def browser(allow=("127.0.0.1",)):
    """Headless Chromium in which only the `allow`ed hosts resolve."""
    options = webdriver.ChromeOptions()
    options.binary_location = find("chromium", "chromium-browser", "google-chrome", env="CHROMIUM")
    for flag in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--no-first-run",
        "--window-size=1400,1000",
        # Only the app resolves: a CDN, Google Fonts or the validator would fail to load.
        "--host-resolver-rules=MAP * ~NOTFOUND"
        + "".join(f" , EXCLUDE {host}" for host in allow),
    ]:
        options.add_argument(flag)
    # Every request the pages make, and the console, from Chromium's performance log.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    service = Service(executable_path=find("chromedriver", env="CHROMEDRIVER"))
    return webdriver.Chrome(options=options, service=service)


def requests(driver):
    """What the page asked the network for since the last call, not data: or blob: URLs:
    (url, why it failed or None) for each request, from Chromium's performance log."""
    sent, failed = {}, {}
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message.get("method") == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not url.startswith(("data:", "blob:")):
                sent[params["requestId"]] = url
        elif message.get("method") == "Network.loadingFailed":
            failed[params["requestId"]] = params.get("blockedReason") or params.get("errorText")
    return [(url, failed.get(request)) for request, url in sent.items()]


def assert_only_the_app(driver, base):
    """Every request went to the app, except those the page's own Content-Security-Policy
    refused before they left the browser. Returns the app's URLs and the refused ones."""
    origin = urlsplit(base)
    made = requests(driver)
    assert made, "no request was logged"
    ours, refused = [], []
    for url, failure in made:
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) == (origin.scheme, origin.netloc):
            ours.append(url)
        elif failure == "csp":
            refused.append(url)
        else:
            raise AssertionError(f"the page requested {url} ({failure or 'loaded'}), not a file of the app")
    return ours, refused


def severe_console_errors(driver, base, refused=()):
    """The console's errors, but the refusals of `refused` URLs and the app's 404 to
    /favicon.ico (ReDoc's page names no icon, so the browser asks the app for its own)."""
    ignored = [*refused, f"{base}/favicon.ico "]
    return [
        e["message"]
        for e in driver.get_log("browser")
        if e["level"] == "SEVERE" and not any(url in e["message"] for url in ignored)
    ]


def wait_for(driver, condition, what):
    try:
        return WebDriverWait(driver, WAIT).until(condition)
    except Exception as error:
        raise AssertionError(f"{what} (page text: {driver.find_element(By.TAG_NAME, 'body').text[:2000]!r})") from error


def swagger_ui_lists_the_operations(driver, base):
    driver.get(f"{base}/docs")
    wait_for(
        driver,
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) >= len(OPERATIONS),
        "Swagger UI lists the operations",
    )
    blocks = driver.find_elements(By.CSS_SELECTOR, ".opblock")
    seen = set()
    for block in blocks:
        method = block.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text.lower()
        path = block.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path")
        summary = block.find_element(By.CSS_SELECTOR, ".opblock-summary-description").text
        seen.add((method, path, summary))
    want = {(m, p, s) for (m, p), s in OPERATIONS.items()}
    assert seen == want, f"Swagger UI lists {sorted(seen)}, not {sorted(want)}"
    title = driver.title
    assert title == "Docs UI stub - Swagger UI", title
    urls, refused = assert_only_the_app(driver, base)
    assert not refused, f"refused: {refused}"
    for name in ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "openapi.json"]:
        assert any(name in u for u in urls), f"{name} was not requested: {urls}"
    errors = severe_console_errors(driver, base)
    assert not errors, f"console errors: {errors}"
    return f"{len(blocks)} .opblock elements: {sorted(s for _, _, s in seen)}; requests: {urls}"


def execute(driver, block_id):
    """Expands an operation, clicks "Try it out" and "Execute", and returns the response body
    Swagger UI shows."""
    block = wait_for(driver, EC.presence_of_element_located((By.ID, block_id)), f"#{block_id}")
    if "is-open" not in block.get_attribute("class"):
        block.find_element(By.CSS_SELECTOR, ".opblock-summary-control").click()
    wait_for(driver, lambda d: block.find_elements(By.CSS_SELECTOR, ".try-out__btn"), "Try it out")
    if not block.find_elements(By.CSS_SELECTOR, ".execute"):
        block.find_element(By.CSS_SELECTOR, ".try-out__btn").click()
    wait_for(driver, lambda d: block.find_elements(By.CSS_SELECTOR, ".execute"), "Execute")
    block.find_element(By.CSS_SELECTOR, ".execute").click()
    body = wait_for(
        driver,
        lambda d: [
            e
            for e in block.find_elements(By.CSS_SELECTOR, ".live-responses-table .response-col_description pre")
            if e.text.strip()
        ],
        f"a response in #{block_id}",
    )[0]
    return json.loads(body.text)


def try_it_out_sends_the_browsers_cookies(driver, base):
    driver.delete_all_cookies()
    driver.get(f"{base}/docs")
    before = execute(driver, "operations-default-read_me_me_get")
    assert before == {"session": None}, f"before logging in: {before}"
    login = execute(driver, "operations-default-log_in_login_post")
    assert login == {"logged_in": True}, login
    cookie = driver.get_cookie("session")
    assert cookie and cookie["value"] == "from-login" and cookie["httpOnly"], f"the jar has {cookie}"
    driver.find_element(By.ID, "operations-default-read_me_me_get").find_element(
        By.CSS_SELECTOR, ".btn-clear"
    ).click()
    after = execute(driver, "operations-default-read_me_me_get")
    assert after == {"session": "from-login"}, f"after logging in: {after}"
    _, refused = assert_only_the_app(driver, base)
    assert not refused, f"refused: {refused}"
    return "POST /login's HttpOnly cookie was kept and sent by GET /me"


def redoc_renders_the_operations(driver, base):
    driver.get(f"{base}/redoc")
    wait_for(
        driver,
        lambda d: all(
            d.find_elements(By.XPATH, f"//h2[normalize-space()='{summary}']") for summary in OPERATIONS.values()
        ),
        "ReDoc renders each operation's summary as a heading",
    )
    menu = driver.find_element(By.CSS_SELECTOR, ".menu-content").text
    for summary in OPERATIONS.values():
        assert summary in menu, f"{summary} is not in ReDoc's menu: {menu!r}"
    title = driver.title
    assert title == "Docs UI stub - ReDoc", title
    urls, refused = assert_only_the_app(driver, base)
    for name in ["redoc.standalone.js", "openapi.json"]:
        assert any(name in u for u in urls), f"{name} was not requested: {urls}"
    errors = severe_console_errors(driver, base, refused)
    assert not errors, f"console errors: {errors}"
    return (
        f"headings and menu entries: {sorted(OPERATIONS.values())}; requests: {urls}; "
        f"refused by the page's policy: {refused}"
    )


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    base = sys.argv[1].rstrip("/")
    host = urlsplit(base).hostname
    if host != "127.0.0.1":
        sys.exit(f"docs_ui.py: the app must be at 127.0.0.1 (the only host that resolves), not {host}")
    screenshots = os.environ.get("DOCS_UI_SCREENSHOTS")
    checks = [swagger_ui_lists_the_operations, try_it_out_sends_the_browsers_cookies, redoc_renders_the_operations]
    passed = failed = 0
    driver = browser()
    try:
        for check in checks:
            try:
                detail = check(driver, base)
                passed += 1
                print(f"ok   {check.__name__}: {detail}")
            except Exception:
                failed += 1
                print(f"FAIL {check.__name__}")
                traceback.print_exc()
            if screenshots:
                os.makedirs(screenshots, exist_ok=True)
                driver.save_screenshot(os.path.join(screenshots, f"{check.__name__}.png"))
    finally:
        driver.quit()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
