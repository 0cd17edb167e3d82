#pragma once

// The subcommands of the microcourse binary. Each returns the process exit code.

#include <string>
#include <vector>

namespace mc::app {

/// `serve`: the webhook server, scheduler and dispatcher until SIGINT/SIGTERM.
int serve();
/// `chat [--name NAME]`: take courses in this terminal, on the same engine and Redis.
int chat(const std::vector<std::string>& args);
/// `check [DIR]`: validate course files (default CONTENT_DIR or "content").
int check(const std::vector<std::string>& args);
/// `env`: the configuration variables, their defaults and meaning.
int print_env();

}  // namespace mc::app
