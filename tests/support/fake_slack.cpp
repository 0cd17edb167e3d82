#include "tests/support/fake_slack.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include "bot/http/server.hpp"
#include "tests/support/loopback_server.hpp"

namespace mc::test {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

// An independent token bucket (deliberately not the product's limiter, so a bug in one is not
// mirrored by the other).
struct Bucket {
  double per_second = 0;
  double burst = 1;
  double tokens = 0;
  bool started = false;
  SteadyClock::time_point last{};

  bool take(SteadyClock::time_point now) {
    if (per_second <= 0) return true;
    if (!started) {
      started = true;
      tokens = burst;
    } else {
      tokens =
          std::min(burst, tokens + std::chrono::duration<double>(now - last).count() * per_second);
    }
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }
};

json fail(std::string error) { return {{"ok", false}, {"error", std::move(error)}}; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

json query_fields(std::string_view query) {
  json out = json::object();
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = pair.find('=');
    out[percent_decode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
  }
  return out;
}

// ---- Block Kit ----------------------------------------------------------------------------

void check_mrkdwn(const std::string& text, const std::string& where,
                  std::vector<std::string>& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::string_view rest = std::string_view(text).substr(i);
    if (c == '&') {
      if (!rest.starts_with("&amp;") && !rest.starts_with("&lt;") && !rest.starts_with("&gt;")) {
        out.push_back(where + ": unescaped '&' at " + std::to_string(i));
        return;
      }
    } else if (c == '<') {
      if (rest.starts_with("<@") || rest.starts_with("<!") || rest.starts_with("<#")) {
        out.push_back(where + ": mention or command '" + std::string(rest.substr(0, 12)) + "'");
        return;
      }
      const bool link = rest.starts_with("<http://") || rest.starts_with("<https://") ||
                        rest.starts_with("<mailto:");
      const auto close = rest.find('>');
      if (!link || close == std::string_view::npos ||
          rest.substr(1, close - 1).find('<') != std::string_view::npos) {
        out.push_back(where + ": unescaped '<' at " + std::to_string(i));
        return;
      }
      i += close;  // the link's '>' is markup
    } else if (c == '>') {
      const bool quote_marker = (i == 0 || text[i - 1] == '\n');
      if (!quote_marker) {
        out.push_back(where + ": unescaped '>' at " + std::to_string(i));
        return;
      }
    }
  }
}

void check_text_object(const json& t, const std::string& where, std::size_t max, bool plain_only,
                       std::vector<std::string>& out) {
  if (!t.is_object() || !t.contains("type") || !t.contains("text") || !t["text"].is_string()) {
    out.push_back(where + ": not a text object");
    return;
  }
  const std::string type = t["type"];
  if (type != "plain_text" && (plain_only || type != "mrkdwn")) {
    out.push_back(where + ": text type " + type + " not allowed");
    return;
  }
  const std::string text = t["text"];
  if (text.empty()) out.push_back(where + ": empty text");
  if (slack_text_length(text) > max) {
    out.push_back(where + ": text of " + std::to_string(slack_text_length(text)) +
                  " characters (max " + std::to_string(max) + ")");
  }
  if (type == "mrkdwn") check_mrkdwn(text, where, out);
}

void check_blocks(const json& blocks, std::size_t max_blocks, const std::string& where,
                  std::vector<std::string>& out) {
  if (!blocks.is_array()) {
    out.push_back(where + ": blocks is not an array");
    return;
  }
  if (blocks.size() > max_blocks) {
    out.push_back(where + ": " + std::to_string(blocks.size()) + " blocks (max " +
                  std::to_string(max_blocks) + ")");
  }
  std::set<std::string> action_ids;
  std::set<std::string> block_ids;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const json& b = blocks[i];
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!b.is_object() || !b.contains("type") || !b["type"].is_string()) {
      out.push_back(at + ": block without a type");
      continue;
    }
    if (b.contains("block_id") && !block_ids.insert(b["block_id"].dump()).second) {
      out.push_back(at + ": duplicate block_id");
    }
    const std::string type = b["type"];
    if (type == "section") {
      if (!b.contains("text") && !b.contains("fields"))
        out.push_back(at + ": section without text");
      if (b.contains("text")) check_text_object(b["text"], at + ".text", 3000, false, out);
    } else if (type == "header") {
      check_text_object(b.value("text", json()), at + ".text", 150, true, out);
    } else if (type == "context") {
      const json elements = b.value("elements", json());
      if (!elements.is_array() || elements.empty() || elements.size() > 10) {
        out.push_back(at + ": context needs 1-10 elements");
        continue;
      }
      for (std::size_t k = 0; k < elements.size(); ++k) {
        check_text_object(elements[k], at + ".elements[" + std::to_string(k) + "]", 3000, false,
                          out);
      }
    } else if (type == "actions") {
      const json elements = b.value("elements", json());
      if (!elements.is_array() || elements.empty() || elements.size() > 25) {
        out.push_back(at + ": actions needs 1-25 elements");
        continue;
      }
      for (std::size_t k = 0; k < elements.size(); ++k) {
        const json& e = elements[k];
        const std::string eat = at + ".elements[" + std::to_string(k) + "]";
        if (e.value("type", "") != "button") {
          out.push_back(eat + ": not a button");
          continue;
        }
        check_text_object(e.value("text", json()), eat + ".text", 75, true, out);
        const std::string action_id = e.value("action_id", "");
        if (action_id.empty() || action_id.size() > 255) out.push_back(eat + ": bad action_id");
        if (!action_ids.insert(action_id).second) {
          out.push_back(eat + ": duplicate action_id " + action_id);
        }
        const json value = e.value("value", json(""));
        if (!value.is_string() || value.get<std::string>().size() > 2000) {
          out.push_back(eat + ": bad value");
        }
      }
    } else if (type != "divider") {
      out.push_back(at + ": unexpected block type " + type);
    }
  }
}

// ---- the spec -----------------------------------------------------------------------------

struct Field {
  std::string type;
  bool required = false;
};

/// The fields of `method` (without the token, which travels in the Authorization header), or
/// nullopt for an unknown method.
std::optional<std::map<std::string, Field>> fields_of(const json& spec, const std::string& method) {
  if (method == "views.publish") {
    // Not in the trimmed (2021) spec; the live method docs: user_id and view required.
    return std::map<std::string, Field>{
        {"user_id", {"string", true}}, {"view", {"string", true}}, {"hash", {"string", false}}};
  }
  const json& paths = spec.at("paths");
  auto path = paths.find("/" + method);
  if (path == paths.end()) return std::nullopt;
  const json& op = path->contains("post") ? (*path)["post"] : (*path)["get"];
  std::map<std::string, Field> fields;
  for (const json& p : op.value("parameters", json::array())) {
    const std::string name = p.value("name", "");
    if (name == "token") continue;
    fields[name] = Field{p.value("type", "string"), p.value("required", false)};
  }
  // What the live docs require beyond the 2021 spec, and what we promise on every message.
  if (method == "users.info") fields["user"].required = true;
  if (method == "chat.postMessage" || method == "chat.update") fields["text"].required = true;
  return fields;
}

bool type_matches(const json& v, const std::string& name, const std::string& type) {
  if (name == "blocks" || name == "attachments") return v.is_array() || v.is_string();
  if (name == "view") return v.is_object() || v.is_string();
  if (type == "boolean") return v.is_boolean() || v == "true" || v == "false";
  if (type == "integer") return v.is_number_integer();
  if (type == "string") return v.is_string();
  return true;
}

}  // namespace

std::size_t slack_text_length(std::string_view s) {
  std::size_t n = 0;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0U) == 0x80U) continue;
    n += c >= 0xF0U ? 2 : 1;
  }
  return n;
}

std::vector<std::string> check_slack_call(const json& spec, const std::string& method,
                                          const json& params) {
  std::vector<std::string> out;
  auto fields = fields_of(spec, method);
  if (!fields) {
    out.push_back("unknown method " + method);
    return out;
  }
  if (!params.is_object()) {
    out.push_back(method + ": parameters are not an object");
    return out;
  }
  for (const auto& [name, field] : *fields) {
    if (field.required && !params.contains(name)) out.push_back(method + ": missing " + name);
  }
  for (const auto& [name, value] : params.items()) {
    auto f = fields->find(name);
    if (f == fields->end()) {
      out.push_back(method + ": unknown field " + name);
    } else if (!type_matches(value, name, f->second.type)) {
      out.push_back(method + ": " + name + " is not a " + f->second.type);
    }
  }
  if ((method == "chat.postMessage" || method == "chat.update") && params.contains("text")) {
    const json& text = params["text"];
    if (!text.is_string() || text.get<std::string>().empty()) {
      out.push_back(method + ": empty fallback text");
    } else {
      check_mrkdwn(text.get<std::string>(), method + ".text", out);
    }
  }
  if (params.contains("blocks") && params["blocks"].is_array()) {
    check_blocks(params["blocks"], 50, method + ".blocks", out);
  }
  if (method == "views.publish" && params.contains("view")) {
    const json& view = params["view"];
    if (!view.is_object() || view.value("type", "") != "home") {
      out.push_back("views.publish: view is not a home view");
    } else {
      check_blocks(view.value("blocks", json()), 100, "views.publish.view.blocks", out);
    }
  }
  return out;
}

struct FakeSlack::Impl {
  explicit Impl(FakeSlackOptions o) : options(std::move(o)) {
    if (!options.spec_path.empty()) {
      std::ifstream in(options.spec_path);
      if (!in) throw std::runtime_error("fake slack: cannot read spec " + options.spec_path);
      spec = json::parse(in);
    }
  }

  FakeSlackOptions options;
  json spec;
  std::unique_ptr<LoopbackServer> server;  ///< reset first: its handler uses the rest

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<SlackCall> calls;
  std::vector<std::string> violations;
  int fail_remaining = 0;
  unsigned fail_status = 500;
  std::string fail_error = "internal_error";
  int rate_limited = 0;
  std::map<std::string, std::string> refused;  // channel or user -> error
  struct User {
    std::string tz;
    std::string name;
  };
  std::map<std::string, User> users;
  std::map<std::string, Bucket> channels;
  std::map<std::string, std::map<std::string, json>> messages;  // channel -> ts -> message
  std::map<std::string, json> home_views;
  long long next_ts = 0;

  bool is_user_id(const std::string& id) const {
    return !id.empty() && (id.front() == 'U' || id.front() == 'W');
  }

  std::string channel_of(const std::string& target) const {
    return is_user_id(target) ? dm_channel(target) : target;
  }

  std::string new_ts() {
    ++next_ts;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%06lld", 1700000000LL + next_ts / 1000,
                  (next_ts % 1000) * 100);
    return buf;
  }

  std::optional<std::string> refusal(const std::string& target) const {
    for (const std::string& key : {target, channel_of(target)}) {
      auto it = refused.find(key);
      if (it != refused.end()) return it->second;
    }
    return std::nullopt;
  }

  json user_json(const std::string& id) const {
    auto it = users.find(id);
    const std::string tz = it != users.end() ? it->second.tz : options.default_tz;
    const std::string name = it != users.end() ? it->second.name : "Learner " + id;
    return {{"id", id},
            {"team_id", options.team_id},
            {"name", "learner-" + id},
            {"deleted", false},
            {"real_name", name},
            {"tz", tz},
            {"tz_label", tz},
            {"tz_offset", 3600},
            {"is_bot", false},
            {"profile", {{"display_name", name}, {"real_name", name}}}};
  }

  // Decides the answer to one Web API call; the caller records it. Runs under the mutex.
  std::pair<unsigned, json> answer(const std::string& method, const json& p,
                                   const std::string& authorization,
                                   const std::string& content_type, bhttp::verb verb,
                                   std::vector<std::string>& retry_after) {
    if (fail_remaining > 0) {
      --fail_remaining;
      return {fail_status, fail(fail_error)};
    }
    if (authorization.empty()) return {200, fail("not_authed")};
    if (authorization != "Bearer " + options.token) return {200, fail("invalid_auth")};
    const bool is_write = method != "users.info" && method != "auth.test";
    if (is_write && content_type != "application/json; charset=utf-8") {
      violations.push_back(method + ": content type '" + content_type +
                           "', expected application/json; charset=utf-8");
      return {200, fail("invalid_form_data")};
    }
    if (method == "users.info" && verb != bhttp::verb::get) {
      violations.push_back("users.info: not a GET with a query string");
    }
    if (!spec.is_null()) {
      auto problems = check_slack_call(spec, method, p);
      if (!problems.empty()) {
        bool blocks = false;
        for (const auto& problem : problems) {
          violations.push_back(problem);
          blocks = blocks || problem.find("blocks") != std::string::npos;
        }
        return {200, fail(blocks ? "invalid_blocks" : "invalid_arguments")};
      }
    }
    if (method == "auth.test") {
      return {200,
              {{"ok", true},
               {"url", "https://fake-workspace.slack.com/"},
               {"team", "Fake Workspace"},
               {"user", "microcourse"},
               {"team_id", options.team_id},
               {"user_id", options.bot_user_id},
               {"bot_id", options.bot_id}}};
    }
    if (method == "users.info") {
      const std::string user = p.value("user", "");
      if (auto refusal_error = refusal(user); refusal_error && *refusal_error == "user_not_found") {
        return {200, fail("user_not_found")};
      }
      if (!is_user_id(user)) return {200, fail("user_not_found")};
      return {200, {{"ok", true}, {"user", user_json(user)}}};
    }
    if (method == "views.publish") {
      const std::string user = p.value("user_id", "");
      if (!is_user_id(user)) return {200, fail("invalid_arguments")};
      json view = p["view"];
      view["id"] = "V" + std::to_string(1000 + home_views.size());
      view["team_id"] = options.team_id;
      home_views[user] = view;
      return {200, {{"ok", true}, {"view", view}}};
    }
    if (method == "chat.postMessage" || method == "chat.update") {
      const std::string target = p.value("channel", "");
      if (auto refusal_error = refusal(target)) return {200, fail(*refusal_error)};
      if (target.empty() || std::string("DCGUW").find(target.front()) == std::string::npos) {
        return {200, fail("channel_not_found")};
      }
      const std::string channel = channel_of(target);
      json message = {{"type", "message"},
                      {"user", options.bot_user_id},
                      {"bot_id", options.bot_id},
                      {"text", p.value("text", "")},
                      {"blocks", p.value("blocks", json::array())}};
      if (method == "chat.postMessage") {
        auto [bucket, fresh] = channels.try_emplace(channel);
        if (fresh) {
          bucket->second.per_second = options.channel_per_second;
          bucket->second.burst = options.channel_burst;
        }
        if (!bucket->second.take(SteadyClock::now())) {
          ++rate_limited;
          retry_after.push_back(std::to_string(options.retry_after_seconds));
          return {429, fail("ratelimited")};
        }
        const std::string ts = new_ts();
        message["ts"] = ts;
        messages[channel][ts] = message;
        return {200, {{"ok", true}, {"channel", channel}, {"ts", ts}, {"message", message}}};
      }
      const std::string ts = p.value("ts", "");
      auto in_channel = messages.find(channel);
      if (in_channel == messages.end() || !in_channel->second.contains(ts)) {
        return {200, fail("message_not_found")};
      }
      message["ts"] = ts;
      in_channel->second[ts] = message;
      return {200,
              {{"ok", true},
               {"channel", channel},
               {"ts", ts},
               {"text", message["text"]},
               {"message", message}}};
    }
    return {200, {{"ok", true}}};
  }

  asio::awaitable<http::Response> handle(http::Request req) {
    if (options.latency.count() > 0) {
      asio::steady_timer t(co_await asio::this_coro::executor, options.latency);
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    const std::string target(req.target());
    const auto question = target.find('?');
    const std::string path = target.substr(0, question);
    const std::string query = question == std::string::npos ? "" : target.substr(question + 1);
    auto header = [&](bhttp::field f) {
      auto it = req.find(f);
      return it == req.end() ? std::string() : std::string(it->value());
    };
    auto reply = [&](unsigned status, const json& body) {
      return http::make_response(req, static_cast<bhttp::status>(status), body.dump(),
                                 "application/json; charset=utf-8");
    };

    SlackCall call;
    call.path = path;
    call.content_type = header(bhttp::field::content_type);
    call.at = SteadyClock::now();

    if (path.starts_with("/hooks/")) {
      call.method = "response_url";
      call.params = json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
      const bool readable = call.params.is_object();
      call.status = readable ? 200 : 400;
      call.answer = readable ? json{{"ok", true}} : fail("invalid_payload");
      std::lock_guard lock(mutex);
      calls.push_back(call);
      changed.notify_all();
      co_return reply(call.status, call.answer);
    }

    call.method = path.size() > 1 ? path.substr(1) : "";
    static const std::set<std::string> kMethods = {"chat.postMessage", "chat.update",
                                                   "views.publish", "users.info", "auth.test"};
    if (kMethods.count(call.method) == 0) {
      call.status = 404;
      call.answer = fail("unknown_method");
      std::lock_guard lock(mutex);
      violations.push_back("unknown method " + call.method);
      calls.push_back(call);
      changed.notify_all();
      co_return reply(call.status, call.answer);
    }
    if (req.method() == bhttp::verb::get) {
      call.params = query_fields(query);
    } else if (req.body().empty()) {
      call.params = json::object();
    } else {
      call.params = json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
      if (call.params.is_discarded() || !call.params.is_object()) {
        call.status = 200;
        call.answer = fail("invalid_json");
        std::lock_guard lock(mutex);
        violations.push_back(call.method + ": body is not a JSON object");
        calls.push_back(call);
        changed.notify_all();
        co_return reply(call.status, call.answer);
      }
    }

    std::vector<std::string> retry_after;
    {
      std::lock_guard lock(mutex);
      auto [status, body] = answer(call.method, call.params, header(bhttp::field::authorization),
                                   call.content_type, req.method(), retry_after);
      call.status = status;
      call.answer = std::move(body);
      calls.push_back(call);
      changed.notify_all();
    }
    auto res = reply(call.status, call.answer);
    if (!retry_after.empty()) res.set(bhttp::field::retry_after, retry_after.front());
    co_return res;
  }
};

FakeSlack::FakeSlack(FakeSlackOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  Impl* impl = impl_.get();
  impl_->server = std::make_unique<LoopbackServer>(
      "fake slack", [impl](http::Request req) { return impl->handle(std::move(req)); });
}

FakeSlack::~FakeSlack() { impl_->server.reset(); }

std::string FakeSlack::url() const { return impl_->server->url(); }

std::string FakeSlack::response_url(const std::string& id) const { return url() + "/hooks/" + id; }

const FakeSlackOptions& FakeSlack::options() const { return impl_->options; }

std::string FakeSlack::dm_channel(const std::string& user) {
  return user.empty() ? std::string("D") : "D" + user.substr(1);
}

std::vector<SlackCall> FakeSlack::calls() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->calls;
}

std::vector<SlackCall> FakeSlack::accepted(const std::string& method) const {
  std::vector<SlackCall> out;
  for (auto& c : calls()) {
    if (c.method == method && c.ok()) out.push_back(std::move(c));
  }
  return out;
}

bool FakeSlack::wait_for(const std::function<bool(const std::vector<SlackCall>&)>& done,
                         std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return done(impl_->calls); });
}

void FakeSlack::clear() {
  std::lock_guard lock(impl_->mutex);
  impl_->calls.clear();
}

std::optional<json> FakeSlack::message(const std::string& channel, const std::string& ts) const {
  std::lock_guard lock(impl_->mutex);
  auto c = impl_->messages.find(channel);
  if (c == impl_->messages.end()) return std::nullopt;
  auto m = c->second.find(ts);
  if (m == c->second.end()) return std::nullopt;
  return m->second;
}

std::optional<json> FakeSlack::home_view(const std::string& user) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->home_views.find(user);
  if (it == impl_->home_views.end()) return std::nullopt;
  return it->second;
}

void FakeSlack::fail_next(int n, unsigned http_status, std::string error) {
  std::lock_guard lock(impl_->mutex);
  impl_->fail_remaining = n;
  impl_->fail_status = http_status;
  impl_->fail_error = std::move(error);
}

void FakeSlack::refuse_channel(const std::string& channel_or_user, std::string error) {
  std::lock_guard lock(impl_->mutex);
  impl_->refused[channel_or_user] = std::move(error);
}

void FakeSlack::set_user(const std::string& user, std::string tz, std::string display_name) {
  std::lock_guard lock(impl_->mutex);
  impl_->users[user] = Impl::User{std::move(tz), std::move(display_name)};
}

int FakeSlack::rate_limited() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->rate_limited;
}

std::vector<std::string> FakeSlack::spec_violations() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->violations;
}

}  // namespace mc::test
