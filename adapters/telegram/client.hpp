#pragma once

// The Bot API client: POST https://api.telegram.org/bot<token>/<method> with JSON bodies.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "adapters/telegram/parse.hpp"
#include "adapters/telegram/render.hpp"
#include "bot/core/rate_limits.hpp"
#include "bot/core/send_outcome.hpp"
#include "bot/http/client.hpp"

namespace mc::telegram {

/// The Bot API's published limits: about 30 messages/s per bot, 1/s per chat (short bursts
/// tolerated), 20/min per group. What delivery enforces unless the configuration says otherwise.
core::RouteLimits default_limits();

struct ClientConfig {
  std::string api_url = "https://api.telegram.org";  ///< http:// accepted (local fakes)
  std::string token;                                 ///< never logged
  std::chrono::milliseconds timeout{15'000};
};

/// How the Bot API answered `call` (HTTP status, body, Retry-After header) as a SendOutcome.
/// ok -> sent; 429 -> retry_after from parameters.retry_after seconds, else the Retry-After
/// header, else 1 s; 5xx -> transient; 403 blocked / deactivated / kicked / can't initiate, and
/// 400 "chat not found" for a private chat (positive chat_id) -> unreachable; 400 "message is not
/// modified" -> sent; other 4xx -> permanent with the description as reason. Pure: this is what
/// Client::call applies, exposed so it is tested without a network.
core::SendOutcome outcome_of(const ApiCall& call, unsigned http_status, std::string_view body,
                             std::string_view retry_after_header = {});

class Client {
 public:
  Client(http::Client& http, ClientConfig config);

  /// One Bot API call. Maps the answer to a SendOutcome: ok -> sent; 429 -> retry_after from
  /// parameters.retry_after; 5xx/timeouts -> transient; 403 blocked/deactivated -> unreachable;
  /// other 4xx -> permanent ("message is not modified" counts as sent).
  boost::asio::awaitable<core::SendOutcome> call(const ApiCall& call);

  /// The call a part made by parts_of holds; a part of another adapter is a permanent failure.
  /// The part must outlive the call.
  boost::asio::awaitable<core::SendOutcome> call(const core::Part& part);

  /// getMe: the bot's id and username. Errors: the transport's error, permission_denied when
  /// Telegram refuses the token, bad_message for an unreadable answer.
  boost::asio::awaitable<boost::system::result<BotIdentity>> get_me();

 private:
  /// POST <api_url>/bot<token>/<method>: the URL holds the token, so it is never logged.
  http::ClientRequest request_for(std::string_view method, std::string body) const;

  http::Client& http_;
  ClientConfig config_;
};

/// The bot's numeric id: the token's part before ':' ("123456" of "123456:AAH...").
std::string bot_id_of_token(std::string_view token);

}  // namespace mc::telegram
