#include "adapters/slack/client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "bot/metrics/metrics.hpp"
#include "fixtures.hpp"
#include "tests/support/fake_slack.hpp"

namespace mc::slack {
namespace {

using Status = core::SendOutcome::Status;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string error(const std::string& e) { return R"({"ok":false,"error":")" + e + "\"}"; }

// Answers as the Web API gives them (https://docs.slack.dev/apis/web-api/ and the errors of
// chat.postMessage, chat.update, views.publish).
TEST(SlackClientOutcome, MapsWebApiAnswers) {
  struct Case {
    const char* name;
    unsigned status;
    std::string body;
    std::string retry_after;
    Status want;
    milliseconds wait{0};
  };
  const Case cases[] = {
      {"ok", 200, R"({"ok":true,"channel":"D1","ts":"1.2"})", "", Status::sent},
      {"ok with a warning", 200, R"({"ok":true,"warning":"missing_charset"})", "", Status::sent},
      {"429 with Retry-After", 429, error("ratelimited"), "30", Status::retry_after, seconds(30)},
      {"429 without a header: 1 s", 429, "", "", Status::retry_after, seconds(1)},
      {"ratelimited with 200", 200, error("ratelimited"), "", Status::retry_after, seconds(1)},
      {"rate_limited spelling", 200, error("rate_limited"), " 4 ", Status::retry_after, seconds(4)},
      {"500", 500, error("internal_error"), "", Status::transient},
      {"503 from a proxy", 503, "<html>unavailable</html>", "", Status::transient},
      {"internal_error", 200, error("internal_error"), "", Status::transient},
      {"fatal_error", 200, error("fatal_error"), "", Status::transient},
      {"service_unavailable", 200, error("service_unavailable"), "", Status::transient},
      {"request_timeout", 200, error("request_timeout"), "", Status::transient},
      {"channel_not_found", 200, error("channel_not_found"), "", Status::unreachable},
      {"user_not_found", 200, error("user_not_found"), "", Status::unreachable},
      {"user_disabled", 200, error("user_disabled"), "", Status::unreachable},
      {"is_archived", 200, error("is_archived"), "", Status::unreachable},
      {"cannot_dm_bot", 200, error("cannot_dm_bot"), "", Status::unreachable},
      {"messages_tab_disabled", 200, error("messages_tab_disabled"), "", Status::unreachable},
      {"invalid_auth", 200, error("invalid_auth"), "", Status::permanent},
      {"not_authed", 200, error("not_authed"), "", Status::permanent},
      {"token_revoked", 200, error("token_revoked"), "", Status::permanent},
      // The token's workspace or app was deleted: not one learner's doing.
      {"account_inactive", 200, error("account_inactive"), "", Status::permanent},
      {"missing_scope", 200, error("missing_scope"), "", Status::permanent},
      {"invalid_blocks", 200, error("invalid_blocks"), "", Status::permanent},
      {"message_not_found", 200, error("message_not_found"), "", Status::permanent},
      {"ok false without an error", 200, R"({"ok":false})", "", Status::permanent},
      {"404 not JSON", 404, "Not Found", "", Status::permanent},
      {"200 not JSON", 200, "<html>captive portal</html>", "", Status::transient},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const core::SendOutcome out = outcome_of("chat.postMessage", c.status, c.body, c.retry_after);
    EXPECT_EQ(out.status, c.want) << out.reason;
    EXPECT_EQ(out.retry_after, c.wait);
    if (c.want != Status::sent) {
      EXPECT_TRUE(out.reason.starts_with("chat.postMessage: ")) << out.reason;
      EXPECT_GT(out.reason.size(), std::string("chat.postMessage: ").size());
    }
  }
  EXPECT_EQ(outcome_of("chat.update", 200, error("is_archived")).reason,
            "chat.update: is_archived");
  EXPECT_EQ(error_of(error("invalid_auth")), "invalid_auth");
  EXPECT_EQ(error_of(R"({"ok":true})"), "");
}

// The client against the fake Web API on loopback.
class SlackClientTest : public ::testing::Test {
 protected:
  SlackClientTest() {
    test::FakeSlackOptions options;
    options.spec_path = MC_SOURCE_DIR "/tests/fixtures/specs/slack_web_api_trimmed.json";
    options.channel_per_second = 0.001;  // the burst, then 429
    options.channel_burst = 2;
    options.retry_after_seconds = 7;
    fake_ = std::make_unique<test::FakeSlack>(options);
  }

  /// Runs `fn(client)` on a private io_context with a client using `token`.
  template <typename Fn>
  auto with_client(const std::string& token, Fn fn) {
    boost::asio::io_context ioc;
    http::Client http(ioc.get_executor());
    StaticTokenSource tokens(token);
    Client client(http, tokens, ClientConfig{fake_->url() + "/", milliseconds(5000)});
    using T = typename decltype(fn(client))::value_type;
    T result{};
    boost::asio::co_spawn(ioc, fn(client), [&](std::exception_ptr e, T r) {
      if (e) ADD_FAILURE() << "exception";
      result = std::move(r);
      http.close();
    });
    ioc.run();
    return result;
  }

  /// Sends the single part `m` renders to, as the dispatcher would.
  core::SendOutcome send_single(const std::string& token, const core::Outbound& m) {
    const std::vector<core::Part> parts = parts_of(m);
    EXPECT_EQ(parts.size(), 1u);
    if (parts.empty()) return {};
    return with_client(token, [&](Client& c) { return c.call(parts.front()); });
  }

  core::Outbound message(const std::string& text) {
    core::Outbound m;
    m.learner = "slack:T0TEAM0001:U0LEARNER1";
    m.to = {"slack:T0TEAM0001", "U0LEARNER1"};
    m.body = {core::paragraph(text)};
    m.keyboard = {{{"Next", "mc1|c"}}};
    m.key = "k#0";
    return m;
  }

  std::unique_ptr<test::FakeSlack> fake_;
};

TEST_F(SlackClientTest, SendsWithTheBearerTokenAndJsonBodies) {
  const core::Outbound m = message("Hello & welcome");
  auto out = send_single(fake_->options().token, m);
  EXPECT_EQ(out.status, Status::sent) << out.reason;
  auto posted = fake_->accepted("chat.postMessage");
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_EQ(posted[0].content_type, "application/json; charset=utf-8");
  EXPECT_EQ(posted[0].answer["channel"], "D0LEARNER1");  // a user id posts into the app's DM
  EXPECT_TRUE(fake_->spec_violations().empty()) << fake_->spec_violations().front();
}

TEST_F(SlackClientTest, AWrongTokenIsPermanentAndCounted) {
  auto& metrics = metrics::Registry::global();
  const metrics::Labels labels{{"method", "chat.postMessage"}, {"error", "invalid_auth"}};
  const double before = metrics.value("microcourse_slack_api_errors_total", labels);
  const core::Outbound m = message("hi");
  auto out = send_single("xoxb-wrong", m);
  EXPECT_EQ(out.status, Status::permanent);
  EXPECT_EQ(out.reason, "chat.postMessage: invalid_auth");
  EXPECT_EQ(out.reason.find("xoxb"), std::string::npos);
  EXPECT_EQ(metrics.value("microcourse_slack_api_errors_total", labels), before + 1);
  EXPECT_EQ(metrics.render().find("xoxb-"), std::string::npos);
}

TEST_F(SlackClientTest, RateLimitObeysRetryAfter) {
  const core::Outbound m = message("hi");
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(send_single(fake_->options().token, m).status, Status::sent);
  }
  auto out = send_single(fake_->options().token, m);
  EXPECT_EQ(out.status, Status::retry_after);
  EXPECT_EQ(out.retry_after, seconds(7));
  EXPECT_EQ(fake_->rate_limited(), 1);
}

TEST_F(SlackClientTest, FailuresMapToOutcomes) {
  const core::Outbound m = message("hi");
  fake_->fail_next(1, 503, "service_unavailable");
  EXPECT_EQ(send_single(fake_->options().token, m).status, Status::transient);
  fake_->refuse_channel("U0LEARNER1", "user_disabled");
  EXPECT_EQ(send_single(fake_->options().token, m).status, Status::unreachable);
}

TEST_F(SlackClientTest, EachPartIsItsOwnCall) {
  core::Outbound m = message("x");
  m.body.clear();
  for (int i = 0; i < 60; ++i) {
    m.body.push_back(
        core::Block{core::Block::Kind::heading, {core::plain("H" + std::to_string(i))}, 0});
  }
  const std::vector<core::Part> parts = parts_of(m);
  ASSERT_EQ(parts.size(), 2u);  // 60 header blocks and the buttons: over 50 blocks
  auto out = with_client(fake_->options().token, [&](Client& c) { return c.call(parts[1]); });
  EXPECT_EQ(out.status, Status::sent) << out.reason;
  EXPECT_EQ(fake_->accepted("chat.postMessage").size(), 1u);  // only the second part was sent
}

TEST_F(SlackClientTest, APartOfAnotherAdapterIsRefused) {
  const core::Part foreign{std::string("not a Slack request")};
  auto out = with_client(fake_->options().token, [&](Client& c) { return c.call(foreign); });
  EXPECT_EQ(out.status, Status::permanent);
  EXPECT_TRUE(fake_->accepted("chat.postMessage").empty());
}

TEST_F(SlackClientTest, UserInfoAndAuthTest) {
  fake_->set_user("U0LEARNER1", "America/Chicago", "Ada");
  auto info = with_client(fake_->options().token, [&](Client& c) {
    return [](Client& cl) -> boost::asio::awaitable<std::optional<UserInfo>> {
      auto r = co_await cl.user_info("T0TEAM0001", "U0LEARNER1");
      if (!r) co_return std::nullopt;
      co_return *r;
    }(c);
  });
  ASSERT_TRUE(info);
  EXPECT_EQ(info->id, "U0LEARNER1");
  EXPECT_EQ(info->tz, "America/Chicago");
  EXPECT_EQ(info->display_name, "Ada");
  auto calls = fake_->accepted("users.info");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].params["user"], "U0LEARNER1");

  auto auth = with_client(fake_->options().token, [&](Client& c) {
    return [](Client& cl) -> boost::asio::awaitable<std::optional<AuthInfo>> {
      auto r = co_await cl.auth_test("");
      if (!r) co_return std::nullopt;
      co_return *r;
    }(c);
  });
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->user_id, fake_->options().bot_user_id);
  EXPECT_EQ(auth->team_id, fake_->options().team_id);

  auto refused = with_client("xoxb-wrong", [&](Client& c) {
    return [](Client& cl) -> boost::asio::awaitable<bool> {
      co_return !(co_await cl.user_info("T0TEAM0001", "U0LEARNER1"));
    }(c);
  });
  EXPECT_TRUE(refused);
  EXPECT_TRUE(fake_->spec_violations().empty()) << fake_->spec_violations().front();
}

TEST_F(SlackClientTest, RespondPostsToTheResponseUrl) {
  const std::string url = fake_->response_url("T0TEAM0001/1/abc");
  auto ok = with_client(fake_->options().token, [&](Client& c) {
    return c.respond(url, {{"response_type", "ephemeral"}, {"text", "Saved"}});
  });
  EXPECT_TRUE(ok);
  auto responses = fake_->accepted("response_url");
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].path, "/hooks/T0TEAM0001/1/abc");
  EXPECT_EQ(responses[0].params["text"], "Saved");
}

}  // namespace
}  // namespace mc::slack
