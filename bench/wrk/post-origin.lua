-- POST with an empty body for /cookie-and-object/, as a browser sends it from the app's own
-- page: `Origin` and `Sec-Fetch-Site: same-origin`, which cross-origin protection checks.
wrk.method = "POST"
wrk.headers["Origin"] = "http://127.0.0.1"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
dofile((os.getenv("BENCH_WRK_DIR") or "wrk") .. "/report.lua")
