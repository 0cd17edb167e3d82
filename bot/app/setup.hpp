#pragma once

// What every long-running command does first: read the configuration, set up logging, load and
// validate the courses. Problems are printed (naming the variable or file:line) and end start-up.

#include <optional>

#include "bot/app/config.hpp"
#include "bot/core/course.hpp"
#include "bot/core/time.hpp"

namespace mc::app {

struct Setup {
  Config config;
  core::Catalog catalog;
};

/// nullopt after printing the problems to stderr.
std::optional<Setup> prepare();

/// The production clock.
core::Time system_now();

}  // namespace mc::app
