#include "bot/app/slack_webhooks.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/errc.hpp>
#include <ctime>
#include <optional>
#include <set>
#include <unordered_set>

#include "adapters/slack/verify.hpp"
#include "bot/metrics/metrics.hpp"

namespace mc::app {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using Handled = engine::Handled;
using HandleResult = boost::system::result<Handled>;

namespace {

void count_update(const char* kind, const char* outcome) {
  metrics::Registry::global().inc("microcourse_updates_total",
                                  "Platform updates received, by platform, kind and outcome",
                                  {{"platform", "slack"}, {"kind", kind}, {"outcome", outcome}});
}

std::string header(const http::Request& req, std::string_view name) {
  auto it = req.find(name);
  return it == req.end() ? std::string() : std::string(it->value());
}

http::Response ok_empty(const http::Request& req) {
  return http::make_response(req, bhttp::status::ok, "", "application/json; charset=utf-8");
}

http::Response ok_json(const http::Request& req, const nlohmann::json& body) {
  return http::make_response(req, bhttp::status::ok, body.dump(),
                             "application/json; charset=utf-8");
}

nlohmann::json ephemeral(std::string text) {
  return {{"response_type", "ephemeral"}, {"replace_original", false}, {"text", std::move(text)}};
}

const char* const kSavedLater =
    "✅ Done: that went through after all. The answer is in our direct messages.";
const char* const kRetrying =
    "⚠️ I couldn't save that just now. I'm retrying for a minute and will tell you here how it "
    "went; you don't need to do anything.";
const char* const kGaveUp =
    "😞 Sorry, I still couldn't save that. Please try again in a few minutes.";
const char* const kAnswerInDm =
    "📬 I've answered in our direct messages: open the app from the sidebar to read it.";

/// "YYYY-MM-DD" (UTC) of a time point.
std::string utc_date(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::array<char, 16> buf{};
  const std::size_t n = std::strftime(buf.data(), buf.size(), "%Y-%m-%d", &tm);
  return std::string(buf.data(), n);
}

}  // namespace

struct SlackTransport::State : std::enable_shared_from_this<State> {
  State(asio::any_io_executor ex, engine::Engine& e, slack::Client& c, SlackTransportConfig cfg,
        WallClock clock)
      : executor(std::move(ex)),
        engine(e),
        client(c),
        config(std::move(cfg)),
        now(std::move(clock)) {}

  asio::any_io_executor executor;
  engine::Engine& engine;
  slack::Client& client;
  SlackTransportConfig config;
  WallClock now;
  slack::Identity identity;
  bool stopping = false;
  std::set<asio::steady_timer*> waiting;     ///< timers of background waits, cancelled by stop()
  std::unordered_set<std::string> profiled;  ///< learners whose users.info was fetched

  /// One engine call running on its own, so a request can stop waiting for it without
  /// cancelling it (a commit must finish or fail on its own terms).
  struct Pending {
    Pending(const asio::any_io_executor& ex, core::Inbound e)
        : event(std::move(e)), done(ex, asio::steady_timer::time_point::max()) {}
    core::Inbound event;  ///< owned here: Engine::handle keeps a reference to it
    std::optional<HandleResult> result;
    asio::steady_timer done;  ///< cancelled when result is set
  };

  std::shared_ptr<Pending> start(core::Inbound event) {
    auto pending = std::make_shared<Pending>(executor, std::move(event));
    asio::co_spawn(executor, engine.handle(pending->event),
                   [pending](const std::exception_ptr& e, HandleResult r) {
                     if (e) {
                       r = boost::system::errc::make_error_code(boost::system::errc::io_error);
                     }
                     pending->result = r;
                     pending->done.cancel();
                   });
    return pending;
  }

  /// Waits up to `limit` for the pending call; true when it has finished.
  asio::awaitable<bool> wait(const std::shared_ptr<Pending>& pending,
                             std::chrono::milliseconds limit) {
    if (pending->result) co_return true;
    pending->done.expires_after(limit);
    waiting.insert(&pending->done);
    (void)co_await pending->done.async_wait(asio::as_tuple(asio::use_awaitable));
    waiting.erase(&pending->done);
    co_return pending->result.has_value();
  }

  /// Sleeps `d` unless stop() comes first; false when stopping.
  asio::awaitable<bool> sleep(std::chrono::milliseconds d) {
    asio::steady_timer timer(executor, d);
    waiting.insert(&timer);
    (void)co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    waiting.erase(&timer);
    co_return !stopping;
  }

  void stop() {
    stopping = true;
    for (asio::steady_timer* timer : waiting) timer->cancel();
  }

  // ---- profile (time zone) ----

  void after_applied(const slack::Parsed& parsed) {
    if (parsed.user.empty() || stopping) return;
    if (profiled.size() >= config.max_remembered_profiles) profiled.clear();
    if (!profiled.insert(parsed.event.learner).second) return;
    asio::co_spawn(executor, fetch_profile(shared_from_this(), parsed), asio::detached);
  }

  static asio::awaitable<void> fetch_profile(std::shared_ptr<State> self, slack::Parsed parsed) {
    auto info = co_await self->client.user_info(parsed.team, parsed.user);
    if (!info) {
      spdlog::warn("slack: users.info for {} failed ({}); will ask again on their next event",
                   parsed.event.learner, info.error().message());
      self->profiled.erase(parsed.event.learner);
      co_return;
    }
    if (info->tz.empty() && info->display_name.empty()) co_return;
    core::Inbound profile;
    profile.kind = core::Inbound::Kind::profile;
    profile.learner = parsed.event.learner;
    profile.reply_to = parsed.event.reply_to;
    profile.time_zone = info->tz;
    profile.display_name = info->display_name;
    // Stored at most once a day per learner, however many instances fetch it.
    profile.event_id =
        slack::route_of(parsed.team) + ":tz:" + parsed.user + ":" + utc_date(self->now());
    auto handled = co_await self->engine.handle(profile);
    if (!handled) {
      spdlog::warn("slack: could not store the profile of {}: {}", parsed.event.learner,
                   handled.error().message());
      self->profiled.erase(parsed.event.learner);
      co_return;
    }
    count_update("profile", *handled == Handled::duplicate ? "duplicate" : "applied");
    spdlog::debug("slack: {} is in time zone '{}'", parsed.event.learner, info->tz);
  }

  // ---- requests Slack does not retry ----

  /// Keeps trying to apply `pending`'s event for retry_window, then tells the learner through
  /// the response_url (a short note on success, an apology when it never went through).
  static asio::awaitable<void> retry_later(std::shared_ptr<State> self,
                                           std::shared_ptr<Pending> pending, slack::Parsed parsed,
                                           const char* kind, bool note_success) {
    const auto deadline = std::chrono::steady_clock::now() + self->config.retry_window;
    auto delay = self->config.retry_first;
    while (!self->stopping) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      if (!co_await self->wait(pending, left)) break;  // still running at the deadline
      if (*pending->result) {
        count_update(kind, "applied_late");
        spdlog::info("slack: {} of {} saved on a later attempt", kind, parsed.event.learner);
        self->after_applied(parsed);
        if (note_success && !parsed.response_url.empty()) {
          (void)co_await self->client.respond(parsed.response_url, ephemeral(kSavedLater));
        }
        co_return;
      }
      if (!co_await self->sleep(std::min(delay, left))) break;
      delay = std::min(delay * 2, std::chrono::milliseconds(15'000));
      if (std::chrono::steady_clock::now() >= deadline) break;
      pending = self->start(parsed.event);
    }
    if (self->stopping) co_return;  // shutting down: the HTTP client is closing too
    count_update(kind, "gave_up");
    spdlog::error("slack: gave up on the {} of {} after {} s", kind, parsed.event.learner,
                  self->config.retry_window.count() / 1000);
    if (!parsed.response_url.empty()) {
      (void)co_await self->client.respond(parsed.response_url, ephemeral(kGaveUp));
    }
  }

  // ---- the three endpoints ----

  /// 401 unless the request is signed with our secret and recent; nullopt when it is.
  std::optional<http::Response> refuse_unsigned(const http::Request& req) const {
    const slack::Verdict verdict =
        slack::verify(config.signing_secret, header(req, "X-Slack-Request-Timestamp"),
                      header(req, "X-Slack-Signature"), req.body(), now());
    if (verdict == slack::Verdict::ok) return std::nullopt;
    count_update("unknown", "unauthorized");
    spdlog::debug("slack: refused an unsigned request to {} ({})", std::string(req.target()),
                  slack::to_string(verdict));
    return http::json_error(req, bhttp::status::unauthorized, "invalid signature");
  }

  /// The answer for a parse that is not an event, or nullopt for an event.
  static std::optional<http::Response> answer_non_event(const http::Request& req,
                                                        const slack::Parsed& parsed) {
    switch (parsed.status) {
      case slack::Parsed::Status::malformed:
        count_update("unknown", "malformed");
        spdlog::info("slack: malformed request to {}: {}", std::string(req.target()),
                     parsed.reason);
        return http::json_error(req, bhttp::status::bad_request, parsed.reason);
      case slack::Parsed::Status::challenge:
        count_update("url_verification", "applied");
        return ok_json(req, {{"challenge", parsed.challenge}});
      case slack::Parsed::Status::ignored:
        count_update("ignored", "ignored");
        spdlog::debug("slack: ignored: {}", parsed.reason);
        return ok_empty(req);
      case slack::Parsed::Status::event:
        return std::nullopt;
    }
    return ok_empty(req);
  }

  static asio::awaitable<http::Response> on_event(std::shared_ptr<State> self, http::Request req) {
    if (auto refused = self->refuse_unsigned(req)) co_return *refused;
    slack::Parsed parsed = slack::parse_event(req.body(), self->identity);
    if (auto answer = self->answer_non_event(req, parsed)) co_return *answer;
    const char* kind = core::kind_name(parsed.event.kind);
    if (auto retry = header(req, "X-Slack-Retry-Num"); !retry.empty()) {
      spdlog::debug("slack: delivery {} of {} ({})", retry, parsed.event.event_id,
                    header(req, "X-Slack-Retry-Reason"));
    }
    auto pending = self->start(parsed.event);
    if (!co_await self->wait(pending, self->config.answer_within) || !*pending->result) {
      count_update(kind, "unavailable");
      spdlog::warn("slack: event {} not saved in time, Slack will retry: {}", parsed.event.event_id,
                   pending->result ? pending->result->error().message() : "timed out");
      auto res = http::json_error(req, bhttp::status::service_unavailable,
                                  "temporarily unavailable, retry later");
      res.set(bhttp::field::retry_after, "5");
      co_return res;
    }
    const bool duplicate = **pending->result == Handled::duplicate;
    count_update(kind, duplicate ? "duplicate" : "applied");
    if (!duplicate) self->after_applied(parsed);
    co_return ok_empty(req);
  }

  static asio::awaitable<http::Response> on_command(std::shared_ptr<State> self,
                                                    http::Request req) {
    if (auto refused = self->refuse_unsigned(req)) co_return *refused;
    slack::Parsed parsed = slack::parse_command(req.body());
    if (auto answer = self->answer_non_event(req, parsed)) co_return *answer;
    auto pending = self->start(parsed.event);
    if (!co_await self->wait(pending, self->config.answer_within) || !*pending->result) {
      count_update("command", "retrying");
      spdlog::warn("slack: command of {} not saved yet, retrying in the background",
                   parsed.event.learner);
      asio::co_spawn(self->executor,
                     retry_later(self, pending, parsed, "command", /*note_success=*/true),
                     asio::detached);
      co_return ok_json(req, ephemeral(kRetrying));
    }
    const bool duplicate = **pending->result == Handled::duplicate;
    count_update("command", duplicate ? "duplicate" : "applied");
    if (!duplicate) self->after_applied(parsed);
    // Typed in the DM, the reply itself is the answer; elsewhere, say where it went.
    if (parsed.outside_dm) co_return ok_json(req, ephemeral(kAnswerInDm));
    co_return ok_empty(req);
  }

  static asio::awaitable<http::Response> on_interaction(std::shared_ptr<State> self,
                                                        http::Request req) {
    if (auto refused = self->refuse_unsigned(req)) co_return *refused;
    slack::Parsed parsed = slack::parse_interaction(req.body());
    if (auto answer = self->answer_non_event(req, parsed)) co_return *answer;
    auto pending = self->start(parsed.event);
    if (!co_await self->wait(pending, self->config.answer_within) || !*pending->result) {
      count_update("press", "retrying");
      spdlog::warn("slack: press of {} not saved yet, retrying in the background",
                   parsed.event.learner);
      asio::co_spawn(self->executor,
                     retry_later(self, pending, parsed, "press", /*note_success=*/false),
                     asio::detached);
      co_return ok_empty(req);
    }
    const bool duplicate = **pending->result == Handled::duplicate;
    count_update("press", duplicate ? "duplicate" : "applied");
    if (!duplicate) self->after_applied(parsed);
    co_return ok_empty(req);
  }
};

SlackTransport::SlackTransport(asio::any_io_executor executor, engine::Engine& engine,
                               slack::Client& client, SlackTransportConfig config, WallClock now)
    : state_(std::make_shared<State>(executor, engine, client, std::move(config), std::move(now))) {
}

// Background work keeps the state alive; the owner stops it (stop()) before the executor drains.
SlackTransport::~SlackTransport() = default;

http::Handler SlackTransport::events() {
  return [state = state_](http::Request req) { return State::on_event(state, std::move(req)); };
}

http::Handler SlackTransport::commands() {
  return [state = state_](http::Request req) { return State::on_command(state, std::move(req)); };
}

http::Handler SlackTransport::interactivity() {
  return
      [state = state_](http::Request req) { return State::on_interaction(state, std::move(req)); };
}

void SlackTransport::set_identity(slack::Identity identity) {
  state_->identity = std::move(identity);
}

void SlackTransport::stop() { state_->stop(); }

}  // namespace mc::app
