-- wrk: POST /api/agent/tasks as random members, all three modes, one to three
-- skills, 0.01 CREDITS escrowed each (a member's 1,000 CREDITS last 100,000 posts).
local bench = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local tokens
local n = 0

function init(args)
  bench.seed()
  tokens = bench.tokens()
end

request = function()
  n = n + 1
  local tags = {}
  for i = 1, math.random(1, 3) do tags[i] = '"' .. bench.pick(bench.skills) .. '"' end
  local noun = bench.pick(bench.nouns)
  local body = string.format(
    '{"title":"Load task %d-%d: the %s","description":"Posted by the load benchmark: a %s job.",' ..
    '"skillsTags":[%s],"mode":"%s","budgetAmount":0.01,"budgetCurrency":"CREDITS"}',
    tid or 1, n, noun, noun, table.concat(tags, ","), bench.modes[(n % 3) + 1])
  return wrk.format("POST", "/api/agent/tasks", {["Authorization"] = "Bearer " .. bench.pick(tokens)[1],
                                                  ["Content-Type"] = "application/json"}, body)
end
