#include "bot/engine/profiles.hpp"

#include <date/date.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <unordered_set>

namespace mc::engine {

namespace asio = boost::asio;

std::string profile_event_id(std::string_view learner, core::Time now) {
  const auto day = date::floor<date::days>(now);
  return "profile:" + std::string(learner) + ":" + date::format("%F", day);
}

struct Profiles::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, Engine& e, ProfileLookup l, std::function<void(Handled)> s,
       std::size_t max)
      : executor(std::move(ex)),
        engine(e),
        lookup(std::move(l)),
        on_stored(std::move(s)),
        max_remembered(max) {}

  asio::any_io_executor executor;
  Engine& engine;
  ProfileLookup lookup;
  std::function<void(Handled)> on_stored;
  std::size_t max_remembered;
  bool stopping = false;
  std::unordered_set<std::string> looked_up;

  static asio::awaitable<void> fetch(std::shared_ptr<Impl> self, std::string learner,
                                     core::Address reply_to) {
    auto profile = co_await self->lookup(learner);
    if (!profile) {
      spdlog::warn("profiles: looking up {} failed ({}); will ask again on their next event",
                   learner, profile.error().message());
      self->looked_up.erase(learner);
      co_return;
    }
    if (profile->time_zone.empty() && profile->display_name.empty()) co_return;
    core::Inbound event;
    event.kind = core::Inbound::Kind::profile;
    event.learner = learner;
    event.reply_to = std::move(reply_to);
    event.time_zone = profile->time_zone;
    event.display_name = profile->display_name;
    event.event_id = profile_event_id(learner, self->engine.now());
    auto handled = co_await self->engine.handle(event);
    if (!handled) {
      spdlog::warn("profiles: could not store the profile of {}: {}", learner,
                   handled.error().message());
      self->looked_up.erase(learner);
      co_return;
    }
    if (self->on_stored) self->on_stored(*handled);
    spdlog::debug("profiles: {} is in time zone '{}'", learner, profile->time_zone);
  }
};

Profiles::Profiles(asio::any_io_executor executor, Engine& engine, ProfileLookup lookup,
                   std::function<void(Handled)> on_stored, std::size_t max_remembered)
    : impl_(std::make_shared<Impl>(std::move(executor), engine, std::move(lookup),
                                   std::move(on_stored), max_remembered)) {}

Profiles::~Profiles() = default;

void Profiles::seen(const std::string& learner, const core::Address& reply_to) {
  if (learner.empty() || impl_->stopping) return;
  if (impl_->looked_up.size() >= impl_->max_remembered) impl_->looked_up.clear();
  if (!impl_->looked_up.insert(learner).second) return;
  asio::co_spawn(impl_->executor, Impl::fetch(impl_, learner, reply_to), asio::detached);
}

void Profiles::stop() { impl_->stopping = true; }

}  // namespace mc::engine
