#include "bot/app/platform.hpp"
#include "bot/app/platforms/slack.hpp"
#include "bot/app/platforms/telegram.hpp"

namespace mc::app {

// One line per platform. Its module brings its settings, routes, sender, limits and start-up.
const std::vector<PlatformModule>& platform_modules() {
  static const std::vector<PlatformModule> modules = {
      telegram_module(),
      slack_module(),
  };
  return modules;
}

}  // namespace mc::app
