#pragma once

// When pushes happen, on each learner's own clock. Pure functions of (zone, settings, instant):
// the tz database (IANA, read from /usr/share/zoneinfo by howardhinnant date) is the only thing
// consulted, and no clock is read.
//
// Local times that a daylight-saving change makes impossible or ambiguous resolve like calendar
// software does (RFC 5545): a nonexistent time (02:30 on the March night in Berlin) moves forward
// by the gap (to 03:30), an ambiguous one (02:30 on the October night) takes its first occurrence.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/learner.hpp"
#include "bot/core/time.hpp"

namespace mc::core {

/// Deployment-wide scheduling settings (from configuration). They apply to every learner who
/// has not chosen otherwise and are never copied into a learner's state.
struct ScheduleDefaults {
  std::string time_zone = "UTC";    ///< DEFAULT_TZ: IANA name used until the learner has one
  int lesson_minute = 9 * 60 + 30;  ///< DEFAULT_LESSON_TIME, minutes after local midnight
  int reminders_max = 2;            ///< REMINDERS_MAX; 0 = no reminders, pause at the next lesson
  /// Gap before reminder n (1-based) after the push or the previous reminder; the last gap
  /// repeats when there are more reminders than gaps. Growing, so a busy learner isn't nagged.
  std::vector<std::chrono::minutes> reminder_gaps{std::chrono::hours(3), std::chrono::hours(6)};
  int waking_start = 8 * 60;  ///< reminders only from this local minute ...
  int waking_end = 21 * 60;   ///< ... until this one (else the next morning at waking_start)

  friend bool operator==(const ScheduleDefaults&, const ScheduleDefaults&) = default;
};

/// The tz database's spelling of `name`, matched case-insensitively ("europe/berlin" ->
/// "Europe/Berlin"); nullopt when there is no such zone (or no tz database at all).
std::optional<std::string> canonical_time_zone(std::string_view name);
inline bool valid_time_zone(std::string_view name) { return canonical_time_zone(name).has_value(); }

/// "08:15" or "8:15" (24-hour clock) -> minutes after midnight; nullopt when malformed.
std::optional<int> parse_clock(std::string_view text);
/// 495 -> "08:15".
std::string format_clock(int minute);

/// The zone and lesson time that apply to this learner: theirs, else the defaults (an unknown
/// stored zone falls back to the default, and an unknown default to UTC).
std::string effective_time_zone(const Profile& profile, const ScheduleDefaults& defaults);
int effective_lesson_minute(const Profile& profile, const ScheduleDefaults& defaults);

/// The first instant strictly after `after` at which the local clock in `zone` shows
/// `lesson_minute` (on a Monday to Friday when `weekdays_only`).
Time next_lesson_time(std::string_view zone, int lesson_minute, bool weekdays_only, Time after);

/// `t` when it falls within [waking_start, waking_end) local time, else the next waking_start.
Time within_waking_hours(std::string_view zone, Time t, int waking_start, int waking_end);

/// When reminder `n` (1-based) is due, `previous` being the push or the previous reminder.
Time reminder_time(std::string_view zone, Time previous, int n, const ScheduleDefaults& defaults);

/// "Tue 3 Dec 08:15" in `zone`: how the learner is told when the next push comes.
std::string format_local(std::string_view zone, Time t);

}  // namespace mc::core
