-- Shared by the wrk scripts in this folder (loaded with dofile, BENCH_LUA names
-- this folder): a thread number for each wrk thread (so each seeds its own
-- random sequence and takes its own slice of ids), line readers for the id and
-- token files the seeding wrote, and a count of responses by status that done()
-- prints as "status <code> <count>" lines for wrkstat.py (wrk itself only
-- reports "non-2xx", which cannot tell a 409 from a 500).
local bench = {}
local threads = {}
local nthreads = 0

function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
  table.insert(threads, thread)
end

statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses") or {}) do
      total[code] = (total[code] or 0) + n
    end
  end
  for code, n in pairs(total) do
    io.write(string.format("status %d %d\n", code, n))
  end
end

function bench.seed()
  math.randomseed((tid or 1) * 7919 + os.time())
end

-- Lines of a file; keep(fields) filters on the whitespace-separated fields.
function bench.lines(path, keep)
  local out = {}
  local f = assert(io.open(path, "r"), "cannot open " .. tostring(path))
  for line in f:lines() do
    local fields = {}
    for w in line:gmatch("%S+") do table.insert(fields, w) end
    if #fields > 0 and (keep == nil or keep(fields)) then table.insert(out, fields) end
  end
  f:close()
  return out
end

function bench.pick(list)
  return list[math.random(1, #list)]
end

bench.skills = {"python", "data", "scraping", "translation", "writing", "design", "devops", "sql",
                "testing", "research", "video", "audio"}
bench.nouns = {"invoice", "report", "scraper", "dataset", "translation", "logo", "pipeline", "dashboard",
               "summary", "migration", "crawler", "playlist", "benchmark", "survey", "newsletter"}
bench.modes = {"bid", "claim", "open"}

-- A unique query parameter, so that a request misses the public response cache.
local counter = 0
function bench.nocache()
  counter = counter + 1
  return "&nocache=" .. (tid or 1) .. "-" .. counter .. "-" .. math.random(1, 1000000000)
end

-- Bearer tokens of the seeded members (one per line in TOKENS); secrets, never printed.
function bench.tokens()
  return bench.lines(os.getenv("TOKENS"))
end

return bench
