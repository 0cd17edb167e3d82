#include "bot/core/course.hpp"

#include <algorithm>

namespace mc::core {

int Course::question_count() const {
  return static_cast<int>(std::count_if(steps.begin(), steps.end(), [](const Step& s) {
    return std::holds_alternative<Question>(s);
  }));
}

int Course::lesson_count() const { return static_cast<int>(steps.size()) - question_count(); }

Catalog::Catalog(std::vector<Course> courses) : courses_(std::move(courses)) {}

const Course* Catalog::find(std::string_view id) const {
  auto it =
      std::find_if(courses_.begin(), courses_.end(), [&](const Course& c) { return c.id == id; });
  return it == courses_.end() ? nullptr : &*it;
}

bool valid_course_id(std::string_view id) {
  if (id.empty() || id.size() > 40) return false;
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; };
  return id.front() != '-' && std::all_of(id.begin(), id.end(), ok);
}

}  // namespace mc::core
