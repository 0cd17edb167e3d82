#pragma once

// Internal to bot/core: the conversation for one event, shared by the journey (what the learner
// says, journey.cpp), the daily push (push.cpp) and the plumbing of saying things
// (conversation.cpp). Outside the core, use journey.hpp.

#include <string>
#include <vector>

#include "bot/core/journey.hpp"
#include "bot/core/screens.hpp"

namespace mc::core {

/// The state being changed by one event and what is said, in order.
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

  void handle();         ///< journey.cpp
  Decision finish() &&;  ///< conversation.cpp: keys set

 private:
  // ---- what the learner said (journey.cpp) ----
  void on_text();
  void on_words(const std::string& word, const std::string& args, bool is_command);
  bool try_typed_answer(std::string_view text);
  void on_press();

  // ---- the course flow (journey.cpp) ----
  void greet();
  void enrol(const std::string& course_id);
  void answer(const Course& course, Enrollment& e, int step, int option, const std::string& origin);
  /// Shows the step the learner is at, or the result when the course is done.
  void present_current(const Course& course, Enrollment& e);
  void complete(const Course& course, Enrollment& e);
  void resume_focus();
  void show_catalog();
  void show_progress();
  void unknown(const std::string& word, bool is_command);
  /// The active enrolment of the focus course; null when there is none.
  Enrollment* focus_enrollment();

  // ---- schedule commands (journey.cpp) ----
  void set_time(const std::string& args);
  void set_time_zone(const std::string& args);
  void set_weekdays(const std::string& args);
  void pause_pushes(bool stop);
  void resume_pushes();

  // ---- the daily push (push.cpp) ----
  void on_tick();
  /// The course a push continues: the focus course, else the first other active one.
  Enrollment* push_target();
  bool has_active_course() const;
  /// The next daily push from now, or epoch when nothing is to be pushed.
  Time plan_daily() const;
  /// When the push after a push or the `sent`-th reminder is due.
  Time plan_after_push(int sent) const;
  std::string zone() const;
  int lesson_minute() const;
  screens::ScheduleView schedule_view() const;

  // ---- saying things (conversation.cpp) ----
  void publish_home();
  void refresh_home();
  Outbound make(Outbound::Kind kind, Address to, Doc body, Keyboard keyboard,
                std::string ref = {}) const;
  void say(Doc body, Keyboard keyboard = {});
  void say(screens::Screen screen);
  void edit(const std::string& ref, Doc body, Keyboard keyboard);
  /// Every press is acknowledged exactly once (Telegram shows a spinner until then).
  void ack(screens::Toast toast);

  const Catalog& catalog_;
  const Inbound& event_;
  Time now_;
  const ScheduleDefaults& schedule_;
  LearnerState state_;
  Address to_;
  std::vector<Outbound> out_;
  bool acked_ = false;
};

}  // namespace mc::core
