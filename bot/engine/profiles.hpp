#pragma once

// What a platform knows of a learner (time zone, display name), learned once per process after
// their first event and stored as a `profile` event: a use case of its own, fed by the
// platform's lookup (Slack: users.info). The profile event is idempotent per learner and day,
// so several instances looking the same learner up store it once.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <functional>
#include <memory>
#include <string>

#include "bot/engine/engine.hpp"

namespace mc::engine {

struct Profile {
  std::string time_zone;  ///< IANA name; empty = unknown
  std::string display_name;
};

/// The platform's lookup of one learner. An error is logged and retried on their next event.
using ProfileLookup =
    std::function<boost::asio::awaitable<boost::system::result<Profile>>(std::string learner)>;

class Profiles {
 public:
  /// `on_stored` is told how each store went (for the platform's metrics); may be empty.
  /// Past `max_remembered` learners the memory of who was looked up is cleared (a second look-up
  /// is harmless).
  Profiles(boost::asio::any_io_executor executor, Engine& engine, ProfileLookup lookup,
           std::function<void(Handled)> on_stored = {}, std::size_t max_remembered = 100'000);
  ~Profiles();
  Profiles(const Profiles&) = delete;
  Profiles& operator=(const Profiles&) = delete;

  /// After an event of `learner` was applied: looks their profile up in the background, the
  /// first time in this process. `reply_to` is where the learner is reached.
  void seen(const std::string& learner, const core::Address& reply_to);
  /// No new look-ups; those running finish on their own.
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

/// "profile:<learner>:<YYYY-MM-DD>" (UTC day of `now`): at most one stored profile per day.
std::string profile_event_id(std::string_view learner, core::Time now);

}  // namespace mc::engine
