#include "bot/store/codec.hpp"

#include <nlohmann/json.hpp>

namespace mc::store {
namespace {

using core::Address;
using core::Block;
using core::Button;
using core::Doc;
using core::Enrollment;
using core::from_millis;
using core::LearnerState;
using core::Outbound;
using core::Span;
using core::Time;
using core::to_millis;
using nlohmann::json;

constexpr const char* kStatusNames[] = {"active", "passed", "failed"};
constexpr const char* kStyleNames[] = {"plain", "bold", "italic", "code", "link"};
constexpr const char* kBlockNames[] = {"p", "h", "ul", "ol", "code", "quote"};

template <typename Enum, std::size_t N>
std::optional<Enum> enum_from(const json& j, const char* const (&names)[N]) {
  if (!j.is_string()) return std::nullopt;
  const auto& s = j.get_ref<const std::string&>();
  for (std::size_t i = 0; i < N; ++i) {
    if (s == names[i]) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

template <typename T>
T get_or(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<T>();
}

Time time_or(const json& j, const char* key) { return from_millis(get_or<long long>(j, key, 0)); }

// "group" is written only when set: older stored addresses have none and mean a private chat.
json address_json(const Address& a) {
  json j{{"route", a.route}, {"chat", a.chat}};
  if (a.group) j["group"] = true;
  return j;
}
Address address_from(const json& j) {
  if (!j.is_object()) return {};
  return Address{get_or<std::string>(j, "route", ""), get_or<std::string>(j, "chat", ""),
                 get_or<bool>(j, "group", false)};
}

}  // namespace

json to_json(const Doc& doc) {
  json blocks = json::array();
  for (const Block& b : doc) {
    json spans = json::array();
    for (const Span& s : b.spans) {
      json span{{"t", s.text}};
      if (s.style != Span::Style::plain) span["s"] = kStyleNames[static_cast<int>(s.style)];
      if (!s.href.empty()) span["href"] = s.href;
      spans.push_back(std::move(span));
    }
    json block{{"k", kBlockNames[static_cast<int>(b.kind)]}, {"spans", std::move(spans)}};
    if (b.kind == Block::Kind::numbered) block["n"] = b.number;
    blocks.push_back(std::move(block));
  }
  return blocks;
}

std::optional<Doc> doc_from_json(const json& j) {
  if (!j.is_array()) return std::nullopt;
  Doc doc;
  try {
    for (const json& jb : j) {
      Block b;
      auto kind = enum_from<Block::Kind>(jb.at("k"), kBlockNames);
      if (!kind) return std::nullopt;
      b.kind = *kind;
      b.number = get_or<int>(jb, "n", 0);
      for (const json& js : jb.at("spans")) {
        Span s;
        s.text = js.at("t").get<std::string>();
        if (auto it = js.find("s"); it != js.end()) {
          auto style = enum_from<Span::Style>(*it, kStyleNames);
          if (!style) return std::nullopt;
          s.style = *style;
        }
        s.href = get_or<std::string>(js, "href", "");
        b.spans.push_back(std::move(s));
      }
      doc.push_back(std::move(b));
    }
  } catch (const json::exception&) {
    return std::nullopt;
  }
  return doc;
}

json to_json(const Outbound& m) {
  json keyboard = json::array();
  for (const auto& row : m.keyboard) {
    json jrow = json::array();
    for (const auto& b : row) jrow.push_back(json{{"label", b.label}, {"data", b.data}});
    keyboard.push_back(std::move(jrow));
  }
  json j{{"kind", kind_name(m.kind)},
         {"learner", m.learner},
         {"to", address_json(m.to)},
         {"body", to_json(m.body)},
         {"key", m.key}};
  if (!m.keyboard.empty()) j["keyboard"] = std::move(keyboard);
  if (!m.ref.empty()) j["ref"] = m.ref;
  return j;
}

std::optional<Outbound> outbound_from_json(const json& j) {
  if (!j.is_object()) return std::nullopt;
  try {
    Outbound m;
    const json& kind = j.at("kind");
    bool known = false;
    for (auto k :
         {Outbound::Kind::send, Outbound::Kind::edit, Outbound::Kind::ack, Outbound::Kind::home}) {
      if (kind.is_string() && kind.get_ref<const std::string&>() == kind_name(k)) {
        m.kind = k;
        known = true;
      }
    }
    if (!known) return std::nullopt;
    m.learner = get_or<std::string>(j, "learner", "");
    m.to = address_from(j.at("to"));
    auto body = doc_from_json(j.at("body"));
    if (!body) return std::nullopt;
    m.body = std::move(*body);
    if (auto it = j.find("keyboard"); it != j.end()) {
      for (const json& jrow : *it) {
        std::vector<Button> row;
        for (const json& jb : jrow) {
          row.push_back(
              Button{jb.at("label").get<std::string>(), jb.at("data").get<std::string>()});
        }
        m.keyboard.push_back(std::move(row));
      }
    }
    m.ref = get_or<std::string>(j, "ref", "");
    m.key = get_or<std::string>(j, "key", "");
    return m;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

json to_json(const LearnerState& s) {
  json enrollments = json::array();
  for (const Enrollment& e : s.enrollments) {
    enrollments.push_back(json{{"course", e.course},
                               {"status", kStatusNames[static_cast<int>(e.status)]},
                               {"step", e.step},
                               {"answered", e.answered},
                               {"correct", e.correct},
                               {"attempt", e.attempt},
                               {"best", e.best_score},
                               {"ever_passed", e.ever_passed},
                               {"missed", e.missed},
                               {"started", to_millis(e.started)},
                               {"finished", to_millis(e.finished)}});
  }
  return json{{"schema", LearnerState::kSchema},
              {"id", s.id},
              {"name", s.display_name},
              {"address", address_json(s.address)},
              {"focus", s.focus},
              {"enrollments", std::move(enrollments)},
              {"profile",
               {{"tz", s.profile.time_zone},
                {"tz_chosen", s.profile.time_zone_chosen},
                {"minute", s.profile.lesson_minute},
                {"weekdays_only", s.profile.weekdays_only},
                {"paused", s.profile.paused},
                {"blocked", s.profile.blocked}}},
              {"push",
               {{"next_due", to_millis(s.push.next_due)},
                {"awaiting_since", to_millis(s.push.awaiting_since)},
                {"reminders", s.push.reminders}}},
              {"has_home", s.has_home},
              {"created", to_millis(s.created)},
              {"last_seen", to_millis(s.last_seen)}};
}

std::optional<LearnerState> learner_from_json(const json& j) {
  if (!j.is_object() || get_or<int>(j, "schema", 0) < 1) return std::nullopt;
  try {
    LearnerState s;
    s.id = j.at("id").get<std::string>();
    s.display_name = get_or<std::string>(j, "name", "");
    s.address = address_from(j.value("address", json::object()));
    s.focus = get_or<std::string>(j, "focus", "");
    for (const json& je : j.value("enrollments", json::array())) {
      Enrollment e;
      e.course = je.at("course").get<std::string>();
      e.status = enum_from<Enrollment::Status>(je.at("status"), kStatusNames)
                     .value_or(Enrollment::Status::active);
      e.step = get_or<int>(je, "step", 0);
      e.answered = get_or<int>(je, "answered", 0);
      e.correct = get_or<int>(je, "correct", 0);
      e.attempt = get_or<int>(je, "attempt", 1);
      e.best_score = get_or<int>(je, "best", -1);
      e.ever_passed = get_or<bool>(je, "ever_passed", false);
      e.missed = get_or<std::vector<std::string>>(je, "missed", {});
      e.started = time_or(je, "started");
      e.finished = time_or(je, "finished");
      s.enrollments.push_back(std::move(e));
    }
    const json profile = j.value("profile", json::object());
    s.profile.time_zone = get_or<std::string>(profile, "tz", "");
    s.profile.time_zone_chosen = get_or<bool>(profile, "tz_chosen", false);
    s.profile.lesson_minute = get_or<int>(profile, "minute", -1);
    s.profile.weekdays_only = get_or<bool>(profile, "weekdays_only", false);
    s.profile.paused = get_or<bool>(profile, "paused", false);
    s.profile.blocked = get_or<bool>(profile, "blocked", false);
    const json push = j.value("push", json::object());
    s.push.next_due = time_or(push, "next_due");
    s.push.awaiting_since = time_or(push, "awaiting_since");
    s.push.reminders = get_or<int>(push, "reminders", 0);
    s.has_home = get_or<bool>(j, "has_home", false);
    s.created = time_or(j, "created");
    s.last_seen = time_or(j, "last_seen");
    return s;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json to_json(const core::Inbound& e) {
  return json{{"kind", core::kind_name(e.kind)},
              {"event_id", e.event_id},
              {"learner", e.learner},
              {"reply_to", address_json(e.reply_to)},
              {"display_name", e.display_name},
              {"name", e.name},
              {"text", e.text},
              {"origin", e.origin},
              {"interaction", e.interaction},
              {"group", e.group},
              {"time_zone", e.time_zone}};
}

std::optional<core::Inbound> inbound_from_json(const json& j) {
  if (!j.is_object()) return std::nullopt;
  using K = core::Inbound::Kind;
  try {
    core::Inbound e;
    const std::string kind = j.at("kind").get<std::string>();
    bool known = false;
    for (K k : {K::command, K::text, K::press, K::home_opened, K::blocked, K::profile, K::tick}) {
      if (kind == core::kind_name(k)) {
        e.kind = k;
        known = true;
      }
    }
    if (!known) return std::nullopt;
    e.event_id = get_or<std::string>(j, "event_id", "");
    e.learner = j.at("learner").get<std::string>();
    e.reply_to = address_from(j.value("reply_to", json::object()));
    e.display_name = get_or<std::string>(j, "display_name", "");
    e.name = get_or<std::string>(j, "name", "");
    e.text = get_or<std::string>(j, "text", "");
    e.origin = get_or<std::string>(j, "origin", "");
    e.interaction = get_or<std::string>(j, "interaction", "");
    e.group = get_or<bool>(j, "group", false);
    e.time_zone = get_or<std::string>(j, "time_zone", "");
    return e;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace mc::store
