#pragma once

// A real redis-server for one test (or one fixture): its own free loopback port, its own temp
// directory, no RDB snapshots; optionally AOF with fsync on every write, optionally a password.
// The constructor returns once the server answers PING, and throws std::runtime_error (with the
// server's log) when it can't start: tests that need Redis fail loudly, they never skip.
//
//   mc::test::RedisServer redis(mc::test::RedisServerOptions().aof());
//   auto config = mc::store::parse_redis_url(redis.url(), nullptr);
//   redis.restart();   // same port and dir: AOF data survives
//   redis.pause();     // SIGSTOP: a hung Redis (accepts TCP, answers nothing)
//   redis.resume();
//
// Finds redis-server in $MC_REDIS_SERVER, PATH, /usr/bin, /usr/local/bin. Not thread-safe: use
// it from the test's thread (the server dies with that thread, see Process::spawn).

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace mc::test {

struct RedisServerOptions {
  /// AOF with appendfsync always: data survives restart() and kill().
  RedisServerOptions& aof(bool on = true) {
    appendonly = on;
    return *this;
  }
  /// --requirepass.
  RedisServerOptions& requirepass(std::string value) {
    password = std::move(value);
    return *this;
  }
  /// One more command-line argument (e.g. "--maxmemory", then "10mb").
  RedisServerOptions& arg(std::string value) {
    extra_args.push_back(std::move(value));
    return *this;
  }

  bool appendonly = false;
  std::string password;  ///< empty = none
  std::vector<std::string> extra_args;
  std::chrono::milliseconds start_timeout{15'000};
};

class RedisServer {
 public:
  explicit RedisServer(RedisServerOptions options = {});
  /// Stops the server (resuming it first if paused) and removes its directory.
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  /// SIGTERM and wait (Redis flushes its AOF on the way out). No-op when not running.
  void stop();
  /// SIGKILL and wait: a crash. With appendonly, every acknowledged write is already on disk.
  void kill();
  /// Starts it again on the same port and directory (stops it first if running) and waits for
  /// PING.
  void restart();
  /// SIGSTOP: the process stays, the socket accepts connections, nothing is answered.
  void pause();
  /// SIGCONT.
  void resume();
  bool running();
  bool paused() const { return paused_; }

  const std::string& host() const { return host_; }
  unsigned short port() const { return port_; }
  /// redis://[:password@]127.0.0.1:<port>/<db> (the password percent-encoded).
  std::string url(int db = 0) const;
  const std::string& dir() const { return dir_; }
  const std::string& password() const { return options_.password; }
  /// What the server logged so far (for failure messages).
  std::string log() const;

 private:
  void launch();
  void wait_ready();

  RedisServerOptions options_;
  std::string executable_;
  std::string host_ = "127.0.0.1";
  unsigned short port_ = 0;
  std::string dir_;
  Process process_;
  bool paused_ = false;
};

}  // namespace mc::test
