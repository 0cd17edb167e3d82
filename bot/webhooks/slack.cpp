#include "bot/webhooks/slack.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/errc.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "adapters/slack/render.hpp"
#include "adapters/slack/verify.hpp"
#include "bot/webhooks/engine_call.hpp"
#include "bot/webhooks/outcome.hpp"

namespace mc::webhooks {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kPlatform = "slack";

std::string header(const http::Request& req, std::string_view name) {
  auto it = req.find(name);
  return it == req.end() ? std::string() : std::string(it->value());
}

/// What a deferred request's follow-up needs: where to answer and how.
struct FollowUpData {
  std::string response_url;
  std::string kind = "command";  ///< or "press": the metric's kind label
  bool note_success = false;     ///< tell the learner when it went through (commands)

  std::string encode() const {
    return nlohmann::json{{"url", response_url}, {"kind", kind}, {"note", note_success}}.dump();
  }
  /// Never throws: what can't be read is left at its default (no note, no response_url).
  static FollowUpData decode(const std::string& text) {
    FollowUpData d;
    auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return d;
    try {
      d.response_url = j.value("url", "");
      d.kind = j.value("kind", "command");
      d.note_success = j.value("note", false);
    } catch (const nlohmann::json::exception&) {
      return FollowUpData{};
    }
    return d;
  }
};

}  // namespace

struct SlackTransport::State : std::enable_shared_from_this<State> {
  State(asio::any_io_executor ex, engine::Engine& e, engine::Deferred& d, engine::Profiles& p,
        slack::Client& c, SlackTransportConfig cfg, WallClock clock)
      : executor(std::move(ex)),
        engine(e),
        deferred(d),
        profiles(p),
        client(c),
        config(std::move(cfg)),
        now(std::move(clock)) {}

  asio::any_io_executor executor;
  engine::Engine& engine;
  engine::Deferred& deferred;
  engine::Profiles& profiles;
  slack::Client& client;
  SlackTransportConfig config;
  WallClock now;
  slack::Identity identity;
  bool stopping = false;
  std::set<EngineCall*> waiting;  ///< engine calls being waited for, released by stop()

  std::shared_ptr<EngineCall> start(core::Inbound event) {
    return EngineCall::start(executor, engine, std::move(event));
  }

  /// Waits up to `limit` for `call`, unless stop() comes first; true when it has finished.
  asio::awaitable<bool> wait(const std::shared_ptr<EngineCall>& call,
                             std::chrono::milliseconds limit) {
    waiting.insert(call.get());
    const bool finished = co_await call->wait(limit);
    waiting.erase(call.get());
    co_return finished;
  }

  void after_applied(const core::Inbound& event) {
    if (!stopping) profiles.seen(event.learner, event.reply_to);
  }

  // ---- requests Slack does not send again ----

  /// The request was answered without its effects: once the engine call still running has
  /// finished, either it went through late (say so) or it is handed to Deferred.
  static asio::awaitable<void> finish_later(std::shared_ptr<State> self,
                                            std::shared_ptr<EngineCall> call, FollowUpData data) {
    // The engine's own deadlines (Redis command timeouts) bound this wait.
    while (!call->finished() && !self->stopping) {
      (void)co_await self->wait(call, std::chrono::seconds(1));
    }
    if (call->handled()) {
      spdlog::info("slack: {} of {} saved after the answer", data.kind, call->event().learner);
      co_await self->went_through(call->event(), data);
      co_return;
    }
    spdlog::warn("slack: {} of {} not saved yet, deferred", data.kind, call->event().learner);
    self->deferred.submit(call->event(), std::string(kSlackFollowUp), data.encode());
  }

  /// A request answered without its effects went through after all (late, or deferred).
  asio::awaitable<void> went_through(const core::Inbound& event, const FollowUpData& data) {
    count_update(kPlatform, data.kind, "applied_late");
    after_applied(event);
    if (data.note_success && !data.response_url.empty()) {
      (void)co_await client.respond(data.response_url,
                                    slack::render_note(slack::Note::saved_later));
    }
  }

  asio::awaitable<void> on_deferred_finished(const store::DeferredEntry& entry,
                                             engine::DeferredOutcome outcome) {
    const FollowUpData data = FollowUpData::decode(entry.data);
    if (outcome == engine::DeferredOutcome::applied) {
      co_await went_through(entry.event, data);
      co_return;
    }
    count_update(kPlatform, data.kind, "gave_up");
    if (!data.response_url.empty()) {
      (void)co_await client.respond(data.response_url, slack::render_note(slack::Note::gave_up));
    }
  }

  // ---- the three endpoints ----

  /// nullopt when the request is signed with our secret and recent.
  std::optional<Answer> refuse_unsigned(const http::Request& req) const {
    const slack::Verdict verdict =
        slack::verify(config.signing_secret, header(req, "X-Slack-Request-Timestamp"),
                      header(req, "X-Slack-Signature"), req.body(), now());
    if (verdict == slack::Verdict::ok) return std::nullopt;
    spdlog::debug("slack: refused an unsigned request to {} ({})", std::string(req.target()),
                  slack::to_string(verdict));
    return Answer{Outcome::unauthorized, "unknown", "invalid signature"};
  }

  /// The answer for a parse that is not an event, or nullopt for an event.
  static std::optional<Answer> answer_non_event(const http::Request& req,
                                                const slack::Parsed& parsed) {
    switch (parsed.status) {
      case slack::Parsed::Status::malformed:
        spdlog::info("slack: malformed request to {}: {}", std::string(req.target()),
                     parsed.reason);
        return Answer{Outcome::malformed, "unknown", parsed.reason};
      case slack::Parsed::Status::challenge:
        return Answer{Outcome::challenge, "url_verification",
                      nlohmann::json{{"challenge", parsed.challenge}}.dump()};
      case slack::Parsed::Status::ignored:
        spdlog::debug("slack: ignored: {}", parsed.reason);
        return Answer{Outcome::ignored, "ignored", {}};
      case slack::Parsed::Status::event:
        return std::nullopt;
    }
    return Answer{Outcome::ignored, "ignored", {}};
  }

  static asio::awaitable<Answer> on_event(std::shared_ptr<State> self, const http::Request& req) {
    if (auto refused = self->refuse_unsigned(req)) co_return *refused;
    slack::Parsed parsed = slack::parse_event(req.body(), self->identity);
    if (auto answer = answer_non_event(req, parsed)) co_return *answer;
    const char* kind = core::kind_name(parsed.event.kind);
    if (auto retry = header(req, "X-Slack-Retry-Num"); !retry.empty()) {
      spdlog::debug("slack: delivery {} of {} ({})", retry, parsed.event.event_id,
                    header(req, "X-Slack-Retry-Reason"));
    }
    auto call = self->start(parsed.event);
    if (!co_await self->wait(call, self->config.answer_within) || !call->handled()) {
      spdlog::warn("slack: event {} not saved in time, Slack will retry: {}", parsed.event.event_id,
                   call->finished() ? call->result().error().message() : "timed out");
      co_return Answer{Outcome::unavailable, kind, {}};
    }
    const Outcome outcome = outcome_of(call->result());
    if (outcome == Outcome::applied) self->after_applied(parsed.event);
    co_return Answer{outcome, kind, {}};
  }

  /// A command (`note_success`: tell the learner when it went through late) or a press.
  static asio::awaitable<Answer> on_request(std::shared_ptr<State> self,
                                            const slack::Parsed& parsed, std::string_view kind,
                                            bool note_success, std::string ok_body) {
    auto call = self->start(parsed.event);
    if (!co_await self->wait(call, self->config.answer_within) || !call->handled()) {
      asio::co_spawn(
          self->executor,
          finish_later(self, call,
                       FollowUpData{parsed.response_url, std::string(kind), note_success}),
          asio::detached);
      std::string body;
      if (note_success) body = slack::render_note(slack::Note::retrying).dump();
      co_return Answer{Outcome::deferred, kind, std::move(body)};
    }
    const Outcome outcome = outcome_of(call->result());
    if (outcome == Outcome::applied) self->after_applied(parsed.event);
    co_return Answer{outcome, kind, std::move(ok_body)};
  }

  static asio::awaitable<Answer> on_command(std::shared_ptr<State> self, const http::Request& req) {
    if (auto refused = self->refuse_unsigned(req)) co_return *refused;
    slack::Parsed parsed = slack::parse_command(req.body());
    if (auto answer = answer_non_event(req, parsed)) co_return *answer;
    // Typed in the DM, the reply itself is the answer; elsewhere, say where it went.
    std::string ok_body;
    if (parsed.outside_dm) ok_body = slack::render_note(slack::Note::answer_in_dm).dump();
    co_return co_await on_request(self, parsed, "command", /*note_success=*/true,
                                  std::move(ok_body));
  }

  static asio::awaitable<Answer> on_interaction(std::shared_ptr<State> self,
                                                const http::Request& req) {
    if (auto refused = self->refuse_unsigned(req)) co_return *refused;
    slack::Parsed parsed = slack::parse_interaction(req.body());
    if (auto answer = answer_non_event(req, parsed)) co_return *answer;
    co_return co_await on_request(self, parsed, "press", /*note_success=*/false, {});
  }
};

SlackTransport::SlackTransport(asio::any_io_executor executor, engine::Engine& engine,
                               engine::Deferred& deferred, engine::Profiles& profiles,
                               slack::Client& client, SlackTransportConfig config, WallClock now)
    : state_(std::make_shared<State>(std::move(executor), engine, deferred, profiles, client,
                                     std::move(config), std::move(now))) {}

// Background work keeps the state alive; the owner stops it (stop()) before the executor drains.
SlackTransport::~SlackTransport() = default;

namespace {

/// A handler that lets `receive` decide and answers through the one outcome mapping.
template <typename Receive>
http::Handler endpoint(std::shared_ptr<SlackTransport::State> state, Receive receive) {
  return [state = std::move(state), receive](http::Request req) -> asio::awaitable<http::Response> {
    const Answer answer = co_await receive(state, req);
    co_return respond(req, kPlatform, answer);
  };
}

}  // namespace

http::Handler SlackTransport::events() { return endpoint(state_, &State::on_event); }
http::Handler SlackTransport::commands() { return endpoint(state_, &State::on_command); }
http::Handler SlackTransport::interactivity() { return endpoint(state_, &State::on_interaction); }

engine::FollowUp SlackTransport::follow_up() {
  return [state = state_](const store::DeferredEntry& entry,
                          engine::DeferredOutcome outcome) -> asio::awaitable<void> {
    co_await state->on_deferred_finished(entry, outcome);
  };
}

void SlackTransport::set_identity(slack::Identity identity) {
  state_->identity = std::move(identity);
}

void SlackTransport::stop() {
  state_->stopping = true;
  for (EngineCall* call : state_->waiting) call->stop_waiting();
}

}  // namespace mc::webhooks
