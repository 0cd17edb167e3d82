#include "bot/http/router.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <string_view>

namespace mc::http {
namespace {

namespace bhttp = boost::beast::http;

constexpr metrics::Counter kRequestsTotal{"microcourse_http_requests_total",
                                          "HTTP requests handled, by route, method and status.",
                                          {"route", "method", "status"}};
constexpr metrics::Histogram kRequestDuration{"microcourse_http_request_duration_seconds",
                                              "HTTP request handling time in seconds, by route.",
                                              {"route"}};
/// Route label of every request whose path matches no route: keeps label cardinality bounded
/// whatever paths scanners throw at us.
constexpr const char* kUnmatched = "unmatched";

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

/// The method label: Beast's known verbs only, so a client cannot invent label values.
std::string method_label(const Request& req) {
  if (req.method() == bhttp::verb::unknown) return "other";
  return std::string(bhttp::to_string(req.method()));
}

}  // namespace

Router::Router(metrics::Registry& metrics) : metrics_(metrics) {}

void Router::add(bhttp::verb method, std::string path, Handler handler) {
  routes_.push_back(Route{method, std::move(path), std::move(handler)});
}

boost::asio::awaitable<Response> Router::operator()(Request req) const {
  const auto started = std::chrono::steady_clock::now();
  const std::string method = method_label(req);
  const std::string_view path = path_of(req.target());

  const Route* match = nullptr;
  std::vector<bhttp::verb> allowed;  // methods of the routes with this path, for 405
  for (const Route& route : routes_) {
    if (route.path != path) continue;
    if (route.method == req.method()) {
      match = &route;
      break;
    }
    if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end()) {
      allowed.push_back(route.method);
    }
  }

  std::string route_label = kUnmatched;
  Response res;
  if (match != nullptr) {
    route_label = match->path;
    // The handler consumes the request; keep what an error response needs.
    Request head{req.method(), "", req.version()};
    head.keep_alive(req.keep_alive());
    bool failed = false;
    try {
      res = co_await match->handler(std::move(req));
    } catch (const std::exception& e) {
      spdlog::error("http handler {} {} threw: {}", method, route_label, e.what());
      failed = true;
    } catch (...) {
      spdlog::error("http handler {} {} threw a non-standard exception", method, route_label);
      failed = true;
    }
    if (failed) res = json_error(head, bhttp::status::internal_server_error, "internal error");
  } else if (!allowed.empty()) {
    route_label = std::string(path);
    std::string allow;
    for (bhttp::verb v : allowed) {
      if (!allow.empty()) allow += ", ";
      allow += bhttp::to_string(v);
    }
    res = json_error(req, bhttp::status::method_not_allowed, "method not allowed");
    res.set(bhttp::field::allow, allow);
  } else {
    res = json_error(req, bhttp::status::not_found, "not found");
  }

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.inc(kRequestsTotal, {route_label, method, std::to_string(res.result_int())});
  metrics_.observe(kRequestDuration, {route_label}, seconds);
  co_return res;
}

}  // namespace mc::http
