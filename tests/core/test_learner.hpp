#pragma once

// One learner driven through core::step as the engine would: events built from one base, state
// kept between them, a clock the test owns. Shared by the journey and push tests.

#include <chrono>
#include <string>
#include <utility>

#include "bot/core/action.hpp"
#include "bot/core/journey.hpp"

namespace mc::core::testing {

class TestLearner {
 public:
  struct Options {
    std::string id = "test:1:42";
    bool group = false;
    ScheduleDefaults schedule;
    Time start = from_millis(1'700'000'000'000);
    /// How far the clock moves before each event; zero leaves the clock to the test (at()).
    std::chrono::milliseconds per_event{0};
  };

  TestLearner(const Catalog& catalog, Options options)
      : catalog_(catalog), options_(std::move(options)), now_(options_.start) {
    base_.learner = options_.id;
    base_.reply_to = {"test:1", "42"};
    base_.display_name = "Ada";
    base_.group = options_.group;
    state_ = new_learner(base_, now_);
  }

  void at(Time t) { now_ = t; }
  Time now() const { return now_; }

  Decision command(std::string name, std::string args = "") {
    Inbound e = base_;
    e.kind = Inbound::Kind::command;
    e.name = std::move(name);
    e.text = std::move(args);
    return apply(e);
  }
  Decision text(std::string text) {
    Inbound e = base_;
    e.kind = Inbound::Kind::text;
    e.text = std::move(text);
    return apply(e);
  }
  Decision press(const Action& a, std::string origin = "m1") {
    return press_data(encode(a), std::move(origin));
  }
  Decision press_data(std::string data, std::string origin = "m1") {
    Inbound e = base_;
    e.kind = Inbound::Kind::press;
    e.text = std::move(data);
    e.origin = std::move(origin);
    e.interaction = "cb" + std::to_string(seq_);
    return apply(e);
  }
  Decision event(Inbound::Kind kind) {
    Inbound e = base_;
    e.kind = kind;
    return apply(e);
  }

  /// An event with the next event id, after the clock moved on by per_event.
  Decision apply(Inbound e) {
    e.event_id = "ev" + std::to_string(++seq_);
    now_ += options_.per_event;
    return decide(e);
  }
  /// An event as it is (its own id), at now().
  Decision decide(const Inbound& e) {
    Decision d = step(catalog_, state_, e, now_, options_.schedule);
    state_ = d.state;
    return d;
  }

  LearnerState& state() { return state_; }
  const LearnerState& state() const { return state_; }
  const std::string& id() const { return base_.learner; }

 private:
  const Catalog& catalog_;
  Options options_;
  Inbound base_;
  LearnerState state_;
  Time now_;
  int seq_ = 0;
};

}  // namespace mc::core::testing
