-- wrk: a filtered search, GET /api/tasks?query=<word>&skill=<skill>, words and
-- skills drawn from the seeding vocabulary. NOCACHE=1: every request misses the
-- response cache. QUERY=<word> searches for that word only (a word no task
-- has makes every search walk the whole table).
local bench = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local nocache = os.getenv("NOCACHE") == "1"
local fixed = os.getenv("QUERY")

function init(args)
  bench.seed()
end

request = function()
  local q = "query=" .. (fixed or bench.pick(bench.nouns)) .. "&skill=" .. bench.pick(bench.skills)
  if nocache then q = q .. bench.nocache() end
  return wrk.format("GET", "/api/tasks?" .. q)
end
