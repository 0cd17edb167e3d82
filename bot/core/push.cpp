// The daily push: what a due tick does (push the next step, nudge, or pause an unanswered
// learner) and when the next push is due.

#include <algorithm>

#include "bot/core/conversation.hpp"
#include "bot/core/schedule.hpp"

namespace mc::core {

void Conversation::on_tick() {
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
      say(screens::nudge(course, *e, state_.id));
      push.next_due = plan_after_push(push.reminders);
      return;
    }
    // Still no answer after every reminder: stop pushing until they reply. awaiting_since
    // stays set, which marks the pause as ours (any reply ends it).
    state_.profile.paused = true;
    push.next_due = Time{};
    say(screens::paused_for_silence(course, state_));
    return;
  }
  // One push, however long it was overdue (after an outage): the next one is planned from now.
  state_.focus = course.id;
  present_current(course, *e);
  push.awaiting_since = now_;
  push.reminders = 0;
  push.next_due = plan_after_push(0);
}

Enrollment* Conversation::push_target() {
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

bool Conversation::has_active_course() const {
  return std::any_of(state_.enrollments.begin(), state_.enrollments.end(), [&](const auto& e) {
    return e.status == Enrollment::Status::active && catalog_.find(e.course) != nullptr;
  });
}

Time Conversation::plan_daily() const {
  if (state_.profile.blocked || state_.profile.paused || !has_active_course()) return Time{};
  return next_lesson_time(zone(), lesson_minute(), state_.profile.weekdays_only, now_);
}

// The next reminder, never later than the next daily lesson time (where a nudge then stands in
// for a new lesson); after the last reminder, the next lesson time, when an unanswered push
// pauses the learner.
Time Conversation::plan_after_push(int sent) const {
  Time lesson = next_lesson_time(zone(), lesson_minute(), state_.profile.weekdays_only, now_);
  if (sent >= schedule_.reminders_max) return lesson;
  return std::min(lesson, reminder_time(zone(), now_, sent + 1, schedule_));
}

std::string Conversation::zone() const { return effective_time_zone(state_.profile, schedule_); }

int Conversation::lesson_minute() const {
  return effective_lesson_minute(state_.profile, schedule_);
}

screens::ScheduleView Conversation::schedule_view() const {
  const std::string& own = state_.profile.time_zone;
  return screens::ScheduleView{
      .zone = zone(),
      .zone_known = !own.empty() && valid_time_zone(own),
      .lesson_minute = lesson_minute(),
      .weekdays_only = state_.profile.weekdays_only,
      .paused = state_.profile.paused,
      .next = plan_daily(),  // epoch while paused
  };
}

}  // namespace mc::core
