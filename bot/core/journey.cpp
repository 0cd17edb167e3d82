#include "bot/core/journey.hpp"

#include <algorithm>

#include "bot/core/action.hpp"
#include "bot/core/schedule.hpp"
#include "bot/core/text.hpp"

namespace mc::core {
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

int percent(int part, int whole) { return whole <= 0 ? 0 : part * 100 / whole; }

/// Position of `step` among the steps of the same kind, 1-based ("Lesson 2 of 6").
int ordinal_of_kind(const Course& course, int step) {
  bool lesson = std::holds_alternative<Lesson>(course.steps[static_cast<std::size_t>(step)]);
  int n = 0;
  for (int i = 0; i <= step; ++i) {
    if (std::holds_alternative<Lesson>(course.steps[static_cast<std::size_t>(i)]) == lesson) ++n;
  }
  return n;
}

bool prerequisites_met(const Course& course, const LearnerState& s) {
  return std::all_of(course.requires_courses.begin(), course.requires_courses.end(),
                     [&](const std::string& id) { return s.passed(id); });
}

// The conversation for one event: the state being changed and what is said, in order.
class Conversation {
 public:
  Conversation(const Catalog& catalog, const LearnerState& state, const Inbound& event, Time now,
               const ScheduleDefaults& schedule)
      : catalog_(catalog),
        event_(event),
        now_(now),
        schedule_(schedule),
        state_(state),
        // A push goes where the learner last talked to us from; a reply goes where they spoke.
        to_(event.kind == Inbound::Kind::tick ? state.address : event.reply_to) {}

  Decision finish() && {
    std::string base = event_.event_id.empty() ? state_.id + "@" + std::to_string(to_millis(now_))
                                               : event_.event_id;
    for (std::size_t i = 0; i < out_.size(); ++i) {
      out_[i].learner = state_.id;
      out_[i].key = base + "#" + std::to_string(i);
    }
    return Decision{std::move(state_), std::move(out_)};
  }

  void handle() {
    if (event_.kind == Inbound::Kind::blocked) {
      state_.profile.blocked = true;
      state_.push = PushState{};  // nothing more is pushed to someone we can't reach
      return;
    }
    if (event_.kind == Inbound::Kind::profile) {
      // Platform facts, not the learner speaking: no reply, and last_seen stays.
      if (!event_.display_name.empty()) state_.display_name = event_.display_name;
      if (!event_.time_zone.empty() && !state_.profile.time_zone_chosen &&
          event_.time_zone != state_.profile.time_zone) {
        state_.profile.time_zone = event_.time_zone;
        // A daily push planned on the old clock moves to the new one; a reminder stays.
        if (state_.push.next_due != Time{} && state_.push.awaiting_since == Time{}) {
          state_.push.next_due = plan_daily();
        }
      }
      return;
    }
    if (event_.kind == Inbound::Kind::tick) {
      on_tick();
      return;
    }
    state_.last_seen = now_;
    state_.profile.blocked = false;  // they talk to us again
    if (!event_.display_name.empty()) state_.display_name = event_.display_name;
    if (!event_.group && !event_.reply_to.route.empty()) state_.address = event_.reply_to;
    if (!event_.group) {
      // The learner acted: nothing is awaited any more. A pause we made because pushes went
      // unanswered (paused while still awaiting) ends when they reply; one they asked for stays.
      if (state_.profile.paused && state_.push.awaiting_since != Time{}) {
        state_.profile.paused = false;
      }
      state_.push.awaiting_since = Time{};
      state_.push.reminders = 0;
    }

    switch (event_.kind) {
      case Inbound::Kind::press:
        on_press();
        break;
      case Inbound::Kind::home_opened:
        state_.has_home = true;
        publish_home();
        break;
      case Inbound::Kind::command:
        on_words(lower(event_.name), std::string(trim(event_.text, kAsciiSpace)), true);
        break;
      case Inbound::Kind::text:
        on_text();
        break;
      case Inbound::Kind::blocked:
      case Inbound::Kind::profile:
      case Inbound::Kind::tick:
        break;
    }
    if (!event_.group) state_.push.next_due = plan_daily();
  }

 private:
  // ---- what the learner said ----

  void on_text() {
    std::string_view text = trim(event_.text, kAsciiSpace);
    if (text.empty()) return;
    if (try_typed_answer(text)) return;
    std::string_view word = text.substr(0, text.find_first_of(" \t\n"));
    std::string_view rest = trim(text.substr(word.size()), kAsciiSpace);
    if (!word.empty() && word.front() == '/') word.remove_prefix(1);
    on_words(lower(word), std::string(rest), false);
  }

  void on_words(const std::string& word, const std::string& args, bool is_command) {
    if (event_.group) {
      say(
          {paragraph("Courses run in a private chat with me, so your answers stay yours. "
                     "Open a direct message with me and send /start.")});
      return;
    }
    if (word == "start" || word == "learn" || word == "enrol" || word == "enroll") {
      if (args.empty()) {
        greet();
      } else {
        enrol(lower(args));
      }
    } else if (word == "courses" || word == "catalog" || word == "catalogue" || word == "list") {
      show_catalog();
    } else if (word == "progress" || word == "status") {
      show_progress();
    } else if (word == "help") {
      show_help();
    } else if (word == "continue" || word == "next") {
      resume_focus();
    } else if (word == "resume") {
      resume_pushes();
      resume_focus();
    } else if (word == "pause") {
      pause_pushes(/*stop=*/false);
    } else if (word == "stop") {
      pause_pushes(/*stop=*/true);
    } else if (word == "time") {
      set_time(args);
    } else if (word == "timezone" || word == "tz") {
      set_time_zone(args);
    } else if (word == "weekdays") {
      set_weekdays(args);
    } else if (word == "schedule") {
      say(schedule_doc());
    } else {
      unknown(word, is_command);
    }
  }

  // "2" or "b" while a question waits: answer it, as if the button were pressed.
  bool try_typed_answer(std::string_view text) {
    if (text.size() != 1) return false;
    Enrollment* e = focus_enrollment();
    if (e == nullptr) return false;
    const Course* course = catalog_.find(e->course);
    const Question* q = current_question(*course, *e);
    if (q == nullptr) return false;
    const char c = lower(text)[0];
    int option = -1;
    if (c >= '1' && c <= '9') option = c - '1';
    if (c >= 'a' && c <= 'h') option = c - 'a';
    if (option < 0 || option >= static_cast<int>(q->options.size())) return false;
    answer(*course, *e, e->step, option, /*origin=*/"");
    return true;
  }

  void on_press() {
    auto action = decode_action(event_.text);
    if (!action) {
      ack("This button is no longer active.");
      return;
    }
    switch (action->kind) {
      case Action::Kind::catalog:
        ack("");
        show_catalog();
        return;
      case Action::Kind::progress:
        ack("");
        show_progress();
        return;
      case Action::Kind::enrol:
        ack("");
        enrol(action->course);
        return;
      case Action::Kind::next:
      case Action::Kind::answer:
        break;
    }
    const Course* course = catalog_.find(action->course);
    Enrollment* e = state_.enrollment(action->course);
    if (course == nullptr || e == nullptr ||
        action->step >= static_cast<int>(course->steps.size())) {
      ack("This button is no longer active.");
      return;
    }
    if (e->status != Enrollment::Status::active || action->step != e->step) {
      ack(action->kind == Action::Kind::answer ? "You already answered this question."
                                               : "Already done ✓");
      return;
    }
    const Step& current = course->steps[static_cast<std::size_t>(e->step)];
    if (action->kind == Action::Kind::next) {
      if (!std::holds_alternative<Lesson>(current)) {
        ack("This button is no longer active.");
        return;
      }
      ack("");
      state_.focus = course->id;
      // The lesson stays readable; only its button goes, so it can't be pressed twice.
      if (!event_.origin.empty()) edit(event_.origin, step_body(*course, e->step), {});
      e->step += 1;
      present_current(*course, *e);
      return;
    }
    const auto* q = std::get_if<Question>(&current);
    if (q == nullptr || action->option >= static_cast<int>(q->options.size())) {
      ack("This button is no longer active.");
      return;
    }
    answer(*course, *e, action->step, action->option, event_.origin);
  }

  // ---- the course flow ----

  void enrol(const std::string& course_id) {
    const Course* course = catalog_.find(course_id);
    if (course == nullptr) {
      say({paragraph({plain("I don't know a course called “"), bold(course_id),
                      plain("”. Here is what I can teach you:")})});
      show_catalog();
      return;
    }
    if (!prerequisites_met(*course, state_)) {
      std::vector<Span> spans{plain("🔒 "), bold(course->title), plain(" builds on ")};
      Keyboard keyboard;
      bool first = true;
      for (const auto& req_id : course->requires_courses) {
        if (state_.passed(req_id)) continue;
        const Course* req = catalog_.find(req_id);
        std::string title = req != nullptr ? req->title : req_id;
        if (!first) spans.push_back(plain(" and "));
        spans.push_back(bold(title));
        first = false;
        if (req != nullptr && prerequisites_met(*req, state_)) {
          keyboard.push_back({Button{"Start " + title, enrol_data(req_id)}});
        }
      }
      spans.push_back(plain(". Pass that first and this course unlocks."));
      say({paragraph(std::move(spans))}, std::move(keyboard));
      return;
    }
    state_.focus = course->id;
    Enrollment* e = state_.enrollment(course->id);
    if (e != nullptr && e->status == Enrollment::Status::active) {
      say({paragraph({plain("Welcome back to "), bold(course->title), plain(".")})});
      present_current(*course, *e);
      return;
    }
    if (e != nullptr) {
      e->status = Enrollment::Status::active;
      e->step = 0;
      e->answered = 0;
      e->correct = 0;
      e->missed.clear();
      e->attempt += 1;
      e->started = now_;
      e->finished = Time{};
      say({paragraph({plain("Starting "), bold(course->title), plain(" again — attempt "),
                      plain(std::to_string(e->attempt)), plain(". Good luck!")})});
    } else {
      const bool first_course = state_.enrollments.empty();
      Enrollment fresh;
      fresh.course = course->id;
      fresh.started = now_;
      state_.enrollments.push_back(fresh);
      e = &state_.enrollments.back();
      Doc intro{paragraph({plain("📚 "), bold(course->title)}), paragraph(course->summary),
                paragraph(std::to_string(course->lesson_count()) + " lessons · " +
                          std::to_string(course->question_count()) + " questions · about " +
                          std::to_string(course->minutes) + " min · pass mark " +
                          std::to_string(course->pass_mark) + "%")};
      // Asked once, with the first course: when the daily push comes and how to move it.
      if (first_course) intro.push_back(schedule_intro());
      say(std::move(intro));
    }
    present_current(*course, *e);
  }

  void answer(const Course& course, Enrollment& e, int step, int option,
              const std::string& origin) {
    const auto& q = std::get<Question>(course.steps[static_cast<std::size_t>(step)]);
    const bool right = option == q.correct;
    ack(right ? "✅ Correct" : "❌ Not quite");
    state_.focus = course.id;
    e.answered += 1;
    if (right) {
      e.correct += 1;
    } else if (std::find(e.missed.begin(), e.missed.end(), q.id) == e.missed.end()) {
      e.missed.push_back(q.id);
    }
    if (!origin.empty()) {
      Doc shown = step_body(course, step);
      shown.push_back(
          paragraph({plain("Your answer: "), bold(q.options[static_cast<std::size_t>(option)]),
                     plain(right ? " ✅" : " ❌")}));
      edit(origin, std::move(shown), {});
    }
    Doc feedback;
    if (right) {
      feedback.push_back(paragraph({bold("✅ Correct!")}));
    } else {
      feedback.push_back(paragraph({bold("❌ Not quite."), plain(" The answer is: "),
                                    bold(q.options[static_cast<std::size_t>(q.correct)])}));
    }
    feedback.insert(feedback.end(), q.explanation.begin(), q.explanation.end());
    say(std::move(feedback));
    e.step = step + 1;
    present_current(course, e);
  }

  // Shows the step the learner is at, or the result when the course is done.
  void present_current(const Course& course, Enrollment& e) {
    if (e.step < static_cast<int>(course.steps.size())) {
      say(step_body(course, e.step), step_keyboard(course, e.step));
      refresh_home();
      return;
    }
    complete(course, e);
  }

  void complete(const Course& course, Enrollment& e) {
    const int total = course.question_count();
    const int score = percent(e.correct, total);
    const bool passed = total == 0 || score >= course.pass_mark;
    e.status = passed ? Enrollment::Status::passed : Enrollment::Status::failed;
    e.finished = now_;
    e.best_score = std::max(e.best_score, score);
    if (passed) e.ever_passed = true;
    if (state_.focus == course.id) state_.focus.clear();

    Doc doc;
    std::string result = "Score: " + std::to_string(e.correct) + "/" + std::to_string(total) +
                         " (" + std::to_string(score) + "%) — pass mark " +
                         std::to_string(course.pass_mark) + "%.";
    Keyboard keyboard;
    if (passed) {
      doc.push_back(paragraph({plain("🎉 You completed "), bold(course.title), plain("!")}));
      doc.push_back(paragraph(result + " Passed ✅"));
      std::vector<Span> unlocked;
      for (const Course& next : catalog_.courses()) {
        bool requires_this = std::find(next.requires_courses.begin(), next.requires_courses.end(),
                                       course.id) != next.requires_courses.end();
        if (!requires_this || !prerequisites_met(next, state_) || state_.enrollment(next.id)) {
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
    say(std::move(doc), std::move(keyboard));
    refresh_home();
  }

  void resume_focus() {
    Enrollment* e = focus_enrollment();
    if (e == nullptr) {
      say({paragraph("You have no course in progress. Pick one:")});
      show_catalog();
      return;
    }
    present_current(*catalog_.find(e->course), *e);
  }

  // ---- the daily push ----

  std::string zone() const { return effective_time_zone(state_.profile, schedule_); }
  int lesson_minute() const { return effective_lesson_minute(state_.profile, schedule_); }

  // The course a push continues: the focus course, else the first other active one.
  Enrollment* push_target() {
    if (Enrollment* e = focus_enrollment()) return e;
    for (Enrollment& e : state_.enrollments) {
      const Course* c = catalog_.find(e.course);
      if (e.status == Enrollment::Status::active && c != nullptr &&
          e.step < static_cast<int>(c->steps.size())) {
        return &e;
      }
    }
    return nullptr;
  }

  bool has_active_course() const {
    return std::any_of(state_.enrollments.begin(), state_.enrollments.end(), [&](const auto& e) {
      return e.status == Enrollment::Status::active && catalog_.find(e.course) != nullptr;
    });
  }

  // The next daily push from now, or epoch when nothing is to be pushed.
  Time plan_daily() const {
    if (state_.profile.blocked || state_.profile.paused || !has_active_course()) return Time{};
    return next_lesson_time(zone(), lesson_minute(), state_.profile.weekdays_only, now_);
  }

  // After a push or the `sent`-th reminder: the next reminder, never later than the next daily
  // lesson time (where a nudge then stands in for a new lesson); after the last reminder, the
  // next lesson time, when an unanswered push pauses the learner.
  Time plan_after_push(int sent) const {
    Time lesson = next_lesson_time(zone(), lesson_minute(), state_.profile.weekdays_only, now_);
    if (sent >= schedule_.reminders_max) return lesson;
    return std::min(lesson, reminder_time(zone(), now_, sent + 1, schedule_));
  }

  void on_tick() {
    PushState& push = state_.push;
    if (push.next_due == Time{} || push.next_due > now_) return;  // not due: a stale claim
    Enrollment* e = state_.profile.blocked || state_.profile.paused ? nullptr : push_target();
    if (e == nullptr) {
      push.next_due = Time{};
      return;
    }
    const Course& course = *catalog_.find(e->course);
    if (push.awaiting_since != Time{}) {
      if (push.reminders < schedule_.reminders_max) {
        push.reminders += 1;
        nudge(course, *e);
        push.next_due = plan_after_push(push.reminders);
        return;
      }
      // Still no answer after every reminder: stop pushing until they reply. awaiting_since
      // stays set, which marks the pause as ours (any reply ends it).
      state_.profile.paused = true;
      push.next_due = Time{};
      say({paragraph("⏸ I've paused your daily lessons, since the last ones went unanswered."),
           paragraph({plain("Whenever you're ready, continue below or send "), code("resume"),
                      plain(" and they start again.")})},
          {{course_button(course)}});
      return;
    }
    // One push, however long it was overdue (after an outage): the next one is planned from now.
    state_.focus = course.id;
    present_current(course, *e);
    push.awaiting_since = now_;
    push.reminders = 0;
    push.next_due = plan_after_push(0);
  }

  // A short reminder carrying the awaited step's buttons again.
  void nudge(const Course& course, const Enrollment& e) {
    const Step& s = course.steps[static_cast<std::size_t>(e.step)];
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
    say(std::move(doc), step_keyboard(course, e.step));
  }

  // ---- schedule commands ----

  Block schedule_intro() const {
    const std::string when = format_clock(lesson_minute());
    if (state_.profile.time_zone.empty() || !valid_time_zone(state_.profile.time_zone)) {
      return paragraph({plain("⏰ Each day at " + when + " (" + zone() +
                              ") I'll send you the next step. Not your time zone? Send "),
                        code("timezone Europe/Berlin"), plain(" with yours, and "),
                        code("time 08:15"), plain(" to pick the hour.")});
    }
    return paragraph({plain("⏰ Each day at " + when + " your time (" + zone() +
                            ") I'll send you the next step; "),
                      code("time 08:15"), plain(" picks another hour.")});
  }

  Doc schedule_doc() const {
    Doc doc{
        paragraph({plain("⏰ Daily lessons at "), bold(format_clock(lesson_minute())),
                   plain(" (" + zone() + "), " +
                         (state_.profile.weekdays_only ? "Monday to Friday." : "every day."))})};
    if (state_.profile.paused) {
      doc.push_back(
          paragraph({plain("⏸ Paused — send "), code("resume"), plain(" to get them again.")}));
    } else if (Time next = plan_daily(); next != Time{}) {
      doc.push_back(paragraph({plain("Next one: "), bold(format_local(zone(), next)), plain(".")}));
    } else {
      doc.push_back(paragraph({plain("Start a course with "), code("courses"),
                               plain(" and your lessons arrive then.")}));
    }
    return doc;
  }

  void set_time(const std::string& args) {
    if (args.empty()) {
      say(schedule_doc());
      return;
    }
    auto minute = parse_clock(args);
    if (!minute) {
      say({paragraph(
          {plain("I didn't understand “" + args + "”. Send the time on a 24-hour clock, like "),
           code("time 08:15"), plain(".")})});
      return;
    }
    state_.profile.lesson_minute = *minute;
    say(schedule_doc());
  }

  void set_time_zone(const std::string& args) {
    if (args.empty()) {
      Doc doc = schedule_doc();
      doc.push_back(
          paragraph({plain("To change the time zone send "), code("timezone Europe/Berlin"),
                     plain(" with your zone's name from the tz database.")}));
      say(std::move(doc));
      return;
    }
    auto canonical = canonical_time_zone(args);
    if (!canonical) {
      say({paragraph({plain("I don't know the time zone “" + args +
                            "”. Use a name from the tz database, such as "),
                      code("Europe/Berlin"), plain(", "), code("America/New_York"), plain(" or "),
                      code("Asia/Kolkata"), plain(".")})});
      return;
    }
    state_.profile.time_zone = *canonical;
    state_.profile.time_zone_chosen = true;
    say(schedule_doc());
  }

  void set_weekdays(const std::string& args) {
    const std::string value = lower(args);
    if (value == "on" || value == "yes" || value == "true") {
      state_.profile.weekdays_only = true;
    } else if (value == "off" || value == "no" || value == "false") {
      state_.profile.weekdays_only = false;
    } else {
      say({paragraph({code("weekdays on"), plain(" keeps weekends free; "), code("weekdays off"),
                      plain(" sends lessons every day.")})});
      return;
    }
    say(schedule_doc());
  }

  void pause_pushes(bool stop) {
    state_.profile.paused = true;
    if (stop) {
      say({paragraph("⏹ Stopped: no more lessons or reminders from me."),
           paragraph({plain("Your progress is kept. Send "), code("resume"),
                      plain(" to start them again.")})});
    } else {
      say({paragraph({plain("⏸ Paused. No daily lessons until you send "), code("resume"),
                      plain(" — your progress is kept.")})});
    }
  }

  void resume_pushes() {
    if (!state_.profile.paused) return;
    state_.profile.paused = false;
    Doc doc{paragraph("▶️ Daily lessons are back on.")};
    Doc schedule = schedule_doc();
    doc.insert(doc.end(), schedule.begin(), schedule.end());
    say(std::move(doc));
  }

  // ---- what a step looks like ----

  Doc step_body(const Course& course, int step) const {
    const Step& s = course.steps[static_cast<std::size_t>(step)];
    Doc doc;
    if (const auto* lesson = std::get_if<Lesson>(&s)) {
      doc.push_back(paragraph({plain("📘 " + course.title + " · Lesson " +
                                     std::to_string(ordinal_of_kind(course, step)) + "/" +
                                     std::to_string(course.lesson_count()))}));
      doc.push_back(Block{Block::Kind::heading, {plain(lesson->title)}, 0});
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

  Keyboard step_keyboard(const Course& course, int step) const {
    const Step& s = course.steps[static_cast<std::size_t>(step)];
    Keyboard keyboard;
    if (const auto* q = std::get_if<Question>(&s)) {
      for (std::size_t i = 0; i < q->options.size(); ++i) {
        keyboard.push_back({Button{q->options[i], encode(Action{Action::Kind::answer, course.id,
                                                                step, static_cast<int>(i)})}});
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

  const Question* current_question(const Course& course, const Enrollment& e) const {
    if (e.status != Enrollment::Status::active || e.step >= static_cast<int>(course.steps.size())) {
      return nullptr;
    }
    return std::get_if<Question>(&course.steps[static_cast<std::size_t>(e.step)]);
  }

  Enrollment* focus_enrollment() {
    Enrollment* e = state_.focus.empty() ? nullptr : state_.enrollment(state_.focus);
    if (e == nullptr || e->status != Enrollment::Status::active ||
        catalog_.find(e->course) == nullptr) {
      return nullptr;
    }
    return e;
  }

  // ---- overview screens ----

  void greet() {
    std::string name = state_.display_name.empty() ? "" : ", " + state_.display_name;
    say({paragraph({plain("👋 Hi" + name +
                          "! I teach one skill at a time in short lessons of "
                          "a few minutes, each followed by quick quiz questions.")}),
         paragraph("Pick a course to begin — you can take several at once.")});
    show_catalog();
  }

  void show_catalog() {
    if (catalog_.empty()) {
      say({paragraph("No courses are published yet.")});
      return;
    }
    Doc doc{paragraph({bold("📚 Courses")})};
    Keyboard keyboard;
    for (const Course& c : catalog_.courses()) {
      const Enrollment* e = state_.enrollment(c.id);
      std::vector<Span> line{bold(c.title), plain(" — " + c.summary)};
      doc.push_back(Block{Block::Kind::bullet, std::move(line), 0});
      std::string facts = std::to_string(c.lesson_count()) + " lessons · " +
                          std::to_string(c.question_count()) + " questions · ~" +
                          std::to_string(c.minutes) + " min";
      const bool open = prerequisites_met(c, state_);
      if (!open) {
        facts += " · 🔒 requires " + requirement_titles(c);
      } else if (e != nullptr && e->status == Enrollment::Status::active) {
        facts += " · in progress";
      } else if (e != nullptr) {
        facts += e->ever_passed ? " · ✅ passed (" + std::to_string(e->best_score) + "%)"
                                : " · not passed yet";
      }
      doc.push_back(paragraph({italic(facts)}));
      if (open) keyboard.push_back({course_button(c)});
    }
    say(std::move(doc), std::move(keyboard));
  }

  // "Start", "Continue" or "Retake" the course, as the learner's enrolment stands.
  Button course_button(const Course& c) const {
    const Enrollment* e = state_.enrollment(c.id);
    const char* verb = e == nullptr                              ? "Start "
                       : e->status == Enrollment::Status::active ? "Continue "
                                                                 : "Retake ";
    return Button{verb + c.title, enrol_data(c.id)};
  }

  std::string requirement_titles(const Course& c) const {
    std::string out;
    for (const auto& id : c.requires_courses) {
      if (state_.passed(id)) continue;
      const Course* req = catalog_.find(id);
      if (!out.empty()) out += ", ";
      out += req != nullptr ? req->title : id;
    }
    return out;
  }

  Doc progress_doc() const {
    Doc doc{paragraph({bold("📈 Your progress")})};
    for (const Enrollment& e : state_.enrollments) {
      const Course* c = catalog_.find(e.course);
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
      doc.push_back(Block{Block::Kind::bullet, {bold(c->title)}, 0});
      doc.push_back(
          paragraph({code(progress_bar(done, steps)),
                     plain(" " + std::to_string(percent(done, steps)) + "% · " + status)}));
    }
    return doc;
  }

  void show_progress() {
    if (state_.enrollments.empty()) {
      say({paragraph("You haven't started a course yet.")},
          {{Button{"Browse courses", catalog_data()}}});
      return;
    }
    Keyboard keyboard;
    if (Enrollment* e = focus_enrollment())
      keyboard.push_back({course_button(*catalog_.find(e->course))});
    keyboard.push_back({Button{"All courses", catalog_data()}});
    say(progress_doc(), std::move(keyboard));
  }

  void show_help() {
    say({paragraph({bold("How this works")}),
         paragraph("Each course is a handful of short lessons followed by quiz questions. Press "
                   "the buttons to move on and to answer; you can also type the option's number."),
         paragraph("Send any of these words (where your chat app has /commands, /courses and "
                   "the like work too):"),
         Block{Block::Kind::bullet, {code("courses"), plain(" — what you can learn")}, 0},
         Block{Block::Kind::bullet,
               {code("start <course>"), plain(" — start or resume a course")},
               0},
         Block{Block::Kind::bullet, {code("progress"), plain(" — your courses and scores")}, 0},
         Block{Block::Kind::bullet, {code("continue"), plain(" — pick up where you left off")}, 0},
         Block{Block::Kind::bullet,
               {code("time 08:15"), plain(" — when your daily lesson comes")},
               0},
         Block{
             Block::Kind::bullet, {code("timezone Europe/Berlin"), plain(" — your time zone")}, 0},
         Block{Block::Kind::bullet,
               {code("weekdays on"), plain(" — daily lessons Monday to Friday only")},
               0},
         Block{Block::Kind::bullet,
               {code("pause"), plain(", "), code("resume"), plain(", "), code("stop"),
                plain(" — pause, resume or stop the daily lessons")},
               0},
         Block{Block::Kind::bullet, {code("help"), plain(" — this message")}, 0}});
  }

  void unknown(const std::string& word, bool is_command) {
    Doc doc;
    if (is_command) {
      doc.push_back(paragraph({plain("I don't know the command "), code("/" + word),
                               plain(". Try courses, progress or help.")}));
    } else {
      doc.push_back(
          paragraph("I didn't catch that. Try courses to pick a course, progress to "
                    "see how you're doing, or help."));
    }
    Keyboard keyboard;
    if (Enrollment* e = focus_enrollment())
      keyboard.push_back({course_button(*catalog_.find(e->course))});
    say(std::move(doc), std::move(keyboard));
  }

  // The home view: progress, what's next, and the catalogue.
  void publish_home() {
    Doc doc{Block{Block::Kind::heading, {plain("Your learning")}, 0}};
    Keyboard keyboard;
    if (state_.enrollments.empty()) {
      doc.push_back(paragraph("You haven't started a course yet — pick one below."));
    } else {
      Doc progress = progress_doc();
      doc.insert(doc.end(), progress.begin() + 1, progress.end());
      if (Enrollment* e = focus_enrollment()) {
        const Course& c = *catalog_.find(e->course);
        const Step& next = c.steps[static_cast<std::size_t>(e->step)];
        std::string what = std::holds_alternative<Lesson>(next)
                               ? "lesson “" + std::get<Lesson>(next).title + "”"
                               : "a quiz question";
        doc.push_back(paragraph({plain("Next up in "), bold(c.title), plain(": " + what)}));
      }
    }
    doc.push_back(Block{Block::Kind::heading, {plain("Courses")}, 0});
    for (const Course& c : catalog_.courses()) {
      std::string facts = " — " + c.summary + " (~" + std::to_string(c.minutes) + " min)";
      if (!prerequisites_met(c, state_)) facts += " 🔒 requires " + requirement_titles(c);
      doc.push_back(Block{Block::Kind::bullet, {bold(c.title), plain(facts)}, 0});
      if (prerequisites_met(c, state_)) keyboard.push_back({course_button(c)});
    }
    out_.push_back(make(Outbound::Kind::home, state_.address, std::move(doc), std::move(keyboard)));
  }

  void refresh_home() {
    if (!state_.has_home) return;
    // One home view per event is enough: drop an earlier one from this event.
    std::erase_if(out_, [](const Outbound& o) { return o.kind == Outbound::Kind::home; });
    publish_home();
  }

  // ---- saying things ----

  Outbound make(Outbound::Kind kind, Address to, Doc body, Keyboard keyboard,
                std::string ref = {}) const {
    Outbound o;
    o.kind = kind;
    o.to = std::move(to);
    o.body = std::move(body);
    o.keyboard = std::move(keyboard);
    o.ref = std::move(ref);
    return o;
  }

  void say(Doc body, Keyboard keyboard = {}) {
    out_.push_back(make(Outbound::Kind::send, to_, std::move(body), std::move(keyboard)));
  }

  void edit(const std::string& ref, Doc body, Keyboard keyboard) {
    out_.push_back(make(Outbound::Kind::edit, to_, std::move(body), std::move(keyboard), ref));
  }

  // Every press is acknowledged exactly once (Telegram shows a spinner until then).
  void ack(const std::string& toast) {
    if (event_.interaction.empty() || acked_) return;
    acked_ = true;
    Doc body;
    if (!toast.empty()) body.push_back(paragraph(toast));
    out_.insert(out_.begin(),
                make(Outbound::Kind::ack, to_, std::move(body), {}, event_.interaction));
  }

  const Catalog& catalog_;
  const Inbound& event_;
  Time now_;
  const ScheduleDefaults& schedule_;
  LearnerState state_;
  Address to_;
  std::vector<Outbound> out_;
  bool acked_ = false;
};

}  // namespace

LearnerState new_learner(const Inbound& first, Time now) {
  LearnerState s;
  s.id = first.learner;
  s.display_name = first.display_name;
  if (!first.group) s.address = first.reply_to;
  s.created = now;
  s.last_seen = now;
  return s;
}

Decision step(const Catalog& catalog, const LearnerState& state, const Inbound& event, Time now) {
  static const ScheduleDefaults kDefaults;
  return step(catalog, state, event, now, kDefaults);
}

Decision step(const Catalog& catalog, const LearnerState& state, const Inbound& event, Time now,
              const ScheduleDefaults& schedule) {
  Conversation conversation(catalog, state, event, now, schedule);
  conversation.handle();
  return std::move(conversation).finish();
}

std::string tick_event_id(std::string_view learner, Time due) {
  return "tick:" + std::string(learner) + ":" + std::to_string(to_millis(due));
}

}  // namespace mc::core
