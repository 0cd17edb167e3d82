#pragma once

// A small Prometheus registry: counters and histograms with labels, rendered as the text
// exposition format at GET /metrics. Thread-safe; no I/O. Label values must not carry secrets.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mc::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Registry {
 public:
  /// Adds `value` to the counter `name{labels}`; `help` is kept from the first call.
  void inc(const std::string& name, const std::string& help, const Labels& labels = {},
           double value = 1);
  /// Sets a gauge.
  void set(const std::string& name, const std::string& help, const Labels& labels, double value);
  /// Records one observation in the histogram `name{labels}` with the default latency buckets
  /// (seconds: 0.001 … 10).
  void observe(const std::string& name, const std::string& help, const Labels& labels,
               double value);
  /// Current value of a counter or gauge (0 when absent): for tests and the console.
  double value(const std::string& name, const Labels& labels = {}) const;
  /// The text exposition format, version 0.0.4.
  std::string render() const;

  /// The process-wide registry.
  static Registry& global();

 private:
  struct Histogram {
    std::vector<std::uint64_t> buckets;
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct Family {
    std::string help;
    std::string type;
    std::map<Labels, double> values;
    std::map<Labels, Histogram> histograms;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

}  // namespace mc::metrics
