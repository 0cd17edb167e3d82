#include "bot/core/action.hpp"

#include <gtest/gtest.h>

namespace mc::core {
namespace {

TEST(Action, RoundTrips) {
  const std::string longest(40, 'x');
  const Action cases[] = {
      {Action::Kind::enrol, "phishing-basics", 0, 0},
      {Action::Kind::next, "a", 12, 0},
      {Action::Kind::answer, longest, 9999, 7},
      {Action::Kind::catalog, "", 0, 0},
      {Action::Kind::progress, "", 0, 0},
  };
  for (const Action& a : cases) {
    std::string data = encode(a);
    SCOPED_TRACE(data);
    EXPECT_LE(data.size(), kMaxActionBytes);
    auto back = decode_action(data);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, a);
  }
}

TEST(Action, RejectsForeignAndForgedData) {
  const char* bad[] = {"",
                       "some_data",
                       "mc1",
                       "mc1|x",
                       "mc1|e|",
                       "mc1|e|Bad_Id",
                       "mc1|n|c|-1",
                       "mc1|n|c|1x",
                       "mc1|a|c|1",
                       "mc1|a|c|1|2|3",
                       "mc2|c",
                       "mc1|c|extra",
                       "mc1|n|c|99999"};
  for (const char* data : bad) {
    SCOPED_TRACE(data);
    EXPECT_FALSE(decode_action(data).has_value());
  }
  EXPECT_FALSE(decode_action(std::string(65, 'a')).has_value());
}

}  // namespace
}  // namespace mc::core
