-- POST with an empty body, for /cookie-and-object/.
wrk.method = "POST"
dofile((os.getenv("BENCH_WRK_DIR") or "wrk") .. "/report.lua")
