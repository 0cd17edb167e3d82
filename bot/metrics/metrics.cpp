#include "bot/metrics/metrics.hpp"

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

}  // namespace

void Registry::inc(const std::string& name, const std::string& help, const Labels& labels,
                   double value) {
  std::lock_guard lock(mutex_);
  Family& f = families_[name];
  if (f.type.empty()) {
    f.type = "counter";
    f.help = help;
  }
  f.values[labels] += value;
}

void Registry::set(const std::string& name, const std::string& help, const Labels& labels,
                   double value) {
  std::lock_guard lock(mutex_);
  Family& f = families_[name];
  if (f.type.empty()) {
    f.type = "gauge";
    f.help = help;
  }
  f.values[labels] = value;
}

void Registry::observe(const std::string& name, const std::string& help, const Labels& labels,
                       double value) {
  std::lock_guard lock(mutex_);
  Family& f = families_[name];
  if (f.type.empty()) {
    f.type = "histogram";
    f.help = help;
  }
  Histogram& h = f.histograms[labels];
  if (h.buckets.empty()) h.buckets.assign(kBuckets.size(), 0);
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (value <= kBuckets[i]) ++h.buckets[i];
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
    out += "# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, v] : f.values) {
      out += name + format_labels(labels) + " " + format_number(v) + "\n";
    }
    for (const auto& [labels, h] : f.histograms) {
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        out += name + "_bucket" +
               format_labels(labels, "le=\"" + format_number(kBuckets[i]) + "\"") + " " +
               std::to_string(h.buckets[i]) + "\n";
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
