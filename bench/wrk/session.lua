-- GET with the session cookie of a logged-in user, for /whoami: SESSION_COOKIE is the
-- `name=value` pair the peer's `POST /login` set (bench/run and bench/callgrind log in once
-- with curl before timing).
local cookie = os.getenv("SESSION_COOKIE")
if cookie == nil or cookie == "" then
  error("SESSION_COOKIE is not set: log in first (POST /login) and pass the cookie")
end
wrk.headers["Cookie"] = cookie
dofile((os.getenv("BENCH_WRK_DIR") or "wrk") .. "/report.lua")
