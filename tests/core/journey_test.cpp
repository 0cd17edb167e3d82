#include "bot/core/journey.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "bot/core/action.hpp"
#include "bot/core/shuffle.hpp"
#include "tests/core/test_learner.hpp"

namespace mc::core {
namespace {

Lesson lesson(std::string title, std::string body) {
  return Lesson{std::move(title), parse_markdown(body), 0};
}

Question question(std::string id, std::string prompt, std::vector<std::string> options,
                  int correct) {
  return Question{std::move(id),
                  parse_markdown(prompt),
                  std::move(options),
                  correct,
                  parse_markdown("Because " + std::to_string(correct) + "."),
                  0};
}

Catalog test_catalog() {
  Course alpha;
  alpha.id = "alpha";
  alpha.title = "Alpha";
  alpha.summary = "The first course.";
  alpha.minutes = 10;
  alpha.pass_mark = 50;
  alpha.steps = {lesson("One", "Lesson **one** with <tags> & stuff."), lesson("Two", "Lesson two."),
                 question("q1", "Pick B", {"A", "B", "C"}, 1),
                 question("q2", "Pick A", {"A", "B"}, 0)};
  Course beta;
  beta.id = "beta";
  beta.title = "Beta";
  beta.summary = "Builds on alpha.";
  beta.minutes = 5;
  beta.pass_mark = 100;
  beta.requires_courses = {"alpha"};
  beta.steps = {lesson("B1", "Beta lesson."), question("b1", "Pick C", {"A", "B", "C"}, 2)};
  Course gamma;
  gamma.id = "gamma";
  gamma.title = "Gamma";
  gamma.summary = "Independent.";
  gamma.minutes = 3;
  gamma.steps = {question("g1", "Pick A", {"A", "B"}, 0)};
  return Catalog({alpha, beta, gamma});
}

const Catalog& catalog() {
  static const Catalog c = test_catalog();
  return c;
}

// Drives one learner through events, as the engine would; the clock moves a minute per event.
class Learner : public testing::TestLearner {
 public:
  explicit Learner(std::string id = "test:1:42", bool group = false)
      : TestLearner(catalog(), options(std::move(id), group)) {}

  const Enrollment& enrollment(const std::string& course) const {
    const Enrollment* e = state().enrollment(course);
    EXPECT_NE(e, nullptr) << course;
    return *e;
  }

 private:
  static Options options(std::string id, bool group) {
    Options o;
    o.id = std::move(id);
    o.group = group;
    o.per_event = std::chrono::minutes(1);
    return o;
  }
};

std::vector<Outbound::Kind> kinds(const Decision& d) {
  std::vector<Outbound::Kind> k;
  for (const auto& o : d.out) k.push_back(o.kind);
  return k;
}

std::string text_of(const Outbound& o) { return plain_text(o.body); }

std::vector<std::string> buttons(const Outbound& o) {
  std::vector<std::string> labels;
  for (const auto& row : o.keyboard) {
    for (const auto& b : row) labels.push_back(b.label);
  }
  return labels;
}

bool has_button_data(const Outbound& o, const Action& a) {
  for (const auto& row : o.keyboard) {
    for (const auto& b : row) {
      if (b.data == encode(a)) return true;
    }
  }
  return false;
}

using K = Outbound::Kind;
const Action kNextA0{Action::Kind::next, "alpha", 0, 0};
const Action kNextA1{Action::Kind::next, "alpha", 1, 0};

Action answer(const std::string& course, int step, int option) {
  return Action{Action::Kind::answer, course, step, option};
}

// Takes alpha through both lessons so the next step is question q1 (step 2).
void to_first_question(Learner& l) {
  l.command("start", "alpha");
  l.press(kNextA0);
  l.press(kNextA1);
}

TEST(Journey, StartGreetsAndShowsCatalogue) {
  Learner l;
  Decision d = l.command("start");
  ASSERT_EQ(kinds(d), (std::vector{K::send, K::send}));
  EXPECT_NE(text_of(d.out[0]).find("Hi, Ada"), std::string::npos);
  const Outbound& catalogue = d.out[1];
  EXPECT_NE(text_of(catalogue).find("Alpha"), std::string::npos);
  EXPECT_NE(text_of(catalogue).find("🔒 requires Alpha"), std::string::npos);
  EXPECT_EQ(buttons(catalogue), (std::vector<std::string>{"Start Alpha", "Start Gamma"}));
  EXPECT_TRUE(has_button_data(catalogue, {Action::Kind::enrol, "alpha", 0, 0}));
  EXPECT_EQ(d.out[0].to, (Address{"test:1", "42"}));
}

TEST(Journey, DeepLinkEnrolsAndShowsFirstLesson) {
  Learner l;
  Decision d = l.command("start", "Alpha");
  ASSERT_EQ(kinds(d), (std::vector{K::send, K::send}));
  EXPECT_NE(text_of(d.out[0]).find("2 lessons · 2 questions · about 10 min · pass mark 50%"),
            std::string::npos);
  EXPECT_NE(text_of(d.out[1]).find("Lesson 1/2"), std::string::npos);
  EXPECT_NE(text_of(d.out[1]).find("Lesson one with <tags> & stuff."), std::string::npos);
  EXPECT_EQ(buttons(d.out[1]), (std::vector<std::string>{"Continue ▸"}));
  EXPECT_TRUE(has_button_data(d.out[1], kNextA0));
  EXPECT_EQ(l.state().focus, "alpha");
  EXPECT_EQ(l.enrollment("alpha").step, 0);
}

TEST(Journey, ContinueAcksRemovesButtonAndShowsNextStep) {
  Learner l;
  l.command("start", "alpha");
  Decision d = l.press(kNextA0, "msg-7");
  ASSERT_EQ(kinds(d), (std::vector{K::ack, K::edit, K::send}));
  EXPECT_EQ(d.out[0].ref, "cb1");
  EXPECT_EQ(d.out[1].ref, "msg-7");
  EXPECT_TRUE(d.out[1].keyboard.empty());
  EXPECT_NE(text_of(d.out[1]).find("Lesson 1/2"), std::string::npos);
  EXPECT_NE(text_of(d.out[2]).find("Lesson 2/2"), std::string::npos);
  EXPECT_EQ(buttons(d.out[2]), (std::vector<std::string>{"Quiz time ▸"}));
  EXPECT_EQ(l.enrollment("alpha").step, 1);
}

TEST(Journey, StalePressesOnlyAcknowledge) {
  struct Case {
    const char* name;
    Action action;
    std::string toast;
  };
  const Case cases[] = {
      {"lesson already continued", kNextA0, "Already done ✓"},
      {"question already answered", answer("alpha", 2, 1), "You already answered this question."},
      {"answer on a lesson step", answer("alpha", 0, 0), "You already answered this question."},
      {"course not enrolled", answer("gamma", 0, 0), "This button is no longer active."},
      {"unknown course", Action{Action::Kind::next, "zeta", 0, 0},
       "This button is no longer active."},
      {"step out of range", Action{Action::Kind::next, "alpha", 40, 0},
       "This button is no longer active."},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Learner l;
    to_first_question(l);
    l.press(answer("alpha", 2, 1));  // q1 answered, now at q2 (step 3)
    const Enrollment before = l.enrollment("alpha");
    Decision d = l.press(c.action);
    ASSERT_EQ(kinds(d), (std::vector{K::ack}));
    EXPECT_EQ(text_of(d.out[0]), c.toast);
    EXPECT_EQ(l.enrollment("alpha"), before);
  }
}

TEST(Journey, RightAnswerGetsFeedbackAndTheNextQuestion) {
  Learner l;
  to_first_question(l);
  Decision d = l.press(answer("alpha", 2, 1), "q-msg");
  ASSERT_EQ(kinds(d), (std::vector{K::ack, K::edit, K::send, K::send}));
  EXPECT_EQ(text_of(d.out[0]), "✅ Correct");
  EXPECT_EQ(d.out[1].ref, "q-msg");
  EXPECT_TRUE(d.out[1].keyboard.empty());
  EXPECT_NE(text_of(d.out[1]).find("Your answer: B ✅"), std::string::npos);
  EXPECT_NE(text_of(d.out[2]).find("✅ Correct!"), std::string::npos);
  EXPECT_NE(text_of(d.out[2]).find("Because 1."), std::string::npos);
  EXPECT_NE(text_of(d.out[3]).find("Question 2/2"), std::string::npos);
  // q2's options, in this learner's shuffled order for this attempt.
  const std::vector<std::string> options{"A", "B"};
  std::vector<std::string> shown;
  for (int i : option_order("test:1:42", "alpha", 1, "q2", 2)) {
    shown.push_back(options[static_cast<std::size_t>(i)]);
  }
  EXPECT_EQ(buttons(d.out[3]), shown);
  const Enrollment& e = l.enrollment("alpha");
  EXPECT_EQ(e.answered, 1);
  EXPECT_EQ(e.correct, 1);
  EXPECT_TRUE(e.missed.empty());
}

TEST(Journey, WrongAnswerShowsTheCorrectOneAndIsRemembered) {
  Learner l;
  to_first_question(l);
  Decision d = l.press(answer("alpha", 2, 2));
  EXPECT_EQ(text_of(d.out[0]), "❌ Not quite");
  EXPECT_NE(text_of(d.out[1]).find("Your answer: C ❌"), std::string::npos);
  EXPECT_NE(text_of(d.out[2]).find("The answer is: B"), std::string::npos);
  EXPECT_NE(text_of(d.out[2]).find("Because 1."), std::string::npos);
  EXPECT_EQ(l.enrollment("alpha").missed, std::vector<std::string>{"q1"});
}

TEST(Journey, DoublePressedAnswerCountsOnce) {
  Learner l;
  to_first_question(l);
  l.press(answer("alpha", 2, 1));
  Decision second = l.press(answer("alpha", 2, 0));
  EXPECT_EQ(kinds(second), (std::vector{K::ack}));
  EXPECT_EQ(l.enrollment("alpha").answered, 1);
  EXPECT_EQ(l.enrollment("alpha").correct, 1);
}

TEST(Journey, CompletionScoresAgainstThePassMark) {
  struct Case {
    const char* name;
    int q1, q2;
    Enrollment::Status status;
    const char* says;
    std::vector<std::string> buttons;
  };
  const Case cases[] = {
      {"both right",
       1,
       0,
       Enrollment::Status::passed,
       "Score: 2/2 (100%)",
       {"Start Beta", "All courses"}},
      {"half right meets 50%",
       2,
       0,
       Enrollment::Status::passed,
       "Score: 1/2 (50%)",
       {"Start Beta", "All courses"}},
      {"none right",
       0,
       1,
       Enrollment::Status::failed,
       "Score: 0/2 (0%)",
       {"Try again", "All courses"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Learner l;
    to_first_question(l);
    l.press(answer("alpha", 2, c.q1));
    Decision d = l.press(answer("alpha", 3, c.q2));
    const Outbound& last = d.out.back();
    EXPECT_NE(text_of(last).find(c.says), std::string::npos) << text_of(last);
    EXPECT_EQ(buttons(last), c.buttons);
    const Enrollment& e = l.enrollment("alpha");
    EXPECT_EQ(e.status, c.status);
    EXPECT_EQ(e.step, 4);
    EXPECT_EQ(l.state().passed("alpha"), c.status == Enrollment::Status::passed);
    EXPECT_TRUE(l.state().focus.empty());
  }
}

TEST(Journey, PrerequisiteLocksUntilPassed) {
  Learner l;
  Decision locked = l.command("start", "beta");
  ASSERT_EQ(locked.out.size(), 1u);
  EXPECT_NE(text_of(locked.out[0]).find("Beta builds on Alpha"), std::string::npos);
  EXPECT_EQ(buttons(locked.out[0]), (std::vector<std::string>{"Start Alpha"}));
  EXPECT_EQ(l.state().enrollment("beta"), nullptr);

  to_first_question(l);
  l.press(answer("alpha", 2, 1));
  l.press(answer("alpha", 3, 0));
  Decision open = l.press(Action{Action::Kind::enrol, "beta", 0, 0});
  EXPECT_NE(text_of(open.out.back()).find("Beta lesson."), std::string::npos);
  EXPECT_EQ(l.enrollment("beta").status, Enrollment::Status::active);
}

TEST(Journey, RetakeStartsANewAttemptAndKeepsTheBestScore) {
  Learner l;
  to_first_question(l);
  l.press(answer("alpha", 2, 1));
  l.press(answer("alpha", 3, 0));  // 100%
  Decision d = l.command("start", "alpha");
  EXPECT_NE(text_of(d.out[0]).find("attempt 2"), std::string::npos);
  const Enrollment& e = l.enrollment("alpha");
  EXPECT_EQ(e.status, Enrollment::Status::active);
  EXPECT_EQ(e.step, 0);
  EXPECT_EQ(e.answered, 0);
  EXPECT_EQ(e.best_score, 100);
  EXPECT_TRUE(l.state().passed("alpha"));  // a retake doesn't lock what it unlocked
}

TEST(Journey, SeveralCoursesAtOnce) {
  Learner l;
  to_first_question(l);
  l.command("start", "gamma");
  EXPECT_EQ(l.state().focus, "gamma");
  Decision d = l.press(answer("alpha", 2, 1));  // a button from the alpha message still works
  EXPECT_EQ(text_of(d.out[0]), "✅ Correct");
  EXPECT_EQ(l.state().focus, "alpha");
  l.press(answer("gamma", 0, 0));
  EXPECT_EQ(l.enrollment("gamma").status, Enrollment::Status::passed);
  EXPECT_EQ(l.enrollment("alpha").step, 3);
}

TEST(Journey, ResumingAnActiveCourseRepeatsTheCurrentStep) {
  Learner l;
  l.command("start", "alpha");
  l.press(kNextA0);
  Decision d = l.command("start", "alpha");
  ASSERT_EQ(d.out.size(), 2u);
  EXPECT_NE(text_of(d.out[0]).find("Welcome back"), std::string::npos);
  EXPECT_NE(text_of(d.out[1]).find("Lesson 2/2"), std::string::npos);
  EXPECT_EQ(l.enrollment("alpha").attempt, 1);
}

TEST(Journey, TypedOptionAnswersTheWaitingQuestion) {
  // A typed number or letter is the option's position as shown: q1's options are shuffled for
  // this learner and attempt, so find where the right one ("B", option 1) and a wrong one sit.
  const std::vector<int> shown = option_order("test:1:42", "alpha", 1, "q1", 3);
  const auto at = std::find(shown.begin(), shown.end(), 1) - shown.begin();
  const auto wrong = (at + 1) % 3;
  const std::string right_digit(1, static_cast<char>('1' + at));
  const std::string right_letter(1, static_cast<char>('a' + at));
  const std::string wrong_digit(1, static_cast<char>('1' + wrong));
  const std::string wrong_upper(1, static_cast<char>('A' + wrong));
  struct Case {
    std::string typed;
    bool right;
  };
  for (const Case& c : {Case{right_digit, true}, Case{right_letter, true}, Case{wrong_digit, false},
                        Case{wrong_upper, false}}) {
    SCOPED_TRACE(c.typed);
    Learner l;
    to_first_question(l);
    Decision d = l.text(c.typed);
    ASSERT_FALSE(d.out.empty());
    EXPECT_EQ(d.out[0].kind, K::send);  // no button, so nothing to ack or edit
    EXPECT_EQ(l.enrollment("alpha").correct, c.right ? 1 : 0);
    EXPECT_EQ(l.enrollment("alpha").step, 3);
  }
}

TEST(Journey, WordsAndCommandsMeanTheSame) {
  struct Case {
    const char* name;
    bool command;
    const char* word;
    const char* args;
    const char* says;
  };
  const Case cases[] = {
      {"/courses", true, "courses", "", "📚 Courses"},
      {"courses typed", false, "courses", "", "📚 Courses"},
      {"/progress empty", true, "progress", "", "You haven't started a course yet."},
      {"progress typed", false, "Progress", "", "You haven't started a course yet."},
      {"/help", true, "help", "", "How this works"},
      {"start word with id", false, "start gamma", "", "Question 1/1"},
      {"unknown command", true, "frobnicate", "", "I don't know the command /frobnicate"},
      {"unknown text", false, "hello there", "", "I didn't catch that."},
      {"unknown course", true, "start", "nope", "I don't know a course called “nope”"},
      {"continue with nothing", true, "continue", "", "You have no course in progress."},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Learner l;
    Decision d = c.command ? l.command(c.word, c.args) : l.text(c.word);
    std::string all;
    for (const auto& o : d.out) all += text_of(o) + "\n";
    EXPECT_NE(all.find(c.says), std::string::npos) << all;
  }
}

TEST(Journey, ProgressShowsBarsAndScores) {
  Learner l;
  to_first_question(l);
  std::string before = text_of(l.command("progress").out.at(0));
  EXPECT_NE(before.find("in progress · no questions answered yet"), std::string::npos) << before;
  l.press(answer("alpha", 2, 2));
  Decision d = l.command("progress");
  ASSERT_EQ(d.out.size(), 1u);
  std::string t = text_of(d.out[0]);
  EXPECT_NE(t.find("Alpha"), std::string::npos);
  EXPECT_NE(t.find("▓▓▓▓▓▓▓░░░ 75%"), std::string::npos) << t;
  EXPECT_NE(t.find("0/1 answers right so far"), std::string::npos) << t;
  EXPECT_EQ(buttons(d.out[0]), (std::vector<std::string>{"Continue Alpha", "All courses"}));
}

TEST(Journey, GroupChatsAreSentToAPrivateChat) {
  Learner l("test:1:42", /*group=*/true);
  Decision d = l.command("start", "alpha");
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_NE(text_of(d.out[0]).find("private chat"), std::string::npos);
  EXPECT_TRUE(l.state().enrollments.empty());
  EXPECT_TRUE(l.state().address.route.empty());  // pushes never go to the group
}

/// What `l` sends from a group chat it is in.
Inbound in_group(const Learner& l, Inbound::Kind kind, std::string text) {
  Inbound e;
  e.kind = kind;
  e.learner = l.id();
  e.reply_to = {"test:1", "-100"};
  e.group = true;
  e.text = std::move(text);
  if (kind == Inbound::Kind::press) e.interaction = "cb-group";
  return e;
}

TEST(Journey, TypedAnswerInAGroupChangesNothingAndSaysNothingAboutTheAnswer) {
  for (const char* typed : {"1", "2", "3", "b"}) {
    SCOPED_TRACE(typed);
    Learner l;
    to_first_question(l);  // a question waits in the private chat
    const LearnerState before = l.state();
    Decision d = l.apply(in_group(l, Inbound::Kind::text, typed));
    ASSERT_EQ(d.out.size(), 1u);
    EXPECT_EQ(d.out[0].to.chat, "-100");
    EXPECT_NE(text_of(d.out[0]).find("private chat"), std::string::npos);
    EXPECT_EQ(text_of(d.out[0]).find("Correct"), std::string::npos);
    EXPECT_EQ(text_of(d.out[0]).find("Not quite"), std::string::npos);
    EXPECT_EQ(l.enrollment("alpha").answered, 0);
    EXPECT_EQ(l.enrollment("alpha").step, before.enrollments[0].step);
  }
}

TEST(Journey, APressInAGroupChangesNothing) {
  Learner l;
  to_first_question(l);
  const Enrollment before = l.enrollment("alpha");
  Decision d = l.apply(in_group(l, Inbound::Kind::press, encode(answer("alpha", 2, 1))));
  ASSERT_EQ(kinds(d), (std::vector{K::ack, K::send}));
  EXPECT_NE(text_of(d.out[1]).find("private chat"), std::string::npos);
  EXPECT_EQ(l.enrollment("alpha"), before);
}

TEST(Journey, BlockedLearnerIsMarkedAndComesBack) {
  Learner l;
  l.command("start", "alpha");
  Decision blocked = l.event(Inbound::Kind::blocked);
  EXPECT_TRUE(blocked.out.empty());
  EXPECT_TRUE(l.state().profile.blocked);
  l.command("progress");
  EXPECT_FALSE(l.state().profile.blocked);
}

TEST(Journey, PlatformProfileSetsTheZoneUnlessTheLearnerChoseOne) {
  Learner l;
  Inbound profile;
  profile.kind = Inbound::Kind::profile;
  profile.learner = "test:1:42";
  profile.time_zone = "Asia/Tokyo";
  profile.display_name = "Ada L.";
  Decision d = l.apply(profile);
  EXPECT_TRUE(d.out.empty());
  EXPECT_EQ(l.state().profile.time_zone, "Asia/Tokyo");
  EXPECT_EQ(l.state().display_name, "Ada L.");

  LearnerState chosen = l.state();
  chosen.profile.time_zone = "Europe/Berlin";
  chosen.profile.time_zone_chosen = true;
  Decision kept = step(catalog(), chosen, profile, from_millis(0));
  EXPECT_EQ(kept.state.profile.time_zone, "Europe/Berlin");
}

TEST(Journey, ForgedButtonDataIsAcknowledgedOnly) {
  Learner l;
  Decision d = l.press_data("some_data");
  ASSERT_EQ(kinds(d), (std::vector{K::ack}));
  EXPECT_EQ(text_of(d.out[0]), "This button is no longer active.");
}

TEST(Journey, HomeIsPublishedWhenOpenedAndRefreshedOnProgress) {
  Learner l;
  EXPECT_TRUE(l.command("start", "alpha").out.size() == 2);  // no home before it was opened
  Decision opened = l.event(Inbound::Kind::home_opened);
  ASSERT_EQ(kinds(opened), (std::vector{K::home}));
  std::string home = text_of(opened.out[0]);
  EXPECT_NE(home.find("Your learning"), std::string::npos);
  EXPECT_NE(home.find("Next up in Alpha: lesson “One”"), std::string::npos) << home;
  EXPECT_EQ(buttons(opened.out[0]), (std::vector<std::string>{"Continue Alpha", "Start Gamma"}));

  Decision d = l.press(kNextA0);
  EXPECT_EQ(std::count_if(d.out.begin(), d.out.end(),
                          [](const Outbound& o) { return o.kind == K::home; }),
            1);
  EXPECT_NE(text_of(d.out.back()).find("Next up in Alpha: lesson “Two”"), std::string::npos);
}

TEST(Journey, KeysAreUniquePerMessageAndStablePerEvent) {
  Learner l;
  Decision d = l.command("start");
  ASSERT_EQ(d.out.size(), 2u);
  EXPECT_EQ(d.out[0].key, "ev1#0");
  EXPECT_EQ(d.out[1].key, "ev1#1");
  EXPECT_EQ(d.out[0].learner, "test:1:42");
}

TEST(Journey, EveryButtonFitsTelegramsLimit) {
  Learner l;
  for (const Decision& d : {l.command("start"), l.command("start", "alpha"), l.press(kNextA0),
                            l.press(kNextA1), l.command("progress")}) {
    for (const auto& o : d.out) {
      for (const auto& row : o.keyboard) {
        for (const auto& b : row) {
          EXPECT_LE(b.data.size(), kMaxActionBytes);
          EXPECT_TRUE(decode_action(b.data).has_value()) << b.data;
        }
      }
    }
  }
}

TEST(Journey, SameAnswersGiveTheSameScoreOnEveryPlatform) {
  auto run = [](const std::string& id) {
    Learner l(id);
    to_first_question(l);
    l.press(answer("alpha", 2, 2));
    l.press(answer("alpha", 3, 0));
    return l.enrollment("alpha");
  };
  Enrollment a = run("telegram:1:2");
  Enrollment b = run("slack:T1:U2");
  EXPECT_EQ(a.correct, b.correct);
  EXPECT_EQ(a.score_percent(), b.score_percent());
  EXPECT_EQ(a.status, b.status);
}

}  // namespace
}  // namespace mc::core
