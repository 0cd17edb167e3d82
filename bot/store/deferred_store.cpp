#include "bot/store/deferred_store.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "bot/store/codec.hpp"
#include "bot/store/errors.hpp"
#include "bot/store/keys.hpp"
#include "bot/store/redis_client.hpp"
#include "bot/store/scripts.hpp"

namespace mc::store {
namespace {

using boost::system::result;
using nlohmann::json;
using Args = std::vector<std::string>;

std::string encode(const DeferredEntry& entry) {
  return dump(json{{"v", 1},
                   {"id", entry.id},
                   {"event", to_json(entry.event)},
                   {"follow_up", entry.follow_up},
                   {"data", entry.data},
                   {"accepted", core::to_millis(entry.accepted)},
                   {"attempt", entry.attempt}});
}

std::optional<DeferredEntry> decode(const std::string& text) {
  auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto event = inbound_from_json(j.value("event", json()));
  auto id = j.find("id");
  if (!event || id == j.end() || !id->is_string()) return std::nullopt;
  DeferredEntry entry;
  entry.id = id->get<std::string>();
  entry.event = std::move(*event);
  try {
    entry.follow_up = j.value("follow_up", "");
    entry.data = j.value("data", "");
    entry.accepted = core::from_millis(j.value("accepted", 0LL));
    entry.attempt = j.value("attempt", 0);
  } catch (const json::exception&) {
    return std::nullopt;
  }
  return entry;
}

}  // namespace

DeferredStore::DeferredStore(RedisClient& redis, std::string prefix)
    : redis_(redis), prefix_(std::move(prefix)) {}

boost::asio::awaitable<result<void>> DeferredStore::put(DeferredEntry entry, core::Time due) {
  if (entry.id.empty() || entry.event.learner.empty()) co_return Errc::invalid_argument;
  const int p = partition_of(entry.event.learner);
  Args keys{deferred_key(prefix_, p), deferred_data_key(prefix_, p)};
  Args args{entry.id, std::to_string(core::to_millis(due)), encode(entry)};
  auto r = co_await eval(redis_, Script::deferred_put, std::move(keys), std::move(args));
  if (!r) co_return r.error();
  if (r->is_error()) co_return unexpected(redis_, "deferred put", *r);
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
    Args keys{deferred_key(prefix_, p), deferred_data_key(prefix_, p)};
    Args args{std::to_string(now_ms), std::to_string(limit - static_cast<int>(out.size())),
              std::to_string(until_ms)};
    auto r = co_await eval(redis_, Script::deferred_claim, std::move(keys), std::move(args));
    if (!r) co_return r.error();
    if (r->type != Reply::Type::array) co_return unexpected(redis_, "deferred claim", *r);
    for (std::size_t k = 0; k + 1 < r->elements.size(); k += 2) {
      const std::string& id = r->elements[k].str;
      if (auto entry = decode(r->elements[k + 1].str); entry && entry->id == id) {
        out.push_back(std::move(*entry));
        continue;
      }
      // Unreadable (a bug, or a newer instance's format): dropped, or it would come back after
      // every lease.
      spdlog::error("store: dropping the unreadable deferred entry {} in partition {}", id, p);
      (void)co_await remove_at(p, id);
    }
  }
  co_return out;
}

boost::asio::awaitable<result<void>> DeferredStore::remove(DeferredEntry entry) {
  co_return co_await remove_at(partition_of(entry.event.learner), entry.id);
}

boost::asio::awaitable<result<void>> DeferredStore::remove_at(int partition, std::string id) {
  std::vector<Args> cmds{{"MULTI"},
                         {"ZREM", deferred_key(prefix_, partition), id},
                         {"HDEL", deferred_data_key(prefix_, partition), id},
                         {"EXEC"}};
  auto r = co_await redis_.pipeline(std::move(cmds));
  if (!r) co_return r.error();
  co_return result<void>{};
}

boost::asio::awaitable<result<long long>> DeferredStore::size() {
  std::vector<std::vector<std::string>> cmds;
  cmds.reserve(kPartitions);
  for (int p = 0; p < kPartitions; ++p) cmds.push_back({"ZCARD", deferred_key(prefix_, p)});
  auto r = co_await redis_.pipeline(std::move(cmds));
  if (!r) co_return r.error();
  long long n = 0;
  for (const Reply& reply : *r) n += reply.integer;
  co_return n;
}

}  // namespace mc::store
