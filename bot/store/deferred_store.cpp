#include "bot/store/deferred_store.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "bot/store/redis.hpp"
#include "bot/store/store.hpp"

namespace mc::store {
namespace {

using boost::system::result;
using nlohmann::json;
using Args = std::vector<std::string>;

// KEYS: zset, hash. ARGV: id, due (ms), entry JSON.
constexpr std::string_view kPut = R"lua(
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
)lua";

// KEYS: zset, hash. ARGV: now (ms), limit, lease end (ms). Entries whose data is gone are
// dropped from the zset.
constexpr std::string_view kClaim = R"lua(
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local out = {}
for _, id in ipairs(ids) do
  local body = redis.call('HGET', KEYS[2], id)
  if body then
    redis.call('ZADD', KEYS[1], ARGV[3], id)
    table.insert(out, body)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
)lua";

std::string hash_key(std::string_view prefix, int partition) {
  return deferred_key(prefix, partition) + ":data";
}

json inbound_json(const core::Inbound& e) {
  return json{{"kind", core::kind_name(e.kind)},
              {"event_id", e.event_id},
              {"learner", e.learner},
              {"route", e.reply_to.route},
              {"chat", e.reply_to.chat},
              {"display_name", e.display_name},
              {"name", e.name},
              {"text", e.text},
              {"origin", e.origin},
              {"interaction", e.interaction},
              {"group", e.group},
              {"time_zone", e.time_zone}};
}

std::optional<core::Inbound::Kind> kind_from(std::string_view name) {
  using K = core::Inbound::Kind;
  for (K k : {K::command, K::text, K::press, K::home_opened, K::blocked, K::profile, K::tick}) {
    if (name == core::kind_name(k)) return k;
  }
  return std::nullopt;
}

std::string encode(const DeferredEntry& entry) {
  return json{{"v", 1},
              {"id", entry.id},
              {"event", inbound_json(entry.event)},
              {"follow_up", entry.follow_up},
              {"data", entry.data},
              {"accepted", core::to_millis(entry.accepted)},
              {"attempt", entry.attempt}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<DeferredEntry> decode(const std::string& text) {
  auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("event") || !j["event"].is_object()) return std::nullopt;
  try {
    const json& e = j["event"];
    auto kind = kind_from(e.at("kind").get<std::string>());
    if (!kind) return std::nullopt;
    DeferredEntry entry;
    entry.id = j.at("id").get<std::string>();
    entry.event.kind = *kind;
    entry.event.event_id = e.value("event_id", "");
    entry.event.learner = e.at("learner").get<std::string>();
    entry.event.reply_to = core::Address{e.value("route", ""), e.value("chat", "")};
    entry.event.display_name = e.value("display_name", "");
    entry.event.name = e.value("name", "");
    entry.event.text = e.value("text", "");
    entry.event.origin = e.value("origin", "");
    entry.event.interaction = e.value("interaction", "");
    entry.event.group = e.value("group", false);
    entry.event.time_zone = e.value("time_zone", "");
    entry.follow_up = j.value("follow_up", "");
    entry.data = j.value("data", "");
    entry.accepted = core::from_millis(j.value("accepted", 0LL));
    entry.attempt = j.value("attempt", 0);
    return entry;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

boost::asio::awaitable<result<Reply>> eval(RedisClient& redis, std::string_view script, Args keys,
                                           Args args) {
  Args cmd{"EVAL", std::string(script), std::to_string(keys.size())};
  for (auto& k : keys) cmd.push_back(std::move(k));
  for (auto& a : args) cmd.push_back(std::move(a));
  auto r = co_await redis.command(std::move(cmd));
  if (r && r->is_error()) {
    spdlog::error("store: deferred script failed: {}", r->str);
    co_return Errc::redis_error;
  }
  co_return r;
}

}  // namespace

std::string deferred_key(std::string_view prefix, int partition) {
  return std::string(prefix) + ":" + partition_tag_at(partition) + ":deferred";
}

DeferredStore::DeferredStore(RedisClient& redis, std::string prefix)
    : redis_(redis), prefix_(std::move(prefix)) {}

boost::asio::awaitable<result<void>> DeferredStore::put(DeferredEntry entry, core::Time due) {
  if (entry.id.empty() || entry.event.learner.empty()) co_return Errc::invalid_argument;
  const int p = partition_of(entry.event.learner);
  Args keys{deferred_key(prefix_, p), hash_key(prefix_, p)};
  Args args{entry.id, std::to_string(core::to_millis(due)), encode(entry)};
  auto r = co_await eval(redis_, kPut, std::move(keys), std::move(args));
  if (!r) co_return r.error();
  co_return result<void>{};
}

boost::asio::awaitable<result<std::vector<DeferredEntry>>> DeferredStore::claim(
    core::Time now, int limit, std::chrono::milliseconds lease) {
  std::vector<DeferredEntry> out;
  const long long now_ms = core::to_millis(now);
  const long long until_ms = now_ms + std::max<long long>(1, lease.count());
  // Start one partition further each call, so a busy partition can't starve the others.
  const unsigned start = next_partition_++;
  for (int i = 0; i < kPartitions && static_cast<int>(out.size()) < limit; ++i) {
    const int p = static_cast<int>((start + static_cast<unsigned>(i)) % kPartitions);
    Args keys{deferred_key(prefix_, p), hash_key(prefix_, p)};
    Args args{std::to_string(now_ms), std::to_string(limit - static_cast<int>(out.size())),
              std::to_string(until_ms)};
    auto r = co_await eval(redis_, kClaim, std::move(keys), std::move(args));
    if (!r) co_return r.error();
    if (r->type != Reply::Type::array) co_return Errc::bad_reply;
    for (const Reply& body : r->elements) {
      if (auto entry = decode(body.str)) {
        out.push_back(std::move(*entry));
      } else {
        spdlog::error("store: dropping an unreadable deferred entry in partition {}", p);
      }
    }
  }
  co_return out;
}

boost::asio::awaitable<result<void>> DeferredStore::remove(DeferredEntry entry) {
  const int p = partition_of(entry.event.learner);
  std::vector<Args> cmds{{"MULTI"},
                         {"ZREM", deferred_key(prefix_, p), entry.id},
                         {"HDEL", hash_key(prefix_, p), entry.id},
                         {"EXEC"}};
  auto r = co_await redis_.pipeline(std::move(cmds));
  if (!r) co_return r.error();
  co_return result<void>{};
}

boost::asio::awaitable<result<long long>> DeferredStore::size() {
  std::vector<std::vector<std::string>> cmds;
  for (int p = 0; p < kPartitions; ++p) cmds.push_back({"ZCARD", deferred_key(prefix_, p)});
  auto r = co_await redis_.pipeline(std::move(cmds));
  if (!r) co_return r.error();
  long long n = 0;
  for (const Reply& reply : *r) n += reply.integer;
  co_return n;
}

}  // namespace mc::store
