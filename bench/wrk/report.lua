-- Prints one machine-readable line when wrk is done: requests/s, p99 latency (µs),
-- requests, and the error counts (socket and non-2xx/3xx).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p99_us=%d requests=%d errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(99), summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status))
end
