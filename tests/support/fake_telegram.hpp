#pragma once

// A local stand-in for the Telegram Bot API, for tests and benchmarks: the real paths
// (POST /bot<token>/<method>, JSON bodies), the real answer shapes ({"ok":true,"result":...} and
// {"ok":false,"error_code":...,"description":...}), HTML entity checks, message ids, edits that
// must change something, and rate limits answered with 429 + parameters.retry_after. It records
// every call. Runs its own io_context on a thread; every accessor is thread-safe.

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace mc::test {

struct FakeTelegramOptions {
  std::string token = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz";
  std::string username = "microcourse_test_bot";
  /// Rate limits like Telegram's (0 = off): messages per second per bot, per chat (with a small
  /// burst), per group chat per minute.
  double bot_per_second = 30;
  double bot_burst = 30;
  double chat_per_second = 1;
  double chat_burst = 5;
  double group_per_minute = 20;
  int retry_after_seconds = 1;  ///< what a 429 asks for
  /// Path of the trimmed Bot API spec; when set, calls with unknown methods or fields or missing
  /// required fields are refused with 400 and listed in spec_violations().
  std::string spec_path;
  std::chrono::milliseconds latency{0};  ///< added to every answer
};

struct FakeCall {
  std::string method;
  nlohmann::json params;
  unsigned status = 200;  ///< what the fake answered
  nlohmann::json result;  ///< the "result" it answered (the sent Message for sendMessage)
  std::chrono::steady_clock::time_point at;
};

class FakeTelegram {
 public:
  explicit FakeTelegram(FakeTelegramOptions options = {});
  ~FakeTelegram();
  FakeTelegram(const FakeTelegram&) = delete;
  FakeTelegram& operator=(const FakeTelegram&) = delete;

  /// http://127.0.0.1:<port>, for TELEGRAM_API_URL.
  std::string url() const;
  const FakeTelegramOptions& options() const;
  std::string bot_id() const;  ///< the token's numeric prefix

  std::vector<FakeCall> calls() const;
  /// Accepted calls (status 200) of one method.
  std::vector<FakeCall> accepted(const std::string& method) const;
  /// Waits until `done(calls())` holds; false on timeout.
  bool wait_for(const std::function<bool(const std::vector<FakeCall>&)>& done,
                std::chrono::milliseconds timeout) const;
  void clear();

  /// The next `n` calls answer `status` (500, 502, ...) without doing anything.
  void fail_next(int n, unsigned status = 502);
  /// These calls (counted from 1 over every call the fake receives from now on) answer
  /// `status`: a failure in the middle of a sequence, such as the second part of a long message.
  void fail_calls(std::set<int> call_numbers, unsigned status = 502);
  /// Messages to this chat answer 403 "Forbidden: bot was blocked by the user".
  void block_chat(const std::string& chat_id);
  int rate_limited() const;  ///< 429 answers given so far
  std::vector<std::string> spec_violations() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Text of a Telegram HTML message after entity parsing, or an error when Telegram would refuse
/// it ("can't parse entities"): unknown tags, unbalanced tags, bad entities.
struct HtmlCheck {
  bool ok = true;
  std::string text;  ///< visible text
  std::string error;
};
HtmlCheck check_telegram_html(std::string_view html);

}  // namespace mc::test
