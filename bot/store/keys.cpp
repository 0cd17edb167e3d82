#include "bot/store/keys.hpp"

#include <cstdint>
#include <cstdio>

namespace mc::store {

int partition_of(std::string_view learner) {
  std::uint32_t hash = 2166136261u;  // FNV-1a, 32 bit
  for (unsigned char c : learner) {
    hash ^= c;
    hash *= 16777619u;
  }
  return static_cast<int>(hash % kPartitions);
}

std::string partition_tag_at(int partition) {
  char out[16];
  std::snprintf(out, sizeof out, "{p%02d}", partition);
  return out;
}

std::string partition_tag(std::string_view learner) {
  return partition_tag_at(partition_of(learner));
}

std::string learner_key(std::string_view prefix, std::string_view learner) {
  return std::string(prefix) + ":" + partition_tag(learner) + ":learner:" + std::string(learner);
}

std::string seen_key(std::string_view prefix, std::string_view learner, std::string_view event_id) {
  return std::string(prefix) + ":" + partition_tag(learner) + ":seen:" + std::string(event_id);
}

std::string outbox_key(std::string_view prefix, int partition, std::string_view platform) {
  return std::string(prefix) + ":" + partition_tag_at(partition) +
         ":outbox:" + std::string(platform);
}

std::string platform_of_route(std::string_view route) {
  std::string platform(route.substr(0, route.find(':')));
  return platform.empty() ? "none" : platform;
}

std::string due_key(std::string_view prefix, int partition) {
  return std::string(prefix) + ":" + partition_tag_at(partition) + ":due";
}

std::string dead_key(std::string_view prefix, int partition) {
  return std::string(prefix) + ":" + partition_tag_at(partition) + ":dead";
}

std::string deferred_key(std::string_view prefix, int partition) {
  return std::string(prefix) + ":" + partition_tag_at(partition) + ":deferred";
}

std::string deferred_data_key(std::string_view prefix, int partition) {
  return deferred_key(prefix, partition) + ":data";
}

}  // namespace mc::store
