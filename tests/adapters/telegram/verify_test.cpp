#include "adapters/telegram/verify.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mc::telegram {
namespace {

struct Case {
  const char* name;
  std::string secret;
  std::string header;
  bool verifies;
};

TEST(TelegramVerify, SecretHeader) {
  const std::string secret = "s3cr3t_Token-with-64-allowed-chars_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123";
  const Case cases[] = {
      {"right", secret, secret, true},
      {"wrong last byte", secret, secret.substr(0, secret.size() - 1) + "4", false},
      {"wrong first byte", secret, "t" + secret.substr(1), false},
      {"prefix of the secret", secret, secret.substr(0, 10), false},
      {"secret plus a suffix", secret, secret + "x", false},
      {"missing header", secret, "", false},
      {"empty secret, empty header", "", "", false},
      {"empty secret never verifies", "", "anything", false},
      {"case matters", "abcDEF", "ABCdef", false},
      {"one-byte secret", "x", "x", true},
      {"embedded NUL is compared", std::string("ab\0cd", 5), std::string("ab\0ce", 5), false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(verify_secret(c.secret, c.header), c.verifies);
  }
}

}  // namespace
}  // namespace mc::telegram
