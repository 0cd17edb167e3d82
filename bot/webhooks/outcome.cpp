#include "bot/webhooks/outcome.hpp"

#include <spdlog/spdlog.h>

#include "bot/metrics/metrics.hpp"

namespace mc::webhooks {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view kJson = "application/json; charset=utf-8";

constexpr metrics::Counter kUpdates{"microcourse_updates_total",
                                    "Platform updates received, by platform, kind and outcome",
                                    {"platform", "kind", "outcome"}};

std::string_view label(Outcome outcome) {
  switch (outcome) {
    case Outcome::unauthorized:
      return "unauthorized";
    case Outcome::malformed:
      return "malformed";
    case Outcome::ignored:
      return "ignored";
    case Outcome::challenge:
    case Outcome::applied:
      return "applied";
    case Outcome::duplicate:
      return "duplicate";
    case Outcome::unavailable:
      return "unavailable";
    case Outcome::deferred:
      return "retrying";
  }
  return "other";
}

}  // namespace

void count_update(std::string_view platform, std::string_view kind, std::string_view outcome) {
  metrics::Registry::global().inc(kUpdates, {platform, kind, outcome});
}

http::Handler webhook(std::string platform, engine::Engine& engine, Receive receive) {
  return [platform = std::move(platform), &engine, receive = std::move(receive)](
             http::Request req) -> boost::asio::awaitable<http::Response> {
    Received received = receive(req);
    if (received.answer) co_return respond(req, platform, *received.answer);
    const auto handled = co_await engine.handle(received.event);
    if (!handled) {
      spdlog::warn("{}: update {} not handled, the platform will send it again: {}", platform,
                   received.event.event_id, handled.error().message());
    }
    co_return respond(req, platform,
                      Answer{outcome_of(handled), core::kind_name(received.event.kind), {}});
  };
}

Outcome outcome_of(const boost::system::result<engine::Handled>& handled) {
  if (!handled) return Outcome::unavailable;
  return *handled == engine::Handled::duplicate ? Outcome::duplicate : Outcome::applied;
}

http::Response respond(const http::Request& req, std::string_view platform, const Answer& answer) {
  count_update(platform, answer.kind, label(answer.outcome));
  switch (answer.outcome) {
    case Outcome::unauthorized:
      return http::json_error(req, bhttp::status::unauthorized, answer.body);
    case Outcome::malformed:
      return http::json_error(req, bhttp::status::bad_request, answer.body);
    case Outcome::unavailable: {
      auto res = http::json_error(req, bhttp::status::service_unavailable,
                                  "temporarily unavailable, retry later");
      res.set(bhttp::field::retry_after, "5");
      return res;
    }
    case Outcome::ignored:
    case Outcome::challenge:
    case Outcome::applied:
    case Outcome::duplicate:
    case Outcome::deferred:
      break;
  }
  return http::make_response(req, bhttp::status::ok, answer.body, kJson);
}

}  // namespace mc::webhooks
