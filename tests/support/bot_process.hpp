#pragma once

// The real `microcourse serve` binary as a child process, for integration tests: started with
// the environment a test gives it on a free port, ready when GET /healthz answers.

#include <string>
#include <utility>
#include <vector>

#include "tests/support/process.hpp"

namespace mc::test {

class BotProcess {
 public:
  /// `binary` is the path of microcourse; `env` is added to the parent's environment (PORT is
  /// chosen here unless given). Output goes to `log_path`.
  BotProcess(std::string binary, std::vector<std::pair<std::string, std::string>> env,
             std::string log_path);
  ~BotProcess();

  /// Starts `serve` and waits until /healthz answers; throws with the log when it does not.
  void start();
  /// SIGTERM and wait (graceful).
  ExitStatus stop();
  /// SIGKILL: a crash.
  void kill();
  bool running();

  std::string url() const;  ///< http://127.0.0.1:<port>
  unsigned short port() const { return port_; }
  std::string log() const;

 private:
  std::string binary_;
  std::vector<std::pair<std::string, std::string>> env_;
  std::string log_path_;
  unsigned short port_ = 0;
  Process process_;
};

}  // namespace mc::test
