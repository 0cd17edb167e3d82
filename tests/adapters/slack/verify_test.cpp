#include "adapters/slack/verify.hpp"

#include <gtest/gtest.h>

namespace mc::slack {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::system_clock;

// The worked example of Slack's "Verifying requests from Slack"
// (https://docs.slack.dev/authentication/verifying-requests-from-slack): a slash command body.
const std::string kDocSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const std::string kDocTimestamp = "1531420618";
const std::string kDocBody =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
    "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-"
    "collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%"
    "2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121."
    "803a0bc887a14d10d2c447fce8b6703c";
const std::string kDocSignature =
    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const Clock::time_point kDocTime{seconds(1531420618)};

TEST(SlackVerify, AcceptsSlacksDocumentedExample) {
  EXPECT_EQ(sign(kDocSecret, kDocTimestamp, kDocBody), kDocSignature);
  EXPECT_EQ(verify(kDocSecret, kDocTimestamp, kDocSignature, kDocBody, kDocTime), Verdict::ok);
}

TEST(SlackVerify, RefusesEverythingElse) {
  struct Case {
    const char* name;
    std::string secret;
    std::string timestamp;
    std::string signature;
    std::string body;
    Clock::time_point now;
    Verdict want;
  };
  std::string upper = kDocSignature;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const Case cases[] = {
      {"five minutes late is still fine", kDocSecret, kDocTimestamp, kDocSignature, kDocBody,
       kDocTime + seconds(300), Verdict::ok},
      {"five minutes early is still fine", kDocSecret, kDocTimestamp, kDocSignature, kDocBody,
       kDocTime - seconds(300), Verdict::ok},
      {"stale: replayed after 5 minutes", kDocSecret, kDocTimestamp, kDocSignature, kDocBody,
       kDocTime + seconds(301), Verdict::stale},
      {"from the future", kDocSecret, kDocTimestamp, kDocSignature, kDocBody,
       kDocTime - seconds(301), Verdict::stale},
      {"stale beats a valid HMAC a day later", kDocSecret, kDocTimestamp, kDocSignature, kDocBody,
       kDocTime + seconds(86400), Verdict::stale},
      {"missing timestamp", kDocSecret, "", kDocSignature, kDocBody, kDocTime, Verdict::missing},
      {"missing signature", kDocSecret, kDocTimestamp, "", kDocBody, kDocTime, Verdict::missing},
      {"no secret configured", "", kDocTimestamp, kDocSignature, kDocBody, kDocTime,
       Verdict::missing},
      {"wrong secret", "8f742231b10e8888abcd99yyyzzz85a6", kDocTimestamp, kDocSignature, kDocBody,
       kDocTime, Verdict::bad_signature},
      {"body changed by one byte", kDocSecret, kDocTimestamp, kDocSignature,
       kDocBody.substr(0, kDocBody.size() - 1) + "d", kDocTime, Verdict::bad_signature},
      {"timestamp changed (signed with the old one)", kDocSecret, "1531420619", kDocSignature,
       kDocBody, kDocTime, Verdict::bad_signature},
      {"other version", kDocSecret, kDocTimestamp, "v1=" + kDocSignature.substr(3), kDocBody,
       kDocTime, Verdict::bad_signature},
      {"upper-case prefix", kDocSecret, kDocTimestamp, upper, kDocBody, kDocTime,
       Verdict::bad_signature},
      {"truncated", kDocSecret, kDocTimestamp, kDocSignature.substr(0, 60), kDocBody, kDocTime,
       Verdict::bad_signature},
      {"not hex", kDocSecret, kDocTimestamp, "v0=" + std::string(64, 'z'), kDocBody, kDocTime,
       Verdict::bad_signature},
      {"timestamp not a number", kDocSecret, "yesterday", kDocSignature, kDocBody, kDocTime,
       Verdict::bad_timestamp},
      {"negative timestamp", kDocSecret, "-1531420618", kDocSignature, kDocBody, kDocTime,
       Verdict::bad_timestamp},
      {"fractional timestamp", kDocSecret, "1531420618.5", kDocSignature, kDocBody, kDocTime,
       Verdict::bad_timestamp},
      {"timestamp beyond 64 bits", kDocSecret, "99999999999999999999", kDocSignature, kDocBody,
       kDocTime, Verdict::bad_timestamp},
      {"huge timestamp does not overflow", kDocSecret, "9223372036854775807", kDocSignature,
       kDocBody, kDocTime, Verdict::stale},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(verify(c.secret, c.timestamp, c.signature, c.body, c.now), c.want)
        << to_string(verify(c.secret, c.timestamp, c.signature, c.body, c.now));
  }
}

TEST(SlackVerify, SignsWhatItVerifies) {
  const auto now = Clock::now();
  const std::string ts =
      std::to_string(std::chrono::duration_cast<seconds>(now.time_since_epoch()).count());
  const std::string body = R"({"type":"event_callback","event":{"type":"message"}})";
  const std::string signature = sign("s3cret", ts, body);
  EXPECT_EQ(signature.size(), 67u);
  EXPECT_EQ(verify("s3cret", ts, signature, body, now), Verdict::ok);
  EXPECT_EQ(verify("s3cret", ts, signature, body + " ", now), Verdict::bad_signature);
  EXPECT_STREQ(to_string(Verdict::stale), "stale");
}

}  // namespace
}  // namespace mc::slack
