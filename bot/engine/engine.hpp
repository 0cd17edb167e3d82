#pragma once

// The use cases: handle one inbound event (load state, decide, commit atomically). Knows no
// platform; the only I/O is through the store.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <functional>

#include "bot/core/course.hpp"
#include "bot/core/inbound.hpp"
#include "bot/core/time.hpp"
#include "bot/store/store.hpp"

namespace mc::engine {

using NowFn = std::function<core::Time()>;

enum class Handled {
  applied,    ///< state and replies committed
  duplicate,  ///< the event was handled before: nothing changed, nothing will be sent twice
};

class Engine {
 public:
  Engine(const core::Catalog& catalog, store::Store& store, NowFn now);

  /// Loads the learner, runs core::step, commits with a version check (retrying on conflict).
  /// An error means the store could not be reached: nothing was committed and the platform
  /// should retry later (the webhook answers 503).
  boost::asio::awaitable<boost::system::result<Handled>> handle(const core::Inbound& event);

  const core::Catalog& catalog() const { return catalog_; }

 private:
  const core::Catalog& catalog_;
  store::Store& store_;
  NowFn now_;
};

}  // namespace mc::engine
