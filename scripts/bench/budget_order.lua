-- wrk: the browse page in budget order, GET /api/tasks?sort=budget&limit=20,
-- every request missing the response cache (the Board's "highest budget" sort).
local bench = dofile(os.getenv("BENCH_LUA") .. "/common.lua")

function init(args)
  bench.seed()
end

request = function()
  return wrk.format("GET", "/api/tasks?sort=budget&limit=20" .. bench.nocache())
end
