#pragma once

// One platform request of an outgoing message, as an adapter rendered it. A message may take
// several (a long lesson split in parts, an edit followed by further sends); the dispatcher sends
// them in order and remembers how many were accepted, so a retry resumes after them.

#include <any>

namespace mc::core {

/// Opaque outside the adapter that made it: the dispatcher orders and counts parts but never
/// looks inside; only the same adapter's call reads `request` (its own request type).
struct Part {
  std::any request;
};

}  // namespace mc::core
