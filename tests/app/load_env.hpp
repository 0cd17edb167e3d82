#pragma once

// Loading the configuration from a map instead of the process environment (the config tests).

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "bot/app/config.hpp"

namespace mc::app::testing {

inline ConfigResult load(const std::map<std::string, std::string>& env) {
  return load_config([&](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

/// An environment with one mistake, and the start of the one error it must give.
struct ErrorCase {
  const char* name;
  std::map<std::string, std::string> env;
  const char* error_starts;
};

inline void expect_one_error(const ErrorCase& c) {
  SCOPED_TRACE(c.name);
  ConfigResult r = load(c.env);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_TRUE(r.errors[0].starts_with(c.error_starts)) << r.errors[0];
}

}  // namespace mc::app::testing
