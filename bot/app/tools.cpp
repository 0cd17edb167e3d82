#include <iostream>

#include "bot/app/commands.hpp"
#include "bot/app/config.hpp"
#include "bot/content/loader.hpp"

namespace mc::app {

int check(const std::vector<std::string>& args) {
  if (args.size() > 1) {
    std::cerr << "usage: microcourse check [DIR]\n";
    return 2;
  }
  std::string dir = !args.empty() ? args[0] : process_env("CONTENT_DIR").value_or("content");
  return content::check_command(dir, std::cout, std::cerr);
}

int print_env() {
  for (const auto& v : variables()) {
    std::cout << v.name << " (default " << v.default_value << ")\n    " << v.meaning << "\n";
  }
  return 0;
}

}  // namespace mc::app
