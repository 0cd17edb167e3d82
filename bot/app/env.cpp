#include "bot/app/env.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <charconv>
#include <cstdlib>

namespace mc::app {
namespace {

std::optional<double> parse_positive(const std::string& s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || !(v > 0) || v > 1e6) {
    return std::nullopt;
  }
  return v;
}

std::optional<long> parse_long(const std::string& s) {
  long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool is_http_url(const std::string& s, bool https_only) {
  auto url = boost::urls::parse_absolute_uri(s);
  if (!url || url->host().empty()) return false;
  if (url->scheme() == "https") return true;
  return !https_only && url->scheme() == "http";
}

}  // namespace

std::optional<std::string> process_env(const char* name) {
  const char* v = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read once at start-up
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

// Hand-written rather than std::regex: these are the only patterns we need, and <regex> is slow
// to compile and trips GCC 12's sanitizer warnings.
bool word_chars(std::string_view s, std::size_t min, std::size_t max, std::string_view extra) {
  if (s.size() < min || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [&](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           extra.find(ch) != std::string_view::npos;
  });
}

std::optional<std::string> EnvReader::get(const char* name) const {
  auto v = getenv_(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

void EnvReader::error(const char* name, const std::string& what) {
  errors_.push_back(std::string(name) + ": " + what);
}

bool EnvReader::has_error(std::string_view name) const {
  return std::any_of(errors_.begin(), errors_.end(), [&](const std::string& e) {
    return e.starts_with(name) && e.size() > name.size() && e[name.size()] == ':';
  });
}

void EnvReader::integer(const char* name, long low, long high,
                        const std::function<void(long)>& apply) {
  auto v = get(name);
  if (!v) return;
  auto x = parse_long(*v);
  if (!x || *x < low || *x > high) {
    error(name, "must be a whole number from " + std::to_string(low) + " to " +
                    std::to_string(high) + ", got \"" + *v + "\"");
    return;
  }
  apply(*x);
}

void EnvReader::integer(const char* name, long low, long high, int& target) {
  integer(name, low, high, [&](long x) { target = static_cast<int>(x); });
}

void EnvReader::millis(const char* name, long low, long high, std::chrono::milliseconds& target) {
  integer(name, low, high, [&](long x) { target = std::chrono::milliseconds(x); });
}

void EnvReader::rate(const char* name, double& target, double scale) {
  auto v = get(name);
  if (!v) return;
  if (auto x = parse_positive(*v)) {
    target = *x * scale;
  } else {
    error(name, "must be a positive number, got \"" + *v + "\"");
  }
}

void EnvReader::url(const char* name, std::string& target, bool https_only) {
  auto v = get(name);
  if (!v) return;
  if (!is_http_url(*v, https_only)) {
    error(name, https_only ? "must be an https:// URL (platforms only call https webhooks)"
                           : "must be an http:// or https:// URL");
    return;
  }
  target = *v;
  while (!target.empty() && target.back() == '/') target.pop_back();
}

}  // namespace mc::app
