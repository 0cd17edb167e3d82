#pragma once

// JSON forms of the learner state and of outgoing messages: what the store keeps in Redis and
// the outbox carries. Readers ignore unknown fields and default missing ones, so older and newer
// instances can share one Redis during a rolling upgrade.

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "bot/core/learner.hpp"
#include "bot/core/message.hpp"

namespace mc::core {

nlohmann::json to_json(const LearnerState& state);
nlohmann::json to_json(const Outbound& message);
nlohmann::json to_json(const Doc& doc);

/// nullopt when the JSON is not a learner state (never throws).
std::optional<LearnerState> learner_from_json(const nlohmann::json& j);
std::optional<Outbound> outbound_from_json(const nlohmann::json& j);
std::optional<Doc> doc_from_json(const nlohmann::json& j);

}  // namespace mc::core
