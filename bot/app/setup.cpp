#include "bot/app/setup.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "bot/content/loader.hpp"

namespace mc::app {

std::optional<Setup> prepare() {
  ConfigResult loaded = load_config(process_env);
  if (!loaded.errors.empty()) {
    std::cerr << "microcourse: invalid configuration:\n";
    for (const auto& e : loaded.errors) std::cerr << "  " << e << "\n";
    std::cerr << "(run `microcourse env` to list every variable)\n";
    return std::nullopt;
  }
  // Logs go to stderr: stdout belongs to the console channel.
  auto logger = spdlog::stderr_color_mt("microcourse");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(loaded.config.log_level));

  content::LoadResult content = content::load_directory(loaded.config.content_dir);
  if (!content.ok()) {
    std::cerr << "microcourse: the courses in " << loaded.config.content_dir << " have problems:\n";
    for (const auto& p : content.problems) std::cerr << content::format(p) << "\n";
    return std::nullopt;
  }
  if (content.catalog.empty()) {
    std::cerr << "microcourse: no course files in " << loaded.config.content_dir
              << " (set CONTENT_DIR)\n";
    return std::nullopt;
  }
  return Setup{std::move(loaded.config), std::move(content.catalog)};
}

core::Time system_now() { return core::to_time(core::Clock::now()); }

}  // namespace mc::app
