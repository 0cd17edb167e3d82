#pragma once

// A small child-process helper for tests: start a program (redis-server, the bot binary) with
// extra environment variables and its output in files, signal it, wait for it with a deadline.
// Test support, not product code: failures to start throw std::runtime_error with the reason.
//
//   auto p = mc::test::Process::spawn(
//       mc::test::ProcessOptions({"sleep", "10"}).env("GREETING", "hi").output(dir + "/out.log"));
//   p.terminate();
//   auto status = p.wait(std::chrono::seconds(5));  // nullopt: still running

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mc::test {

/// What to start and how. Built with chained setters (gcc 12 warns on designated initializers
/// that leave members out, and -Werror is on).
struct ProcessOptions {
  explicit ProcessOptions(std::vector<std::string> args) : argv(std::move(args)) {}
  ProcessOptions& env(std::string name, std::string value) {
    extra_env.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  ProcessOptions& output(std::string path) {
    stdout_path = std::move(path);
    return *this;
  }
  ProcessOptions& errors(std::string path) {
    stderr_path = std::move(path);
    return *this;
  }
  ProcessOptions& in_dir(std::string dir) {
    cwd = std::move(dir);
    return *this;
  }

  /// argv[0] is the program: an absolute path, or a name looked up in PATH.
  std::vector<std::string> argv;
  /// Added to (or replacing in) the parent's environment.
  std::vector<std::pair<std::string, std::string>> extra_env;
  std::string stdout_path;  ///< empty = /dev/null; the file is truncated
  std::string stderr_path;  ///< empty = same file as stdout
  std::string cwd;          ///< empty = the parent's working directory
};

/// How a child ended.
struct ExitStatus {
  bool exited = false;  ///< exited normally with `code`; otherwise killed by `signal`
  int code = 0;
  int signal = 0;

  bool success() const { return exited && code == 0; }
};

class Process {
 public:
  /// Starts the program. Throws std::runtime_error when it can't be started (not found, not
  /// executable, output file not writable), with the reason. The child gets SIGKILL if the
  /// thread that spawned it dies (PR_SET_PDEATHSIG), so a crashed test leaves no orphans.
  static Process spawn(const ProcessOptions& options);

  Process() = default;
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  /// Kills (SIGKILL) and reaps a child still running.
  ~Process();

  pid_t pid() const { return pid_; }
  /// True until the child has exited (reaps it when it has).
  bool running();
  /// The exit status once reaped.
  std::optional<ExitStatus> status() const { return status_; }

  void signal(int sig);
  void terminate();  ///< SIGTERM
  void kill();       ///< SIGKILL
  /// Waits up to `timeout` for the child to exit; nullopt when it is still running.
  std::optional<ExitStatus> wait(std::chrono::milliseconds timeout);
  /// SIGTERM, wait up to `grace`, then SIGKILL and wait. Returns how it ended.
  ExitStatus stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  bool reap(bool block);

  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed). Another
/// process may take it before you bind it: callers retry on "address in use".
unsigned short free_port();

/// The absolute path of `name` in PATH, else the first of `fallbacks` that is executable;
/// empty when none is.
std::string find_executable(const std::string& name,
                            const std::vector<std::string>& fallbacks = {});

/// A fresh directory under $TMPDIR (or /tmp) named <stem>-XXXXXX. Throws on failure.
std::string make_temp_dir(const std::string& stem);

/// The whole file, or "" when it can't be read.
std::string read_file(const std::string& path);

}  // namespace mc::test
