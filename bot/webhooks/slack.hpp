#pragma once

// The Slack transport: POST /slack/events, /slack/commands and /slack/interactivity.
// verify (signing secret) -> parse -> engine, answered within Slack's 3 seconds and only after
// the event's effects are durable in Redis. What Slack does not send again (slash commands,
// button presses) and could not be saved in time is handed to engine::Deferred under the
// follow-up name kSlackFollowUp, which tells the learner how it went through the request's
// response_url. After an applied event the learner's profile is looked up (engine::Profiles).

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "adapters/slack/client.hpp"
#include "adapters/slack/parse.hpp"
#include "bot/engine/deferred.hpp"
#include "bot/engine/engine.hpp"
#include "bot/engine/profiles.hpp"
#include "bot/http/router.hpp"

namespace mc::webhooks {

inline constexpr std::string_view kSlackFollowUp = "slack";

struct SlackTransportConfig {
  std::string signing_secret;
  /// How long a request waits for the engine before it is answered without it (Slack gives up
  /// after 3 s). The engine's work continues; an event then gets 503 and Slack retries it.
  std::chrono::milliseconds answer_within{2'500};
};

using WallClock = std::function<std::chrono::system_clock::time_point()>;

class SlackTransport {
 public:
  /// Everything is used on `executor` (a single-threaded io_context); the references must
  /// outlive the transport's background work (call stop() and let the executor drain).
  SlackTransport(boost::asio::any_io_executor executor, engine::Engine& engine,
                 engine::Deferred& deferred, engine::Profiles& profiles, slack::Client& client,
                 SlackTransportConfig config, WallClock now);
  ~SlackTransport();
  SlackTransport(const SlackTransport&) = delete;
  SlackTransport& operator=(const SlackTransport&) = delete;

  /// Events API: 401 unsigned or stale, 400 malformed, 200 with the challenge for
  /// url_verification, 200 for ignored, handled and duplicate events, 503 when the event could
  /// not be saved in time (Slack delivers it again, and its event_id makes that harmless).
  http::Handler events();
  /// Slash commands: 401 / 400 as above; otherwise 200, with an ephemeral note when typed
  /// outside the app's DM (the answer is in the DM) or when it could not be saved yet (then it
  /// is deferred and the outcome is posted to the response_url).
  http::Handler commands();
  /// Block actions: 401 / 400 as above; otherwise 200 (the acknowledgement). A press that could
  /// not be saved is deferred; if it never goes through, the learner is told through the
  /// response_url.
  http::Handler interactivity();

  /// What runs when a deferred Slack request is finished: register it with
  /// Deferred::on_finished(kSlackFollowUp, ...).
  engine::FollowUp follow_up();

  /// Our bot user in the workspace (from auth.test): its messages are ignored.
  void set_identity(slack::Identity identity);

  /// Stops waiting for late engine calls; in-flight ones finish on their own.
  void stop();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace mc::webhooks
