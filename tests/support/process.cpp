#include "tests/support/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace mc::test {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

bool is_executable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

/// The parent's environment with `extra` added or replaced, as NAME=value strings.
std::vector<std::string> merged_environment(
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& [k, v] : extra) replaced = replaced || k == name;
    if (!replaced) out.push_back(std::move(entry));
  }
  for (const auto& [k, v] : extra) out.push_back(k + "=" + v);
  return out;
}

ExitStatus decode(int raw) {
  ExitStatus s;
  if (WIFEXITED(raw)) {
    s.exited = true;
    s.code = WEXITSTATUS(raw);
  } else if (WIFSIGNALED(raw)) {
    s.signal = WTERMSIG(raw);
  }
  return s;
}

}  // namespace

Process Process::spawn(const ProcessOptions& options) {
  if (options.argv.empty()) throw std::runtime_error("spawn: empty argv");
  std::string program = options.argv[0];
  if (program.find('/') == std::string::npos) program = find_executable(program);
  if (program.empty() || !is_executable(program)) {
    throw std::runtime_error("spawn: " + options.argv[0] + " not found or not executable");
  }

  // Everything the child needs is prepared before fork(): between fork and exec only
  // async-signal-safe calls are allowed (the test process has threads).
  std::vector<std::string> env = merged_environment(options.extra_env);
  std::vector<char*> argv;
  for (const auto& a : options.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string out_path = options.stdout_path.empty() ? "/dev/null" : options.stdout_path;
  const std::string err_path = options.stderr_path;
  const pid_t parent = ::getpid();

  int status_pipe[2];  // the child reports an exec failure (errno) through it; CLOEXEC closes
  if (::pipe2(status_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("spawn: pipe: " + errno_text(errno));
  }

  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(status_pipe[0]);
    ::close(status_pipe[1]);
    throw std::runtime_error("spawn: fork: " + errno_text(err));
  }
  if (pid == 0) {
    auto fail = [&](int step) {
      int report[2] = {step, errno};
      [[maybe_unused]] auto n = ::write(status_pipe[1], report, sizeof report);
      ::_exit(127);
    };
    ::close(status_pipe[0]);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    // A fresh process group: signals for the test runner's group (Ctrl-C) don't hit it twice,
    // and the parent decides when it stops.
    ::setpgid(0, 0);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) fail(1);
    int err = out;
    if (!err_path.empty()) {
      err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (err < 0) fail(2);
    }
    int in = ::open("/dev/null", O_RDONLY);
    if (in < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) fail(3);
    if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) fail(4);
    // Restore default signal handling: the parent may ignore SIGPIPE (the Redis client does).
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(program.c_str(), argv.data(), envp.data());
    fail(5);
  }

  ::close(status_pipe[1]);
  int report[2] = {0, 0};
  ssize_t n;
  do {
    n = ::read(status_pipe[0], report, sizeof report);
  } while (n < 0 && errno == EINTR);
  ::close(status_pipe[0]);
  Process p;
  p.pid_ = pid;
  if (n > 0) {
    p.wait(std::chrono::seconds(5));
    static const char* const kSteps[] = {
        "", "open stdout file", "open stderr file", "redirect output", "chdir", "exec"};
    int step = report[0] >= 1 && report[0] <= 5 ? report[0] : 5;
    throw std::runtime_error("spawn " + program + ": " + kSteps[step] + ": " +
                             errno_text(report[1]));
  }
  return p;
}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), status_(std::move(other.status_)) {}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0 && !status_) stop(std::chrono::milliseconds(0));
    pid_ = std::exchange(other.pid_, -1);
    status_ = std::move(other.status_);
  }
  return *this;
}

Process::~Process() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
}

bool Process::reap(bool block) {
  if (pid_ <= 0 || status_) return true;
  int raw = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &raw, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    status_ = decode(raw);
    return true;
  }
  if (r < 0) {  // not our child any more (reaped elsewhere): treat as gone
    status_ = ExitStatus{};
    return true;
  }
  return false;
}

bool Process::running() { return pid_ > 0 && !reap(false); }

void Process::signal(int sig) {
  if (running()) ::kill(pid_, sig);
}

void Process::terminate() { signal(SIGTERM); }

void Process::kill() { signal(SIGKILL); }

std::optional<ExitStatus> Process::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  // Polls waitpid with a short, growing pause: simple and independent of SIGCHLD handling.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::microseconds(200);
  while (!reap(false)) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(20'000));
  }
  return status_;
}

ExitStatus Process::stop(std::chrono::milliseconds grace) {
  if (running()) {
    ::kill(pid_, SIGCONT);  // a stopped (SIGSTOP) process can't act on SIGTERM
    ::kill(pid_, SIGTERM);
    if (!wait(grace)) {
      ::kill(pid_, SIGKILL);
      reap(true);
    }
  }
  return status_.value_or(ExitStatus{});
}

unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("free_port: socket: " + errno_text(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    ::close(fd);
    throw std::runtime_error("free_port: " + errno_text(err));
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string find_executable(const std::string& name, const std::vector<std::string>& fallbacks) {
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      if (dir.empty()) continue;
      std::string candidate = dir + "/" + name;
      if (is_executable(candidate)) return candidate;
    }
  }
  for (const auto& f : fallbacks) {
    if (is_executable(f)) return f;
  }
  return {};
}

std::string make_temp_dir(const std::string& stem) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + stem + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + pattern + ": " + errno_text(errno));
  }
  return pattern;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace mc::test
