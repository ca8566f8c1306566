-- wrk script of the benchmark suite (idp/benches/suite): replays the
-- requests of a pool file, one request a line, made beforehand by the suite
-- through the public interface:
--
--   METHOD <tab> PATH <tab> BODY [<tab> Header: value]...
--
-- One line: wrk's static request, built once (no Lua per request).
-- Several (codes, login forms): each used once, in order; a pool that runs
-- out starts again, and the reused items fail and are counted as errors.
-- `rotate`: the one line is a refresh request whose body ends with a
-- refresh token; the next lines hold more tokens (one per grant), and each
-- answer's new refresh token goes back into the queue.
--
--   wrk -s pool.lua URL -- POOL_FILE [rotate]
--
-- At the end prints one line, `wrk-json {...}`, for the suite to read.

local pool, count, next_item, wrapped = {}, 0, 0, 0
local queue, head, tail, template = {}, 1, 0, nil
local threads = {}

local function split(line)
  local fields = {}
  for part in (line .. "\t"):gmatch("([^\t]*)\t") do
    fields[#fields + 1] = part
  end
  local headers = {}
  for i = 4, #fields do
    local name, value = fields[i]:match("^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  return fields[1], fields[2], fields[3], headers
end

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  local rotate = args[2] == "rotate"
  for line in io.lines(args[1]) do
    if line ~= "" then
      count = count + 1
      if rotate and count > 1 then
        tail = tail + 1
        queue[tail] = line
      else
        local method, path, body, headers = split(line)
        if rotate then
          template = { method, path, body:gsub("[^=]*$", ""), headers }
          tail = tail + 1
          queue[tail] = body:match("([^=]*)$")
        else
          pool[count] = wrk.format(method, path, headers, body)
          if count == 1 then
            wrk.method, wrk.path, wrk.body = method, path, body
            for name, value in pairs(headers) do wrk.headers[name] = value end
          end
        end
      end
    end
  end
  if rotate then
    request = rotating_request
  elseif count > 1 then
    request = pooled_request
  end
  if not rotate then
    response = nil
  end
end

function pooled_request()
  next_item = next_item + 1
  if next_item > count then
    next_item, wrapped = 1, wrapped + 1
  end
  return pool[next_item]
end

function rotating_request()
  local token = "spent"
  if head <= tail then
    token, queue[head] = queue[head], nil
    head = head + 1
  else
    wrapped = wrapped + 1
  end
  return wrk.format(template[1], template[2], template[4], template[3] .. token)
end

function response(status, headers, body)
  local token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if status == 200 and token then
    tail = tail + 1
    queue[tail] = token
  end
end

function done(summary, latency, requests)
  local ran_out = 0
  for _, thread in ipairs(threads) do
    ran_out = ran_out + (thread:get("wrapped") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'wrk-json {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,'
      .. '"status_errors":%d,"socket_errors":%d,"pool_ran_out":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout, ran_out))
end
