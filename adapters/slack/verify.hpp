#pragma once

// Slack request signing ("Verifying requests from Slack"): X-Slack-Signature is
// "v0=" + hex(HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp + ":" + raw body)).

#include <chrono>
#include <string>
#include <string_view>

namespace mc::slack {

/// Requests whose timestamp is further than this from `now`, in either direction, are refused:
/// a captured request can't be replayed later.
inline constexpr std::chrono::seconds kMaxRequestAge{300};

enum class Verdict {
  ok,
  missing,        ///< no secret configured, or a header absent or empty
  bad_timestamp,  ///< not a decimal Unix time
  stale,          ///< more than kMaxRequestAge away from now (replay, or a broken clock)
  bad_signature,  ///< not "v0=<64 hex>", or the HMAC differs
};

/// "ok", "missing", ... for logs and metrics.
const char* to_string(Verdict verdict);

/// "v0=<hex HMAC-SHA256>" of the request: what Slack sends (and what tests sign with).
std::string sign(std::string_view secret, std::string_view timestamp, std::string_view body);

/// Pure: the verdict for one request, `now` passed in. The HMAC is compared in constant time.
/// The timestamp is checked before the signature so that an old signed request is never
/// accepted, however valid its HMAC.
Verdict verify(std::string_view secret, std::string_view timestamp_header,
               std::string_view signature_header, std::string_view body,
               std::chrono::system_clock::time_point now);

}  // namespace mc::slack
