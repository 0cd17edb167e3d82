#include "tests/support/redis_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace mc::test {
namespace {

std::string resp_command(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

/// One blocking probe: connect, (AUTH,) PING, and true when "+PONG" comes back. A loading
/// server answers -LOADING, which is not ready yet.
bool probe(const std::string& host, unsigned short port, const std::string& password) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  timeval tv{0, 500'000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string request;
    if (!password.empty()) request += resp_command({"AUTH", password});
    request += resp_command({"PING"});
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      std::string reply;
      char buf[256];
      while (reply.find("PONG\r\n") == std::string::npos && reply.find("-") == std::string::npos) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        reply.append(buf, static_cast<std::size_t>(n));
      }
      ok = reply.find("+PONG\r\n") != std::string::npos;
    }
  }
  ::close(fd);
  return ok;
}

}  // namespace

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options)) {
  const char* configured = std::getenv("MC_REDIS_SERVER");
  executable_ = configured && *configured
                    ? std::string(configured)
                    : find_executable("redis-server",
                                      {"/usr/bin/redis-server", "/usr/local/bin/redis-server"});
  if (executable_.empty()) {
    throw std::runtime_error(
        "redis-server not found (PATH, /usr/bin, /usr/local/bin, $MC_REDIS_SERVER): install it "
        "(apt-get install redis-server); tests that need Redis do not skip");
  }
  dir_ = make_temp_dir("mc-redis");
  // free_port() can race with another process taking the port: try a few.
  std::string last_error;
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    try {
      launch();
      return;
    } catch (const std::exception& e) {
      last_error = e.what();
      process_.stop(std::chrono::seconds(2));
      if (last_error.find("in use") == std::string::npos) break;
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
  throw std::runtime_error(last_error);
}

RedisServer::~RedisServer() {
  process_.stop(std::chrono::seconds(10));  // resumes a paused server first
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void RedisServer::launch() {
  std::vector<std::string> argv = {executable_,
                                   "--port",
                                   std::to_string(port_),
                                   "--bind",
                                   host_,
                                   "--save",
                                   "",
                                   "--appendonly",
                                   options_.appendonly ? "yes" : "no",
                                   "--appendfsync",
                                   "always",
                                   "--dir",
                                   dir_,
                                   "--daemonize",
                                   "no",
                                   "--logfile",
                                   ""};
  if (!options_.password.empty()) {
    argv.push_back("--requirepass");
    argv.push_back(options_.password);
  }
  for (const auto& a : options_.extra_args) argv.push_back(a);
  process_ = Process::spawn(ProcessOptions(argv).output(dir_ + "/redis.log"));
  paused_ = false;
  wait_ready();
}

void RedisServer::wait_ready() {
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  auto pause = std::chrono::milliseconds(2);
  for (;;) {
    if (!process_.running()) {
      auto s = process_.status().value_or(ExitStatus{});
      std::string why = log();
      throw std::runtime_error(
          "redis-server on port " + std::to_string(port_) + " exited (" +
          (s.exited ? "code " + std::to_string(s.code) : "signal " + std::to_string(s.signal)) +
          (why.find("Address already in use") != std::string::npos ? ", address in use" : "") +
          "); its log:\n" + why);
    }
    if (probe(host_, port_, options_.password)) return;
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error(
          "redis-server on port " + std::to_string(port_) + " did not answer PING within " +
          std::to_string(options_.start_timeout.count()) + " ms; its log:\n" + log());
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

void RedisServer::stop() {
  process_.stop(std::chrono::seconds(10));
  paused_ = false;
}

void RedisServer::kill() {
  if (process_.running()) {
    process_.kill();
    process_.wait(std::chrono::seconds(10));
  }
  paused_ = false;
}

void RedisServer::restart() {
  stop();
  launch();
}

void RedisServer::pause() {
  process_.signal(SIGSTOP);
  paused_ = true;
}

void RedisServer::resume() {
  process_.signal(SIGCONT);
  paused_ = false;
}

bool RedisServer::running() { return process_.running(); }

std::string RedisServer::url(int db) const {
  std::string auth =
      options_.password.empty()
          ? ""
          : ":" + boost::urls::encode(options_.password, boost::urls::unreserved_chars) + "@";
  return "redis://" + auth + host_ + ":" + std::to_string(port_) + "/" + std::to_string(db);
}

std::string RedisServer::log() const { return read_file(dir_ + "/redis.log"); }

}  // namespace mc::test
