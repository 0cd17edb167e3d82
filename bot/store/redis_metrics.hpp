#pragma once

// Metrics counted by more than one file of the store (a metric of one file is declared there).

#include "bot/metrics/metrics.hpp"

namespace mc::store {

/// kind: timeout, disconnect, connect (redis_client.cpp) or reply (an error reply, reply.cpp).
inline constexpr metrics::Counter kRedisErrors{
    "microcourse_redis_errors_total", "Redis errors by kind", {"kind"}};

}  // namespace mc::store
