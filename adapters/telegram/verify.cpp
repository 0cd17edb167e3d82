#include "adapters/telegram/verify.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

namespace mc::telegram {
namespace {

using Digest = std::array<unsigned char, 32>;

// Both sides are hashed first so the comparison always runs over 32 bytes: neither the length
// of the configured secret nor the position of the first differing byte shows in the timing.
bool sha256(std::string_view data, Digest& out) {
  unsigned int size = 0;
  return EVP_Digest(data.data(), data.size(), out.data(), &size, EVP_sha256(), nullptr) == 1 &&
         size == out.size();
}

}  // namespace

bool verify_secret(std::string_view configured_secret, std::string_view header_value) {
  if (configured_secret.empty() || header_value.empty()) return false;
  Digest expected{};
  Digest given{};
  if (!sha256(configured_secret, expected) || !sha256(header_value, given)) return false;
  return CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

}  // namespace mc::telegram
