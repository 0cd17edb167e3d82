#include "bot/core/learner.hpp"

#include <algorithm>

namespace mc::core {

const Enrollment* LearnerState::enrollment(std::string_view course) const {
  auto it = std::find_if(enrollments.begin(), enrollments.end(),
                         [&](const Enrollment& e) { return e.course == course; });
  return it == enrollments.end() ? nullptr : &*it;
}

Enrollment* LearnerState::enrollment(std::string_view course) {
  auto it = std::find_if(enrollments.begin(), enrollments.end(),
                         [&](const Enrollment& e) { return e.course == course; });
  return it == enrollments.end() ? nullptr : &*it;
}

bool LearnerState::passed(std::string_view course) const {
  const Enrollment* e = enrollment(course);
  return e != nullptr && e->ever_passed;
}

bool prerequisites_met(const Course& course, const LearnerState& s) {
  return std::all_of(course.requires_courses.begin(), course.requires_courses.end(),
                     [&](const std::string& id) { return s.passed(id); });
}

int percent(int part, int whole) { return whole <= 0 ? 0 : part * 100 / whole; }

}  // namespace mc::core
