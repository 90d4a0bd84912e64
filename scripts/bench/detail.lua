-- wrk: GET /api/tasks/:id for random public tasks out of IDS (the seeding's
-- "<id> <mode> <visibility>" lines).
local bench = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local ids

function init(args)
  bench.seed()
  ids = bench.lines(os.getenv("IDS"), function(f) return f[3] == "public" end)
end

request = function()
  return wrk.format("GET", "/api/tasks/" .. bench.pick(ids)[1])
end
