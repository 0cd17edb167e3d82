#include "adapters/telegram/client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <any>
#include <boost/system/errc.hpp>
#include <charconv>

#include "bot/core/text.hpp"

namespace mc::telegram {
namespace {

using nlohmann::json;
using Status = core::SendOutcome::Status;

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

/// A positive integer JSON member, or 0.
std::int64_t positive_integer(const json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return 0;
  auto value = it->get<std::int64_t>();
  return value > 0 ? value : 0;
}

std::int64_t header_seconds(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || end != value.data() + value.size()) return 0;  // HTTP-date: ignored
  return std::max<std::int64_t>(seconds, 0);
}

/// Private chats have the user's (positive) id; groups and channels are negative.
bool to_private_chat(const ApiCall& call) {
  return call.params.is_object() && positive_integer(call.params, "chat_id") > 0;
}

core::SendOutcome outcome(Status status, std::string reason) {
  core::SendOutcome out;
  out.status = status;
  out.reason = std::move(reason);
  return out;
}

std::string body_of(const json& params) {
  if (params.is_null()) return "{}";
  // Lesson text is authored by people: an invalid UTF-8 byte becomes U+FFFD instead of throwing.
  return params.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

core::SendOutcome outcome_of(const ApiCall& call, unsigned http_status, std::string_view body,
                             std::string_view retry_after_header) {
  const json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
  const bool is_answer = answer.is_object();
  if (is_answer) {
    auto ok = answer.find("ok");
    if (ok != answer.end() && ok->is_boolean() && ok->get<bool>()) return core::SendOutcome::ok();
  }

  std::string description;
  std::int64_t code = http_status;
  if (is_answer) {
    if (auto d = answer.find("description"); d != answer.end() && d->is_string()) {
      description = d->get<std::string>();
    }
    if (auto c = answer.find("error_code"); c != answer.end() && c->is_number_integer()) {
      code = c->get<std::int64_t>();
    }
  }
  std::string reason = description.empty() ? "HTTP " + std::to_string(http_status) : description;

  if (http_status == 429 || code == 429) {
    std::int64_t seconds = 0;
    if (auto p = answer.find("parameters"); is_answer && p != answer.end()) {
      seconds = positive_integer(*p, "retry_after");
    }
    if (seconds == 0) seconds = header_seconds(retry_after_header);
    if (seconds == 0) seconds = 1;
    core::SendOutcome out = outcome(Status::retry_after, std::move(reason));
    out.retry_after = std::chrono::seconds(seconds);
    return out;
  }
  if (http_status >= 500 || code >= 500) return outcome(Status::transient, std::move(reason));
  if (!is_answer) {
    // Not the Bot API talking (a proxy, a captive portal): a 4xx is our fault, anything else may
    // pass.
    return outcome(http_status >= 400 ? Status::permanent : Status::transient,
                   "unreadable answer, " + reason);
  }

  const std::string text = core::lower(description);
  if (contains(text, "message is not modified")) return core::SendOutcome::ok();
  if (code == 403 &&
      (contains(text, "bot was blocked by the user") || contains(text, "user is deactivated") ||
       contains(text, "bot was kicked") || contains(text, "bot can't initiate conversation"))) {
    return outcome(Status::unreachable, std::move(reason));
  }
  if (code == 400 && contains(text, "chat not found") && to_private_chat(call)) {
    return outcome(Status::unreachable, std::move(reason));
  }
  if (code >= 400 && code < 500) return outcome(Status::permanent, std::move(reason));
  return outcome(Status::transient, std::move(reason));
}

Client::Client(http::Client& http, ClientConfig config) : http_(http), config_(std::move(config)) {
  while (config_.api_url.ends_with('/')) config_.api_url.pop_back();
}

http::ClientRequest Client::request_for(std::string_view method, std::string body) const {
  http::ClientRequest request;
  request.method = boost::beast::http::verb::post;
  request.url = config_.api_url + "/bot" + config_.token + "/" + std::string(method);
  request.body = std::move(body);
  request.timeout = config_.timeout;
  return request;
}

boost::asio::awaitable<core::SendOutcome> Client::call(const ApiCall& api_call) {
  auto response = co_await http_.request(request_for(api_call.method, body_of(api_call.params)));
  if (!response) {
    spdlog::warn("telegram {}: no answer: {}", api_call.method, response.error().message());
    co_return outcome(Status::transient, api_call.method + ": " + response.error().message());
  }
  core::SendOutcome out =
      outcome_of(api_call, response->status, response->body, response->header("Retry-After"));
  if (!config_.token.empty()) {
    // Belt and braces: an answer must not smuggle the token into logs or the outbox.
    for (auto at = out.reason.find(config_.token); at != std::string::npos;
         at = out.reason.find(config_.token)) {
      out.reason.replace(at, config_.token.size(), "<token>");
    }
  }
  if (out.status != Status::sent) {
    spdlog::warn("telegram {}: HTTP {}: {}", api_call.method, response->status, out.reason);
  }
  co_return out;
}

boost::asio::awaitable<core::SendOutcome> Client::call(const core::Part& part) {
  const auto* api_call = std::any_cast<ApiCall>(&part.request);
  if (api_call == nullptr) co_return outcome(Status::permanent, "not a Telegram part");
  co_return co_await call(*api_call);
}

boost::asio::awaitable<boost::system::result<BotIdentity>> Client::get_me() {
  auto response = co_await http_.request(request_for("getMe", "{}"));
  if (!response) {
    spdlog::error("telegram getMe: no answer: {}", response.error().message());
    co_return response.error();
  }
  const json answer = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  const bool ok = answer.is_object() && answer.contains("ok") && answer["ok"].is_boolean() &&
                  answer["ok"].get<bool>();
  if (!ok) {
    std::string description;
    if (answer.is_object() && answer.contains("description") && answer["description"].is_string()) {
      description = answer["description"].get<std::string>();
    }
    spdlog::error("telegram getMe: HTTP {}: {}", response->status, description);
    co_return boost::system::errc::make_error_code(
        response->status == 401 || response->status == 404 || response->status == 403
            ? boost::system::errc::permission_denied
            : boost::system::errc::bad_message);
  }
  const json result = answer.value("result", json::object());
  const std::int64_t id = positive_integer(result, "id");
  if (id == 0 || !result.is_object() || !result.contains("username") ||
      !result["username"].is_string()) {
    spdlog::error("telegram getMe: the answer lacks id or username");
    co_return boost::system::errc::make_error_code(boost::system::errc::bad_message);
  }
  co_return BotIdentity{std::to_string(id), result["username"].get<std::string>()};
}

std::string bot_id_of_token(std::string_view token) {
  return std::string(token.substr(0, token.find(':')));
}

// The bot-wide bucket holds one token: the rate is kept in every window, whatever the platform
// measures over, and saturated sending still reaches the full rate (reservations queue ahead).
core::RouteLimits default_limits() {
  return core::RouteLimits{core::Limit{30, 1}, core::Limit{1, 3}, core::Limit{20.0 / 60.0, 3}};
}

}  // namespace mc::telegram
