#pragma once

// A blocking HTTP call for tests (runs the product's client on a private io_context).

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "bot/http/client.hpp"

namespace mc::test {

struct HttpResult {
  bool ok = false;    ///< a response arrived
  std::string error;  ///< why not
  unsigned status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

HttpResult http_call(boost::beast::http::verb method, const std::string& url, std::string body = {},
                     std::vector<std::pair<std::string, std::string>> headers = {},
                     std::string content_type = "application/json",
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

inline HttpResult http_get(const std::string& url) {
  return http_call(boost::beast::http::verb::get, url);
}

}  // namespace mc::test
