#include "tests/support/fake_telegram.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>

#include "bot/http/server.hpp"
#include "tests/support/loopback_server.hpp"

namespace mc::test {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using SteadyClock = std::chrono::steady_clock;

// An independent token bucket (deliberately not the product's limiter, so a bug in one is not
// mirrored by the other).
struct Bucket {
  double per_second = 0;
  double burst = 1;
  double tokens = -1;
  SteadyClock::time_point last{};

  bool take(SteadyClock::time_point now) {
    if (per_second <= 0) return true;
    if (tokens < 0 && last == SteadyClock::time_point{}) tokens = burst;
    if (last != SteadyClock::time_point{}) {
      tokens =
          std::min(burst, tokens + std::chrono::duration<double>(now - last).count() * per_second);
    }
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }
};

std::size_t utf16_length(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0U) == 0x80U) continue;
    n += (c >= 0xF0U) ? 2 : 1;  // 4-byte sequences are surrogate pairs in UTF-16
  }
  return n;
}

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

nlohmann::json ok(nlohmann::json result) { return {{"ok", true}, {"result", std::move(result)}}; }
nlohmann::json fail(int code, std::string description) {
  return {{"ok", false}, {"error_code", code}, {"description", std::move(description)}};
}

bool is_message_method(const std::string& m) {
  return m == "sendMessage" || m == "editMessageText" || m == "editMessageReplyMarkup" ||
         m == "sendPhoto" || m == "sendDocument";
}

std::string chat_key(const nlohmann::json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_string()) return v.get<std::string>();
  return {};
}

}  // namespace

HtmlCheck check_telegram_html(std::string_view html) {
  static const std::set<std::string> kTags = {
      "b",   "strong", "i",          "em", "u",        "ins",  "s",   "strike",
      "del", "span",   "tg-spoiler", "a",  "tg-emoji", "code", "pre", "blockquote"};
  HtmlCheck r;
  std::vector<std::string> open;
  std::size_t i = 0;
  auto error = [&](std::string what) {
    r.ok = false;
    r.error = "Bad Request: can't parse entities: " + what + " at byte offset " + std::to_string(i);
    return r;
  };
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      std::size_t end = html.find('>', i);
      if (end == std::string_view::npos) return error("unclosed start tag");
      std::string_view tag = html.substr(i + 1, end - i - 1);
      bool closing = !tag.empty() && tag.front() == '/';
      if (closing) tag.remove_prefix(1);
      std::string name(tag.substr(0, tag.find_first_of(" \t\n")));
      if (kTags.count(name) == 0) return error("unsupported start tag \"" + name + "\"");
      if (closing) {
        if (open.empty() || open.back() != name) {
          return error("unexpected end tag \"" + name + "\"");
        }
        open.pop_back();
      } else {
        if (name == "a" && tag.find("href=\"") == std::string_view::npos) {
          return error("a tag without href");
        }
        open.push_back(name);
      }
      i = end + 1;
      continue;
    }
    if (c == '>') return error("unescaped >");
    if (c == '&') {
      std::size_t end = html.find(';', i);
      if (end == std::string_view::npos || end - i > 10) return error("unescaped &");
      std::string_view entity = html.substr(i + 1, end - i - 1);
      if (entity == "lt") {
        r.text += '<';
      } else if (entity == "gt") {
        r.text += '>';
      } else if (entity == "amp") {
        r.text += '&';
      } else if (entity == "quot") {
        r.text += '"';
      } else if (entity.starts_with("#")) {
        bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
        std::string digits(entity.substr(hex ? 2 : 1));
        if (digits.empty()) return error("bad character reference");
        append_utf8(r.text, std::stoul(digits, nullptr, hex ? 16 : 10));
      } else {
        return error("unsupported entity \"" + std::string(entity) + "\"");
      }
      i = end + 1;
      continue;
    }
    r.text += c;
    ++i;
  }
  if (!open.empty()) {
    i = html.size();
    return error("unclosed tag \"" + open.back() + "\"");
  }
  return r;
}

struct FakeTelegram::Impl {
  explicit Impl(FakeTelegramOptions o) : options(std::move(o)) {
    if (!options.spec_path.empty()) {
      std::ifstream in(options.spec_path);
      if (!in) throw std::runtime_error("fake telegram: cannot read spec " + options.spec_path);
      spec = nlohmann::json::parse(in);
    }
    bot.per_second = options.bot_per_second;
    bot.burst = options.bot_burst;
  }

  FakeTelegramOptions options;
  nlohmann::json spec;
  std::unique_ptr<LoopbackServer> server;  ///< reset first: its handler uses the rest

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<FakeCall> calls;
  std::vector<std::string> violations;
  int fail_remaining = 0;
  std::set<int> fail_at;  // call numbers counted by `counted`
  int counted = 0;
  unsigned fail_status = 502;
  int rate_limited = 0;
  std::set<std::string> blocked;
  Bucket bot;
  std::map<std::string, Bucket> chats;
  struct Stored {
    std::string text;
    nlohmann::json markup;
  };
  std::map<std::string, std::map<long long, Stored>> messages;  // chat -> id -> message
  long long next_message_id = 1000;

  std::string bot_id() const { return options.token.substr(0, options.token.find(':')); }

  nlohmann::json bot_user() const {
    return {{"id", std::stoll(bot_id())},
            {"is_bot", true},
            {"first_name", "Microcourse Test"},
            {"username", options.username}};
  }

  // Checks the call against the trimmed spec; empty when it conforms.
  std::string spec_problem(const std::string& method, const nlohmann::json& params) const {
    if (spec.is_null()) return {};
    auto m = spec["methods"].find(method);
    if (m == spec["methods"].end()) return "unknown method " + method;
    std::set<std::string> known;
    for (const auto& f : (*m).value("fields", nlohmann::json::array())) {
      std::string name = f["name"];
      known.insert(name);
      if (f.value("required", false) && !params.contains(name)) {
        return method + ": missing required field " + name;
      }
    }
    for (const auto& [name, value] : params.items()) {
      if (known.count(name) == 0) return method + ": unknown field " + name;
    }
    return {};
  }

  // Decides the answer to one call; the caller records it. Runs under the mutex.
  std::pair<unsigned, nlohmann::json> answer(const std::string& method, const nlohmann::json& p) {
    const bool fail_this = fail_at.erase(++counted) > 0;
    if (fail_remaining > 0 || fail_this) {
      if (!fail_this) --fail_remaining;
      return {fail_status, fail(static_cast<int>(fail_status), "Internal Server Error")};
    }
    if (auto problem = spec_problem(method, p); !problem.empty()) {
      violations.push_back(problem);
      return {400, fail(400, "Bad Request: " + problem)};
    }
    const std::string chat = p.contains("chat_id") ? chat_key(p["chat_id"]) : "";
    if (is_message_method(method)) {
      if (blocked.count(chat) != 0)
        return {403, fail(403, "Forbidden: bot was blocked by the user")};
      auto now = SteadyClock::now();
      auto [it, fresh] = chats.try_emplace(chat);
      if (fresh) {
        bool group = !chat.empty() && chat.front() == '-';
        it->second.per_second = group ? options.group_per_minute / 60.0 : options.chat_per_second;
        it->second.burst = options.chat_burst;
      }
      if (!it->second.take(now) || !bot.take(now)) {
        ++rate_limited;
        int after = options.retry_after_seconds;
        auto body = fail(429, "Too Many Requests: retry after " + std::to_string(after));
        body["parameters"] = {{"retry_after", after}};
        return {429, body};
      }
    }
    if (method == "getMe") return {200, ok(bot_user())};
    if (method == "setWebhook")
      return {200, {{"ok", true}, {"result", true}, {"description", "Webhook was set"}}};
    if (method == "answerCallbackQuery") {
      if (p.value("text", "").size() > 200 * 4)
        return {400, fail(400, "Bad Request: MESSAGE_TOO_LONG")};
      return {200, ok(true)};
    }
    if (method == "sendMessage" || method == "editMessageText") {
      std::string text = p.value("text", "");
      std::string visible = text;
      if (p.value("parse_mode", "") == "HTML") {
        HtmlCheck check = check_telegram_html(text);
        if (!check.ok) return {400, fail(400, check.error)};
        visible = check.text;
      }
      if (visible.find_first_not_of(" \n\t") == std::string::npos) {
        return {400, fail(400, "Bad Request: message text is empty")};
      }
      if (utf16_length(visible) > 4096) return {400, fail(400, "Bad Request: message is too long")};
      nlohmann::json markup = p.value("reply_markup", nlohmann::json::object());
      for (const auto& row : markup.value("inline_keyboard", nlohmann::json::array())) {
        for (const auto& b : row) {
          if (b.value("callback_data", "").size() > 64) {
            return {400, fail(400, "Bad Request: BUTTON_DATA_INVALID")};
          }
        }
      }
      long long id = 0;
      if (method == "sendMessage") {
        id = ++next_message_id;
      } else {
        id = p.value("message_id", 0LL);
        auto& chat_messages = messages[chat];
        auto m = chat_messages.find(id);
        if (m == chat_messages.end()) {
          return {400, fail(400, "Bad Request: message to edit not found")};
        }
        if (m->second.text == visible && m->second.markup == markup) {
          return {400, fail(400,
                            "Bad Request: message is not modified: specified new message content "
                            "and reply markup are exactly the same as a current content and "
                            "reply markup of the message")};
        }
      }
      messages[chat][id] = Stored{visible, markup};
      long long chat_id = 0;
      std::from_chars(chat.data(), chat.data() + chat.size(), chat_id);
      nlohmann::json chat_json = {
          {"id", chat_id}, {"type", !chat.empty() && chat.front() == '-' ? "group" : "private"}};
      return {200, ok({{"message_id", id},
                       {"from", bot_user()},
                       {"chat", chat_json},
                       {"date", std::time(nullptr)},
                       {"text", visible}})};
    }
    return {200, ok(true)};
  }

  asio::awaitable<http::Response> handle(http::Request req) {
    const std::string target(req.target());
    const std::string prefix = "/bot" + options.token + "/";
    if (options.latency.count() > 0) {
      asio::steady_timer t(co_await asio::this_coro::executor, options.latency);
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    auto reply = [&](unsigned status, const nlohmann::json& body) {
      auto res = http::make_response(req, static_cast<bhttp::status>(status), body.dump(),
                                     "application/json");
      return res;
    };
    if (!target.starts_with("/bot")) co_return reply(404, fail(404, "Not Found"));
    if (!target.starts_with(prefix)) co_return reply(401, fail(401, "Unauthorized"));
    std::string method = target.substr(prefix.size());
    method = method.substr(0, method.find('?'));
    nlohmann::json params = nlohmann::json::object();
    if (!req.body().empty()) {
      params = nlohmann::json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
      if (params.is_discarded() || !params.is_object()) {
        co_return reply(400, fail(400, "Bad Request: can't parse JSON body"));
      }
    }
    std::lock_guard lock(mutex);
    auto [status, body] = answer(method, params);
    calls.push_back(FakeCall{method, params, status, body.value("result", nlohmann::json()),
                             SteadyClock::now()});
    changed.notify_all();
    co_return reply(status, body);
  }
};

FakeTelegram::FakeTelegram(FakeTelegramOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
  Impl* impl = impl_.get();
  impl_->server = std::make_unique<LoopbackServer>(
      "fake telegram", [impl](http::Request req) { return impl->handle(std::move(req)); });
}

FakeTelegram::~FakeTelegram() { impl_->server.reset(); }

std::string FakeTelegram::url() const { return impl_->server->url(); }
const FakeTelegramOptions& FakeTelegram::options() const { return impl_->options; }
std::string FakeTelegram::bot_id() const { return impl_->bot_id(); }

std::vector<FakeCall> FakeTelegram::calls() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->calls;
}

std::vector<FakeCall> FakeTelegram::accepted(const std::string& method) const {
  std::vector<FakeCall> out;
  for (auto& c : calls()) {
    if (c.method == method && c.status == 200) out.push_back(std::move(c));
  }
  return out;
}

bool FakeTelegram::wait_for(const std::function<bool(const std::vector<FakeCall>&)>& done,
                            std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return done(impl_->calls); });
}

void FakeTelegram::clear() {
  std::lock_guard lock(impl_->mutex);
  impl_->calls.clear();
}

void FakeTelegram::fail_calls(std::set<int> call_numbers, unsigned status) {
  std::lock_guard lock(impl_->mutex);
  impl_->fail_at = std::move(call_numbers);
  impl_->counted = 0;
  impl_->fail_status = status;
}

void FakeTelegram::fail_next(int n, unsigned status) {
  std::lock_guard lock(impl_->mutex);
  impl_->fail_remaining = n;
  impl_->fail_status = status;
}

void FakeTelegram::block_chat(const std::string& chat_id) {
  std::lock_guard lock(impl_->mutex);
  impl_->blocked.insert(chat_id);
}

int FakeTelegram::rate_limited() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->rate_limited;
}

std::vector<std::string> FakeTelegram::spec_violations() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->violations;
}

}  // namespace mc::test
