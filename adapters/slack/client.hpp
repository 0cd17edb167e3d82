#pragma once

// The Slack Web API client: POST <api_url>/<method> with `Authorization: Bearer <token>` and
// JSON bodies; users.info as a GET with a query string (it does not read JSON bodies). The bot
// token is looked up per workspace behind TokenSource, so OAuth installs into many workspaces
// can replace the static token without touching anything else.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/slack/render.hpp"
#include "bot/core/rate_limits.hpp"
#include "bot/core/send_outcome.hpp"
#include "bot/http/client.hpp"

namespace mc::slack {

/// Slack's published limit: about 1 message/s per channel, none per workspace. What delivery
/// enforces unless the configuration says otherwise.
core::RouteLimits default_limits();

/// Where bot tokens come from. Implementations must be callable from the client's executor.
class TokenSource {
 public:
  virtual ~TokenSource() = default;
  /// The bot token (xoxb-...) for a workspace; nullopt when the app is not installed there.
  virtual std::optional<std::string> token_for(std::string_view team_id) const = 0;
};

/// One token for every workspace (SLACK_BOT_TOKEN): a single-workspace install.
class StaticTokenSource final : public TokenSource {
 public:
  explicit StaticTokenSource(std::string token) : token_(std::move(token)) {}
  std::optional<std::string> token_for(std::string_view) const override {
    if (token_.empty()) return std::nullopt;
    return token_;
  }

 private:
  std::string token_;
};

struct ClientConfig {
  std::string api_url = "https://slack.com/api";  ///< http:// accepted (local fakes)
  std::chrono::milliseconds timeout{10'000};
};

/// What users.info tells about a user.
struct UserInfo {
  std::string id;
  std::string tz;            ///< IANA zone, e.g. "Europe/Amsterdam"; empty when unknown
  std::string display_name;  ///< profile display name, else real name; may be empty
  bool is_bot = false;
  bool deleted = false;
};

/// What auth.test tells about the token.
struct AuthInfo {
  std::string team_id;
  std::string team;
  std::string user_id;  ///< the bot user
  std::string bot_id;
};

/// Slack's `error` string of an answer; empty when ok or not a Slack answer.
std::string error_of(std::string_view body);

/// How Slack answered one call (HTTP status, body, Retry-After header) as a SendOutcome. Pure:
/// this is what Client::call applies, exposed so it is tested without a network.
/// - "ok": true -> sent (warnings are fine);
/// - HTTP 429, or error ratelimited / rate_limited -> retry_after, the Retry-After header's
///   seconds (1 s without one);
/// - HTTP 5xx, internal_error, fatal_error, service_unavailable, request_timeout,
///   team_added_to_org -> transient;
/// - the learner can't be reached: channel_not_found, user_not_found, user_disabled,
///   is_archived, cannot_dm_bot, messages_tab_disabled, not_in_channel -> unreachable;
/// - everything else Slack refuses (invalid_auth, not_authed, token_revoked, account_inactive,
///   missing_scope, invalid_blocks, ...) -> permanent, the error string as reason;
/// - an answer that is not Slack's JSON: 4xx -> permanent, otherwise transient.
core::SendOutcome outcome_of(std::string_view method, unsigned http_status, std::string_view body,
                             std::string_view retry_after_header = {});

/// Coroutine parameters are taken by value: a caller's temporaries may be gone by the time the
/// coroutine runs.
class Client {
 public:
  /// `tokens` must outlive the client.
  Client(http::Client& http, const TokenSource& tokens, ClientConfig config);

  /// One write method (JSON body) for workspace `team`. Failures are logged with Slack's error
  /// and counted in microcourse_slack_api_errors_total{method,error}; the token never is.
  boost::asio::awaitable<core::SendOutcome> call(std::string team, ApiCall call);

  /// The request a part made by parts_of holds, as call(team, call); a part of another adapter
  /// is a permanent failure. The part must outlive the call.
  boost::asio::awaitable<core::SendOutcome> call(const core::Part& part);

  /// users.info. Errors: the transport's error, permission_denied when there is no token or
  /// Slack refuses it, no_such_file_or_directory for an unknown user, bad_message otherwise.
  boost::asio::awaitable<boost::system::result<UserInfo>> user_info(std::string team,
                                                                    std::string user);

  /// auth.test: who the token is. Errors as for user_info.
  boost::asio::awaitable<boost::system::result<AuthInfo>> auth_test(std::string team);

  /// POSTs `message` ({"response_type":"ephemeral","text":...}) to a slash command's or an
  /// interaction's response_url (no token: the URL is the credential). True when accepted.
  boost::asio::awaitable<bool> respond(std::string response_url, nlohmann::json message);

 private:
  struct Answer {
    unsigned status = 0;
    std::string body;
    std::string retry_after;
  };
  /// The raw exchange; an error when there is no token or no answer (already logged/counted).
  boost::asio::awaitable<boost::system::result<Answer>> exchange(std::string team,
                                                                 std::string method,
                                                                 http::ClientRequest request);

  http::Client& http_;
  const TokenSource& tokens_;
  ClientConfig config_;
};

}  // namespace mc::slack
