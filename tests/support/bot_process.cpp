#include "tests/support/bot_process.hpp"

#include <stdexcept>
#include <thread>

#include "tests/support/http_call.hpp"

namespace mc::test {

BotProcess::BotProcess(std::string binary, std::vector<std::pair<std::string, std::string>> env,
                       std::string log_path)
    : binary_(std::move(binary)), env_(std::move(env)), log_path_(std::move(log_path)) {
  for (const auto& [name, value] : env_) {
    if (name == "PORT") port_ = static_cast<unsigned short>(std::stoi(value));
  }
  if (port_ == 0) {
    port_ = free_port();
    env_.emplace_back("PORT", std::to_string(port_));
  }
}

BotProcess::~BotProcess() {
  if (process_.pid() > 0 && process_.running()) process_.stop(std::chrono::seconds(5));
}

void BotProcess::start() {
  ProcessOptions options({binary_, "serve"});
  for (const auto& [name, value] : env_) options.env(name, value);
  options.output(log_path_);
  process_ = Process::spawn(options);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_.running()) {
      throw std::runtime_error("microcourse serve exited at start-up:\n" + log());
    }
    auto health = http_call(boost::beast::http::verb::get, url() + "/healthz", {}, {}, "text/plain",
                            std::chrono::milliseconds(500));
    if (health.ok && health.status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("microcourse serve did not answer /healthz within 20 s:\n" + log());
}

ExitStatus BotProcess::stop() { return process_.stop(std::chrono::seconds(20)); }

void BotProcess::kill() {
  process_.kill();
  process_.wait(std::chrono::seconds(5));
}

bool BotProcess::running() { return process_.pid() > 0 && process_.running(); }

std::string BotProcess::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string BotProcess::log() const { return read_file(log_path_); }

}  // namespace mc::test
