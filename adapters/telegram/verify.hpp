#pragma once

#include <string_view>

namespace mc::telegram {

/// True when the X-Telegram-Bot-Api-Secret-Token header equals the configured secret, compared in
/// constant time. An empty secret or a missing header never verifies.
bool verify_secret(std::string_view configured_secret, std::string_view header_value);

}  // namespace mc::telegram
