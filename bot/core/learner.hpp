#pragma once

// The learner model: everything the bot remembers of one person. Stored as one JSON document
// (see json.hpp) with a schema number, so fields can be added without a migration.

#include <string>
#include <vector>

#include "bot/core/course.hpp"
#include "bot/core/message.hpp"
#include "bot/core/time.hpp"

namespace mc::core {

struct Enrollment {
  enum class Status { active, passed, failed };
  std::string course;
  Status status = Status::active;
  int step = 0;      ///< index of the next step to show (== steps.size() when finished)
  int answered = 0;  ///< questions answered in this attempt
  int correct = 0;   ///< of which right
  int attempt = 1;
  int best_score = -1;              ///< best percentage over finished attempts, -1 = none yet
  bool ever_passed = false;         ///< some attempt passed: unlocks courses that require it
  std::vector<std::string> missed;  ///< question ids answered wrong (for spaced review)
  Time started{};
  Time finished{};  ///< epoch while active

  int score_percent() const { return answered == 0 ? 0 : (correct * 100) / answered; }
  friend bool operator==(const Enrollment&, const Enrollment&) = default;
};

/// How and when the learner wants pushes. Defaults come from configuration at push time.
struct Profile {
  std::string time_zone;          ///< IANA name; empty = the deployment default
  bool time_zone_chosen = false;  ///< set by the learner: the platform's zone no longer applies
  int lesson_minute = -1;         ///< minutes after local midnight; -1 = the deployment default
  bool weekdays_only = false;
  bool paused = false;   ///< the learner asked for no pushes (or stopped answering)
  bool blocked = false;  ///< the platform says we can't reach them any more

  friend bool operator==(const Profile&, const Profile&) = default;
};

/// Push bookkeeping, owned by the scheduler logic.
struct PushState {
  Time next_due{};        ///< epoch = nothing scheduled
  Time awaiting_since{};  ///< a pushed step not yet answered since then; epoch = none
  int reminders = 0;      ///< reminders sent for the awaited step

  friend bool operator==(const PushState&, const PushState&) = default;
};

struct LearnerState {
  static constexpr int kSchema = 1;

  std::string id;
  std::string display_name;
  Address address;    ///< where pushes go (last place the learner talked to us from)
  std::string focus;  ///< course the learner is working on now; empty = none
  std::vector<Enrollment> enrollments;
  Profile profile;
  PushState push;
  bool has_home = false;  ///< the learner opened an app home (Slack): keep it up to date
  Time created{};
  Time last_seen{};

  const Enrollment* enrollment(std::string_view course) const;
  Enrollment* enrollment(std::string_view course);
  /// True when `course` was passed (in any attempt).
  bool passed(std::string_view course) const;

  friend bool operator==(const LearnerState&, const LearnerState&) = default;
};

/// True when the learner has passed every course that `course` requires.
bool prerequisites_met(const Course& course, const LearnerState& s);

/// `part` of `whole` in whole percent, rounded down; 0 when `whole` is not positive.
int percent(int part, int whole);

}  // namespace mc::core
