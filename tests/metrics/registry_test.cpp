#include <gtest/gtest.h>

#include <string>

#include "bot/metrics/metrics.hpp"

namespace mc::metrics {
namespace {

constexpr Counter kSent{
    "test_messages_sent_total", "Messages accepted by the platform", {"platform", "kind"}};
constexpr Counter kPlain{"test_plain_total", "A counter without labels"};
constexpr Gauge kConnected{"test_connected", "1 while connected", {"client"}};
constexpr Histogram kDuration{"test_duration_seconds", "Handling time in seconds", {"route"}};

static_assert(kSent.labels.size() == 2);
static_assert(kPlain.labels.size() == 0);

TEST(RegistryTest, CounterWithLabelsRendersNamesInDeclaredOrder) {
  Registry registry;
  registry.inc(kSent, {"telegram", "send"});
  registry.inc(kSent, {"telegram", "send"});
  registry.inc(kSent, {"slack", "say \"hi\"\n"}, 3);

  // Families and series in name order; label values escaped; the help kept from the declaration.
  EXPECT_EQ(registry.render(),
            "# HELP test_messages_sent_total Messages accepted by the platform\n"
            "# TYPE test_messages_sent_total counter\n"
            "test_messages_sent_total{platform=\"slack\",kind=\"say \\\"hi\\\"\\n\"} 3\n"
            "test_messages_sent_total{platform=\"telegram\",kind=\"send\"} 2\n");
  EXPECT_EQ(
      registry.value("test_messages_sent_total", {{"platform", "telegram"}, {"kind", "send"}}), 2);
}

TEST(RegistryTest, CounterWithoutLabelsAndGauge) {
  Registry registry;
  registry.inc(kPlain);
  registry.inc(kPlain, {}, 2.5);
  registry.set(kConnected, {"main"}, 1);
  registry.set(kConnected, {"main"}, 0);

  EXPECT_EQ(registry.render(),
            "# HELP test_connected 1 while connected\n"
            "# TYPE test_connected gauge\n"
            "test_connected{client=\"main\"} 0\n"
            "# HELP test_plain_total A counter without labels\n"
            "# TYPE test_plain_total counter\n"
            "test_plain_total 3.5\n");
}

TEST(RegistryTest, HistogramRendersBucketsSumAndCount) {
  Registry registry;
  registry.observe(kDuration, {"/healthz"}, 0.003);
  registry.observe(kDuration, {"/healthz"}, 20);

  const std::string text = registry.render();
  for (const char* line : {
           "# TYPE test_duration_seconds histogram\n",
           "test_duration_seconds_bucket{route=\"/healthz\",le=\"0.001\"} 0\n",
           "test_duration_seconds_bucket{route=\"/healthz\",le=\"0.01\"} 1\n",
           "test_duration_seconds_bucket{route=\"/healthz\",le=\"10\"} 1\n",
           "test_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 2\n",
           "test_duration_seconds_sum{route=\"/healthz\"} 20.003\n",
           "test_duration_seconds_count{route=\"/healthz\"} 2\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " in:\n" << text;
  }
}

TEST(RegistryTest, WrongNumberOfLabelValuesIsDroppedWithoutCrashing) {
  Registry registry;
  registry.inc(kSent, {"telegram"});
  registry.inc(kSent, {"telegram", "send", "extra"});
  registry.inc(kPlain, {"unexpected"});
  registry.set(kConnected, {}, 1);
  registry.observe(kDuration, {"/a", "/b"}, 0.1);
  EXPECT_EQ(registry.render(), "");

  // The next well-formed sample is counted as usual.
  registry.inc(kSent, {"telegram", "send"});
  EXPECT_EQ(
      registry.value("test_messages_sent_total", {{"platform", "telegram"}, {"kind", "send"}}), 1);
}

TEST(RegistryTest, NameTakenByAnotherTypeIsDropped) {
  constexpr Gauge kClash{"test_plain_total", "Same name, another type"};
  Registry registry;
  registry.inc(kPlain);
  registry.set(kClash, {}, 7);
  EXPECT_EQ(registry.value("test_plain_total"), 1);
  EXPECT_EQ(registry.render().find("gauge"), std::string::npos);
}

}  // namespace
}  // namespace mc::metrics
