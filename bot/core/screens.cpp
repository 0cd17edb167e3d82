#include "bot/core/screens.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "bot/core/action.hpp"
#include "bot/core/commands.hpp"
#include "bot/core/schedule.hpp"
#include "bot/core/shuffle.hpp"

namespace mc::core::screens {
namespace {

/// "▓▓▓▓░░░░░░" for a fraction in [0, 1].
std::string progress_bar(int done, int total) {
  constexpr int kCells = 10;
  int filled = total <= 0 ? 0 : std::clamp(done * kCells / total, 0, kCells);
  std::string bar;
  for (int i = 0; i < kCells; ++i) bar += i < filled ? "▓" : "░";
  return bar;
}

std::string enrol_data(const std::string& course) {
  return encode(Action{Action::Kind::enrol, course, 0, 0});
}
std::string catalog_data() { return encode(Action{Action::Kind::catalog, {}, 0, 0}); }

Block bullet(std::vector<Span> spans) { return Block{Block::Kind::bullet, std::move(spans), 0}; }
Block heading(std::string text) { return Block{Block::Kind::heading, {plain(std::move(text))}, 0}; }

/// Position of `step` among the steps of the same kind, 1-based ("Lesson 2 of 6").
int ordinal_of_kind(const Course& course, int step) {
  bool lesson = std::holds_alternative<Lesson>(course.steps[static_cast<std::size_t>(step)]);
  int n = 0;
  for (int i = 0; i <= step; ++i) {
    if (std::holds_alternative<Lesson>(course.steps[static_cast<std::size_t>(i)]) == lesson) ++n;
  }
  return n;
}

/// Titles of the courses `c` requires that the learner has not passed, comma-separated.
std::string requirement_titles(const Catalog& catalog, const LearnerState& state, const Course& c) {
  std::string out;
  for (const auto& id : c.requires_courses) {
    if (state.passed(id)) continue;
    const Course* req = catalog.find(id);
    if (!out.empty()) out += ", ";
    out += req != nullptr ? req->title : id;
  }
  return out;
}

/// The progress bullets, under their heading.
Doc progress_doc(const Catalog& catalog, const LearnerState& state) {
  Doc doc{paragraph({bold("📈 Your progress")})};
  for (const Enrollment& e : state.enrollments) {
    const Course* c = catalog.find(e.course);
    if (c == nullptr) continue;
    const int steps = static_cast<int>(c->steps.size());
    std::string status;
    switch (e.status) {
      case Enrollment::Status::active:
        status = e.answered == 0 ? "in progress · no questions answered yet"
                                 : "in progress · " + std::to_string(e.correct) + "/" +
                                       std::to_string(e.answered) + " answers right so far";
        break;
      case Enrollment::Status::passed:
        status = "✅ passed · score " + std::to_string(e.best_score) + "%";
        break;
      case Enrollment::Status::failed:
        status = e.ever_passed ? "✅ passed earlier · best " + std::to_string(e.best_score) + "%"
                               : "not passed · best " + std::to_string(e.best_score) +
                                     "% (pass mark " + std::to_string(c->pass_mark) + "%)";
        break;
    }
    int done = e.status == Enrollment::Status::active ? e.step : steps;
    doc.push_back(bullet({bold(c->title)}));
    doc.push_back(paragraph({code(progress_bar(done, steps)),
                             plain(" " + std::to_string(percent(done, steps)) + "% · " + status)}));
  }
  return doc;
}

/// The focus course's button, when there is a focus course.
Keyboard focus_keyboard(const Catalog& catalog, const LearnerState& state,
                        const Enrollment* focus) {
  Keyboard keyboard;
  if (focus != nullptr) keyboard.push_back({course_button(*catalog.find(focus->course), state)});
  return keyboard;
}

}  // namespace

std::string toast(Toast toast) {
  switch (toast) {
    case Toast::none:
      return "";
    case Toast::inactive_button:
      return "This button is no longer active.";
    case Toast::already_answered:
      return "You already answered this question.";
    case Toast::already_done:
      return "Already done ✓";
    case Toast::correct:
      return "✅ Correct";
    case Toast::not_quite:
      return "❌ Not quite";
  }
  return "";
}

// ---- overview -------------------------------------------------------------------------------

Doc private_chat_only() {
  return {
      paragraph("Courses run in a private chat with me, so your answers stay yours. "
                "Open a direct message with me and send /start.")};
}

Doc welcome(std::string_view display_name) {
  std::string name = display_name.empty() ? "" : ", " + std::string(display_name);
  return {paragraph({plain("👋 Hi" + name +
                           "! I teach one skill at a time in short lessons of "
                           "a few minutes, each followed by quick quiz questions.")}),
          paragraph("Pick a course to begin — you can take several at once.")};
}

Screen catalog(const Catalog& catalog, const LearnerState& state) {
  if (catalog.empty()) return {{paragraph("No courses are published yet.")}, {}};
  Screen screen{{paragraph({bold("📚 Courses")})}, {}};
  for (const Course& c : catalog.courses()) {
    const Enrollment* e = state.enrollment(c.id);
    screen.body.push_back(bullet({bold(c.title), plain(" — " + c.summary)}));
    std::string facts = std::to_string(c.lesson_count()) + " lessons · " +
                        std::to_string(c.question_count()) + " questions · ~" +
                        std::to_string(c.minutes) + " min";
    const bool open = prerequisites_met(c, state);
    if (!open) {
      facts += " · 🔒 requires " + requirement_titles(catalog, state, c);
    } else if (e != nullptr && e->status == Enrollment::Status::active) {
      facts += " · in progress";
    } else if (e != nullptr) {
      facts += e->ever_passed ? " · ✅ passed (" + std::to_string(e->best_score) + "%)"
                              : " · not passed yet";
    }
    screen.body.push_back(paragraph({italic(facts)}));
    if (open) screen.keyboard.push_back({course_button(c, state)});
  }
  return screen;
}

Screen progress(const Catalog& catalog, const LearnerState& state, const Enrollment* focus) {
  Keyboard keyboard = focus_keyboard(catalog, state, focus);
  keyboard.push_back({Button{"All courses", catalog_data()}});
  return {progress_doc(catalog, state), std::move(keyboard)};
}

Screen no_progress() {
  return {{paragraph("You haven't started a course yet.")},
          {{Button{"Browse courses", catalog_data()}}}};
}

Doc help() {
  Doc doc{paragraph({bold("How this works")}),
          paragraph("Each course is a handful of short lessons followed by quiz questions. Press "
                    "the buttons to move on and to answer; you can also type the option's number."),
          paragraph("Send any of these words (where your chat app has /commands, /courses and "
                    "the like work too):")};
  for (const CommandSpec& spec : commands()) {
    if (spec.usage.empty()) continue;
    std::vector<Span> spans;
    std::string_view usage = spec.usage;
    while (true) {
      std::size_t comma = usage.find(", ");
      spans.push_back(code(std::string(usage.substr(0, comma))));
      if (comma == std::string_view::npos) break;
      spans.push_back(plain(", "));
      usage.remove_prefix(comma + 2);
    }
    spans.push_back(plain(" — " + std::string(spec.help)));
    doc.push_back(bullet(std::move(spans)));
  }
  return doc;
}

Screen unknown_word(std::string_view word, bool is_command, const Catalog& catalog,
                    const LearnerState& state, const Enrollment* focus) {
  Doc doc;
  if (is_command) {
    doc.push_back(paragraph({plain("I don't know the command "), code("/" + std::string(word)),
                             plain(". Try courses, progress or help.")}));
  } else {
    doc.push_back(
        paragraph("I didn't catch that. Try courses to pick a course, progress to "
                  "see how you're doing, or help."));
  }
  return {std::move(doc), focus_keyboard(catalog, state, focus)};
}

Screen home(const Catalog& catalog, const LearnerState& state, const Enrollment* focus) {
  Screen screen{{heading("Your learning")}, {}};
  Doc& doc = screen.body;
  if (state.enrollments.empty()) {
    doc.push_back(paragraph("You haven't started a course yet — pick one below."));
  } else {
    Doc progress = progress_doc(catalog, state);
    doc.insert(doc.end(), progress.begin() + 1, progress.end());
    if (focus != nullptr) {
      const Course& c = *catalog.find(focus->course);
      const Step& next = c.steps[static_cast<std::size_t>(focus->step)];
      std::string what = std::holds_alternative<Lesson>(next)
                             ? "lesson “" + std::get<Lesson>(next).title + "”"
                             : "a quiz question";
      doc.push_back(paragraph({plain("Next up in "), bold(c.title), plain(": " + what)}));
    }
  }
  doc.push_back(heading("Courses"));
  for (const Course& c : catalog.courses()) {
    std::string facts = " — " + c.summary + " (~" + std::to_string(c.minutes) + " min)";
    const bool open = prerequisites_met(c, state);
    if (!open) facts += " 🔒 requires " + requirement_titles(catalog, state, c);
    doc.push_back(bullet({bold(c.title), plain(facts)}));
    if (open) screen.keyboard.push_back({course_button(c, state)});
  }
  return screen;
}

Button course_button(const Course& course, const LearnerState& state) {
  const Enrollment* e = state.enrollment(course.id);
  const char* verb = e == nullptr                              ? "Start "
                     : e->status == Enrollment::Status::active ? "Continue "
                                                               : "Retake ";
  return Button{verb + course.title, enrol_data(course.id)};
}

// ---- a course -------------------------------------------------------------------------------

Doc unknown_course(std::string_view course_id) {
  return {paragraph({plain("I don't know a course called “"), bold(std::string(course_id)),
                     plain("”. Here is what I can teach you:")})};
}

Screen locked_course(const Catalog& catalog, const LearnerState& state, const Course& course) {
  std::vector<Span> spans{plain("🔒 "), bold(course.title), plain(" builds on ")};
  Keyboard keyboard;
  bool first = true;
  for (const auto& req_id : course.requires_courses) {
    if (state.passed(req_id)) continue;
    const Course* req = catalog.find(req_id);
    std::string title = req != nullptr ? req->title : req_id;
    if (!first) spans.push_back(plain(" and "));
    spans.push_back(bold(title));
    first = false;
    if (req != nullptr && prerequisites_met(*req, state)) {
      keyboard.push_back({Button{"Start " + title, enrol_data(req_id)}});
    }
  }
  spans.push_back(plain(". Pass that first and this course unlocks."));
  return {{paragraph(std::move(spans))}, std::move(keyboard)};
}

Doc welcome_back(const Course& course) {
  return {paragraph({plain("Welcome back to "), bold(course.title), plain(".")})};
}

Doc starting_again(const Course& course, int attempt) {
  return {paragraph({plain("Starting "), bold(course.title), plain(" again — attempt "),
                     plain(std::to_string(attempt)), plain(". Good luck!")})};
}

Doc course_intro(const Course& course) {
  return {paragraph({plain("📚 "), bold(course.title)}), paragraph(course.summary),
          paragraph(std::to_string(course.lesson_count()) + " lessons · " +
                    std::to_string(course.question_count()) + " questions · about " +
                    std::to_string(course.minutes) + " min · pass mark " +
                    std::to_string(course.pass_mark) + "%")};
}

Doc step_body(const Course& course, int step) {
  const Step& s = course.steps[static_cast<std::size_t>(step)];
  Doc doc;
  if (const auto* lesson = std::get_if<Lesson>(&s)) {
    doc.push_back(paragraph(
        {plain("📘 " + course.title + " · Lesson " + std::to_string(ordinal_of_kind(course, step)) +
               "/" + std::to_string(course.lesson_count()))}));
    doc.push_back(heading(lesson->title));
    doc.insert(doc.end(), lesson->body.begin(), lesson->body.end());
  } else {
    const auto& q = std::get<Question>(s);
    doc.push_back(paragraph({plain("❓ " + course.title + " · Question " +
                                   std::to_string(ordinal_of_kind(course, step)) + "/" +
                                   std::to_string(course.question_count()))}));
    doc.insert(doc.end(), q.prompt.begin(), q.prompt.end());
  }
  return doc;
}

Keyboard step_keyboard(const Course& course, int step, std::string_view learner, int attempt) {
  const Step& s = course.steps[static_cast<std::size_t>(step)];
  Keyboard keyboard;
  if (const auto* q = std::get_if<Question>(&s)) {
    // Shown shuffled; each button carries its option's index, so the order is only what is seen.
    for (int option :
         option_order(learner, course.id, attempt, q->id, static_cast<int>(q->options.size()))) {
      keyboard.push_back({Button{q->options[static_cast<std::size_t>(option)],
                                 encode(Action{Action::Kind::answer, course.id, step, option})}});
    }
    return keyboard;
  }
  std::size_t next = static_cast<std::size_t>(step) + 1;
  std::string label = next >= course.steps.size()                            ? "Finish ▸"
                      : std::holds_alternative<Question>(course.steps[next]) ? "Quiz time ▸"
                                                                             : "Continue ▸";
  keyboard.push_back({Button{label, encode(Action{Action::Kind::next, course.id, step, 0})}});
  return keyboard;
}

Doc answered_question(const Course& course, int step, int option, bool right) {
  const auto& q = std::get<Question>(course.steps[static_cast<std::size_t>(step)]);
  Doc shown = step_body(course, step);
  shown.push_back(
      paragraph({plain("Your answer: "), bold(q.options[static_cast<std::size_t>(option)]),
                 plain(right ? " ✅" : " ❌")}));
  return shown;
}

Doc feedback(const Question& question, bool right) {
  Doc doc;
  if (right) {
    doc.push_back(paragraph({bold("✅ Correct!")}));
  } else {
    doc.push_back(paragraph({bold("❌ Not quite."), plain(" The answer is: "),
                             bold(question.options[static_cast<std::size_t>(question.correct)])}));
  }
  doc.insert(doc.end(), question.explanation.begin(), question.explanation.end());
  return doc;
}

Screen course_complete(const Catalog& catalog, const LearnerState& state, const Course& course,
                       const Enrollment& enrollment, int score, bool passed) {
  Screen screen;
  Doc& doc = screen.body;
  Keyboard& keyboard = screen.keyboard;
  std::string result = "Score: " + std::to_string(enrollment.correct) + "/" +
                       std::to_string(course.question_count()) + " (" + std::to_string(score) +
                       "%) — pass mark " + std::to_string(course.pass_mark) + "%.";
  if (passed) {
    doc.push_back(paragraph({plain("🎉 You completed "), bold(course.title), plain("!")}));
    doc.push_back(paragraph(result + " Passed ✅"));
    std::vector<Span> unlocked;
    for (const Course& next : catalog.courses()) {
      bool requires_this = std::find(next.requires_courses.begin(), next.requires_courses.end(),
                                     course.id) != next.requires_courses.end();
      if (!requires_this || !prerequisites_met(next, state) || state.enrollment(next.id)) {
        continue;
      }
      unlocked.push_back(unlocked.empty() ? plain("🔓 Unlocked: ") : plain(", "));
      unlocked.push_back(bold(next.title));
      keyboard.push_back({Button{"Start " + next.title, enrol_data(next.id)}});
    }
    if (!unlocked.empty()) doc.push_back(paragraph(std::move(unlocked)));
  } else {
    doc.push_back(paragraph({plain("You finished "), bold(course.title), plain(".")}));
    doc.push_back(paragraph(result + " Not passed this time — review the lessons and try "
                                     "again; only your best attempt counts."));
    keyboard.push_back({Button{"Try again", enrol_data(course.id)}});
  }
  keyboard.push_back({Button{"All courses", catalog_data()}});
  return screen;
}

Doc nothing_to_continue() { return {paragraph("You have no course in progress. Pick one:")}; }

// ---- the daily push -------------------------------------------------------------------------

Screen nudge(const Course& course, const Enrollment& enrollment, std::string_view learner) {
  const Step& s = course.steps[static_cast<std::size_t>(enrollment.step)];
  Doc doc;
  if (const auto* lesson = std::get_if<Lesson>(&s)) {
    doc.push_back(paragraph({plain("👋 Your lesson “"), bold(lesson->title), plain("” in "),
                             bold(course.title), plain(" is waiting — it takes a minute.")}));
  } else {
    const auto& q = std::get<Question>(s);
    doc.push_back(paragraph({plain("👋 A quick question in "), bold(course.title),
                             plain(" is waiting for your answer:")}));
    doc.insert(doc.end(), q.prompt.begin(), q.prompt.end());
  }
  return {std::move(doc), step_keyboard(course, enrollment.step, learner, enrollment.attempt)};
}

Screen paused_for_silence(const Course& course, const LearnerState& state) {
  return {{paragraph("⏸ I've paused your daily lessons, since the last ones went unanswered."),
           paragraph({plain("Whenever you're ready, continue below or send "), code("resume"),
                      plain(" and they start again.")})},
          {{course_button(course, state)}}};
}

Block schedule_intro(const ScheduleView& view) {
  const std::string when = format_clock(view.lesson_minute);
  if (!view.zone_known) {
    return paragraph({plain("⏰ Each day at " + when + " (" + view.zone +
                            ") I'll send you the next step. Not your time zone? Send "),
                      code("timezone Europe/Berlin"), plain(" with yours, and "),
                      code("time 08:15"), plain(" to pick the hour.")});
  }
  return paragraph({plain("⏰ Each day at " + when + " your time (" + view.zone +
                          ") I'll send you the next step; "),
                    code("time 08:15"), plain(" picks another hour.")});
}

Doc schedule(const ScheduleView& view) {
  Doc doc{paragraph({plain("⏰ Daily lessons at "), bold(format_clock(view.lesson_minute)),
                     plain(" (" + view.zone + "), " +
                           (view.weekdays_only ? "Monday to Friday." : "every day."))})};
  if (view.paused) {
    doc.push_back(
        paragraph({plain("⏸ Paused — send "), code("resume"), plain(" to get them again.")}));
  } else if (view.next != Time{}) {
    doc.push_back(
        paragraph({plain("Next one: "), bold(format_local(view.zone, view.next)), plain(".")}));
  } else {
    doc.push_back(paragraph(
        {plain("Start a course with "), code("courses"), plain(" and your lessons arrive then.")}));
  }
  return doc;
}

Doc time_not_understood(std::string_view args) {
  return {paragraph({plain("I didn't understand “" + std::string(args) +
                           "”. Send the time on a 24-hour clock, like "),
                     code("time 08:15"), plain(".")})};
}

Doc time_zone_hint(Doc schedule) {
  schedule.push_back(
      paragraph({plain("To change the time zone send "), code("timezone Europe/Berlin"),
                 plain(" with your zone's name from the tz database.")}));
  return schedule;
}

Doc unknown_time_zone(std::string_view args) {
  return {paragraph({plain("I don't know the time zone “" + std::string(args) +
                           "”. Use a name from the tz database, such as "),
                     code("Europe/Berlin"), plain(", "), code("America/New_York"), plain(" or "),
                     code("Asia/Kolkata"), plain(".")})};
}

Doc weekdays_hint() {
  return {paragraph({code("weekdays on"), plain(" keeps weekends free; "), code("weekdays off"),
                     plain(" sends lessons every day.")})};
}

Doc paused(bool stop) {
  if (stop) {
    return {paragraph("⏹ Stopped: no more lessons or reminders from me."),
            paragraph({plain("Your progress is kept. Send "), code("resume"),
                       plain(" to start them again.")})};
  }
  return {paragraph({plain("⏸ Paused. No daily lessons until you send "), code("resume"),
                     plain(" — your progress is kept.")})};
}

Doc resumed(const Doc& schedule) {
  Doc doc{paragraph("▶️ Daily lessons are back on.")};
  doc.insert(doc.end(), schedule.begin(), schedule.end());
  return doc;
}

}  // namespace mc::core::screens
