-- wrk script: posts a funded task (0.01 CREDITS) per request with the bearer token in TOKEN.
local token = os.getenv("TOKEN")
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"title":"Benchmark task %d","description":"Seeded by the write benchmark.","skillsTags":["bench"],"budgetAmount":0.01,"budgetCurrency":"CREDITS"}', counter)
  return wrk.format("POST", "/api/agent/tasks", {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end
