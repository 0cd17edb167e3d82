#include "bot/core/schedule.hpp"

#include <date/tz.h>

#include <algorithm>
#include <exception>

#include "bot/core/text.hpp"

namespace mc::core {
namespace {

using std::chrono::minutes;
using LocalMinutes = date::local_time<minutes>;

// "localtime" is the machine's own zone file, not a zone anyone lives in.
bool usable_name(std::string_view name) { return !name.empty() && name != "localtime"; }

/// The zone called exactly `name`; nullptr when unknown or when there is no tz database.
const date::time_zone* find_zone(std::string_view name) {
  if (!usable_name(name)) return nullptr;
  try {
    const auto& zones = date::get_tzdb().zones;  // sorted by name
    auto it =
        std::lower_bound(zones.begin(), zones.end(), name,
                         [](const date::time_zone& z, std::string_view n) { return z.name() < n; });
    if (it != zones.end() && it->name() == name) return &*it;
  } catch (const std::exception&) {
    // No readable tz database: callers fall back to UTC arithmetic.
  }
  return nullptr;
}

LocalMinutes to_local(const date::time_zone* zone, Time t) {
  auto floored = std::chrono::floor<minutes>(t.time_since_epoch());
  if (zone == nullptr) return LocalMinutes{floored};
  return std::chrono::floor<minutes>(zone->to_local(date::sys_time<minutes>{floored}));
}

// The offset in force just before the local time decides: that is the first occurrence of an
// ambiguous time, and moves a nonexistent one forward by the length of the gap.
Time to_instant(const date::time_zone* zone, LocalMinutes local) {
  auto since_epoch =
      std::chrono::duration_cast<std::chrono::milliseconds>(local.time_since_epoch());
  if (zone == nullptr) return Time{since_epoch};
  date::local_info info = zone->get_info(local);
  return Time{since_epoch -
              std::chrono::duration_cast<std::chrono::milliseconds>(info.first.offset)};
}

bool is_weekend(date::local_days day) {
  date::weekday wd{day};
  return wd == date::Saturday || wd == date::Sunday;
}

}  // namespace

std::optional<std::string> canonical_time_zone(std::string_view name) {
  if (const date::time_zone* exact = find_zone(name)) return exact->name();
  if (!usable_name(name) || name.size() > 64) return std::nullopt;
  try {
    for (const date::time_zone& z : date::get_tzdb().zones) {
      if (iequals(z.name(), name) && usable_name(z.name())) return z.name();
    }
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::optional<int> parse_clock(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
    return std::nullopt;
  }
  auto digits = [](std::string_view s) -> int {
    int v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  int h = digits(text.substr(0, colon));
  int m = digits(text.substr(colon + 1));
  if (h < 0 || h > 23 || m < 0 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::string format_clock(int minute) {
  minute = ((minute % 1440) + 1440) % 1440;
  std::string out = "00:00";
  out[0] = static_cast<char>('0' + minute / 600);
  out[1] = static_cast<char>('0' + (minute / 60) % 10);
  out[3] = static_cast<char>('0' + (minute % 60) / 10);
  out[4] = static_cast<char>('0' + minute % 10);
  return out;
}

std::string effective_time_zone(const Profile& profile, const ScheduleDefaults& defaults) {
  if (find_zone(profile.time_zone) != nullptr) return profile.time_zone;
  if (find_zone(defaults.time_zone) != nullptr) return defaults.time_zone;
  return "UTC";
}

int effective_lesson_minute(const Profile& profile, const ScheduleDefaults& defaults) {
  if (profile.lesson_minute >= 0 && profile.lesson_minute < 1440) return profile.lesson_minute;
  return std::clamp(defaults.lesson_minute, 0, 1439);
}

Time next_lesson_time(std::string_view zone_name, int lesson_minute, bool weekdays_only,
                      Time after) {
  const date::time_zone* zone = find_zone(zone_name);
  lesson_minute = std::clamp(lesson_minute, 0, 1439);
  const date::local_days today = std::chrono::floor<date::days>(to_local(zone, after));
  // Starting a day early covers a lesson time that a DST change shifts across midnight; a week
  // and two days always contain a weekday after `after`.
  for (int k = -1; k <= 8; ++k) {
    const date::local_days day = today + date::days{k};
    if (weekdays_only && is_weekend(day)) continue;
    Time t = to_instant(zone, day + minutes{lesson_minute});
    if (t > after) return t;
  }
  return after + std::chrono::hours(24);  // unreachable with a sane zone
}

Time within_waking_hours(std::string_view zone_name, Time t, int waking_start, int waking_end) {
  const date::time_zone* zone = find_zone(zone_name);
  waking_start = std::clamp(waking_start, 0, 1439);
  waking_end = std::clamp(waking_end, waking_start + 1, 1440);
  const LocalMinutes local = to_local(zone, t);
  const date::local_days day = std::chrono::floor<date::days>(local);
  const int minute = static_cast<int>((local - day).count());
  if (minute >= waking_start && minute < waking_end) return t;
  const date::local_days morning = minute < waking_start ? day : day + date::days{1};
  return to_instant(zone, morning + minutes{waking_start});
}

Time reminder_time(std::string_view zone, Time previous, int n, const ScheduleDefaults& defaults) {
  minutes gap = std::chrono::hours(3);
  if (!defaults.reminder_gaps.empty()) {
    std::size_t i = static_cast<std::size_t>(std::max(n, 1) - 1);
    gap = defaults.reminder_gaps[std::min(i, defaults.reminder_gaps.size() - 1)];
  }
  return within_waking_hours(zone, previous + gap, defaults.waking_start, defaults.waking_end);
}

std::string format_local(std::string_view zone_name, Time t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const LocalMinutes local = to_local(find_zone(zone_name), t);
  const date::local_days day = std::chrono::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::weekday wd{day};
  return std::string(kDays[wd.c_encoding()]) + " " +
         std::to_string(static_cast<unsigned>(ymd.day())) + " " +
         kMonths[static_cast<unsigned>(ymd.month()) - 1] + " " +
         format_clock(static_cast<int>((local - day).count()));
}

}  // namespace mc::core
