#pragma once

// The one place where what became of a webhook request turns into its HTTP answer and its count
// in microcourse_updates_total{platform, kind, outcome}. The transports (telegram.cpp, slack.cpp)
// only say what happened.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "bot/engine/engine.hpp"
#include "bot/http/message.hpp"
#include "bot/http/router.hpp"

namespace mc::webhooks {

enum class Outcome {
  unauthorized,  ///< 401: not from the platform (wrong secret, bad or stale signature)
  malformed,     ///< 400: unreadable; the platform would only send it again
  ignored,       ///< 200: a valid update the bot does not act on
  challenge,     ///< 200 with the body: the platform checks the URL (Slack url_verification)
  applied,       ///< 200: its effects are durable in Redis
  duplicate,     ///< 200: handled before, nothing changed
  unavailable,   ///< 503 + Retry-After: not saved; the platform delivers it again
  deferred,      ///< 200: not saved yet, kept and finished later (platforms that don't retry)
};

/// What a transport decided about one request.
struct Answer {
  Outcome outcome = Outcome::ignored;
  /// The metric's kind label: what the update was ("command", "press", "unknown", ...).
  std::string_view kind = "unknown";
  /// 401/400/503: the error text; 200: an optional JSON body (a challenge, an ephemeral note).
  std::string body;
};

/// What a platform's verify and parse made of one request: an answer of its own (refused,
/// malformed, ignored, a challenge), or an event for the engine.
struct Received {
  std::optional<Answer> answer;  ///< set: answer so, without the engine
  core::Inbound event;           ///< otherwise: what the engine handles
};
using Receive = std::function<Received(const http::Request&)>;

/// The common webhook: receive -> engine -> 200 once the event's effects are durable (applied
/// or duplicate), 503 with Retry-After when the store could not be reached (the platform sends
/// it again). A platform whose webhook has this shape needs no file of its own here: its module
/// builds the route with this and its adapter's verify and parse.
http::Handler webhook(std::string platform, engine::Engine& engine, Receive receive);

/// The HTTP response for `answer`, counted for `platform`.
http::Response respond(const http::Request& req, std::string_view platform, const Answer& answer);

/// applied or duplicate for a handled event, unavailable when the store could not be reached.
Outcome outcome_of(const boost::system::result<engine::Handled>& handled);

/// Counts what became of an update outside a request (a deferred one applied late or given up,
/// a profile stored): microcourse_updates_total{platform, kind, outcome}.
void count_update(std::string_view platform, std::string_view kind, std::string_view outcome);

}  // namespace mc::webhooks
