#include "bot/metrics/metrics.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <cmath>
#include <sstream>

namespace mc::metrics {
namespace {

constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,   0.25,   0.5,   1,    2.5,   10};

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string format_labels(const Labels& labels, const std::string& extra = {}) {
  if (labels.empty() && extra.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + escape_label(v) + "\"";
  }
  if (!extra.empty()) {
    if (!first) out += ',';
    out += extra;
  }
  return out + "}";
}

std::string format_number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::ostringstream os;
  os.precision(17);
  os << v;
  return os.str();
}

std::string_view type_name(Type type) {
  switch (type) {
    case Type::counter:
      return "counter";
    case Type::gauge:
      return "gauge";
    case Type::histogram:
      return "histogram";
  }
  return "untyped";
}

/// Pairs the declared label names with the sample's values; false (logged) when the counts differ.
bool pair_labels(std::string_view name, const LabelNames& names, LabelValues values,
                 Labels& labels) {
  if (values.size() != names.size()) {
    spdlog::error("metrics: {} takes {} label values, got {}: sample dropped", name, names.size(),
                  values.size());
    return false;
  }
  labels.reserve(values.size());
  const std::string_view* value = values.begin();
  for (std::string_view n : names) labels.emplace_back(n, *value++);
  return true;
}

}  // namespace

Registry::Family* Registry::family(Type type, std::string_view name, std::string_view help) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    return &families_.emplace(std::string(name), Family{std::string(help), type, {}, {}})
                .first->second;
  }
  if (it->second.type != type) {
    spdlog::error("metrics: {} is a {}, not a {}: sample dropped", name, type_name(it->second.type),
                  type_name(type));
    return nullptr;
  }
  return &it->second;
}

void Registry::inc(const Counter& counter, LabelValues values, double by) {
  Labels labels;
  if (!pair_labels(counter.name, counter.labels, values, labels)) return;
  std::lock_guard lock(mutex_);
  if (Family* f = family(Type::counter, counter.name, counter.help)) {
    f->values[std::move(labels)] += by;
  }
}

void Registry::set(const Gauge& gauge, LabelValues values, double value) {
  Labels labels;
  if (!pair_labels(gauge.name, gauge.labels, values, labels)) return;
  std::lock_guard lock(mutex_);
  if (Family* f = family(Type::gauge, gauge.name, gauge.help)) f->values[std::move(labels)] = value;
}

void Registry::observe(const Histogram& histogram, LabelValues values, double value) {
  Labels labels;
  if (!pair_labels(histogram.name, histogram.labels, values, labels)) return;
  std::lock_guard lock(mutex_);
  Family* f = family(Type::histogram, histogram.name, histogram.help);
  if (!f) return;
  Buckets& h = f->histograms[std::move(labels)];
  if (h.counts.empty()) h.counts.assign(kBuckets.size(), 0);
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (value <= kBuckets[i]) ++h.counts[i];
  }
  ++h.count;
  h.sum += value;
}

double Registry::value(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mutex_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto v = f->second.values.find(labels);
  return v == f->second.values.end() ? 0 : v->second;
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + std::string(type_name(f.type)) + "\n";
    for (const auto& [labels, v] : f.values) {
      out += name + format_labels(labels) + " " + format_number(v) + "\n";
    }
    for (const auto& [labels, h] : f.histograms) {
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        out += name + "_bucket" +
               format_labels(labels, "le=\"" + format_number(kBuckets[i]) + "\"") + " " +
               std::to_string(h.counts[i]) + "\n";
      }
      out += name + "_bucket" + format_labels(labels, "le=\"+Inf\"") + " " +
             std::to_string(h.count) + "\n";
      out += name + "_sum" + format_labels(labels) + " " + format_number(h.sum) + "\n";
      out += name + "_count" + format_labels(labels) + " " + std::to_string(h.count) + "\n";
    }
  }
  return out;
}

Registry& Registry::global() {
  static Registry registry;
  return registry;
}

}  // namespace mc::metrics
