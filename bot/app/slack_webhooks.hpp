#pragma once

// The Slack transport: POST /slack/events, /slack/commands and /slack/interactivity.
// verify (signing secret) -> parse -> engine -> HTTP answer, within Slack's 3 seconds and only
// after the event's effects are durable in Redis. What Slack does not retry (slash commands,
// button presses) is retried here for a while when Redis is away, and the learner is told how
// it went through the request's response_url. After a learner's first event in this process,
// their time zone and name are read from users.info and stored.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "adapters/slack/client.hpp"
#include "adapters/slack/parse.hpp"
#include "bot/engine/engine.hpp"
#include "bot/http/router.hpp"

namespace mc::app {

struct SlackTransportConfig {
  std::string signing_secret;
  /// How long a request waits for the engine before it is answered without it (Slack gives up
  /// after 3 s). The engine's work continues; an event then gets 503 and Slack retries it.
  std::chrono::milliseconds answer_within{2'500};
  /// Slash commands and presses that could not be saved are retried this long, with backoff
  /// starting at retry_first.
  std::chrono::milliseconds retry_window{60'000};
  std::chrono::milliseconds retry_first{1'000};
  /// Learners whose profile was fetched are remembered in memory; past this many the memory is
  /// cleared (the profile event is idempotent per learner and day, so a refetch is harmless).
  std::size_t max_remembered_profiles = 100'000;
};

using WallClock = std::function<std::chrono::system_clock::time_point()>;

class SlackTransport {
 public:
  /// Everything is used on `executor` (a single-threaded io_context); `engine` and `client`
  /// must outlive the transport's background work (call stop() and let the executor drain).
  SlackTransport(boost::asio::any_io_executor executor, engine::Engine& engine,
                 slack::Client& client, SlackTransportConfig config, WallClock now);
  ~SlackTransport();
  SlackTransport(const SlackTransport&) = delete;
  SlackTransport& operator=(const SlackTransport&) = delete;

  /// Events API: 401 unsigned or stale, 400 malformed, 200 with the challenge for
  /// url_verification, 200 for ignored, handled and duplicate events, 503 when the event could
  /// not be saved in time (Slack delivers it again, and its event_id makes that harmless).
  http::Handler events();
  /// Slash commands: 401 / 400 as above; otherwise 200, with an ephemeral note when typed
  /// outside the app's DM (the answer is in the DM) or when it could not be saved yet (then it
  /// is retried in the background and the outcome is posted to the response_url).
  http::Handler commands();
  /// Block actions: 401 / 400 as above; otherwise 200 (the acknowledgement). A press that could
  /// not be saved is retried in the background; if it never is, the learner is told through
  /// the response_url.
  http::Handler interactivity();

  /// Our bot user in the workspace (from auth.test): its messages are ignored.
  void set_identity(slack::Identity identity);

  /// Cancels background retries and waits; in-flight engine calls finish on their own.
  void stop();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace mc::app
