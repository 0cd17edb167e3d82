#pragma once

// Request routing: a plain function from request to response, no socket in it, so it is tested
// without the network. HTTP status is decided here and in the handlers it calls, nowhere else.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <vector>

#include "bot/http/message.hpp"
#include "bot/metrics/metrics.hpp"

namespace mc::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request)>;

class Router {
 public:
  explicit Router(metrics::Registry& metrics = metrics::Registry::global());

  /// Exact path match (the query string is ignored for matching).
  void add(boost::beast::http::verb method, std::string path, Handler handler);

  /// 404 for an unknown path, 405 with `Allow` for a known path and wrong method, 500 if a
  /// handler throws (logged; never propagates). Records requests by route and status and a
  /// latency histogram.
  boost::asio::awaitable<Response> operator()(Request req) const;

 private:
  struct Route {
    boost::beast::http::verb method;
    std::string path;
    Handler handler;
  };
  std::vector<Route> routes_;
  metrics::Registry& metrics_;
};

}  // namespace mc::http
