#pragma once

// A small Prometheus registry: counters, gauges and histograms with labels, rendered as the text
// exposition format at GET /metrics. Thread-safe; no I/O. Label values must not carry secrets.
//
// Each metric is declared once, as a constant beside the code that owns it:
//   constexpr metrics::Counter kSent{"x_messages_sent_total", "Messages sent", {"platform",
//   "kind"}};
// and recorded with its label values in the declared order:
//   registry.inc(kSent, {platform, kind});

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mc::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

/// The label values of one sample, in the order of the declaration's label names.
using LabelValues = std::initializer_list<std::string_view>;

enum class Type { counter, gauge, histogram };

/// The label names of one metric, fixed at compile time (more than kMax names does not compile).
class LabelNames {
 public:
  static constexpr std::size_t kMax = 4;

  consteval LabelNames() = default;
  consteval LabelNames(std::initializer_list<std::string_view> names) : size_(names.size()) {
    if (names.size() > kMax) throw "metrics::LabelNames: more than kMax label names";
    std::size_t i = 0;
    for (std::string_view n : names) names_[i++] = n;
  }

  constexpr std::size_t size() const { return size_; }
  constexpr const std::string_view* begin() const { return names_.data(); }
  constexpr const std::string_view* end() const { return names_.data() + size_; }

 private:
  std::array<std::string_view, kMax> names_{};
  std::size_t size_ = 0;
};

/// One metric family: its name, help text and label names, declared once by the code that owns it.
template <Type T>
struct Declaration {
  std::string_view name;
  std::string_view help;
  LabelNames labels{};
};

using Counter = Declaration<Type::counter>;
using Gauge = Declaration<Type::gauge>;
/// Observed with the default latency buckets (seconds: 0.001 … 10).
using Histogram = Declaration<Type::histogram>;

class Registry {
 public:
  /// Adds `by` to the counter. A sample whose number of label values differs from the declared
  /// label names (or whose name is already taken by another type) is logged and dropped.
  void inc(const Counter& counter, LabelValues values = {}, double by = 1);
  /// Sets the gauge; refused like inc().
  void set(const Gauge& gauge, LabelValues values, double value);
  /// Records one observation in the histogram; refused like inc().
  void observe(const Histogram& histogram, LabelValues values, double value);
  /// Current value of a counter or gauge (0 when absent): for tests and the console.
  double value(const std::string& name, const Labels& labels = {}) const;
  /// The text exposition format, version 0.0.4.
  std::string render() const;

  /// The process-wide registry.
  static Registry& global();

 private:
  struct Buckets {
    std::vector<std::uint64_t> counts;
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct Family {
    std::string help;
    Type type = Type::counter;
    std::map<Labels, double> values;
    std::map<Labels, Buckets> histograms;
  };

  /// The family `name` (created on first use), or nullptr (logged) when it has another type.
  /// Called with mutex_ held.
  Family* family(Type type, std::string_view name, std::string_view help);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace mc::metrics
