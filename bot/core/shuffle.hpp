#pragma once

// The order a learner sees a question's options in. A right answer that always sits in the same
// place lets a learner pass by pressing that place; shuffled per learner and attempt, a learner
// who always presses one position lands near chance.

#include <string_view>
#include <vector>

namespace mc::core {

/// A permutation of 0..n-1: shown position -> option index. The same every time it is asked
/// for with the same arguments (a redrawn or edited message shows the same order, and buttons,
/// which carry the option index, keep working), independent between learners, attempts and
/// questions.
std::vector<int> option_order(std::string_view learner, std::string_view course, int attempt,
                              std::string_view question, int n);

}  // namespace mc::core
