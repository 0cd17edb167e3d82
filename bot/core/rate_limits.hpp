#pragma once

// The shape of a platform's send limits: each adapter states its platform's defaults in these
// terms, the app passes them on, and delivery enforces them without knowing whose they are.

namespace mc::core {

struct Limit {
  double per_second = 0;  ///< 0 = unlimited
  double burst = 1;       ///< tokens available at once
};

/// Limits of one platform route family ("telegram:", "slack:").
struct RouteLimits {
  Limit bot;    ///< all messages of one bot / workspace
  Limit chat;   ///< one chat or channel
  Limit group;  ///< one group chat (core::Address::group); 0 = same as chat
};

}  // namespace mc::core
