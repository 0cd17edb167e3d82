// The journey's rules: for each event, what changes in the learner's state and which screen is
// shown. The words are in screens.cpp, the command words in commands.cpp, the daily push in
// push.cpp.

#include "bot/core/journey.hpp"

#include <algorithm>

#include "bot/core/action.hpp"
#include "bot/core/commands.hpp"
#include "bot/core/conversation.hpp"
#include "bot/core/schedule.hpp"
#include "bot/core/shuffle.hpp"
#include "bot/core/text.hpp"

namespace mc::core {

using screens::Toast;

void Conversation::handle() {
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

// ---- what the learner said ----

void Conversation::on_text() {
  std::string_view text = trim(event_.text, kAsciiSpace);
  if (text.empty()) return;
  // Never in a group: "1" there would answer the learner's private question and post the
  // feedback, right answer included, for the whole group to read.
  if (!event_.group && try_typed_answer(text)) return;
  std::string_view word = text.substr(0, text.find_first_of(" \t\n"));
  std::string_view rest = trim(text.substr(word.size()), kAsciiSpace);
  if (!word.empty() && word.front() == '/') word.remove_prefix(1);
  on_words(lower(word), std::string(rest), false);
}

void Conversation::on_words(const std::string& word, const std::string& args, bool is_command) {
  if (event_.group) {
    say(screens::private_chat_only());
    return;
  }
  const std::optional<Command> command = find_command(word);
  if (!command) {
    unknown(word, is_command);
    return;
  }
  switch (*command) {
    case Command::start:
      if (args.empty()) {
        greet();
      } else {
        enrol(lower(args));
      }
      return;
    case Command::courses:
      show_catalog();
      return;
    case Command::progress:
      show_progress();
      return;
    case Command::help:
      say(screens::help());
      return;
    case Command::next:
      resume_focus();
      return;
    case Command::resume:
      resume_pushes();
      resume_focus();
      return;
    case Command::pause:
      pause_pushes(/*stop=*/false);
      return;
    case Command::stop:
      pause_pushes(/*stop=*/true);
      return;
    case Command::time:
      set_time(args);
      return;
    case Command::time_zone:
      set_time_zone(args);
      return;
    case Command::weekdays:
      set_weekdays(args);
      return;
    case Command::schedule:
      say(screens::schedule(schedule_view()));
      return;
  }
}

// "2" or "b" while a question waits: answer it, as if the button were pressed.
bool Conversation::try_typed_answer(std::string_view text) {
  if (text.size() != 1) return false;
  Enrollment* e = focus_enrollment();
  if (e == nullptr) return false;
  const Course* course = catalog_.find(e->course);
  if (e->step >= static_cast<int>(course->steps.size())) return false;
  const auto* q = std::get_if<Question>(&course->steps[static_cast<std::size_t>(e->step)]);
  if (q == nullptr) return false;
  const char c = lower(text)[0];
  int shown = -1;  // the position on screen, as the buttons are numbered
  if (c >= '1' && c <= '9') shown = c - '1';
  if (c >= 'a' && c <= 'h') shown = c - 'a';
  const int n = static_cast<int>(q->options.size());
  if (shown < 0 || shown >= n) return false;
  const int option =
      option_order(state_.id, course->id, e->attempt, q->id, n)[static_cast<std::size_t>(shown)];
  answer(*course, *e, e->step, option, /*origin=*/"");
  return true;
}

void Conversation::on_press() {
  if (event_.group) {  // buttons count only in the private chat
    ack(Toast::none);
    say(screens::private_chat_only());
    return;
  }
  auto action = decode_action(event_.text);
  if (!action) {
    ack(Toast::inactive_button);
    return;
  }
  switch (action->kind) {
    case Action::Kind::catalog:
      ack(Toast::none);
      show_catalog();
      return;
    case Action::Kind::progress:
      ack(Toast::none);
      show_progress();
      return;
    case Action::Kind::enrol:
      ack(Toast::none);
      enrol(action->course);
      return;
    case Action::Kind::next:
    case Action::Kind::answer:
      break;
  }
  const Course* course = catalog_.find(action->course);
  Enrollment* e = state_.enrollment(action->course);
  if (course == nullptr || e == nullptr || action->step >= static_cast<int>(course->steps.size())) {
    ack(Toast::inactive_button);
    return;
  }
  if (e->status != Enrollment::Status::active || action->step != e->step) {
    ack(action->kind == Action::Kind::answer ? Toast::already_answered : Toast::already_done);
    return;
  }
  const Step& current = course->steps[static_cast<std::size_t>(e->step)];
  if (action->kind == Action::Kind::next) {
    if (!std::holds_alternative<Lesson>(current)) {
      ack(Toast::inactive_button);
      return;
    }
    ack(Toast::none);
    state_.focus = course->id;
    // The lesson stays readable; only its button goes, so it can't be pressed twice.
    if (!event_.origin.empty()) edit(event_.origin, screens::step_body(*course, e->step), {});
    e->step += 1;
    present_current(*course, *e);
    return;
  }
  const auto* q = std::get_if<Question>(&current);
  if (q == nullptr || action->option >= static_cast<int>(q->options.size())) {
    ack(Toast::inactive_button);
    return;
  }
  answer(*course, *e, action->step, action->option, event_.origin);
}

// ---- the course flow ----

void Conversation::greet() {
  say(screens::welcome(state_.display_name));
  show_catalog();
}

void Conversation::enrol(const std::string& course_id) {
  const Course* course = catalog_.find(course_id);
  if (course == nullptr) {
    say(screens::unknown_course(course_id));
    show_catalog();
    return;
  }
  if (!prerequisites_met(*course, state_)) {
    say(screens::locked_course(catalog_, state_, *course));
    return;
  }
  state_.focus = course->id;
  Enrollment* e = state_.enrollment(course->id);
  if (e != nullptr && e->status == Enrollment::Status::active) {
    say(screens::welcome_back(*course));
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
    say(screens::starting_again(*course, e->attempt));
  } else {
    const bool first_course = state_.enrollments.empty();
    Enrollment fresh;
    fresh.course = course->id;
    fresh.started = now_;
    state_.enrollments.push_back(fresh);
    e = &state_.enrollments.back();
    Doc intro = screens::course_intro(*course);
    // Asked once, with the first course: when the daily push comes and how to move it.
    if (first_course) intro.push_back(screens::schedule_intro(schedule_view()));
    say(std::move(intro));
  }
  present_current(*course, *e);
}

void Conversation::answer(const Course& course, Enrollment& e, int step, int option,
                          const std::string& origin) {
  const auto& q = std::get<Question>(course.steps[static_cast<std::size_t>(step)]);
  const bool right = option == q.correct;
  ack(right ? Toast::correct : Toast::not_quite);
  state_.focus = course.id;
  e.answered += 1;
  if (right) {
    e.correct += 1;
  } else if (std::find(e.missed.begin(), e.missed.end(), q.id) == e.missed.end()) {
    e.missed.push_back(q.id);
  }
  if (!origin.empty()) edit(origin, screens::answered_question(course, step, option, right), {});
  say(screens::feedback(q, right));
  e.step = step + 1;
  present_current(course, e);
}

void Conversation::present_current(const Course& course, Enrollment& e) {
  if (e.step < static_cast<int>(course.steps.size())) {
    say(screens::step_body(course, e.step),
        screens::step_keyboard(course, e.step, state_.id, e.attempt));
    refresh_home();
    return;
  }
  complete(course, e);
}

void Conversation::complete(const Course& course, Enrollment& e) {
  const int total = course.question_count();
  const int score = percent(e.correct, total);
  const bool passed = total == 0 || score >= course.pass_mark;
  e.status = passed ? Enrollment::Status::passed : Enrollment::Status::failed;
  e.finished = now_;
  e.best_score = std::max(e.best_score, score);
  if (passed) e.ever_passed = true;
  if (state_.focus == course.id) state_.focus.clear();
  say(screens::course_complete(catalog_, state_, course, e, score, passed));
  refresh_home();
}

void Conversation::resume_focus() {
  Enrollment* e = focus_enrollment();
  if (e == nullptr) {
    say(screens::nothing_to_continue());
    show_catalog();
    return;
  }
  present_current(*catalog_.find(e->course), *e);
}

void Conversation::show_catalog() { say(screens::catalog(catalog_, state_)); }

void Conversation::show_progress() {
  if (state_.enrollments.empty()) {
    say(screens::no_progress());
    return;
  }
  say(screens::progress(catalog_, state_, focus_enrollment()));
}

void Conversation::unknown(const std::string& word, bool is_command) {
  say(screens::unknown_word(word, is_command, catalog_, state_, focus_enrollment()));
}

Enrollment* Conversation::focus_enrollment() {
  Enrollment* e = state_.focus.empty() ? nullptr : state_.enrollment(state_.focus);
  if (e == nullptr || e->status != Enrollment::Status::active ||
      catalog_.find(e->course) == nullptr) {
    return nullptr;
  }
  return e;
}

// ---- schedule commands ----

void Conversation::set_time(const std::string& args) {
  if (!args.empty()) {
    auto minute = parse_clock(args);
    if (!minute) {
      say(screens::time_not_understood(args));
      return;
    }
    state_.profile.lesson_minute = *minute;
  }
  say(screens::schedule(schedule_view()));
}

void Conversation::set_time_zone(const std::string& args) {
  if (args.empty()) {
    say(screens::time_zone_hint(screens::schedule(schedule_view())));
    return;
  }
  auto canonical = canonical_time_zone(args);
  if (!canonical) {
    say(screens::unknown_time_zone(args));
    return;
  }
  state_.profile.time_zone = *canonical;
  state_.profile.time_zone_chosen = true;
  say(screens::schedule(schedule_view()));
}

void Conversation::set_weekdays(const std::string& args) {
  const std::string value = lower(args);
  if (value == "on" || value == "yes" || value == "true") {
    state_.profile.weekdays_only = true;
  } else if (value == "off" || value == "no" || value == "false") {
    state_.profile.weekdays_only = false;
  } else {
    say(screens::weekdays_hint());
    return;
  }
  say(screens::schedule(schedule_view()));
}

void Conversation::pause_pushes(bool stop) {
  state_.profile.paused = true;
  say(screens::paused(stop));
}

void Conversation::resume_pushes() {
  if (!state_.profile.paused) return;
  state_.profile.paused = false;
  say(screens::resumed(screens::schedule(schedule_view())));
}

// ---- the entry points ----

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
