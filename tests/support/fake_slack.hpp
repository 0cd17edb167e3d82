#pragma once

// A local stand-in for the Slack Web API, for tests and benchmarks: the real paths
// (POST /chat.postMessage, /chat.update, /views.publish, /auth.test, GET /users.info), the
// Bearer token checked (not_authed / invalid_auth with HTTP 200, as Slack answers), Slack's
// answer shapes ({"ok":true,"channel":...,"ts":...,"message":...}), unique message ts, updates
// only of messages that exist, per-channel rate limits answered with 429 + Retry-After, injected
// failures, and users with time zones for users.info. Posting to a user id posts into that
// user's DM with the app (channel "D" + the id without its first letter), as Slack does.
// Calls are checked against the trimmed Web API spec and Block Kit's limits (see
// check_slack_call); problems are refused like Slack refuses them (invalid_arguments,
// invalid_blocks) and listed in spec_violations(). Posts to /hooks/... stand in for
// response_url. Runs its own io_context on a thread; every accessor is thread-safe.

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mc::test {

struct FakeSlackOptions {
  std::string token = "xoxb-1111111111-2222222222-TestTokenForFakeSlack";
  std::string team_id = "T0TEAM0001";
  std::string bot_user_id = "U0BOT00001";
  std::string bot_id = "B0BOT00001";
  /// chat.postMessage per channel (Slack: about one a second, short bursts tolerated); 0 = off.
  double channel_per_second = 1;
  double channel_burst = 3;
  int retry_after_seconds = 1;  ///< what a 429 asks for
  /// Path of tests/fixtures/specs/slack_web_api_trimmed.json; when set, every call is checked
  /// (check_slack_call) and a call with problems is refused.
  std::string spec_path;
  std::string default_tz = "Europe/Amsterdam";  ///< users.info tz of users not set otherwise
  std::chrono::milliseconds latency{0};         ///< added to every answer
};

struct SlackCall {
  std::string method;     ///< "chat.postMessage", ...; "response_url" for posts to /hooks/...
  std::string path;       ///< the request path (without the query)
  nlohmann::json params;  ///< JSON body, or the query string's fields as an object
  std::string content_type;
  unsigned status = 200;  ///< the HTTP status the fake answered
  nlohmann::json answer;  ///< the body it answered
  std::chrono::steady_clock::time_point at;

  bool ok() const { return status == 200 && answer.value("ok", false); }
};

class FakeSlack {
 public:
  explicit FakeSlack(FakeSlackOptions options = {});
  ~FakeSlack();
  FakeSlack(const FakeSlack&) = delete;
  FakeSlack& operator=(const FakeSlack&) = delete;

  /// http://127.0.0.1:<port>, for SLACK_API_URL.
  std::string url() const;
  /// A response_url served by the fake: <url>/hooks/<id>.
  std::string response_url(const std::string& id) const;
  const FakeSlackOptions& options() const;
  /// The DM channel of the app with `user` ("U0ABC" -> "D0ABC").
  static std::string dm_channel(const std::string& user);

  std::vector<SlackCall> calls() const;
  /// Calls of one method that Slack accepted ("ok": true).
  std::vector<SlackCall> accepted(const std::string& method) const;
  /// Waits until `done(calls())` holds; false on timeout. `done` runs under the fake's lock: it
  /// must not call the fake's other accessors.
  bool wait_for(const std::function<bool(const std::vector<SlackCall>&)>& done,
                std::chrono::milliseconds timeout) const;
  void clear();

  /// The message `ts` in `channel` as it is now ({"text":..., "blocks":...}); nullopt if none.
  std::optional<nlohmann::json> message(const std::string& channel, const std::string& ts) const;
  /// The Home tab view last published for `user`; nullopt if none.
  std::optional<nlohmann::json> home_view(const std::string& user) const;

  /// The next `n` Web API calls answer `http_status` with {"ok":false,"error":error} and do
  /// nothing (http_status 200 gives Slack's usual ok:false answer).
  void fail_next(int n, unsigned http_status = 500, std::string error = "internal_error");
  /// Posts to this channel (or user) answer {"ok":false,"error":error}.
  void refuse_channel(const std::string& channel_or_user, std::string error);
  /// users.info for this user answers with this zone and name.
  void set_user(const std::string& user, std::string tz, std::string display_name);
  int rate_limited() const;  ///< 429 answers given so far
  std::vector<std::string> spec_violations() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Length in UTF-16 code units, as Slack counts text (independent of the product's code).
std::size_t slack_text_length(std::string_view s);

/// Problems of one Web API call (empty when it conforms): the method exists in `spec` (the
/// trimmed OpenAPI document; views.publish, missing from it, is known here), required fields are
/// present (plus what the live docs require: text on every message, user for users.info),
/// no unknown fields, field types; blocks obey Block Kit (known block types, section and context
/// text at most 3000, header plain_text at most 150, at most 50 blocks in a message and 100 in a
/// Home view, actions with 1-25 buttons, button text at most 75, unique action_id) and mrkdwn
/// text is escaped (no raw '<' except links, no '&' except &amp; &lt; &gt;, no mentions).
std::vector<std::string> check_slack_call(const nlohmann::json& spec, const std::string& method,
                                          const nlohmann::json& params);

}  // namespace mc::test
