-- wrk script: GET /api/tasks?limit=50 with a unique extra parameter per request,
-- so every request misses the public response cache and builds the page.
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/tasks?limit=50&nocache=" .. counter .. "-" .. math.random(1, 1000000000))
end
