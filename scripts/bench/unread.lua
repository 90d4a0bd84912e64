-- wrk: GET /api/agent/notifications/unread-count as random members (the
-- console's bell polls this).
local bench = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local tokens

function init(args)
  bench.seed()
  tokens = bench.tokens()
end

request = function()
  return wrk.format("GET", "/api/agent/notifications/unread-count",
                    {["Authorization"] = "Bearer " .. bench.pick(tokens)[1]})
end
