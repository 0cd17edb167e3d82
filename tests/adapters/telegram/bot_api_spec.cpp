#include "bot_api_spec.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mc::telegram::testing {

using nlohmann::json;

std::string read_fixture(const std::string& relative_path) {
  const std::string path = std::string(MC_SOURCE_DIR) + "/tests/fixtures/" + relative_path;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read fixture " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const BotApiSpec& BotApiSpec::instance() {
  static const BotApiSpec spec(json::parse(read_fixture("specs/telegram_bot_api_trimmed.json")));
  return spec;
}

BotApiSpec::BotApiSpec(json spec) : spec_(std::move(spec)) {}

std::vector<std::string> BotApiSpec::problems(const ApiCall& call) const {
  std::vector<std::string> out;
  const json& methods = spec_.at("methods");
  if (!methods.contains(call.method)) {
    out.push_back("unknown method " + call.method);
    return out;
  }
  if (!call.params.is_object()) {
    out.push_back(call.method + ": parameters are not an object");
    return out;
  }
  const json fields = methods.at(call.method).value("fields", json::array());
  check_object(call.params, fields, call.method, out);
  // "Required if inline_message_id is not specified": the edit methods need a target.
  for (const json& field : fields) {
    const std::string description = field.value("description", "");
    if (description.starts_with("Required if inline_message_id is not specified") &&
        !call.params.contains("inline_message_id") && !call.params.contains(field.at("name"))) {
      out.push_back(call.method + ": " + field.at("name").get<std::string>() +
                    " is required without inline_message_id");
    }
  }
  return out;
}

void BotApiSpec::check_object(const json& value, const json& fields, const std::string& where,
                              std::vector<std::string>& out) const {
  for (const json& field : fields) {
    const std::string name = field.at("name");
    if (field.value("required", false) && !value.contains(name)) {
      out.push_back(where + ": required field " + name + " is missing");
    }
  }
  for (const auto& [name, member] : value.items()) {
    const json* spec_field = nullptr;
    for (const json& field : fields) {
      if (field.at("name") == name) spec_field = &field;
    }
    if (spec_field == nullptr) {
      out.push_back(where + ": unknown field " + name);
      continue;
    }
    check_value(member, spec_field->at("types"), where + "." + name, out);
  }
}

void BotApiSpec::check_value(const json& value, const json& types, const std::string& where,
                             std::vector<std::string>& out) const {
  // A value conforms when it matches one of the listed types.
  std::vector<std::string> first_failure;
  for (const json& type : types) {
    std::vector<std::string> attempt;
    check_type(value, type.get<std::string>(), where, attempt);
    if (attempt.empty()) return;
    if (first_failure.empty()) first_failure = std::move(attempt);
  }
  out.insert(out.end(), first_failure.begin(), first_failure.end());
}

void BotApiSpec::check_type(const json& value, const std::string& type, const std::string& where,
                            std::vector<std::string>& out) const {
  auto expect = [&](bool ok) {
    if (!ok) out.push_back(where + ": " + value.dump() + " is not " + type);
  };
  static const std::string kArrayOf = "Array of ";
  if (type.starts_with(kArrayOf)) {
    expect(value.is_array());
    if (!value.is_array()) return;
    const json inner = json::array({type.substr(kArrayOf.size())});
    for (std::size_t i = 0; i < value.size(); ++i) {
      check_value(value[i], inner, where + "[" + std::to_string(i) + "]", out);
    }
    return;
  }
  if (type == "Integer") return expect(value.is_number_integer());
  if (type == "Float") return expect(value.is_number());
  if (type == "String") return expect(value.is_string());
  if (type == "Boolean") return expect(value.is_boolean());
  if (type == "True") return expect(value.is_boolean() && value.get<bool>());
  if (type == "InputFile") return expect(value.is_string());

  const json& types = spec_.at("types");
  expect(value.is_object());
  if (!value.is_object() || !types.contains(type)) return;  // trimmed away: any object passes
  const json& spec_type = types.at(type);
  if (spec_type.contains("subtypes")) {
    return check_value(value, spec_type.at("subtypes"), where, out);
  }
  check_object(value, spec_type.value("fields", json::array()), where + "<" + type + ">", out);
}

}  // namespace mc::telegram::testing
