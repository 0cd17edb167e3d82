#pragma once

// The Redis URL of the configuration (REDIS_URL) as a RedisConfig.

#include <boost/system/result.hpp>
#include <string>
#include <string_view>

#include "bot/store/redis_client.hpp"

namespace mc::store {

/// redis://[[user]:password@]host[:port][/db]. User and password are percent-decoded; host may
/// be an [IPv6] literal. On failure *error (when not null) says what is wrong, never echoing the
/// password. rediss:// is rejected: TLS to Redis is not supported.
boost::system::result<RedisConfig> parse_redis_url(std::string_view url, std::string* error);

}  // namespace mc::store
