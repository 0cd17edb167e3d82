#include "bot/store/codec.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/core/markup.hpp"

namespace mc::store {
namespace {

using core::Enrollment;
using core::from_millis;
using core::LearnerState;
using core::Outbound;
using core::parse_markdown;

LearnerState sample_state() {
  LearnerState s;
  s.id = "telegram:1:2";
  s.display_name = "Ada";
  s.address = {"telegram:1", "2"};
  s.focus = "intro";
  Enrollment e;
  e.course = "intro";
  e.status = Enrollment::Status::failed;
  e.step = 3;
  e.answered = 2;
  e.correct = 1;
  e.attempt = 2;
  e.best_score = 50;
  e.missed = {"q2"};
  e.started = from_millis(1000);
  e.finished = from_millis(2000);
  s.enrollments.push_back(e);
  s.profile = {"Europe/Berlin", true, 570, true, false, true};
  s.push = {from_millis(5000), from_millis(4000), 1};
  s.has_home = true;
  s.created = from_millis(10);
  s.last_seen = from_millis(20);
  return s;
}

TEST(Codec, LearnerRoundTrips) {
  LearnerState s = sample_state();
  auto back = learner_from_json(to_json(s));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, s);
}

TEST(Codec, LearnerIgnoresUnknownAndDefaultsMissingFields) {
  nlohmann::json j = {{"schema", 1}, {"id", "console:me"}, {"future_field", {1, 2}}};
  auto s = learner_from_json(j);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->id, "console:me");
  EXPECT_EQ(s->profile.lesson_minute, -1);
  EXPECT_TRUE(s->enrollments.empty());
}

TEST(Codec, RejectsWhatIsNotALearner) {
  EXPECT_FALSE(learner_from_json(nlohmann::json::array()).has_value());
  EXPECT_FALSE(learner_from_json({{"id", "x"}}).has_value());               // no schema
  EXPECT_FALSE(learner_from_json({{"schema", 1}, {"id", 5}}).has_value());  // wrong type
  EXPECT_FALSE(learner_from_json({{"schema", 1}, {"id", "x"}, {"enrollments", {{{"course", 1}}}}})
                   .has_value());
}

TEST(Codec, OutboundRoundTrips) {
  Outbound m;
  m.kind = Outbound::Kind::edit;
  m.learner = "slack:T1:U1";
  m.to = {"slack:T1", "D1"};
  m.body = parse_markdown("**Hi** <there> & [x](https://e.org)\n\n- a\n1. b\n\n```\nc\n```");
  m.keyboard = {{{"A", "mc1|c"}}, {{"B", "mc1|p"}, {"C", "mc1|e|x"}}};
  m.ref = "123.456";
  m.key = "slack:Ev1#2";
  auto back = outbound_from_json(to_json(m));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, m);
}

TEST(Codec, AGroupAddressRoundTrips) {
  Outbound m;
  m.learner = "telegram:1:2";
  m.to = {"telegram:1", "-100", /*group=*/true};
  m.body = parse_markdown("Hello, group");
  auto j = to_json(m);
  EXPECT_EQ(j["to"]["group"], true);
  auto back = outbound_from_json(j);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->to.group);
  EXPECT_EQ(*back, m);
}

// Written before addresses said whether they are a group: such data still loads, as private
// chats, and a private chat's address is written without the field (stored data keeps its form).
TEST(Codec, AnAddressWithoutGroupIsAPrivateChat) {
  auto old_message = nlohmann::json::parse(R"({"kind":"send","learner":"telegram:1:2",
      "to":{"route":"telegram:1","chat":"-100"},"body":[],"key":"k"})");
  auto m = outbound_from_json(old_message);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->to.chat, "-100");
  EXPECT_FALSE(m->to.group);
  EXPECT_FALSE(to_json(*m)["to"].contains("group"));

  auto old_state = nlohmann::json::parse(R"({"schema":1,"id":"telegram:1:2",
      "address":{"route":"telegram:1","chat":"2"}})");
  auto s = learner_from_json(old_state);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->address, (core::Address{"telegram:1", "2", false}));
}

TEST(Codec, RejectsMalformedOutbound) {
  EXPECT_FALSE(outbound_from_json({{"kind", "fly"}, {"to", {}}, {"body", nlohmann::json::array()}})
                   .has_value());
  EXPECT_FALSE(outbound_from_json({{"kind", "send"}, {"to", {}}, {"body", "text"}}).has_value());
  EXPECT_FALSE(outbound_from_json("string").has_value());
}

}  // namespace
}  // namespace mc::store
