-- wrk script for bench/run.py: requests the paths listed (one per line) in the file named by BENCH_PATHS,
-- in random order, and prints one JSON line of results at the end (wrk itself prints no p95). Responses with a
-- status of 400 or more are wrk's "status errors"; bench/run.py checks beforehand that every path answers 200.
local requests = {}

function init(args)
  local file = assert(io.open(os.getenv("BENCH_PATHS"), "r"))
  for line in file:lines() do
    if #line > 0 then requests[#requests + 1] = wrk.format("GET", line) end
  end
  file:close()
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  return requests[math.random(#requests)]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
