#include "adapters/slack/verify.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <charconv>
#include <cstdint>

namespace mc::slack {
namespace {

constexpr std::string_view kVersion = "v0";
constexpr std::size_t kDigestBytes = 32;

using Digest = std::array<unsigned char, kDigestBytes>;

bool hmac_sha256(std::string_view key, std::string_view message, Digest& out) {
  unsigned int size = 0;
  const unsigned char* result = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), out.data(), &size);
  return result != nullptr && size == out.size();
}

Digest digest_of(std::string_view secret, std::string_view timestamp, std::string_view body,
                 bool& ok) {
  std::string base;
  base.reserve(kVersion.size() + timestamp.size() + body.size() + 2);
  base.append(kVersion).append(":").append(timestamp).append(":").append(body);
  Digest d{};
  ok = hmac_sha256(secret, base, d);
  return d;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// "v0=<64 hex digits>" -> the 32 bytes; false for anything else.
bool decode_signature(std::string_view header, Digest& out) {
  constexpr std::string_view kPrefix = "v0=";
  if (!header.starts_with(kPrefix)) return false;
  header.remove_prefix(kPrefix.size());
  if (header.size() != 2 * kDigestBytes) return false;
  for (std::size_t i = 0; i < kDigestBytes; ++i) {
    const int hi = hex_value(header[2 * i]);
    const int lo = hex_value(header[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

}  // namespace

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::ok:
      return "ok";
    case Verdict::missing:
      return "missing";
    case Verdict::bad_timestamp:
      return "bad_timestamp";
    case Verdict::stale:
      return "stale";
    case Verdict::bad_signature:
      return "bad_signature";
  }
  return "unknown";
}

std::string sign(std::string_view secret, std::string_view timestamp, std::string_view body) {
  bool ok = false;
  const Digest d = digest_of(secret, timestamp, body, ok);
  if (!ok) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "v0=";
  for (unsigned char byte : d) {
    out += kHex[byte >> 4U];
    out += kHex[byte & 0x0FU];
  }
  return out;
}

Verdict verify(std::string_view secret, std::string_view timestamp_header,
               std::string_view signature_header, std::string_view body,
               std::chrono::system_clock::time_point now) {
  if (secret.empty() || timestamp_header.empty() || signature_header.empty()) {
    return Verdict::missing;
  }
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(timestamp_header.data(),
                                   timestamp_header.data() + timestamp_header.size(), seconds);
  if (ec != std::errc{} || end != timestamp_header.data() + timestamp_header.size() ||
      seconds < 0) {
    return Verdict::bad_timestamp;
  }
  // Compared in whole seconds: a huge timestamp must not overflow a nanosecond time_point.
  const std::int64_t now_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::int64_t age = now_seconds > seconds ? now_seconds - seconds : seconds - now_seconds;
  if (age > kMaxRequestAge.count()) return Verdict::stale;

  Digest given{};
  if (!decode_signature(signature_header, given)) return Verdict::bad_signature;
  bool ok = false;
  const Digest expected = digest_of(secret, timestamp_header, body, ok);
  if (!ok) return Verdict::bad_signature;
  return CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0
             ? Verdict::ok
             : Verdict::bad_signature;
}

}  // namespace mc::slack
