#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "bot/app/commands.hpp"

namespace {

constexpr const char* kUsage = R"(microcourse — micro-courses in Telegram, Slack and the terminal

usage: microcourse <command> [args]

commands:
  serve              run the webhook server and the sender (configured from the environment)
  chat [--name NAME] take the courses in this terminal (needs Redis, like serve)
  check [DIR]        validate the course files in DIR (default: $CONTENT_DIR or content)
  env                list the environment variables and their defaults
  help               this text
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = args.empty() ? "serve" : args.front();
  if (!args.empty()) args.erase(args.begin());
  try {
    if (command == "serve") return mc::app::serve();
    if (command == "chat") return mc::app::chat(args);
    if (command == "check") return mc::app::check(args);
    if (command == "env") return mc::app::print_env();
    if (command == "help" || command == "--help" || command == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    std::fprintf(stderr, "microcourse: unknown command \"%s\"\n\n%s", command.c_str(), kUsage);
    return 2;
  } catch (const std::exception& e) {
    // The outermost boundary: everything below reports errors as values.
    std::fprintf(stderr, "microcourse: fatal: %s\n", e.what());
    return 1;
  }
}
