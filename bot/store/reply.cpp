#include "bot/store/reply.hpp"

#include <spdlog/spdlog.h>

#include "bot/metrics/metrics.hpp"
#include "bot/store/errors.hpp"
#include "bot/store/redis_client.hpp"
#include "bot/store/redis_metrics.hpp"

namespace mc::store {

bool is_error(const Reply& r, std::string_view code) {
  return r.is_error() && r.str.starts_with(code);
}

boost::system::error_code unexpected(const RedisClient& redis, std::string_view what,
                                     const Reply& r) {
  if (r.is_error()) {
    metrics::Registry& registry =
        redis.config().metrics ? *redis.config().metrics : metrics::Registry::global();
    registry.inc(kRedisErrors, {"reply"});
    spdlog::error("store: {} failed: {}", what, r.str);
    return Errc::redis_error;
  }
  spdlog::error("store: {}: unexpected reply (type {})", what, static_cast<int>(r.type));
  return Errc::bad_reply;
}

}  // namespace mc::store
