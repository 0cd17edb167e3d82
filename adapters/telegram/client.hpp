#pragma once

// The Bot API client: POST https://api.telegram.org/bot<token>/<method> with JSON bodies.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <string>

#include "adapters/telegram/parse.hpp"
#include "adapters/telegram/render.hpp"
#include "bot/core/send_outcome.hpp"
#include "bot/http/client.hpp"

namespace mc::telegram {

struct ClientConfig {
  std::string api_url = "https://api.telegram.org";  ///< http:// accepted (local fakes)
  std::string token;                                  ///< never logged
  std::chrono::milliseconds timeout{15'000};
};

class Client {
 public:
  Client(http::Client& http, ClientConfig config);

  /// One Bot API call. Maps the answer to a SendOutcome: ok -> sent; 429 -> retry_after from
  /// parameters.retry_after; 5xx/timeouts -> transient; 403 blocked/deactivated -> unreachable;
  /// other 4xx -> permanent ("message is not modified" counts as sent).
  boost::asio::awaitable<core::SendOutcome> call(const ApiCall& call);

  /// Renders and sends a message, skipping `skip_parts` parts already accepted.
  boost::asio::awaitable<core::SendOutcome> send(const core::Outbound& message, int skip_parts);

  /// getMe: the bot's id and username.
  boost::asio::awaitable<boost::system::result<BotIdentity>> get_me();

 private:
  http::Client& http_;
  ClientConfig config_;
};

}  // namespace mc::telegram
