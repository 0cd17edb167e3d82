#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bot/core/markup.hpp"

namespace mc::core {

struct Lesson {
  std::string title;
  Doc body;
  int line = 0;  ///< where it starts in its course file, for authoring errors
};

struct Question {
  std::string id;  ///< stable within its course; missed questions are remembered by id
  Doc prompt;
  std::vector<std::string> options;  ///< plain text, shown on buttons
  int correct = 0;                   ///< index into options
  Doc explanation;
  int line = 0;
};

using Step = std::variant<Lesson, Question>;

/// One course: lessons and quiz questions in the order a learner meets them.
struct Course {
  std::string id;  ///< [a-z0-9-]{1,40}: fits in button data and deep links
  std::string title;
  std::string summary;
  int minutes = 0;                            ///< estimated time to complete
  int pass_mark = 70;                         ///< percent of questions answered right to pass
  std::vector<std::string> requires_courses;  ///< ids of courses that must be passed first
  std::vector<Step> steps;
  std::string source;  ///< file it was loaded from

  int question_count() const;
  int lesson_count() const;
};

/// The courses on offer, in catalogue order. Immutable once built.
class Catalog {
 public:
  Catalog() = default;
  explicit Catalog(std::vector<Course> courses);

  const std::vector<Course>& courses() const { return courses_; }
  const Course* find(std::string_view id) const;
  bool empty() const { return courses_.empty(); }

 private:
  std::vector<Course> courses_;
};

/// A course id is [a-z0-9][a-z0-9-]{0,39}.
bool valid_course_id(std::string_view id);

}  // namespace mc::core
