// The journey's scheduled pushes, driven by an injected clock: what a `tick` decides, what the
// learner's commands change, and which next due time every decision leaves behind.

#include <date/date.h>
#include <gtest/gtest.h>

#include "bot/core/action.hpp"
#include "bot/core/journey.hpp"
#include "bot/core/schedule.hpp"
#include "bot/core/shuffle.hpp"
#include "tests/core/test_learner.hpp"

namespace mc::core {
namespace {

using namespace std::chrono_literals;
using K = Outbound::Kind;

Time utc(int y, unsigned mo, unsigned d, int h, int mi) {
  auto day = date::sys_days{date::year{y} / date::month{mo} / date::day{d}};
  return Time{std::chrono::duration_cast<std::chrono::milliseconds>(
      day.time_since_epoch() + std::chrono::hours(h) + std::chrono::minutes(mi))};
}

Catalog test_catalog() {
  auto lesson = [](std::string title) {
    return Lesson{std::move(title), parse_markdown("Text."), 0};
  };
  auto question = [](std::string id) {
    return Question{id, parse_markdown("Pick A for " + id), {"A", "B"}, 0, parse_markdown("A."), 0};
  };
  Course alpha;
  alpha.id = "alpha";
  alpha.title = "Alpha";
  alpha.summary = "First.";
  alpha.steps = {lesson("One"), lesson("Two"), question("q1")};
  Course gamma;
  gamma.id = "gamma";
  gamma.title = "Gamma";
  gamma.summary = "Other.";
  gamma.steps = {lesson("G1"), question("g1")};
  return Catalog({alpha, gamma});
}

const Catalog& catalog() {
  static const Catalog c = test_catalog();
  return c;
}

// One learner and a clock the test sets: events happen at now(), ticks use their due time's id.
class Learner : public testing::TestLearner {
 public:
  explicit Learner(ScheduleDefaults schedule = {})
      : TestLearner(catalog(), options(std::move(schedule))) {}

  Decision profile(std::string zone) {
    Inbound e;
    e.kind = Inbound::Kind::profile;
    e.learner = id();
    e.time_zone = std::move(zone);
    return apply(e);
  }
  // The scheduler's push, at the current time (as the engine builds it).
  Decision tick() {
    Inbound e;
    e.kind = Inbound::Kind::tick;
    e.learner = id();
    e.event_id = tick_event_id(e.learner, state().push.next_due);
    return decide(e);
  }
  // Moves the clock to the next due time and ticks.
  Decision tick_when_due() {
    EXPECT_NE(state().push.next_due, Time{}) << "nothing scheduled";
    at(state().push.next_due);
    return tick();
  }

  Time due() const { return state().push.next_due; }

 private:
  static Options options(ScheduleDefaults schedule) {
    Options o;
    o.schedule = std::move(schedule);
    o.start = utc(2024, 5, 10, 12, 0);  // a Friday
    return o;
  }
};

std::string text_of(const Decision& d) {
  std::string all;
  for (const auto& o : d.out) all += plain_text(o.body) + "\n";
  return all;
}

bool mentions(const Decision& d, const std::string& what) {
  return text_of(d).find(what) != std::string::npos;
}

std::vector<Button> all_buttons(const Outbound& o) {
  std::vector<Button> out;
  for (const auto& row : o.keyboard) out.insert(out.end(), row.begin(), row.end());
  return out;
}

TEST(Push, FirstEnrolmentSchedulesTheDailyPushAndExplainsIt) {
  Learner l;
  Decision d = l.command("start", "alpha");
  EXPECT_EQ(l.due(), utc(2024, 5, 11, 9, 30));  // DEFAULT_LESSON_TIME in DEFAULT_TZ
  EXPECT_TRUE(mentions(d, "Each day at 09:30 (UTC)")) << text_of(d);
  EXPECT_TRUE(mentions(d, "timezone Europe/Berlin")) << text_of(d);
  // Told once: a second course does not repeat it.
  Decision again = l.command("start", "gamma");
  EXPECT_FALSE(mentions(again, "Each day")) << text_of(again);
}

TEST(Push, FirstEnrolmentUsesTheZoneThePlatformGave) {
  ScheduleDefaults defaults;
  defaults.time_zone = "Europe/London";
  defaults.lesson_minute = 8 * 60;
  Learner l(defaults);
  l.profile("America/New_York");  // Slack's users.info
  Decision d = l.command("start", "alpha");
  EXPECT_TRUE(mentions(d, "Each day at 08:00 your time (America/New_York)")) << text_of(d);
  EXPECT_EQ(l.due(), utc(2024, 5, 11, 12, 0));  // 08:00 EDT
}

TEST(Push, NoCourseNoSchedule) {
  Learner l;
  l.command("start");
  l.command("help");
  EXPECT_EQ(l.due(), Time{});
}

TEST(Push, TickPushesTheCurrentStepToTheLearnersAddress) {
  Learner l;
  l.command("start", "alpha");
  l.state().address = {"test:1", "dm-42"};  // where pushes go: the last private chat
  Decision d = l.tick_when_due();
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].kind, K::send);
  EXPECT_EQ(d.out[0].to, (Address{"test:1", "dm-42"}));
  EXPECT_NE(plain_text(d.out[0].body).find("Lesson 1/2"), std::string::npos);
  EXPECT_EQ(d.out[0].key, "tick:test:1:42:" + std::to_string(to_millis(l.now())) + "#0");
  EXPECT_EQ(l.state().push.awaiting_since, utc(2024, 5, 11, 9, 30));
  EXPECT_EQ(l.state().push.reminders, 0);
  EXPECT_EQ(l.due(), utc(2024, 5, 11, 12, 30));  // the first reminder, 3 h later
}

TEST(Push, TickBeforeItsTimeChangesNothing) {
  Learner l;
  l.command("start", "alpha");
  LearnerState before = l.state();
  l.at(l.due() - 1min);  // a stale claim
  Decision d = l.tick();
  EXPECT_TRUE(d.out.empty());
  EXPECT_EQ(d.state, before);
}

TEST(Push, RemindersNudgeWithTheSameButtonThenPauseAndSayHowToResume) {
  Learner l;
  l.command("start", "alpha");
  Decision pushed = l.tick_when_due();  // Sat 09:30
  ASSERT_EQ(pushed.out.size(), 1u);
  const std::vector<Button> step_buttons = all_buttons(pushed.out[0]);

  Decision first = l.tick_when_due();  // 12:30
  EXPECT_EQ(l.now(), utc(2024, 5, 11, 12, 30));
  ASSERT_EQ(first.out.size(), 1u);
  EXPECT_TRUE(mentions(first, "Your lesson “One” in Alpha is waiting")) << text_of(first);
  EXPECT_EQ(all_buttons(first.out[0]), step_buttons);
  EXPECT_EQ(l.state().push.reminders, 1);
  EXPECT_EQ(l.due(), utc(2024, 5, 11, 18, 30));  // then 6 h later

  Decision second = l.tick_when_due();
  ASSERT_EQ(second.out.size(), 1u);
  EXPECT_EQ(all_buttons(second.out[0]), step_buttons);
  EXPECT_EQ(l.state().push.reminders, 2);
  EXPECT_EQ(l.due(), utc(2024, 5, 12, 9, 30));  // the next lesson time decides

  Decision paused = l.tick_when_due();
  EXPECT_TRUE(l.state().profile.paused);
  EXPECT_EQ(l.due(), Time{});
  EXPECT_TRUE(mentions(paused, "paused your daily lessons")) << text_of(paused);
  EXPECT_TRUE(mentions(paused, "resume")) << text_of(paused);
  EXPECT_EQ(l.state().enrollment("alpha")->step, 0);  // no new lesson piled up meanwhile

  // Any reply ends a pause the bot made: pushes start again from the next lesson time.
  l.at(utc(2024, 5, 13, 7, 0));
  l.press(Action{Action::Kind::next, "alpha", 0, 0});
  EXPECT_FALSE(l.state().profile.paused);
  EXPECT_EQ(l.state().push.awaiting_since, Time{});
  EXPECT_EQ(l.state().push.reminders, 0);
  EXPECT_EQ(l.due(), utc(2024, 5, 13, 9, 30));
}

TEST(Push, AQuestionNudgeRepeatsThePromptAndAnswers) {
  Learner l;
  l.command("start", "alpha");
  l.press(Action{Action::Kind::next, "alpha", 0, 0});
  l.press(Action{Action::Kind::next, "alpha", 1, 0});  // now at question q1
  l.tick_when_due();
  Decision nudge = l.tick_when_due();
  ASSERT_EQ(nudge.out.size(), 1u);
  EXPECT_TRUE(mentions(nudge, "Pick A for q1")) << text_of(nudge);
  // The question's buttons again, in the same shuffled order as when it was pushed.
  const auto order = option_order("test:1:42", "alpha", 1, "q1", 2);
  ASSERT_EQ(all_buttons(nudge.out[0]).size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(all_buttons(nudge.out[0])[i].data,
              encode(Action{Action::Kind::answer, "alpha", 2, order[i]}));
  }
}

TEST(Push, RemindersWaitForWakingHours) {
  ScheduleDefaults defaults;
  defaults.time_zone = "Europe/Berlin";
  defaults.lesson_minute = 20 * 60;
  Learner l(defaults);
  l.command("start", "alpha");
  l.tick_when_due();
  EXPECT_EQ(l.now(), utc(2024, 5, 10, 18, 0));  // Fri 20:00 CEST
  EXPECT_EQ(l.due(), utc(2024, 5, 11, 6, 0));   // 23:00 is too late: Sat 08:00 CEST
  l.tick_when_due();
  EXPECT_EQ(l.due(), utc(2024, 5, 11, 12, 0));  // 14:00 CEST
}

TEST(Push, AnUnansweredStepGetsANudgeInsteadOfANewLesson) {
  ScheduleDefaults defaults;
  defaults.reminder_gaps = {30h};  // longer than a day: the next lesson time comes first
  defaults.reminders_max = 1;
  Learner l(defaults);
  l.command("start", "alpha");
  l.tick_when_due();  // Sat 09:30: lesson One
  EXPECT_EQ(l.due(), utc(2024, 5, 12, 9, 30));
  Decision sunday = l.tick_when_due();
  ASSERT_EQ(sunday.out.size(), 1u);
  EXPECT_TRUE(mentions(sunday, "Your lesson “One”")) << text_of(sunday);
  EXPECT_FALSE(mentions(sunday, "Lesson 2/2")) << text_of(sunday);
  EXPECT_EQ(l.state().enrollment("alpha")->step, 0);
  Decision monday = l.tick_when_due();
  EXPECT_TRUE(l.state().profile.paused);
  EXPECT_TRUE(mentions(monday, "resume"));
}

TEST(Push, NoRemindersConfiguredPausesAtTheNextLessonTime) {
  ScheduleDefaults defaults;
  defaults.reminders_max = 0;
  Learner l(defaults);
  l.command("start", "alpha");
  l.tick_when_due();
  EXPECT_EQ(l.due(), utc(2024, 5, 12, 9, 30));
  l.tick_when_due();
  EXPECT_TRUE(l.state().profile.paused);
}

TEST(Push, AfterALongOutageOneCatchUpPushAndTheNextPlannedFromNow) {
  Learner l;
  l.command("start", "alpha");    // due Sat 11 May 09:30
  l.at(utc(2024, 5, 20, 15, 0));  // the bot was down for nine days
  Decision d = l.tick();
  ASSERT_EQ(d.out.size(), 1u);  // one push, not one per missed day
  EXPECT_EQ(l.state().push.awaiting_since, l.now());
  EXPECT_EQ(l.due(), utc(2024, 5, 20, 18, 0));  // a reminder from now, not from the old due
  // The same claim run again at the same moment is not due any more: nothing twice.
  Decision again = l.tick();
  EXPECT_TRUE(again.out.empty());
}

TEST(Push, ActingOnThePushClearsItAndSchedulesTomorrow) {
  Learner l;
  l.command("start", "alpha");
  l.tick_when_due();  // Sat 09:30
  l.at(utc(2024, 5, 11, 9, 45));
  Decision d = l.press(Action{Action::Kind::next, "alpha", 0, 0});
  EXPECT_TRUE(mentions(d, "Lesson 2/2"));
  EXPECT_EQ(l.state().push.awaiting_since, Time{});
  EXPECT_EQ(l.due(), utc(2024, 5, 12, 9, 30));
  Decision next = l.tick_when_due();
  EXPECT_TRUE(mentions(next, "Lesson 2/2")) << text_of(next);  // the step they are at
}

TEST(Push, PausedBlockedOrFinishedLearnersGetNothing) {
  struct Case {
    const char* name;
    void (*arrange)(LearnerState&);
  };
  const Case cases[] = {
      {"paused", [](LearnerState& s) { s.profile.paused = true; }},
      {"blocked", [](LearnerState& s) { s.profile.blocked = true; }},
      {"finished", [](LearnerState& s) { s.enrollments[0].status = Enrollment::Status::passed; }},
      {"course withdrawn from the catalogue",
       [](LearnerState& s) {
         s.enrollments[0].course = "gone";
         s.focus = "gone";
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Learner l;
    l.command("start", "alpha");
    c.arrange(l.state());
    l.at(l.due());
    Decision d = l.tick();
    EXPECT_TRUE(d.out.empty()) << text_of(d);
    EXPECT_EQ(l.due(), Time{});
  }
}

TEST(Push, TheNextActiveCourseIsPushedWhenTheFocusIsDone) {
  Learner l;
  l.command("start", "gamma");
  l.command("start", "alpha");
  // Alpha finished: the focus is cleared, gamma is still active.
  l.press(Action{Action::Kind::next, "alpha", 0, 0});
  l.press(Action{Action::Kind::next, "alpha", 1, 0});
  l.press(Action{Action::Kind::answer, "alpha", 2, 0});
  EXPECT_EQ(l.state().focus, "");
  ASSERT_NE(l.due(), Time{});
  Decision d = l.tick_when_due();
  EXPECT_TRUE(mentions(d, "Gamma · Lesson 1/1")) << text_of(d);
  EXPECT_EQ(l.state().focus, "gamma");
}

TEST(Push, CompletingTheLastCourseClearsTheSchedule) {
  Learner l;
  l.command("start", "gamma");
  EXPECT_NE(l.due(), Time{});
  l.press(Action{Action::Kind::next, "gamma", 0, 0});
  l.press(Action{Action::Kind::answer, "gamma", 1, 0});
  EXPECT_EQ(l.state().enrollment("gamma")->status, Enrollment::Status::passed);
  EXPECT_EQ(l.due(), Time{});
}

TEST(Push, PauseResumeAndStopByCommandOrWord) {
  struct Case {
    const char* name;
    bool slash;
  };
  for (const Case c :
       {Case{"Telegram command", true}, Case{"plain words (Slack, console)", false}}) {
    SCOPED_TRACE(c.name);
    Learner l;
    l.command("start", "alpha");
    auto say = [&](const std::string& word) { return c.slash ? l.command(word) : l.text(word); };
    Decision paused = say("pause");
    EXPECT_TRUE(l.state().profile.paused);
    EXPECT_EQ(l.due(), Time{});
    EXPECT_TRUE(mentions(paused, "resume")) << text_of(paused);
    // Talking while paused does not resume: the learner asked for the pause.
    l.command("progress");
    EXPECT_EQ(l.due(), Time{});

    Decision resumed = say("resume");
    EXPECT_FALSE(l.state().profile.paused);
    EXPECT_EQ(l.due(), utc(2024, 5, 11, 9, 30));
    EXPECT_TRUE(mentions(resumed, "back on")) << text_of(resumed);
    EXPECT_TRUE(mentions(resumed, "Next one: Sat 11 May 09:30")) << text_of(resumed);

    Decision stopped = say("stop");
    EXPECT_TRUE(l.state().profile.paused);
    EXPECT_EQ(l.due(), Time{});
    EXPECT_TRUE(mentions(stopped, "Stopped")) << text_of(stopped);
  }
}

TEST(Push, StopDuringRemindersStopsThemAtOnce) {
  Learner l;
  l.command("start", "alpha");
  l.tick_when_due();
  ASSERT_NE(l.due(), Time{});
  l.at(l.now() + 1h);
  l.text("stop");
  EXPECT_EQ(l.due(), Time{});
  EXPECT_EQ(l.state().push.awaiting_since, Time{});
}

TEST(Push, TimeCommandValidatesAndConfirmsTheNextPushInLocalTime) {
  Learner l;
  l.command("start", "alpha");
  l.command("timezone", "Europe/Berlin");
  Decision ok = l.command("time", "08:15");
  EXPECT_EQ(l.state().profile.lesson_minute, 495);
  EXPECT_TRUE(mentions(ok, "Daily lessons at 08:15 (Europe/Berlin), every day.")) << text_of(ok);
  EXPECT_TRUE(mentions(ok, "Next one: Sat 11 May 08:15")) << text_of(ok);
  EXPECT_EQ(l.due(), utc(2024, 5, 11, 6, 15));

  for (const char* bad : {"25:00", "8", "soon", "08:15:00"}) {
    SCOPED_TRACE(bad);
    Decision refused = l.command("time", bad);
    EXPECT_TRUE(mentions(refused, "24-hour clock")) << text_of(refused);
    EXPECT_EQ(l.state().profile.lesson_minute, 495);
  }
  Decision shown = l.text("time");
  EXPECT_TRUE(mentions(shown, "Daily lessons at 08:15")) << text_of(shown);
}

TEST(Push, TimeZoneCommandValidatesAgainstTheTzDatabase) {
  Learner l;
  l.command("start", "alpha");
  Decision ok = l.command("timezone", "america/new_york");
  EXPECT_EQ(l.state().profile.time_zone, "America/New_York");
  EXPECT_TRUE(l.state().profile.time_zone_chosen);
  EXPECT_TRUE(mentions(ok, "(America/New_York)")) << text_of(ok);
  EXPECT_EQ(l.due(), utc(2024, 5, 10, 13, 30));  // still today at 09:30 EDT

  Decision bad = l.text("timezone Mars/Olympus");
  EXPECT_TRUE(mentions(bad, "don't know the time zone “Mars/Olympus”")) << text_of(bad);
  EXPECT_EQ(l.state().profile.time_zone, "America/New_York");

  // The learner's choice wins over what the platform says later.
  l.profile("Asia/Tokyo");
  EXPECT_EQ(l.state().profile.time_zone, "America/New_York");
}

TEST(Push, APlatformZoneChangeMovesThePlannedPush) {
  Learner l;
  l.command("start", "alpha");
  EXPECT_EQ(l.due(), utc(2024, 5, 11, 9, 30));
  l.profile("Asia/Tokyo");
  EXPECT_EQ(l.due(), utc(2024, 5, 11, 0, 30));  // Sat 09:30 JST
}

TEST(Push, WeekdaysOnlySkipsTheWeekend) {
  Learner l;
  l.command("start", "alpha");
  Decision d = l.command("weekdays", "on");
  EXPECT_TRUE(l.state().profile.weekdays_only);
  EXPECT_TRUE(mentions(d, "Monday to Friday")) << text_of(d);
  EXPECT_EQ(l.due(), utc(2024, 5, 13, 9, 30));  // Friday noon -> Monday
  l.text("weekdays off");
  EXPECT_EQ(l.due(), utc(2024, 5, 11, 9, 30));
  Decision usage = l.command("weekdays", "maybe");
  EXPECT_TRUE(mentions(usage, "weekdays on")) << text_of(usage);
  EXPECT_FALSE(l.state().profile.weekdays_only);
}

TEST(Push, BlockedLearnerIsTakenOffTheScheduleUntilTheyTalkAgain) {
  Learner l;
  l.command("start", "alpha");
  l.tick_when_due();
  l.event(Inbound::Kind::blocked);
  EXPECT_TRUE(l.state().profile.blocked);
  EXPECT_EQ(l.due(), Time{});
  EXPECT_EQ(l.state().push.awaiting_since, Time{});
  l.command("continue");
  EXPECT_FALSE(l.state().profile.blocked);
  EXPECT_NE(l.due(), Time{});
}

TEST(Push, TickIdsNameTheLearnerAndTheDueTime) {
  EXPECT_EQ(tick_event_id("telegram:1:2", from_millis(1715419800000)),
            "tick:telegram:1:2:1715419800000");
}

}  // namespace
}  // namespace mc::core
