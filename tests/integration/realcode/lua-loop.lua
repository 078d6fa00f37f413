-- SPDX-License-Identifier: GPL-2.0
-- lua-loop.lua: what realcode.sh runs in Debian's liblua5.4 (through luadrive.c)
-- a loop through tables, strings, closures, metatables, coroutines, gc
local t = {}
for i = 1, 200 do t[i] = i * i; t["k" .. i] = tostring(i) end
local s = 0
for k, v in pairs(t) do if type(v) == "number" then s = s + v end end
local parts = {}
for i = 1, 50 do parts[#parts + 1] = string.format("%d:%s", i, t["k" .. i]) end
local joined = table.concat(parts, ",")
local mt = { __index = function(_, k) return #k end, __add = function(a, b) return a.v + b.v end }
local a = setmetatable({ v = 3 }, mt)
local b = setmetatable({ v = 4 }, mt)
local sum = a + b + a.missing
local co = coroutine.wrap(function(n) for i = 1, n do coroutine.yield(i) end end)
local c = 0
for i = 1, 5 do c = c + co(5) end
table.sort(parts)
local f = 1.5
for i = 1, 100 do f = f * 1.01 + math.sin(i) end
local words = 0
for w in joined:gmatch("%d+") do words = words + 1 end
collectgarbage()
print(s, #joined, sum, c, string.format("%.3f", f), words, joined:sub(1, 10):upper())
