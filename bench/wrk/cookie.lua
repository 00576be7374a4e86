-- GET with the three cookies of the /getcookie scenario.
wrk.headers["Cookie"] = "theme=dark; username=JohnDoe; session=abc123"
dofile((os.getenv("BENCH_WRK_DIR") or "wrk") .. "/report.lua")
