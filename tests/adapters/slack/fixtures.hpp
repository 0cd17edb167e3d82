#pragma once

// Reading the shared fixture corpus (tests/fixtures) from the Slack adapter's tests.

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

namespace mc::slack::testing {

/// The text of a file under tests/fixtures/ ("slack/events/x.json"); throws when unreadable so
/// a missing fixture fails the test loudly.
inline std::string read_fixture(const std::string& relative_path) {
  const std::string path = std::string(MC_SOURCE_DIR) + "/tests/fixtures/" + relative_path;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read fixture " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// tests/fixtures/specs/slack_web_api_trimmed.json.
inline const nlohmann::json& web_api_spec() {
  static const nlohmann::json spec =
      nlohmann::json::parse(read_fixture("specs/slack_web_api_trimmed.json"));
  return spec;
}

/// Percent-encodes a form value, spaces as '+' (what Slack does to the payload field).
inline std::string form_encode(std::string_view s) {
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  return boost::urls::encode(s, boost::urls::unreserved_chars, opts);
}

}  // namespace mc::slack::testing
