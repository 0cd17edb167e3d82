// The test support itself: child processes and the redis-server fixture that every Redis test
// (here and in tests/integration) relies on.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"

namespace mc::test {
namespace {

using namespace std::chrono_literals;

TEST(Process, RunsWithExtraEnvironmentAndCapturesOutputAndExitCode) {
  const std::string dir = make_temp_dir("mc-process");
  auto p =
      Process::spawn(ProcessOptions({"sh", "-c", "echo \"$MC_GREETING\"; echo oops >&2; exit 3"})
                         .env("MC_GREETING", "hello from the child")
                         .output(dir + "/out.log")
                         .errors(dir + "/err.log"));
  auto status = p.wait(30s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->exited);
  EXPECT_EQ(status->code, 3);
  EXPECT_FALSE(status->success());
  EXPECT_EQ(read_file(dir + "/out.log"), "hello from the child\n");
  EXPECT_EQ(read_file(dir + "/err.log"), "oops\n");
  EXPECT_FALSE(p.running());
  std::filesystem::remove_all(dir);
}

TEST(Process, WaitTimesOutThenTerminateAndKillEndIt) {
  auto p = Process::spawn(ProcessOptions({"sleep", "60"}));
  EXPECT_TRUE(p.running());
  EXPECT_FALSE(p.wait(20ms).has_value());
  p.terminate();
  auto status = p.wait(30s);
  ASSERT_TRUE(status);
  EXPECT_FALSE(status->exited);
  EXPECT_EQ(status->signal, SIGTERM);

  auto q = Process::spawn(ProcessOptions({"sleep", "60"}));
  q.kill();
  auto killed = q.wait(30s);
  ASSERT_TRUE(killed);
  EXPECT_EQ(killed->signal, SIGKILL);
}

TEST(Process, StopEndsAStoppedChildToo) {
  auto p = Process::spawn(ProcessOptions({"sleep", "60"}));
  p.signal(SIGSTOP);
  auto status = p.stop(30s);
  EXPECT_FALSE(p.running());
  EXPECT_EQ(status.signal, SIGTERM);
}

TEST(Process, SpawnFailuresThrowWithTheReason) {
  try {
    Process::spawn(ProcessOptions({"/nonexistent/program"}));
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos) << e.what();
  }
  try {
    Process::spawn(ProcessOptions({"true"}).output("/nonexistent/dir/out.log"));
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("open stdout file"), std::string::npos) << e.what();
  }
}

TEST(Process, FreePortCanBeBound) {
  unsigned short port = free_port();
  EXPECT_GT(port, 0);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
}

TEST(RedisServerFixture, StartsOnALoopbackPortAndCleansUp) {
  std::string dir;
  {
    RedisServer redis(RedisServerOptions().requirepass("p w"));
    dir = redis.dir();
    EXPECT_TRUE(redis.running());
    EXPECT_GT(redis.port(), 0);
    EXPECT_EQ(redis.url(2), "redis://:p%20w@127.0.0.1:" + std::to_string(redis.port()) + "/2");
    EXPECT_TRUE(std::filesystem::is_directory(dir));
    EXPECT_NE(redis.log().find("Ready to accept connections"), std::string::npos);

    redis.pause();
    EXPECT_TRUE(redis.paused());
    redis.resume();
    redis.stop();
    EXPECT_FALSE(redis.running());
    redis.restart();
    EXPECT_TRUE(redis.running());
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(RedisServerFixture, TwoServersGetDifferentPortsAndDirs) {
  RedisServer a;
  RedisServer b;
  EXPECT_NE(a.port(), b.port());
  EXPECT_NE(a.dir(), b.dir());
}

TEST(RedisServerFixture, FailsLoudlyWhenRedisCannotStart) {
  try {
    RedisServer broken(RedisServerOptions().arg("--no-such-option").arg("1"));
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("exited"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no-such-option"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mc::test
