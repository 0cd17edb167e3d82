#include "bot/store/redis_url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mc::store {
namespace {

TEST(RedisUrl, ParsesValidUrls) {
  struct Case {
    std::string name;
    std::string url;
    std::string host;
    unsigned short port;
    std::string username;
    std::string password;
    int db;
  };
  const Case cases[] = {
      {"host only", "redis://localhost", "localhost", 6379, "", "", 0},
      {"host and port", "redis://127.0.0.1:6380", "127.0.0.1", 6380, "", "", 0},
      {"trailing slash", "redis://redis:6379/", "redis", 6379, "", "", 0},
      {"db", "redis://redis:6379/3", "redis", 6379, "", "", 3},
      {"password only", "redis://:s3cret@redis/1", "redis", 6379, "", "s3cret", 1},
      {"user and password", "redis://bot:pw@redis:7000/2", "redis", 7000, "bot", "pw", 2},
      {"percent-decoded password", "redis://:p%40ss%2Fw%3Ard%25@h", "h", 6379, "", "p@ss/w:rd%", 0},
      {"unencoded @ in password", "redis://:a@b@h:1", "h", 1, "", "a@b", 0},
      {"ipv6", "redis://[::1]:6390/4", "::1", 6390, "", "", 4},
      {"ipv6 default port", "redis://[::1]", "::1", 6379, "", "", 0},
      {"scheme case-insensitive", "REDIS://h", "h", 6379, "", "", 0},
      {"empty credentials", "redis://:@h", "h", 6379, "", "", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string error;
    auto r = parse_redis_url(c.url, &error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->host, c.host);
    EXPECT_EQ(r->port, c.port);
    EXPECT_EQ(r->username, c.username);
    EXPECT_EQ(r->password, c.password);
    EXPECT_EQ(r->db, c.db);
  }
}

TEST(RedisUrl, RejectsInvalidUrlsWithAClearReason) {
  struct Case {
    std::string name;
    std::string url;
    std::string error_contains;
  };
  const Case cases[] = {
      {"tls", "rediss://:hunter2@h:6380", "TLS to Redis is not supported"},
      {"other scheme", "http://h", "unsupported scheme 'http'"},
      {"no scheme", "localhost:6379", "not a URL"},
      {"empty host", "redis://:6379", "missing host"},
      {"empty host after credentials", "redis://:hunter2@", "missing host"},
      {"port not a number", "redis://h:abc", "port must be a number"},
      {"port zero", "redis://h:0", "port must be a number"},
      {"port too large", "redis://h:70000", "port must be a number"},
      {"empty port", "redis://h:", "port must be a number"},
      {"negative db", "redis://h/-1", "non-negative integer"},
      {"db not a number", "redis://h/abc", "non-negative integer"},
      {"db overflow", "redis://h/99999999999999", "non-negative integer"},
      {"nested path", "redis://h/1/2", "non-negative integer"},
      {"credentials without colon", "redis://hunter2@h", "user:password@"},
      {"user without password", "redis://bob:@h", "needs a password"},
      {"bad percent escape", "redis://:hunter2%zz@h", "percent-encoding in the password"},
      {"truncated percent escape", "redis://:hunter2%4@h", "percent-encoding in the password"},
      {"query", "redis://h/0?timeout=1", "query parameters"},
      {"unbracketed ipv6", "redis://::1:6379", "brackets"},
      {"unterminated ipv6", "redis://[::1:6379", "unterminated"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string error;
    auto r = parse_redis_url(c.url, &error);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(Errc::bad_url));
    EXPECT_NE(error.find(c.error_contains), std::string::npos) << error;
    EXPECT_EQ(error.find("hunter2"), std::string::npos) << "the password leaked: " << error;
  }
}

TEST(RedisUrl, ErrorPointerIsOptional) {
  EXPECT_FALSE(parse_redis_url("rediss://h", nullptr));
  EXPECT_TRUE(parse_redis_url("redis://h", nullptr));
}

}  // namespace
}  // namespace mc::store
