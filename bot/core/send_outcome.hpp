#pragma once

#include <chrono>
#include <string>

namespace mc::core {

/// How a platform answered one outgoing message; the dispatcher decides what happens next.
struct SendOutcome {
  enum class Status {
    sent,         ///< accepted by the platform
    retry_after,  ///< rate limited: try again after `retry_after` (429)
    transient,    ///< 5xx, timeout, connection error: retry with backoff
    permanent,    ///< the request itself is wrong (4xx): dead-letter, don't retry
    unreachable,  ///< the learner blocked the bot or left: mark them, don't retry
  };
  Status status = Status::sent;
  std::chrono::milliseconds retry_after{0};
  std::string reason;  ///< the platform's error text, never a secret
  /// A message rendered as several parts (core::Part, e.g. a long lesson split in several
  /// platform messages): how many parts, counted from the first (those skipped on this try
  /// included), have been accepted, so a retry resumes after them instead of repeating them.
  /// Set by the dispatcher, which sends the parts; one part's outcome leaves it 0.
  int parts_done = 0;

  static SendOutcome ok() { return {}; }
};

}  // namespace mc::core
