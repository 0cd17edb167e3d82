#pragma once

// Reading settings from the environment: one reader shared by the common settings (config.cpp)
// and each platform's section (platforms/*.cpp), so every variable is checked the same way and
// every problem reads "VARIABLE: what is wrong".

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mc::app {

struct Variable {
  const char* name;
  const char* default_value;
  const char* meaning;
};

using Getenv = std::function<std::optional<std::string>(const char*)>;
/// Reads the real process environment.
std::optional<std::string> process_env(const char* name);

class EnvReader {
 public:
  EnvReader(const Getenv& getenv, std::vector<std::string>& errors)
      : getenv_(getenv), errors_(errors) {}

  /// The value, or nullopt when unset or empty (an empty variable means "use the default").
  std::optional<std::string> get(const char* name) const;
  void error(const char* name, const std::string& what);
  /// True when an error about `name` was reported already.
  bool has_error(std::string_view name) const;

  /// Whole number in [low, high] -> apply(value).
  void integer(const char* name, long low, long high, const std::function<void(long)>& apply);
  /// Whole number in [low, high] -> target.
  void integer(const char* name, long low, long high, int& target);
  /// Whole number of milliseconds in [low, high] -> target.
  void millis(const char* name, long low, long high, std::chrono::milliseconds& target);
  /// Positive number (at most 1e6) times `scale` -> target.
  void rate(const char* name, double& target, double scale = 1);
  /// http(s) URL (https only when asked), trailing '/' removed -> target.
  void url(const char* name, std::string& target, bool https_only);

 private:
  const Getenv& getenv_;
  std::vector<std::string>& errors_;
};

/// True when s has min..max characters, each a letter, a digit or one of `extra`.
bool word_chars(std::string_view s, std::size_t min, std::size_t max, std::string_view extra);

}  // namespace mc::app
