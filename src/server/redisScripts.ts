/**
 * The Lua scripts of the Redis room store. Each runs atomically in Redis, so a seat, its
 * token, its room and its waiting messages always change together, whichever node asks.
 *
 * Keys (P is the key prefix, ARGV[1] of every script; room ids and peer ids hold no ':' or ' '):
 *   P room:<room>        sorted set of peer ids, scored in join order
 *   P seat:<room>:<peer> hash: name, node, conn, state (a attached, h held, x doomed), token,
 *                        grace (ms), seq (last message number), qn/qc (queued count/bytes), mq/mc (their bounds)
 *   P q:<room>:<peer>    sorted set of "seq json", the messages waiting for a held seat
 *   P token:<token>      "<room> <peer>"
 *   P held               sorted set of "<room> <peer>", scored by the time (ms) the hold runs out
 *   P nodes, P alive:<node>, P nodeseats:<node>   the nodes, their leases, the seats attached to each
 *   P rooms, P peers, P joins                     counts, and the join order counter
 * A node receives on channel P node:<node>: "m<conn> <room> <peer> <seq> <json>" (a message for a
 * seat attached to connection <conn>) or "e<conn>" (that connection's seat was resumed elsewhere).
 */

const prelude = `
local P = ARGV[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function seat_key(room, peer) return P .. 'seat:' .. room .. ':' .. peer end
local function queue_key(room, peer) return P .. 'q:' .. room .. ':' .. peer end

local function hold(room, peer, skey)
  local grace = tonumber(redis.call('HGET', skey, 'grace'))
  redis.call('HSET', skey, 'state', 'h', 'conn', '')
  redis.call('ZADD', P .. 'held', now_ms() + grace, room .. ' ' .. peer)
end

-- Beyond the bounds the promise "every message, in order" can no longer be kept: the seat is
-- doomed (the next reap frees it, telling the others) rather than resumed with a hole.
local function push(room, peer, skey, seq, msg)
  if redis.call('HGET', skey, 'state') == 'x' then return end
  local n = redis.call('HINCRBY', skey, 'qn', 1)
  local c = redis.call('HINCRBY', skey, 'qc', #msg)
  if n > tonumber(redis.call('HGET', skey, 'mq')) or c > tonumber(redis.call('HGET', skey, 'mc')) then
    redis.call('HSET', skey, 'state', 'x', 'conn', '')
    redis.call('DEL', queue_key(room, peer))
    redis.call('ZADD', P .. 'held', 0, room .. ' ' .. peer)
    return
  end
  redis.call('ZADD', queue_key(room, peer), seq, seq .. ' ' .. msg)
end

-- Publishes to the node of an attached seat; no subscriber there means that node is gone,
-- and the seat is held as if its socket had dropped.
local function forward(room, peer, skey, node, conn, seq, msg)
  local sent = redis.call('PUBLISH', P .. 'node:' .. node, 'm' .. conn .. ' ' .. room .. ' ' .. peer .. ' ' .. seq .. ' ' .. msg)
  if sent > 0 then return end
  hold(room, peer, skey)
  push(room, peer, skey, seq, msg)
end

local function deliver(room, peer, msg)
  local skey = seat_key(room, peer)
  local s = redis.call('HMGET', skey, 'state', 'node', 'conn')
  if not s[1] then return end
  local seq = redis.call('HINCRBY', skey, 'seq', 1)
  if s[1] == 'a' then forward(room, peer, skey, s[2], s[3], seq, msg) else push(room, peer, skey, seq, msg) end
end

local function free(room, peer)
  local skey = seat_key(room, peer)
  local s = redis.call('HMGET', skey, 'token', 'node')
  if not s[1] then return false end
  redis.call('DEL', skey, queue_key(room, peer), P .. 'token:' .. s[1])
  redis.call('ZREM', P .. 'held', room .. ' ' .. peer)
  redis.call('SREM', P .. 'nodeseats:' .. s[2], room .. ' ' .. peer)
  local rkey = P .. 'room:' .. room
  redis.call('ZREM', rkey, peer)
  redis.call('DECR', P .. 'peers')
  local left = redis.call('ZRANGE', rkey, 0, -1)
  if #left == 0 then redis.call('SREM', P .. 'rooms', room) end
  local note = '{"message_type":"PEER_LEFT","content":{"peer_id":"' .. peer .. '"}}'
  for _, other in ipairs(left) do deliver(room, other, note) end
  return true
end

-- The other peers of a room, in join order, as peer, name, peer, name, ...
local function others(room, peer)
  local list = {}
  for _, other in ipairs(redis.call('ZRANGE', P .. 'room:' .. room, 0, -1)) do
    if other ~= peer then
      table.insert(list, other)
      table.insert(list, redis.call('HGET', seat_key(room, other), 'name'))
    end
  end
  return list
end
`;

/** ARGV: P, room, peer, name, capacity, node, conn, token, grace, maxQueued, maxQueuedBytes, PEER_JOINED json. */
const join = `
local room, peer = ARGV[2], ARGV[3]
local rkey = P .. 'room:' .. room
if redis.call('ZCARD', rkey) >= tonumber(ARGV[5]) then return {'ROOM_FULL'} end
if redis.call('ZSCORE', rkey, peer) then return {'PEER_ID_TAKEN'} end
local result = others(room, peer)
for i = 1, #result, 2 do deliver(room, result[i], ARGV[12]) end
table.insert(result, 1, 'OK')
redis.call('ZADD', rkey, redis.call('INCR', P .. 'joins'), peer)
redis.call('HSET', seat_key(room, peer), 'name', ARGV[4], 'node', ARGV[6], 'conn', ARGV[7], 'state', 'a',
  'token', ARGV[8], 'grace', ARGV[9], 'seq', 0, 'qn', 0, 'qc', 0, 'mq', ARGV[10], 'mc', ARGV[11])
redis.call('SET', P .. 'token:' .. ARGV[8], room .. ' ' .. peer)
redis.call('SADD', P .. 'nodeseats:' .. ARGV[6], room .. ' ' .. peer)
redis.call('SADD', P .. 'rooms', room)
redis.call('INCR', P .. 'peers')
return result
`;

/**
 * ARGV: P, token, room, node, conn, new token.
 * Returns nil, or: peer, name, conn to evict on this node ('' if none), count of other-peer
 * fields, the others (peer, name, ...), then the waiting messages ("seq json", in order).
 */
const resume = `
local where = redis.call('GET', P .. 'token:' .. ARGV[2])
if not where then return false end
local sep = string.find(where, ' ', 1, true)
local room, peer = string.sub(where, 1, sep - 1), string.sub(where, sep + 1)
if room ~= ARGV[3] then return false end
local skey = seat_key(room, peer)
local s = redis.call('HMGET', skey, 'state', 'node', 'conn', 'name')
if not s[1] or s[1] == 'x' then return false end
local node = ARGV[4]
redis.call('DEL', P .. 'token:' .. ARGV[2])
redis.call('SET', P .. 'token:' .. ARGV[6], where)
redis.call('HSET', skey, 'token', ARGV[6], 'state', 'a', 'node', node, 'conn', ARGV[5], 'qn', 0, 'qc', 0)
redis.call('ZREM', P .. 'held', where)
redis.call('SREM', P .. 'nodeseats:' .. s[2], where)
redis.call('SADD', P .. 'nodeseats:' .. node, where)
local evict = ''
if s[1] == 'a' then
  if s[2] == node then evict = s[3] else redis.call('PUBLISH', P .. 'node:' .. s[2], 'e' .. s[3]) end
end
local list = others(room, peer)
local result = {peer, s[4], evict, #list}
for _, v in ipairs(list) do table.insert(result, v) end
for _, v in ipairs(redis.call('ZRANGE', queue_key(room, peer), 0, -1)) do table.insert(result, v) end
redis.call('DEL', queue_key(room, peer))
return result
`;

/** ARGV: P, room, peer, conn, to ('' for the only other), json. Returns {'OK'}, {reason} or {'AMBIGUOUS', n}. */
const relay = `
local room, peer, to = ARGV[2], ARGV[3], ARGV[5]
if redis.call('HGET', seat_key(room, peer), 'conn') ~= ARGV[4] then return {'SEAT_LOST'} end
local rkey = P .. 'room:' .. room
if to ~= '' then
  if to == peer or not redis.call('ZSCORE', rkey, to) then return {'UNKNOWN_PEER'} end
  deliver(room, to, ARGV[6])
  return {'OK'}
end
local members = redis.call('ZRANGE', rkey, 0, -1)
if #members == 2 then
  deliver(room, members[1] == peer and members[2] or members[1], ARGV[6])
  return {'OK'}
end
if #members <= 1 then return {'NOBODY_ELSE'} end
return {'AMBIGUOUS', #members - 1}
`;

/** ARGV: P, room, peer, conn. The connection dropped: hold its seat. */
const release = `
local skey = seat_key(ARGV[2], ARGV[3])
local s = redis.call('HMGET', skey, 'state', 'conn')
if s[1] == 'a' and s[2] == ARGV[4] then hold(ARGV[2], ARGV[3], skey) end
return 1
`;

/** ARGV: P, room, peer, conn. LEAVE: free the seat now, if it is still this connection's. */
const leave = `
if redis.call('HGET', seat_key(ARGV[2], ARGV[3]), 'conn') ~= ARGV[4] then return 0 end
free(ARGV[2], ARGV[3])
return 1
`;

/**
 * ARGV: P, room, peer, conn, seq, json. A node could not hand a message to connection <conn>
 * (gone, or failing): the seat waits for a resume, or the message follows the seat elsewhere.
 */
const bounce = `
local room, peer = ARGV[2], ARGV[3]
local skey = seat_key(room, peer)
local s = redis.call('HMGET', skey, 'state', 'node', 'conn')
if not s[1] then return 0 end
if s[1] == 'a' and s[3] == ARGV[4] then hold(room, peer, skey) end
if s[1] == 'a' and s[3] ~= ARGV[4] then forward(room, peer, skey, s[2], s[3], ARGV[5], ARGV[6])
else push(room, peer, skey, ARGV[5], ARGV[6]) end
return 1
`;

/**
 * ARGV: P, node, lease (ms). Renews this node's lease; holds the seats of nodes whose lease ran
 * out (dead, or cut off from Redis); frees the holds that ran out. Returns how many were freed.
 */
const tick = `
redis.call('SET', P .. 'alive:' .. ARGV[2], '1', 'PX', ARGV[3])
redis.call('SADD', P .. 'nodes', ARGV[2])
for _, node in ipairs(redis.call('SMEMBERS', P .. 'nodes')) do
  if redis.call('EXISTS', P .. 'alive:' .. node) == 0 then
    for _, where in ipairs(redis.call('SMEMBERS', P .. 'nodeseats:' .. node)) do
      local sep = string.find(where, ' ', 1, true)
      local room, peer = string.sub(where, 1, sep - 1), string.sub(where, sep + 1)
      local skey = seat_key(room, peer)
      local s = redis.call('HMGET', skey, 'state', 'node')
      if s[1] == 'a' and s[2] == node then hold(room, peer, skey) end
    end
    redis.call('DEL', P .. 'nodeseats:' .. node)
    redis.call('SREM', P .. 'nodes', node)
  end
end
local freed = 0
for _, where in ipairs(redis.call('ZRANGEBYSCORE', P .. 'held', '-inf', now_ms(), 'LIMIT', 0, 500)) do
  local sep = string.find(where, ' ', 1, true)
  if free(string.sub(where, 1, sep - 1), string.sub(where, sep + 1)) then freed = freed + 1 end
  redis.call('ZREM', P .. 'held', where)
end
return freed
`;

/**
 * ARGV: P, room, peer, name, node, conn, token, grace, maxQueued, maxQueuedBytes.
 * After Redis lost its data (a restart without persistence), a node seats its connected peers
 * again, so their calls go on; returns 0 when the seat (or its peer id) is there already.
 */
const reseat = `
local room, peer = ARGV[2], ARGV[3]
local skey = seat_key(room, peer)
if redis.call('EXISTS', skey) == 1 or redis.call('EXISTS', P .. 'token:' .. ARGV[7]) == 1 then return 0 end
redis.call('ZADD', P .. 'room:' .. room, redis.call('INCR', P .. 'joins'), peer)
redis.call('HSET', skey, 'name', ARGV[4], 'node', ARGV[5], 'conn', ARGV[6], 'state', 'a',
  'token', ARGV[7], 'grace', ARGV[8], 'seq', 0, 'qn', 0, 'qc', 0, 'mq', ARGV[9], 'mc', ARGV[10])
redis.call('SET', P .. 'token:' .. ARGV[7], room .. ' ' .. peer)
redis.call('SADD', P .. 'nodeseats:' .. ARGV[5], room .. ' ' .. peer)
redis.call('SADD', P .. 'rooms', room)
redis.call('INCR', P .. 'peers')
return 1
`;

export const SCRIPTS = { join, resume, relay, release, leave, bounce, tick, reseat } as const;
export type ScriptName = keyof typeof SCRIPTS;

export function scriptSource(name: ScriptName): string {
  return prelude + SCRIPTS[name];
}
