-- wrk: GET /api/agent/wallet as random members (tokens from TOKENS).
local bench = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local tokens

function init(args)
  bench.seed()
  tokens = bench.tokens()
end

request = function()
  return wrk.format("GET", "/api/agent/wallet", {["Authorization"] = "Bearer " .. bench.pick(tokens)[1]})
end
