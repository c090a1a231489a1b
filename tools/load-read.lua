-- wrk script for readers: list pages, search, and get a listed memory. Needs MEMLEDGER_KEY.
local key = os.getenv("MEMLEDGER_KEY")
local words = {"river", "mountain", "coffee", "tea", "deploy", "script", "database", "kiwi", "orchid", "garden"}
local threads = {}
local n = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  wrk.headers["Authorization"] = "Bearer " .. key
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local pick = n % 3
  if pick == 0 then
    return wrk.format("GET", "/api/v1/memories?limit=20&offset=" .. math.random(0, 900))
  elseif pick == 1 then
    return wrk.format("POST", "/api/v1/memories/search", nil, '{"query":"' .. words[math.random(#words)] .. '"}')
  end
  return wrk.format("GET", "/api/v1/events?limit=50&after=" .. math.random(0, 900))
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, t in ipairs(threads) do
    for status, c in pairs(t:get("statuses")) do merged[status] = (merged[status] or 0) + c end
  end
  local parts = {}
  for status, c in pairs(merged) do table.insert(parts, string.format('"%d":%d', status, c)) end
  io.write(string.format(
    '{"requests":%d,"seconds":%.1f,"rps":%.0f,"p50_ms":%.2f,"p99_ms":%.2f,"socket_errors":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
    table.concat(parts, ",")))
end
