#pragma once

// JSON forms of the learner state and of outgoing messages: what the store keeps in Redis and
// the outbox carries. Readers ignore unknown fields and default missing ones, so older and newer
// instances can share one Redis during a rolling upgrade.

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "bot/core/inbound.hpp"
#include "bot/core/learner.hpp"
#include "bot/core/message.hpp"

namespace mc::store {

nlohmann::json to_json(const core::LearnerState& state);
nlohmann::json to_json(const core::Outbound& message);
nlohmann::json to_json(const core::Doc& doc);
nlohmann::json to_json(const core::Inbound& event);

/// nullopt when the JSON is not a learner state (never throws).
std::optional<core::LearnerState> learner_from_json(const nlohmann::json& j);
std::optional<core::Outbound> outbound_from_json(const nlohmann::json& j);
std::optional<core::Doc> doc_from_json(const nlohmann::json& j);
std::optional<core::Inbound> inbound_from_json(const nlohmann::json& j);

/// The JSON as text; never throws: invalid UTF-8 in user text is replaced rather than failing a
/// write.
std::string dump(const nlohmann::json& j);

}  // namespace mc::store
