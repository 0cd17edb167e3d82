// Engine use cases that need no scheduler, against a real redis-server.

#include "bot/engine/engine.hpp"

#include <gtest/gtest.h>

#include "tests/delivery/delivery_fixture.hpp"

namespace mc::engine {
namespace {

using namespace std::chrono_literals;

class EngineTest : public test::DeliveryTest {};

TEST_F(EngineTest, AnUnreachableLearnerIsBlockedOncePerUndeliveredMessage) {
  const core::Catalog catalog = test::delivery_catalog();
  Engine engine(catalog, store_->learners, [] { return core::to_time(core::Clock::now()); });
  const std::string id = "telegram:1:42";
  const core::Address to{"telegram:1", "42"};
  seed(test::due_learner(id, to, core::to_time(core::Clock::now()) + 1h));
  ASSERT_TRUE(scheduled(id));

  const core::Outbound undelivered = test::chat_message(id, to, "Lesson 1", "tg:7#0");
  auto first = run(engine.mark_unreachable(undelivered));
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(*first, Handled::applied);
  auto state = load(id);
  ASSERT_TRUE(state);
  EXPECT_TRUE(state->profile.blocked);
  EXPECT_FALSE(scheduled(id));  // nothing more is pushed

  // The platform reports the same message again (a reclaimed entry): nothing changes twice.
  auto again = run(engine.mark_unreachable(undelivered));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, Handled::duplicate);
}

}  // namespace
}  // namespace mc::engine
