#pragma once

// A Redis reply as the stores see it, and how they judge one.

#include <boost/system/error_code.hpp>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

namespace mc::store {

class RedisClient;

/// A copy of a hiredis reply that outlives the callback.
struct Reply {
  enum class Type { nil, string, integer, array, status, error };
  Type type = Type::nil;
  std::string str;  ///< string, status or error text
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_error() const { return type == Type::error; }
  bool is_nil() const { return type == Type::nil; }
};

/// True when `r` is an error reply whose text starts with `code` ("NOSCRIPT", "NOGROUP").
bool is_error(const Reply& r, std::string_view code);

/// A whole decimal string (a stored version, a stream field) as an integer.
template <typename Int>
bool parse_int(std::string_view s, Int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

/// Logs a reply a store did not expect for `what` and maps it to an error code: an error reply
/// counts microcourse_redis_errors_total{kind="reply"} in `redis`' registry (the client leaves
/// that kind to the stores, which know what they expect).
boost::system::error_code unexpected(const RedisClient& redis, std::string_view what,
                                     const Reply& r);

}  // namespace mc::store
