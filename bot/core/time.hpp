#pragma once

#include <chrono>
#include <functional>

namespace mc::core {

/// Wall-clock time as the domain sees it. The core never reads a clock: callers pass `now`.
using Clock = std::chrono::system_clock;
using Time = std::chrono::time_point<Clock, std::chrono::milliseconds>;

inline Time to_time(Clock::time_point tp) {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(tp);
}
inline Time from_millis(long long ms) { return Time{std::chrono::milliseconds{ms}}; }
inline long long to_millis(Time t) { return t.time_since_epoch().count(); }

/// A clock handed to the parts that read one (tests and benchmarks inject theirs).
using NowFn = std::function<Time()>;

}  // namespace mc::core
