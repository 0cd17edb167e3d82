#include "bot/store/scripts.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/uuid/detail/sha1.hpp>
#include <cstdio>

#include "bot/store/errors.hpp"
#include "bot/store/redis_client.hpp"

namespace mc::store::scripts {

// Every script checks before it writes, so a rejected commit writes nothing.

// KEYS: learner, seen, due, then the outbox stream of each message (ARGV[7 + i] goes to
// KEYS[3 + i]); every key carries the learner's partition tag.
const std::string_view kCommit = R"lua(
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then
  return 'duplicate'
end
local version = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if version ~= tonumber(ARGV[1]) then
  return 'conflict'
end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'v', tostring(version + 1))
for i = 8, #ARGV do
  redis.call('XADD', KEYS[i - 4], '*', 'msg', ARGV[i], 'attempt', '0', 'parts', '0', 'nb', '0')
end
if ARGV[3] == '1' then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[4])
end
if ARGV[5] == 'set' then
  redis.call('ZADD', KEYS[3], ARGV[6], ARGV[7])
elseif ARGV[5] == 'remove' then
  redis.call('ZREM', KEYS[3], ARGV[7])
end
return 'committed'
)lua";

const std::string_view kAck = R"lua(
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
)lua";

// Only entries the consumer still owns: a plain XCLAIM would take an entry back from the
// instance that reclaimed it, and then both would send it.
const std::string_view kTouch = R"lua(
local mine, lost = {}, {}
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if p[1] and p[1][2] == ARGV[2] then
    mine[#mine + 1] = ARGV[i]
  else
    lost[#lost + 1] = ARGV[i]
  end
end
if #mine > 0 then
  mine[#mine + 1] = 'JUSTID'
  redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, unpack(mine))
end
return lost
)lua";

// XACK first: an entry another consumer already finished must not be sent again.
const std::string_view kRetry = R"lua(
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('XADD', KEYS[1], '*', 'msg', ARGV[3], 'attempt', ARGV[4], 'parts', ARGV[5],
           'nb', ARGV[6])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
)lua";

const std::string_view kDeadLetter = R"lua(
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
if ARGV[7] == '0' then
  redis.call('XADD', KEYS[2], '*', 'msg', ARGV[3], 'reason', ARGV[4], 'attempt', ARGV[5],
             'failed_at', ARGV[6])
else
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], '*', 'msg', ARGV[3], 'reason', ARGV[4],
             'attempt', ARGV[5], 'failed_at', ARGV[6])
end
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
)lua";

// A claim is a lease, not a removal: the learner stays scheduled at now + lease, so a claimer
// that dies leaves it due again; the engine's commit sets the real next due time.
const std::string_view kClaimDue = R"lua(
local learners = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, learner in ipairs(learners) do
  redis.call('ZADD', KEYS[1], ARGV[3], learner)
end
return learners
)lua";

// Checked inside Redis: a learner created between the caller's load and this call keeps the
// schedule their first commit wrote.
const std::string_view kUnscheduleMissing = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then
  return redis.call('ZREM', KEYS[2], ARGV[1])
end
return 0
)lua";

const std::string_view kDeferredPut = R"lua(
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
)lua";

const std::string_view kDeferredClaim = R"lua(
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local out = {}
for _, id in ipairs(ids) do
  local body = redis.call('HGET', KEYS[2], id)
  if body then
    redis.call('ZADD', KEYS[1], ARGV[3], id)
    table.insert(out, id)
    table.insert(out, body)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
)lua";

}  // namespace mc::store::scripts

namespace mc::store {
namespace {

struct ScriptText {
  std::string_view body;
  std::string sha;  ///< what EVALSHA names it by: the SHA-1 of the body, as Redis computes it
};

std::string sha1_hex(std::string_view text) {
  boost::uuids::detail::sha1 hash;
  hash.process_bytes(text.data(), text.size());
  boost::uuids::detail::sha1::digest_type digest;
  hash.get_digest(digest);
  char out[41];
  for (int i = 0; i < 5; ++i) std::snprintf(out + i * 8, 9, "%08x", digest[i]);
  return std::string(out, 40);
}

const std::array<ScriptText, 9>& all_scripts() {
  static const std::array<ScriptText, 9> table = {
      ScriptText{scripts::kCommit, sha1_hex(scripts::kCommit)},
      ScriptText{scripts::kAck, sha1_hex(scripts::kAck)},
      ScriptText{scripts::kTouch, sha1_hex(scripts::kTouch)},
      ScriptText{scripts::kRetry, sha1_hex(scripts::kRetry)},
      ScriptText{scripts::kDeadLetter, sha1_hex(scripts::kDeadLetter)},
      ScriptText{scripts::kClaimDue, sha1_hex(scripts::kClaimDue)},
      ScriptText{scripts::kUnscheduleMissing, sha1_hex(scripts::kUnscheduleMissing)},
      ScriptText{scripts::kDeferredPut, sha1_hex(scripts::kDeferredPut)},
      ScriptText{scripts::kDeferredClaim, sha1_hex(scripts::kDeferredClaim)},
  };
  return table;
}

}  // namespace

boost::asio::awaitable<boost::system::result<Reply>> eval(RedisClient& redis, Script id,
                                                          std::vector<std::string> keys,
                                                          std::vector<std::string> args) {
  const ScriptText& script = all_scripts()[static_cast<std::size_t>(id)];
  std::vector<std::string> cmd;
  cmd.reserve(3 + keys.size() + args.size());
  cmd.push_back("EVALSHA");
  cmd.push_back(script.sha);
  cmd.push_back(std::to_string(keys.size()));
  for (auto& k : keys) cmd.push_back(std::move(k));
  for (auto& a : args) cmd.push_back(std::move(a));
  auto r = co_await redis.command(cmd);
  if (r && is_error(*r, "NOSCRIPT")) {
    cmd[0] = "EVAL";
    cmd[1] = std::string(script.body);
    r = co_await redis.command(std::move(cmd));
  }
  co_return r;
}

boost::asio::awaitable<boost::system::result<void>> load_scripts(RedisClient& redis) {
  std::vector<std::vector<std::string>> cmds;
  for (const ScriptText& s : all_scripts()) cmds.push_back({"SCRIPT", "LOAD", std::string(s.body)});
  auto r = co_await redis.pipeline(std::move(cmds));
  if (!r) co_return r.error();
  for (std::size_t i = 0; i < r->size(); ++i) {
    const Reply& reply = (*r)[i];
    if (reply.type != Reply::Type::string) co_return unexpected(redis, "SCRIPT LOAD", reply);
    if (reply.str != all_scripts()[i].sha) {
      spdlog::error("store: Redis names script {} {}, expected {}", i, reply.str,
                    all_scripts()[i].sha);
      co_return Errc::bad_reply;
    }
  }
  co_return boost::system::result<void>{};
}

}  // namespace mc::store
