#include "bot/store/schedule_store.hpp"

#include <algorithm>

#include "bot/store/keys.hpp"
#include "bot/store/reply.hpp"
#include "bot/store/scripts.hpp"

namespace mc::store {

using boost::system::result;
using Args = std::vector<std::string>;

ScheduleStore::ScheduleStore(RedisClient& redis, StoreConfig config)
    : redis_(redis), config_(std::move(config)) {}

bool ScheduleStore::connected() const { return redis_.connected(); }

boost::asio::awaitable<result<std::vector<std::string>>> ScheduleStore::claim_due(
    core::Time now, int limit, std::chrono::milliseconds lease) {
  std::vector<std::string> out;
  if (limit <= 0) co_return out;
  const long long now_ms = core::to_millis(now);
  const long long until_ms = now_ms + std::max<long long>(1, lease.count());
  // One script per partition, one partition after the other: a pipeline of all 16 would have to
  // ask each for `limit` and could lease up to 16 x limit learners nobody works on. Start where
  // the last call started + 1, so a busy low partition can't starve the others.
  const unsigned start = next_partition_.fetch_add(1, std::memory_order_relaxed);
  for (int i = 0; i < kPartitions && static_cast<int>(out.size()) < limit; ++i) {
    const int p = static_cast<int>((start + static_cast<unsigned>(i)) % kPartitions);
    Args keys{due_key(config_.prefix, p)};
    Args args{std::to_string(now_ms), std::to_string(limit - static_cast<int>(out.size())),
              std::to_string(until_ms)};
    auto r = co_await eval(redis_, Script::claim_due, std::move(keys), std::move(args));
    if (!r) co_return r.error();
    if (r->type != Reply::Type::array) co_return unexpected(redis_, "claim_due", *r);
    for (const Reply& learner : r->elements) out.push_back(learner.str);
  }
  co_return out;
}

}  // namespace mc::store
