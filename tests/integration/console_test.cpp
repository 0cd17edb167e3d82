// The console channel end to end: `microcourse chat` reading typed lines from a pipe, with a real
// redis-server, so a newcomer's first experience (the README's run command) is tested.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"

namespace mc::test {
namespace {

class ConsoleChat : public ::testing::Test {
 protected:
  // Runs one chat session fed with `input` and returns what it printed.
  std::string session(const std::string& input, int* exit_code = nullptr) {
    const std::string out = dir_ + "/out-" + std::to_string(++runs_) + ".txt";
    const std::string in = dir_ + "/in-" + std::to_string(runs_) + ".txt";
    {
      std::ofstream f(in);
      f << input;
    }
    auto p =
        Process::spawn(ProcessOptions({"/bin/sh", "-c", "exec \"$0\" chat --name tester < \"$1\"",
                                       MC_BINARY_DIR "/microcourse", in})
                           .env("REDIS_URL", redis_.url())
                           .env("CONTENT_DIR", MC_SOURCE_DIR "/content")
                           .env("LOG_LEVEL", "warn")
                           .output(out));
    auto status = p.wait(std::chrono::seconds(60));
    EXPECT_TRUE(status.has_value()) << "chat did not finish:\n" << read_file(out);
    if (!status) p.kill();
    if (exit_code != nullptr && status) *exit_code = status->exited ? status->code : -1;
    return read_file(out);
  }

  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  RedisServer redis_{RedisServerOptions().aof()};
  std::string dir_ = make_temp_dir("mc-console-it");
  int runs_ = 0;
};

TEST_F(ConsoleChat, TakesACourseByTypingNumbersAndRemembersProgress) {
  int code = -1;
  std::string first = session("1\n1\n1\n/progress\n", &code);
  EXPECT_EQ(code, 0) << first;
  // The session opens with the greeting and the catalogue; "1" presses the first button.
  EXPECT_NE(first.find("Hi, tester!"), std::string::npos) << first;
  EXPECT_NE(first.find("[1] Start Spotting phishing"), std::string::npos) << first;
  EXPECT_NE(first.find("Lesson 1/6"), std::string::npos) << first;
  EXPECT_NE(first.find("Lesson 2/6"), std::string::npos) << first;
  EXPECT_NE(first.find("Question 1/"), std::string::npos) << first;  // two lessons, then a quiz
  EXPECT_NE(first.find("Your progress"), std::string::npos) << first;
  // Replies come in order.
  EXPECT_LT(first.find("Lesson 1/6"), first.find("Lesson 2/6"));
  EXPECT_LT(first.find("Lesson 2/6"), first.find("Question 1/"));
  EXPECT_LT(first.find("Question 1/"), first.find("Your progress"));

  // A new session on the same Redis picks up where the learner left off.
  std::string second = session("/continue\n");
  EXPECT_NE(second.find("Question 1/"), std::string::npos) << second;
  EXPECT_EQ(second.find("Lesson 1/6"), std::string::npos) << second;
}

TEST_F(ConsoleChat, UnknownInputGetsHelpAndQuitEnds) {
  std::string out = session("what is this\n/frobnicate\nquit\n/help\n");
  EXPECT_NE(out.find("I didn't catch that."), std::string::npos) << out;
  EXPECT_NE(out.find("I don't know the command `/frobnicate`"), std::string::npos) << out;
  EXPECT_EQ(out.find("How this works"), std::string::npos) << "input after quit was read";
}

TEST_F(ConsoleChat, RedisUnreachableIsAClearError) {
  redis_.stop();
  int code = 0;
  std::string out = session("/start\n", &code);
  EXPECT_EQ(code, 1);
  EXPECT_NE(out.find("is not reachable"), std::string::npos) << out;
}

}  // namespace
}  // namespace mc::test
