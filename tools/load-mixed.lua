-- wrk script: 80% search, 20% add, against /api/v1. Needs MEMLEDGER_KEY in the environment.
-- SEARCH_SHARE=0 makes it a writers-only script (tools/load-rw.sh).
-- Counts statuses per thread and prints them with the latency percentiles as one JSON line.
local key = os.getenv("MEMLEDGER_KEY")
local search_share = tonumber(os.getenv("SEARCH_SHARE") or "0.8")
local words = {"river", "mountain", "coffee", "tea", "deploy", "script", "database", "staging", "kiwi", "orchid",
  "garden", "bicycle", "train", "meeting", "budget", "invoice", "python", "swift", "kernel", "vector", "search",
  "ledger", "memory", "agent", "paris", "lyon", "berlin", "tokyo", "allergy", "peanut", "chess", "guitar"}
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  math.randomseed(os.time() + id * 7919)
  wrk.headers["Authorization"] = "Bearer " .. key
  wrk.headers["Content-Type"] = "application/json"
end

local consonants, vowels = "bcdfghjklmnprstvz", "aeiou"
local function pseudoword()
  local t = {}
  for i = 1, math.random(2, 4) do
    local c, v = math.random(#consonants), math.random(#vowels)
    t[i] = consonants:sub(c, c) .. vowels:sub(v, v)
  end
  return table.concat(t)
end

-- A query like a person's: one everyday word and one rarer one.
local function query()
  return words[math.random(#words)] .. " " .. pseudoword()
end

local function phrase(n)
  local t = {}
  for i = 1, n do t[i] = words[math.random(#words)] end
  return table.concat(t, " ")
end

function request()
  counter = counter + 1
  if math.random() < search_share then
    return wrk.format("POST", "/api/v1/memories/search", nil, '{"query":"' .. query() .. '","limit":10}')
  end
  return wrk.format("POST", "/api/v1/memories", nil,
    '{"content":"load ' .. id .. "-" .. counter .. "-" .. math.random(1e9) .. " " .. phrase(4) .. " " .. pseudoword() .. " " .. pseudoword() .. '"}')
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do merged[status] = (merged[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(merged) do table.insert(parts, string.format('"%d":%d', status, n)) end
  io.write(string.format(
    '{"requests":%d,"seconds":%.1f,"rps":%.0f,"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"socket_errors":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
    table.concat(parts, ",")))
end
