#include "adapters/slack/client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <any>
#include <array>
#include <boost/system/errc.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>

#include "bot/metrics/metrics.hpp"

namespace mc::slack {
namespace {

using nlohmann::json;
using Status = core::SendOutcome::Status;
namespace errc = boost::system::errc;

constexpr std::array kUnreachable = {
    "channel_not_found", "user_not_found",        "user_disabled",  "is_archived",
    "cannot_dm_bot",     "messages_tab_disabled", "not_in_channel",
};
constexpr std::array kTransient = {
    "internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org",
};
constexpr std::array kRateLimited = {"ratelimited", "rate_limited"};

template <std::size_t N>
bool one_of(const std::array<const char*, N>& set, std::string_view error) {
  return std::any_of(set.begin(), set.end(), [&](const char* e) { return error == e; });
}

std::int64_t header_seconds(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || end != value.data() + value.size()) return 0;
  return std::max<std::int64_t>(seconds, 0);
}

core::SendOutcome outcome(Status status, std::string reason) {
  core::SendOutcome out;
  out.status = status;
  out.reason = std::move(reason);
  return out;
}

bool is_ok(const json& answer) {
  if (!answer.is_object()) return false;
  auto ok = answer.find("ok");
  return ok != answer.end() && ok->is_boolean() && ok->get<bool>();
}

std::string string_member(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

bool bool_member(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::string body_of(const json& params) {
  if (params.is_null()) return "{}";
  // Lesson text is authored by people: an invalid UTF-8 byte becomes U+FFFD instead of throwing.
  return params.dump(-1, ' ', false, json::error_handler_t::replace);
}

constexpr metrics::Counter kApiErrors{
    "microcourse_slack_api_errors_total",
    "Slack Web API calls that failed, by method and Slack's error",
    {"method", "error"}};

void count_error(std::string_view method, std::string_view error) {
  metrics::Registry::global().inc(kApiErrors, {method, error});
}

/// The label for a failed answer: Slack's error string, or "http_<status>".
std::string error_label(unsigned status, std::string_view body) {
  std::string error = error_of(body);
  if (!error.empty()) return error;
  return "http_" + std::to_string(status);
}

}  // namespace

std::string error_of(std::string_view body) {
  const json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (is_ok(answer)) return {};
  return string_member(answer, "error");
}

core::SendOutcome outcome_of(std::string_view method, unsigned http_status, std::string_view body,
                             std::string_view retry_after_header) {
  const json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (is_ok(answer)) return core::SendOutcome::ok();
  const bool is_answer = answer.is_object() && answer.contains("ok");
  const std::string error = string_member(answer, "error");
  std::string reason =
      std::string(method) + ": " + (error.empty() ? "HTTP " + std::to_string(http_status) : error);

  if (http_status == 429 || one_of(kRateLimited, error)) {
    std::int64_t seconds = header_seconds(retry_after_header);
    if (seconds == 0) seconds = 1;
    core::SendOutcome out = outcome(Status::retry_after, std::move(reason));
    out.retry_after = std::chrono::seconds(seconds);
    return out;
  }
  if (http_status >= 500 || one_of(kTransient, error)) {
    return outcome(Status::transient, std::move(reason));
  }
  if (!is_answer) {
    // Not Slack talking (a proxy, a captive portal): a 4xx is our fault, anything else may pass.
    return outcome(
        http_status >= 400 ? Status::permanent : Status::transient,
        std::string(method) + ": unreadable answer (HTTP " + std::to_string(http_status) + ")");
  }
  if (one_of(kUnreachable, error)) return outcome(Status::unreachable, std::move(reason));
  return outcome(Status::permanent, std::move(reason));
}

Client::Client(http::Client& http, const TokenSource& tokens, ClientConfig config)
    : http_(http), tokens_(tokens), config_(std::move(config)) {
  while (config_.api_url.ends_with('/')) config_.api_url.pop_back();
}

boost::asio::awaitable<boost::system::result<Client::Answer>> Client::exchange(
    std::string team, std::string method, http::ClientRequest request) {
  auto token = tokens_.token_for(team);
  if (!token) {
    spdlog::error("slack {}: no bot token for workspace {}", method, team);
    count_error(method, "no_token");
    co_return errc::make_error_code(errc::permission_denied);
  }
  request.headers.emplace_back("Authorization", "Bearer " + *token);
  request.timeout = config_.timeout;
  auto response = co_await http_.request(std::move(request));
  if (!response) {
    spdlog::warn("slack {}: no answer: {}", method, response.error().message());
    count_error(method, "no_response");
    co_return response.error();
  }
  co_return Answer{response->status, std::move(response->body), response->header("Retry-After")};
}

boost::asio::awaitable<core::SendOutcome> Client::call(std::string team, ApiCall api_call) {
  http::ClientRequest request;
  request.method = boost::beast::http::verb::post;
  request.url = config_.api_url + "/" + api_call.method;
  request.body = body_of(api_call.params);
  request.content_type = "application/json; charset=utf-8";
  auto answer = co_await exchange(team, api_call.method, std::move(request));
  if (!answer) {
    co_return outcome(answer.error() == errc::make_error_code(errc::permission_denied)
                          ? Status::permanent
                          : Status::transient,
                      api_call.method + ": " + answer.error().message());
  }
  core::SendOutcome out =
      outcome_of(api_call.method, answer->status, answer->body, answer->retry_after);
  if (out.status != Status::sent) {
    count_error(api_call.method, error_label(answer->status, answer->body));
    if (out.status == Status::permanent) {
      // A refused token or a malformed request fails every message alike: say so loudly.
      spdlog::error("slack {} refused for workspace {}: {} (HTTP {})", api_call.method, team,
                    out.reason, answer->status);
    } else {
      spdlog::warn("slack {}: {} (HTTP {})", api_call.method, out.reason, answer->status);
    }
  }
  co_return out;
}

boost::asio::awaitable<core::SendOutcome> Client::call(const core::Part& part) {
  const auto* request = std::any_cast<Request>(&part.request);
  if (request == nullptr) co_return outcome(Status::permanent, "not a Slack part");
  co_return co_await call(request->team, request->call);
}

boost::asio::awaitable<boost::system::result<UserInfo>> Client::user_info(std::string team,
                                                                          std::string user) {
  http::ClientRequest request;
  request.method = boost::beast::http::verb::get;
  request.url = config_.api_url +
                "/users.info?user=" + boost::urls::encode(user, boost::urls::unreserved_chars);
  request.content_type.clear();
  auto answer = co_await exchange(team, "users.info", std::move(request));
  if (!answer) co_return answer.error();
  const json body = json::parse(answer->body, nullptr, /*allow_exceptions=*/false);
  if (!is_ok(body)) {
    const std::string error = error_label(answer->status, answer->body);
    count_error("users.info", error);
    spdlog::warn("slack users.info for {}: {} (HTTP {})", user, error, answer->status);
    if (error == "user_not_found") co_return errc::make_error_code(errc::no_such_file_or_directory);
    const auto o = outcome_of("users.info", answer->status, answer->body);
    co_return errc::make_error_code(o.status == Status::permanent ? errc::permission_denied
                                                                  : errc::bad_message);
  }
  const json& u = body.contains("user") ? body["user"] : json();
  if (!u.is_object() || string_member(u, "id").empty()) {
    count_error("users.info", "bad_answer");
    co_return errc::make_error_code(errc::bad_message);
  }
  UserInfo info;
  info.id = string_member(u, "id");
  info.tz = string_member(u, "tz");
  if (u.contains("profile") && u["profile"].is_object()) {
    info.display_name = string_member(u["profile"], "display_name");
    if (info.display_name.empty()) info.display_name = string_member(u["profile"], "real_name");
  }
  if (info.display_name.empty()) info.display_name = string_member(u, "real_name");
  info.is_bot = bool_member(u, "is_bot");
  info.deleted = bool_member(u, "deleted");
  co_return info;
}

boost::asio::awaitable<boost::system::result<AuthInfo>> Client::auth_test(std::string team) {
  http::ClientRequest request;
  request.method = boost::beast::http::verb::post;
  request.url = config_.api_url + "/auth.test";
  request.body = "{}";
  request.content_type = "application/json; charset=utf-8";
  auto answer = co_await exchange(team, "auth.test", std::move(request));
  if (!answer) co_return answer.error();
  const json body = json::parse(answer->body, nullptr, /*allow_exceptions=*/false);
  if (!is_ok(body)) {
    const std::string error = error_label(answer->status, answer->body);
    count_error("auth.test", error);
    spdlog::error("slack auth.test: {} (HTTP {})", error, answer->status);
    const auto o = outcome_of("auth.test", answer->status, answer->body);
    co_return errc::make_error_code(o.status == Status::permanent ? errc::permission_denied
                                                                  : errc::bad_message);
  }
  AuthInfo info;
  info.team_id = string_member(body, "team_id");
  info.team = string_member(body, "team");
  info.user_id = string_member(body, "user_id");
  info.bot_id = string_member(body, "bot_id");
  co_return info;
}

boost::asio::awaitable<bool> Client::respond(std::string response_url, json message) {
  http::ClientRequest request;
  request.method = boost::beast::http::verb::post;
  request.url = response_url;
  request.body = body_of(message);
  request.content_type = "application/json; charset=utf-8";
  request.timeout = config_.timeout;
  auto response = co_await http_.request(std::move(request));
  if (!response) {
    spdlog::warn("slack response_url: no answer: {}", response.error().message());
    count_error("response_url", "no_response");
    co_return false;
  }
  if (response->status >= 300) {
    spdlog::warn("slack response_url: HTTP {}", response->status);
    count_error("response_url", "http_" + std::to_string(response->status));
    co_return false;
  }
  co_return true;
}

core::RouteLimits default_limits() {
  return core::RouteLimits{core::Limit{0, 1}, core::Limit{1, 3}, core::Limit{}};
}

}  // namespace mc::slack
