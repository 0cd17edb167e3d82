#pragma once

// The settings of the stores. One StoreConfig is given to all three stores of a process, so they
// agree on the key prefix; each reads the fields it needs.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace mc::store {

struct StoreConfig {
  std::string prefix = "mc";
  std::chrono::seconds seen_ttl{7 * 24 * 3600};  ///< how long an event id is remembered
  std::string group = "senders";                 ///< outbox consumer group
  /// The platforms whose outboxes this instance reads (it has a sender for each).
  std::vector<std::string> platforms{"telegram", "slack", "console"};
  /// Approximate cap of each partition's dead-letter stream (XADD MAXLEN ~); 0 = unbounded.
  std::size_t dead_letter_max_len = 100'000;
  /// Without a separate reader connection, read_outbox polls this often while it waits.
  std::chrono::milliseconds poll_interval{50};
};

}  // namespace mc::store
