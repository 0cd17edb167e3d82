#include "bot/store/redis_url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "bot/core/text.hpp"
#include "bot/store/errors.hpp"

namespace mc::store {

// redis://[[user]:password@]host[:port][/db]

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

boost::system::result<RedisConfig> parse_redis_url(std::string_view url, std::string* error) {
  auto fail = [error](std::string message) -> boost::system::result<RedisConfig> {
    if (error) *error = std::move(message);
    return Errc::bad_url;
  };
  constexpr const char* kShape = "expected redis://[[user]:password@]host[:port][/db]";

  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return fail(std::string("not a URL: ") + kShape);
  const std::string scheme = core::lower(url.substr(0, scheme_end));
  if (scheme == "rediss") return fail("TLS to Redis is not supported (rediss://); use redis://");
  if (scheme != "redis") return fail("unsupported scheme '" + scheme + "': " + kShape);

  RedisConfig config;
  std::string_view rest = url.substr(scheme_end + 3);

  // The host and path never contain '@', so the last one ends the credentials (a password may
  // contain '/', '?' or '#' that its author forgot to percent-encode).
  auto at = rest.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      return fail("credentials must be written user:password@ or :password@ (no ':' found)");
    }
    if (!percent_decode(userinfo.substr(0, colon), config.username)) {
      return fail("invalid percent-encoding in the user name");
    }
    if (!percent_decode(userinfo.substr(colon + 1), config.password)) {
      return fail("invalid percent-encoding in the password");
    }
    if (config.password.empty() && !config.username.empty()) {
      return fail("a user name needs a password (user:password@)");
    }
  }

  if (rest.find_first_of("?#") != std::string_view::npos) {
    return fail("query parameters and fragments are not supported");
  }
  auto slash = rest.find('/');
  std::string_view hostport = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);

  std::string_view host;
  std::string_view port;
  if (!hostport.empty() && hostport.front() == '[') {
    auto close = hostport.find(']');
    if (close == std::string_view::npos) return fail("unterminated [IPv6] host");
    host = hostport.substr(1, close - 1);
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected text after the [IPv6] host");
      port = after.substr(1);
      if (port.empty()) return fail("port must be a number from 1 to 65535");
    }
  } else {
    auto colon = hostport.find(':');
    host = hostport.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = hostport.substr(colon + 1);
      if (port.find(':') != std::string_view::npos) {
        return fail("IPv6 hosts must be written in brackets, e.g. redis://[::1]:6379");
      }
      if (port.empty()) return fail("port must be a number from 1 to 65535");
    }
  }
  if (host.empty()) return fail("missing host: " + std::string(kShape));
  config.host = std::string(host);

  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (!all_digits(port) || ec != std::errc{} || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
      return fail("port must be a number from 1 to 65535");
    }
    config.port = static_cast<unsigned short>(value);
  }

  if (path.size() > 1) {
    std::string_view db = path.substr(1);
    int value = 0;
    auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), value);
    if (!all_digits(db) || ec != std::errc{} || end != db.data() + db.size()) {
      return fail("database must be a non-negative integer (the path after the host, e.g. /0)");
    }
    config.db = value;
  }
  return config;
}

}  // namespace mc::store
