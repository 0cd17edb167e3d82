#include "bot/core/schedule.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

namespace mc::core {
namespace {

using namespace std::chrono_literals;

Time utc(int y, unsigned mo, unsigned d, int h, int mi) {
  auto day = date::sys_days{date::year{y} / date::month{mo} / date::day{d}};
  return Time{std::chrono::duration_cast<std::chrono::milliseconds>(
      day.time_since_epoch() + std::chrono::hours(h) + std::chrono::minutes(mi))};
}

constexpr int kNineThirty = 9 * 60 + 30;

std::string show(Time t) { return format_local("UTC", t); }

TEST(NextLessonTime, FollowsTheLearnersLocalClock) {
  struct Case {
    const char* name;
    const char* zone;
    int minute;
    bool weekdays_only;
    Time after;
    Time expected;
  };
  const Case cases[] = {
      {"later today", "UTC", kNineThirty, false, utc(2024, 5, 10, 8, 0), utc(2024, 5, 10, 9, 30)},
      {"strictly after: not the same instant", "UTC", kNineThirty, false, utc(2024, 5, 10, 9, 30),
       utc(2024, 5, 11, 9, 30)},
      {"today's time has passed", "UTC", kNineThirty, false, utc(2024, 5, 10, 12, 0),
       utc(2024, 5, 11, 9, 30)},
      {"Berlin in winter (UTC+1)", "Europe/Berlin", kNineThirty, false, utc(2024, 1, 15, 0, 0),
       utc(2024, 1, 15, 8, 30)},
      {"Berlin in summer (UTC+2)", "Europe/Berlin", kNineThirty, false, utc(2024, 7, 15, 0, 0),
       utc(2024, 7, 15, 7, 30)},
      {"Berlin, the day before clocks go forward", "Europe/Berlin", kNineThirty, false,
       utc(2024, 3, 30, 0, 0), utc(2024, 3, 30, 8, 30)},
      {"Berlin, the day clocks go forward", "Europe/Berlin", kNineThirty, false,
       utc(2024, 3, 30, 10, 0), utc(2024, 3, 31, 7, 30)},
      {"Berlin, the day before clocks go back", "Europe/Berlin", kNineThirty, false,
       utc(2024, 10, 26, 0, 0), utc(2024, 10, 26, 7, 30)},
      {"Berlin, the day clocks go back", "Europe/Berlin", kNineThirty, false,
       utc(2024, 10, 26, 10, 0), utc(2024, 10, 27, 8, 30)},
      {"Berlin 02:30 does not exist in March: moves forward by the gap to 03:30 CEST",
       "Europe/Berlin", 2 * 60 + 30, false, utc(2024, 3, 30, 12, 0), utc(2024, 3, 31, 1, 30)},
      {"Berlin 02:30 happens twice in October: the first one (CEST)", "Europe/Berlin", 2 * 60 + 30,
       false, utc(2024, 10, 26, 12, 0), utc(2024, 10, 27, 0, 30)},
      {"New York before DST (EST, UTC-5)", "America/New_York", kNineThirty, false,
       utc(2024, 3, 9, 0, 0), utc(2024, 3, 9, 14, 30)},
      {"New York, the day clocks go forward (EDT, UTC-4)", "America/New_York", kNineThirty, false,
       utc(2024, 3, 9, 15, 0), utc(2024, 3, 10, 13, 30)},
      {"New York, the day clocks go back (EST again)", "America/New_York", kNineThirty, false,
       utc(2024, 11, 2, 14, 0), utc(2024, 11, 3, 14, 30)},
      {"New York 02:30 does not exist in March", "America/New_York", 2 * 60 + 30, false,
       utc(2024, 3, 9, 12, 0), utc(2024, 3, 10, 7, 30)},
      {"New York 01:30 happens twice in November: the first one (EDT)", "America/New_York", 90,
       false, utc(2024, 11, 2, 12, 0), utc(2024, 11, 3, 5, 30)},
      {"weekdays only: Friday after the lesson -> Monday", "UTC", kNineThirty, true,
       utc(2024, 5, 10, 10, 0), utc(2024, 5, 13, 9, 30)},
      {"weekdays only: Saturday -> Monday", "UTC", kNineThirty, true, utc(2024, 5, 11, 8, 0),
       utc(2024, 5, 13, 9, 30)},
      {"weekdays only: Friday before the lesson -> Friday", "UTC", kNineThirty, true,
       utc(2024, 5, 10, 8, 0), utc(2024, 5, 10, 9, 30)},
      {"weekdays only in Tokyo: Friday 23:00 UTC is Saturday there -> Monday 09:30 JST",
       "Asia/Tokyo", kNineThirty, true, utc(2024, 5, 10, 23, 0), utc(2024, 5, 13, 0, 30)},
      {"a zone ahead of UTC across the date line", "Pacific/Auckland", 7 * 60, false,
       utc(2024, 1, 10, 17, 0), utc(2024, 1, 10, 18, 0)},
      {"midnight lesson", "UTC", 0, false, utc(2024, 5, 10, 0, 0), utc(2024, 5, 11, 0, 0)},
      {"unknown zone falls back to UTC", "Mars/Olympus_Mons", kNineThirty, false,
       utc(2024, 5, 10, 8, 0), utc(2024, 5, 10, 9, 30)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Time got = next_lesson_time(c.zone, c.minute, c.weekdays_only, c.after);
    EXPECT_EQ(got, c.expected) << "got " << show(got) << " UTC, expected " << show(c.expected);
    EXPECT_GT(got, c.after);
  }
}

// Daylight-saving changes move nothing: day after day through both changes, a learner at 09:30
// gets the lesson at 09:30 on their clock, 23 or 25 hours apart on the nights the clocks move.
TEST(NextLessonTime, StaysAtTheLocalTimeDayAfterDayAcrossBothDstChanges) {
  struct Case {
    const char* zone;
    Time start;
    int days;
  };
  const Case cases[] = {
      {"Europe/Berlin", utc(2024, 3, 25, 12, 0), 10},
      {"Europe/Berlin", utc(2024, 10, 22, 12, 0), 14},
      {"America/New_York", utc(2024, 3, 5, 18, 0), 10},
      {"America/New_York", utc(2024, 10, 29, 18, 0), 10},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.zone) + " from " + show(c.start));
    Time t = c.start;
    int short_days = 0;
    int long_days = 0;
    for (int i = 0; i < c.days; ++i) {
      Time next = next_lesson_time(c.zone, kNineThirty, false, t);
      EXPECT_TRUE(format_local(c.zone, next).ends_with(" 09:30")) << format_local(c.zone, next);
      if (i > 0) {
        auto gap = next - t;
        EXPECT_TRUE(gap == 23h || gap == 24h || gap == 25h) << gap.count();
        short_days += gap == 23h;
        long_days += gap == 25h;
      }
      t = next;
    }
    EXPECT_EQ(short_days + long_days, 1) << "exactly one DST change in the window";
  }
}

TEST(NextLessonTime, WeekdaysOnlyNeverLandsOnAWeekend) {
  Time t = utc(2024, 5, 1, 0, 0);
  for (int i = 0; i < 30; ++i) {
    t = next_lesson_time("Europe/Berlin", kNineThirty, true, t);
    std::string local = format_local("Europe/Berlin", t);
    EXPECT_FALSE(local.starts_with("Sat") || local.starts_with("Sun")) << local;
  }
}

TEST(TimeZone, ValidatesAgainstTheTzDatabase) {
  struct Case {
    const char* input;
    std::optional<std::string> canonical;
  };
  const Case cases[] = {
      {"Europe/Berlin", "Europe/Berlin"},
      {"europe/berlin", "Europe/Berlin"},
      {"AMERICA/NEW_YORK", "America/New_York"},
      {"UTC", "UTC"},
      {"Asia/Kolkata", "Asia/Kolkata"},
      {"America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"},
      {"", std::nullopt},
      {"Mars/Olympus_Mons", std::nullopt},
      {"Europe/Berlin ", std::nullopt},
      {"Berlin", std::nullopt},
      {"+02:00", std::nullopt},
      {"localtime", std::nullopt},
      {"../../etc/passwd", std::nullopt},
      {"Europe/../Europe/Berlin", std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(canonical_time_zone(c.input), c.canonical);
    EXPECT_EQ(valid_time_zone(c.input), c.canonical.has_value());
  }
}

TEST(TimeZone, EffectiveZoneAndMinuteFallBackToTheDefaults) {
  ScheduleDefaults defaults;
  defaults.time_zone = "Europe/Paris";
  defaults.lesson_minute = 8 * 60;
  Profile p;
  EXPECT_EQ(effective_time_zone(p, defaults), "Europe/Paris");
  EXPECT_EQ(effective_lesson_minute(p, defaults), 480);
  p.time_zone = "Asia/Tokyo";
  p.lesson_minute = 7 * 60;
  EXPECT_EQ(effective_time_zone(p, defaults), "Asia/Tokyo");
  EXPECT_EQ(effective_lesson_minute(p, defaults), 420);
  p.time_zone = "Not/AZone";  // e.g. something odd a platform once sent
  EXPECT_EQ(effective_time_zone(p, defaults), "Europe/Paris");
  defaults.time_zone = "Nowhere";
  EXPECT_EQ(effective_time_zone(p, defaults), "UTC");
}

TEST(Clock, ParsesAndFormatsTwentyFourHourTimes) {
  struct Case {
    const char* input;
    std::optional<int> minute;
  };
  const Case cases[] = {
      {"08:15", 495},          {"8:15", 495},           {"00:00", 0},
      {"23:59", 1439},         {"12:00", 720},          {"24:00", std::nullopt},
      {"08:60", std::nullopt}, {"0815", std::nullopt},  {"8", std::nullopt},
      {"8:5", std::nullopt},   {"-1:00", std::nullopt}, {"08:15pm", std::nullopt},
      {"", std::nullopt},      {":15", std::nullopt},   {"108:15", std::nullopt},
      {"ab:cd", std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(parse_clock(c.input), c.minute);
  }
  EXPECT_EQ(format_clock(495), "08:15");
  EXPECT_EQ(format_clock(0), "00:00");
  EXPECT_EQ(format_clock(1439), "23:59");
}

TEST(Reminders, ComeAtGrowingIntervalsInsideWakingHours) {
  ScheduleDefaults d;  // +3 h, then +6 h, between 08:00 and 21:00 local
  struct Case {
    const char* name;
    const char* zone;
    Time previous;
    int n;
    Time expected;
  };
  const Case cases[] = {
      {"first reminder 3 h after the push", "UTC", utc(2024, 5, 10, 9, 30), 1,
       utc(2024, 5, 10, 12, 30)},
      {"second reminder 6 h after the first", "UTC", utc(2024, 5, 10, 12, 30), 2,
       utc(2024, 5, 10, 18, 30)},
      {"more reminders than gaps: the last gap repeats", "UTC", utc(2024, 5, 10, 8, 0), 5,
       utc(2024, 5, 10, 14, 0)},
      {"late evening: the next morning at 08:00 local", "Europe/Berlin",
       utc(2024, 5, 10, 18, 0) /* 20:00 CEST */, 1, utc(2024, 5, 11, 6, 0) /* 08:00 CEST */},
      {"just before waking hours end: still today", "Europe/Berlin",
       utc(2024, 5, 10, 15, 59) /* 17:59 */, 1, utc(2024, 5, 10, 18, 59) /* 20:59 */},
      {"at the end of waking hours: tomorrow", "Europe/Berlin", utc(2024, 5, 10, 16, 0), 1,
       utc(2024, 5, 11, 6, 0)},
      {"after midnight: the same morning", "Europe/Berlin", utc(2024, 5, 9, 23, 0) /* 01:00 */, 1,
       utc(2024, 5, 10, 6, 0)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Time got = reminder_time(c.zone, c.previous, c.n, d);
    EXPECT_EQ(got, c.expected) << show(got);
  }
}

TEST(FormatLocal, ShowsTheLearnersWeekdayDateAndTime) {
  EXPECT_EQ(format_local("Europe/Berlin", utc(2024, 12, 3, 7, 15)), "Tue 3 Dec 08:15");
  EXPECT_EQ(format_local("America/New_York", utc(2024, 12, 3, 3, 0)), "Mon 2 Dec 22:00");
  EXPECT_EQ(format_local("UTC", utc(2024, 2, 29, 23, 59)), "Thu 29 Feb 23:59");
}

}  // namespace
}  // namespace mc::core
