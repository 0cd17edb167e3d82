#pragma once

// Everything the bot says, as functions from plain data to message content. The journey decides
// which screen to show and when; the words, emoji and buttons of each screen live here only, so a
// wording change touches this file and nothing else. The one exception is by design: each
// command's line in the help screen sits beside its words in the command table (commands.cpp).

#include <string>
#include <string_view>

#include "bot/core/course.hpp"
#include "bot/core/learner.hpp"
#include "bot/core/markup.hpp"
#include "bot/core/message.hpp"
#include "bot/core/time.hpp"

namespace mc::core::screens {

/// One message's content: what is said and the buttons under it.
struct Screen {
  Doc body;
  Keyboard keyboard;
};

/// The note shown on a pressed button (Telegram shows it as a toast).
enum class Toast { none, inactive_button, already_answered, already_done, correct, not_quite };
std::string toast(Toast toast);

// ---- overview -------------------------------------------------------------------------------

/// The answer to anything said in a group or channel.
Doc private_chat_only();
/// The greeting before the catalogue; `display_name` may be empty.
Doc welcome(std::string_view display_name);
/// Every course with its facts and a start / continue / retake button for the open ones.
Screen catalog(const Catalog& catalog, const LearnerState& state);
/// The learner's courses with progress bars; `focus` (may be null) gets a button.
Screen progress(const Catalog& catalog, const LearnerState& state, const Enrollment* focus);
/// Progress asked for before any course was started.
Screen no_progress();
/// How this works, with the command table's help lines.
Doc help();
/// A word that is no command; `focus` (may be null) gets a button.
Screen unknown_word(std::string_view word, bool is_command, const Catalog& catalog,
                    const LearnerState& state, const Enrollment* focus);
/// The home view (Slack App Home): progress, what comes next, the catalogue.
Screen home(const Catalog& catalog, const LearnerState& state, const Enrollment* focus);
/// "Start", "Continue" or "Retake" `course`, as the learner's enrolment stands.
Button course_button(const Course& course, const LearnerState& state);

// ---- a course -------------------------------------------------------------------------------

Doc unknown_course(std::string_view course_id);
/// `course` needs courses the learner has not passed; buttons start the ones open to them.
Screen locked_course(const Catalog& catalog, const LearnerState& state, const Course& course);
Doc welcome_back(const Course& course);
Doc starting_again(const Course& course, int attempt);
/// The first look at a course: title, summary and facts.
Doc course_intro(const Course& course);
/// The lesson or question at `step`, with its position in the course.
Doc step_body(const Course& course, int step);
/// The question's options in `learner`'s order for `attempt` (shuffle.hpp), or the lesson's
/// button on to the next step.
Keyboard step_keyboard(const Course& course, int step, std::string_view learner, int attempt);
/// The question at `step` as it stays in the chat once answered with `option`.
Doc answered_question(const Course& course, int step, int option, bool right);
/// Right or wrong, the right answer, and the explanation.
Doc feedback(const Question& question, bool right);
/// The result of a finished attempt (`enrollment` already updated); `state` is after the
/// update, so courses this one unlocked are offered.
Screen course_complete(const Catalog& catalog, const LearnerState& state, const Course& course,
                       const Enrollment& enrollment, int score, bool passed);
Doc nothing_to_continue();

// ---- the daily push -------------------------------------------------------------------------

/// A short reminder of the awaited step, carrying its buttons again.
Screen nudge(const Course& course, const Enrollment& enrollment, std::string_view learner);
/// Pushes went unanswered, so we paused them; `course` is the one to continue.
Screen paused_for_silence(const Course& course, const LearnerState& state);

/// The facts the schedule screens show.
struct ScheduleView {
  std::string zone;        ///< the zone in force
  bool zone_known = true;  ///< the learner has a zone of their own (not the default)
  int lesson_minute = 0;
  bool weekdays_only = false;
  bool paused = false;
  Time next{};  ///< the next daily push; epoch = none
};

/// One line, with the first course: when the daily push comes and how to move it.
Block schedule_intro(const ScheduleView& view);
Doc schedule(const ScheduleView& view);
Doc time_not_understood(std::string_view args);
/// `schedule`, then how to change the time zone.
Doc time_zone_hint(Doc schedule);
Doc unknown_time_zone(std::string_view args);
Doc weekdays_hint();
/// Pushes paused (`stop` = the learner said stop).
Doc paused(bool stop);
/// Pushes back on, then `schedule`.
Doc resumed(const Doc& schedule);

}  // namespace mc::core::screens
