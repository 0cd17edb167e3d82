#include "bot/app/platform.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace mc::app {

boost::asio::awaitable<bool> StartupBackoff::wait() {
  timer_.expires_after(delay_);
  auto [ec] = co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  delay_ = std::min(delay_ * 2, std::chrono::seconds{60});
  co_return !ec;
}

std::string describe_platform(std::string_view name, bool enabled, std::string_view api_url,
                              std::initializer_list<std::pair<std::string_view, bool>> secrets) {
  std::string out(name);
  out += enabled ? " on via " + std::string(api_url) : std::string(" off");
  out += " (";
  bool first = true;
  for (const auto& [secret, set] : secrets) {
    if (!first) out += ", ";
    first = false;
    out += std::string(secret) + (set ? " set" : " unset");
  }
  return out + ")";
}

}  // namespace mc::app
