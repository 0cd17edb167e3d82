#pragma once

// Checks outgoing Bot API calls against the machine-readable spec in
// tests/fixtures/specs/telegram_bot_api_trimmed.json (a trimmed scrape of core.telegram.org).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/telegram/render.hpp"

namespace mc::telegram::testing {

/// The text of a file under tests/fixtures/ ("telegram/updates/x.json"); throws when unreadable
/// so a missing fixture fails the test loudly.
std::string read_fixture(const std::string& relative_path);

class BotApiSpec {
 public:
  /// The spec from tests/fixtures/specs/ (loaded once).
  static const BotApiSpec& instance();

  explicit BotApiSpec(nlohmann::json spec);

  /// What is wrong with `call`: unknown method, a required field missing, a field the method
  /// does not have, a value of the wrong type (recursively into objects and arrays). Empty when
  /// the call conforms.
  std::vector<std::string> problems(const ApiCall& call) const;

 private:
  void check_object(const nlohmann::json& value, const nlohmann::json& fields,
                    const std::string& where, std::vector<std::string>& out) const;
  void check_value(const nlohmann::json& value, const nlohmann::json& types,
                   const std::string& where, std::vector<std::string>& out) const;
  void check_type(const nlohmann::json& value, const std::string& type, const std::string& where,
                  std::vector<std::string>& out) const;

  nlohmann::json spec_;
};

}  // namespace mc::telegram::testing
