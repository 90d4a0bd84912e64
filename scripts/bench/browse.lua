-- wrk: GET /api/tasks as people browse: half the requests the front page, the
-- rest one filter out of the few the Board offers (a skill, a mode, a search
-- word, budget order), 20 or 50 per page. NOCACHE=1 makes every request miss
-- the response cache (the page is built from the database each time).
local bench = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local nocache = os.getenv("NOCACHE") == "1"

function init(args)
  bench.seed()
end

request = function()
  local r = math.random(1, 10)
  local q
  if r <= 5 then
    q = "limit=" .. (r <= 3 and "20" or "50")
  elseif r == 6 then
    q = "skill=" .. bench.pick(bench.skills)
  elseif r == 7 then
    q = "mode=" .. bench.pick(bench.modes)
  elseif r == 8 then
    q = "query=" .. bench.pick(bench.nouns)
  elseif r == 9 then
    q = "sort=budget"
  else
    q = "skill=" .. bench.pick(bench.skills) .. "&mode=" .. bench.pick(bench.modes)
  end
  if nocache then q = q .. bench.nocache() end
  return wrk.format("GET", "/api/tasks?" .. q)
end
