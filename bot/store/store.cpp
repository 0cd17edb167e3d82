#include "bot/store/store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/uuid/detail/sha1.hpp>
#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "bot/core/json.hpp"
#include "bot/metrics/metrics.hpp"
#include "bot/store/scripts.hpp"

namespace mc::store {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using boost::system::result;
using Args = std::vector<std::string>;

enum ScriptId {
  kCommitScript,
  kAckScript,
  kTouchScript,
  kRetryScript,
  kDeadLetterScript,
  kClaimDueScript,
  kUnscheduleMissingScript,
};

struct Script {
  std::string_view body;
  std::string sha;  ///< what EVALSHA names it by: the SHA-1 of the body, as Redis computes it
};

std::string sha1_hex(std::string_view text) {
  boost::uuids::detail::sha1 hash;
  hash.process_bytes(text.data(), text.size());
  boost::uuids::detail::sha1::digest_type digest;
  hash.get_digest(digest);
  char out[41];
  for (int i = 0; i < 5; ++i) std::snprintf(out + i * 8, 9, "%08x", digest[i]);
  return std::string(out, 40);
}

const std::array<Script, 7>& all_scripts() {
  static const std::array<Script, 7> table = {
      Script{scripts::kCommit, sha1_hex(scripts::kCommit)},
      Script{scripts::kAck, sha1_hex(scripts::kAck)},
      Script{scripts::kTouch, sha1_hex(scripts::kTouch)},
      Script{scripts::kRetry, sha1_hex(scripts::kRetry)},
      Script{scripts::kDeadLetter, sha1_hex(scripts::kDeadLetter)},
      Script{scripts::kClaimDue, sha1_hex(scripts::kClaimDue)},
      Script{scripts::kUnscheduleMissing, sha1_hex(scripts::kUnscheduleMissing)},
  };
  return table;
}

metrics::Registry& registry_of(const RedisClient& redis) {
  return redis.config().metrics ? *redis.config().metrics : metrics::Registry::global();
}

bool is_error(const Reply& r, std::string_view code) {
  return r.is_error() && r.str.starts_with(code);
}

/// Logs a reply the Store did not expect and maps it to an error code.
error_code unexpected(const RedisClient& redis, std::string_view what, const Reply& r) {
  if (r.is_error()) {
    registry_of(redis).inc("microcourse_redis_errors_total", "Redis errors by kind",
                           {{"kind", "reply"}});
    spdlog::error("store: {} failed: {}", what, r.str);
    return Errc::redis_error;
  }
  spdlog::error("store: {}: unexpected reply (type {})", what, static_cast<int>(r.type));
  return Errc::bad_reply;
}

/// EVALSHA, and EVAL once when Redis forgot the script (restart, SCRIPT FLUSH).
asio::awaitable<result<Reply>> eval(RedisClient& redis, ScriptId id, Args keys, Args args) {
  const Script& script = all_scripts()[id];
  Args cmd;
  cmd.reserve(3 + keys.size() + args.size());
  cmd.push_back("EVALSHA");
  cmd.push_back(script.sha);
  cmd.push_back(std::to_string(keys.size()));
  for (auto& k : keys) cmd.push_back(std::move(k));
  for (auto& a : args) cmd.push_back(std::move(a));
  auto r = co_await redis.command(cmd);
  if (r && is_error(*r, "NOSCRIPT")) {
    cmd[0] = "EVAL";
    cmd[1] = std::string(script.body);
    r = co_await redis.command(std::move(cmd));
  }
  co_return r;
}

/// Never throws: invalid UTF-8 in user text is replaced rather than failing the commit.
std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

template <typename Int>
bool parse_int(std::string_view s, Int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(d);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

bool valid_partition(int p) { return p >= 0 && p < kPartitions; }

bool valid_entry(const OutboxEntry& e) {
  return valid_partition(e.partition) && !e.id.empty() && !e.platform.empty();
}

enum class EntryParse { ok, unparsable, skip };

/// One stream entry, [id, [field, value, ...]], as an OutboxEntry. `unparsable` leaves id, raw
/// and attempt filled so the entry can be dead-lettered; `skip` is an entry without fields (one
/// deleted while pending).
EntryParse parse_entry(const Reply& e, int partition, const std::string& platform,
                       OutboxEntry& out) {
  if (e.type != Reply::Type::array || e.elements.size() < 2 ||
      e.elements[0].type != Reply::Type::string) {
    return EntryParse::skip;
  }
  out = OutboxEntry{};
  out.partition = partition;
  out.platform = platform;
  out.id = e.elements[0].str;
  const Reply& fields = e.elements[1];
  if (fields.type != Reply::Type::array) return EntryParse::skip;
  bool has_msg = false;
  for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    const std::string& name = fields.elements[i].str;
    const std::string& value = fields.elements[i + 1].str;
    if (name == "msg") {
      out.raw = value;
      has_msg = true;
    } else if (name == "attempt") {
      parse_int(value, out.attempt);
    } else if (name == "parts") {
      parse_int(value, out.parts_done);
    } else if (name == "nb") {
      long long ms = 0;
      if (parse_int(value, ms)) out.not_before = core::from_millis(ms);
    }
  }
  if (!has_msg) return EntryParse::unparsable;
  auto j = nlohmann::json::parse(out.raw, nullptr, false);
  if (j.is_discarded()) return EntryParse::unparsable;
  auto message = core::outbound_from_json(j);
  if (!message) return EntryParse::unparsable;
  out.message = std::move(*message);
  return EntryParse::ok;
}

}  // namespace

// --- keys ------------------------------------------------------------------------------------

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

// --- Store -----------------------------------------------------------------------------------

Store::Store(RedisClient& redis, StoreConfig config) : redis_(redis), config_(std::move(config)) {}

Store::Store(RedisClient& redis, RedisClient& reader, StoreConfig config)
    : redis_(redis), reader_(&reader), config_(std::move(config)) {}

boost::asio::awaitable<bool> Store::ping() {
  Args cmd{"PING"};  // named: gcc 12 miscompiles braced lists inside co_await
  auto r = co_await redis_.command(std::move(cmd));
  co_return r && r->type == Reply::Type::status && r->str == "PONG";
}

bool Store::connected() const {
  return redis_.connected() && (reader_ == nullptr || reader_->connected());
}

boost::asio::awaitable<result<void>> Store::load_scripts() {
  std::vector<Args> cmds;
  for (const Script& s : all_scripts()) cmds.push_back({"SCRIPT", "LOAD", std::string(s.body)});
  auto r = co_await redis_.pipeline(std::move(cmds));
  if (!r) co_return r.error();
  for (std::size_t i = 0; i < r->size(); ++i) {
    const Reply& reply = (*r)[i];
    if (reply.type != Reply::Type::string) co_return unexpected(redis_, "SCRIPT LOAD", reply);
    if (reply.str != all_scripts()[i].sha) {
      spdlog::error("store: Redis names script {} {}, expected {}", i, reply.str,
                    all_scripts()[i].sha);
      co_return Errc::bad_reply;
    }
  }
  co_return result<void>{};
}

boost::asio::awaitable<result<Loaded>> Store::load(std::string_view learner) {
  std::string id(learner);
  Args cmd{"HMGET", learner_key(config_.prefix, id), "state", "v"};
  auto r = co_await redis_.command(std::move(cmd));
  if (!r) co_return r.error();
  if (r->type != Reply::Type::array || r->elements.size() != 2) {
    co_return unexpected(redis_, "load", *r);
  }
  Loaded out;
  const Reply& version = r->elements[1];
  if (version.type == Reply::Type::string && !parse_int(version.str, out.version)) {
    spdlog::error("store: learner {}: stored version is not a number", id);
    co_return Errc::bad_data;
  }
  const Reply& state = r->elements[0];
  if (state.is_nil()) co_return out;
  if (state.type != Reply::Type::string) co_return unexpected(redis_, "load", state);
  auto j = nlohmann::json::parse(state.str, nullptr, false);
  if (j.is_discarded()) {
    spdlog::error("store: learner {}: stored state is not valid JSON", id);
    co_return Errc::bad_data;
  }
  auto parsed = core::learner_from_json(j);
  if (!parsed) {
    spdlog::error("store: learner {}: stored JSON is not a learner state", id);
    co_return Errc::bad_data;
  }
  out.state = std::move(*parsed);
  co_return out;
}

boost::asio::awaitable<result<CommitStatus>> Store::commit(const Commit& c) {
  if (c.learner.empty()) co_return Errc::invalid_argument;
  const int p = partition_of(c.learner);
  Args keys{learner_key(config_.prefix, c.learner), seen_key(config_.prefix, c.learner, c.event_id),
            due_key(config_.prefix, p)};
  for (const core::Outbound& m : c.out) {
    keys.push_back(outbox_key(config_.prefix, p, platform_of_route(m.to.route)));
  }
  Args args;
  args.reserve(7 + c.out.size());
  args.push_back(std::to_string(c.expected_version));
  args.push_back(dump(core::to_json(c.state)));
  args.push_back(c.event_id.empty() ? "0" : "1");
  args.push_back(std::to_string(std::max<long long>(1, config_.seen_ttl.count())));
  if (!c.due) {
    args.push_back("keep");
    args.push_back("0");
  } else if (core::to_millis(*c.due) == 0) {
    args.push_back("remove");
    args.push_back("0");
  } else {
    args.push_back("set");
    args.push_back(std::to_string(core::to_millis(*c.due)));
  }
  args.push_back(c.learner);
  for (const core::Outbound& m : c.out) args.push_back(dump(core::to_json(m)));

  auto r = co_await eval(redis_, kCommitScript, std::move(keys), std::move(args));
  if (!r) co_return r.error();
  if (r->type == Reply::Type::string) {
    if (r->str == "committed") co_return CommitStatus::committed;
    if (r->str == "duplicate") co_return CommitStatus::duplicate;
    if (r->str == "conflict") co_return CommitStatus::conflict;
  }
  co_return unexpected(redis_, "commit", *r);
}

// --- outbox ----------------------------------------------------------------------------------

boost::asio::awaitable<result<void>> Store::ensure_groups() {
  std::vector<Args> cmds;
  for (int p = 0; p < kPartitions; ++p) {
    for (const std::string& platform : config_.platforms) {
      cmds.push_back({"XGROUP", "CREATE", outbox_key(config_.prefix, p, platform), config_.group,
                      "0", "MKSTREAM"});
    }
  }
  auto r = co_await redis_.pipeline(std::move(cmds));
  if (!r) co_return r.error();
  for (const Reply& reply : *r) {
    if (reply.is_error() && !is_error(reply, "BUSYGROUP")) {
      co_return unexpected(redis_, "XGROUP CREATE", reply);
    }
  }
  co_return result<void>{};
}

boost::asio::awaitable<result<std::vector<OutboxEntry>>> Store::read_outbox(
    std::string consumer, int count, std::chrono::milliseconds block) {
  if (count <= 0 || consumer.empty()) co_return Errc::invalid_argument;
  const bool waits = block.count() > 0;
  // With a reader connection the wait happens inside Redis (BLOCK): the dispatcher sees a new
  // entry the moment it is committed. Without one, a BLOCK would stall every other command on
  // the shared connection (replies come in order), so we poll with short sleeps instead.
  const bool blocks_in_redis = waits && reader_ != nullptr;
  const auto deadline = std::chrono::steady_clock::now() + block;
  bool created_groups = false;

  for (;;) {
    Args cmd{"XREADGROUP", "GROUP", config_.group, consumer, "COUNT", std::to_string(count)};
    if (blocks_in_redis) {
      cmd.push_back("BLOCK");
      cmd.push_back(std::to_string(block.count()));
    }
    cmd.push_back("STREAMS");
    std::size_t streams = 0;
    for (int p = 0; p < kPartitions; ++p) {
      for (const std::string& platform : config_.platforms) {
        cmd.push_back(outbox_key(config_.prefix, p, platform));
        ++streams;
      }
    }
    for (std::size_t i = 0; i < streams; ++i) cmd.push_back(">");

    result<Reply> r = Errc::not_connected;
    if (blocks_in_redis) {
      r = co_await reader_->command(std::move(cmd), block + reader_->config().command_timeout);
    } else {
      r = co_await redis_.command(std::move(cmd));
    }
    if (!r) co_return r.error();
    if (is_error(*r, "NOGROUP") && !created_groups) {
      // The groups vanished (e.g. Redis restarted without persistence): recreate them once.
      created_groups = true;
      auto g = co_await ensure_groups();
      if (!g) co_return g.error();
      continue;
    }
    if (r->is_error()) co_return unexpected(redis_, "XREADGROUP", *r);

    std::vector<OutboxEntry> out;
    if (r->type == Reply::Type::array) {
      for (const Reply& stream : r->elements) {
        if (stream.type != Reply::Type::array || stream.elements.size() != 2) {
          co_return unexpected(redis_, "XREADGROUP", stream);
        }
        int partition = -1;
        std::string stream_platform;
        for (int p = 0; p < kPartitions && partition < 0; ++p) {
          for (const std::string& platform : config_.platforms) {
            if (stream.elements[0].str == outbox_key(config_.prefix, p, platform)) {
              partition = p;
              stream_platform = platform;
            }
          }
        }
        if (partition < 0) co_return unexpected(redis_, "XREADGROUP", stream.elements[0]);
        for (const Reply& e : stream.elements[1].elements) {
          OutboxEntry entry;
          auto parsed = parse_entry(e, partition, stream_platform, entry);
          if (parsed == EntryParse::ok) {
            out.push_back(std::move(entry));
          } else if (parsed == EntryParse::unparsable) {
            spdlog::error("store: outbox entry {} of partition {} is unparsable; dead-lettered",
                          entry.id, partition);
            auto d = co_await dead_letter(entry, "unparsable");
            if (!d) co_return d.error();
          }
        }
      }
    } else if (!r->is_nil()) {
      co_return unexpected(redis_, "XREADGROUP", *r);
    }

    if (!out.empty() || !waits || blocks_in_redis) co_return out;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) co_return out;
    co_await sleep_for(
        std::min<std::chrono::steady_clock::duration>(config_.poll_interval, deadline - now));
  }
}

boost::asio::awaitable<result<std::vector<OutboxEntry>>> Store::reclaim_outbox(
    std::string consumer, std::chrono::milliseconds min_idle, int count) {
  if (count <= 0 || consumer.empty()) co_return Errc::invalid_argument;
  std::vector<OutboxEntry> out;
  // One partition at a time, so `count` bounds the total; reclaiming is rare.
  for (int stream = 0; stream < kPartitions * static_cast<int>(config_.platforms.size()) &&
                       static_cast<int>(out.size()) < count;
       ++stream) {
    const int p = stream / static_cast<int>(config_.platforms.size());
    const std::string& platform =
        config_.platforms[static_cast<std::size_t>(stream) % config_.platforms.size()];
    Args cmd{"XAUTOCLAIM",
             outbox_key(config_.prefix, p, platform),
             config_.group,
             consumer,
             std::to_string(std::max<long long>(0, min_idle.count())),
             "0-0",
             "COUNT",
             std::to_string(count - static_cast<int>(out.size()))};
    auto r = co_await redis_.command(std::move(cmd));
    if (!r) co_return r.error();
    if (is_error(*r, "NOGROUP")) continue;  // no group yet: nothing pending either
    if (r->type != Reply::Type::array || r->elements.size() < 2 ||
        r->elements[1].type != Reply::Type::array) {
      co_return unexpected(redis_, "XAUTOCLAIM", *r);
    }
    for (const Reply& e : r->elements[1].elements) {
      OutboxEntry entry;
      auto parsed = parse_entry(e, p, platform, entry);
      if (parsed == EntryParse::ok) {
        out.push_back(std::move(entry));
      } else if (parsed == EntryParse::unparsable) {
        spdlog::error("store: outbox entry {} of partition {} is unparsable; dead-lettered",
                      entry.id, p);
        auto d = co_await dead_letter(entry, "unparsable");
        if (!d) co_return d.error();
      }
    }
  }
  co_return out;
}

boost::asio::awaitable<result<void>> Store::ack(const OutboxEntry& entry) {
  if (!valid_entry(entry)) co_return Errc::invalid_argument;
  Args keys{outbox_key(config_.prefix, entry.partition, entry.platform)};
  Args args{config_.group, entry.id};
  auto r = co_await eval(redis_, kAckScript, std::move(keys), std::move(args));
  if (!r) co_return r.error();
  if (r->type != Reply::Type::integer) co_return unexpected(redis_, "ack", *r);
  co_return result<void>{};
}

boost::asio::awaitable<result<std::vector<std::string>>> Store::touch(int partition,
                                                                      std::string platform,
                                                                      std::vector<std::string> ids,
                                                                      std::string consumer) {
  std::vector<std::string> lost;
  if (!valid_partition(partition) || platform.empty() || consumer.empty()) {
    co_return Errc::invalid_argument;
  }
  // In slices: one script call stays short (Redis runs nothing else meanwhile) and within Lua's
  // unpack() limit.
  constexpr std::size_t kSlice = 500;
  for (std::size_t at = 0; at < ids.size(); at += kSlice) {
    const std::size_t end = std::min(ids.size(), at + kSlice);
    Args keys{outbox_key(config_.prefix, partition, platform)};
    Args args{config_.group, consumer};
    args.insert(args.end(), ids.begin() + at, ids.begin() + end);
    auto r = co_await eval(redis_, kTouchScript, std::move(keys), std::move(args));
    if (!r) co_return r.error();
    if (is_error(*r, "NOGROUP")) {  // the stream is gone (FLUSHDB): nothing is ours any more
      lost.insert(lost.end(), ids.begin() + at, ids.begin() + end);
      continue;
    }
    if (r->type != Reply::Type::array) co_return unexpected(redis_, "touch", *r);
    for (const Reply& id : r->elements) lost.push_back(id.str);
  }
  co_return lost;
}

boost::asio::awaitable<result<void>> Store::retry(const OutboxEntry& entry, core::Time not_before,
                                                  int parts_done) {
  if (!valid_entry(entry)) co_return Errc::invalid_argument;
  // The stored JSON verbatim: fields this version doesn't know survive a rolling upgrade.
  std::string msg = entry.raw.empty() ? dump(core::to_json(entry.message)) : entry.raw;
  Args keys{outbox_key(config_.prefix, entry.partition, entry.platform)};
  Args args{config_.group,
            entry.id,
            std::move(msg),
            std::to_string(entry.attempt + 1),
            std::to_string(parts_done),
            std::to_string(core::to_millis(not_before))};
  auto r = co_await eval(redis_, kRetryScript, std::move(keys), std::move(args));
  if (!r) co_return r.error();
  if (r->type != Reply::Type::integer) co_return unexpected(redis_, "retry", *r);
  if (r->integer == 0) spdlog::debug("store: retry of {}: no longer pending", entry.id);
  co_return result<void>{};
}

boost::asio::awaitable<result<void>> Store::dead_letter(const OutboxEntry& entry,
                                                        std::string_view reason) {
  if (!valid_entry(entry)) co_return Errc::invalid_argument;
  std::string why(reason);
  std::string msg = entry.raw.empty() ? dump(core::to_json(entry.message)) : entry.raw;
  auto failed_at = core::to_millis(core::to_time(core::Clock::now()));
  Args keys{outbox_key(config_.prefix, entry.partition, entry.platform),
            dead_key(config_.prefix, entry.partition)};
  Args args{config_.group,
            entry.id,
            std::move(msg),
            std::move(why),
            std::to_string(entry.attempt),
            std::to_string(failed_at),
            std::to_string(config_.dead_letter_max_len)};
  auto r = co_await eval(redis_, kDeadLetterScript, std::move(keys), std::move(args));
  if (!r) co_return r.error();
  if (r->type != Reply::Type::integer) co_return unexpected(redis_, "dead_letter", *r);
  if (r->integer == 0) spdlog::debug("store: dead letter of {}: no longer pending", entry.id);
  co_return result<void>{};
}

boost::asio::awaitable<result<long long>> Store::dead_letter_count() {
  std::vector<Args> cmds;
  for (int p = 0; p < kPartitions; ++p) cmds.push_back({"XLEN", dead_key(config_.prefix, p)});
  auto r = co_await redis_.pipeline(std::move(cmds));
  if (!r) co_return r.error();
  long long total = 0;
  for (const Reply& reply : *r) {
    if (reply.type != Reply::Type::integer) co_return unexpected(redis_, "XLEN", reply);
    total += reply.integer;
  }
  co_return total;
}

// --- schedule --------------------------------------------------------------------------------

boost::asio::awaitable<result<std::vector<std::string>>> Store::claim_due(
    core::Time now, int limit, std::chrono::milliseconds lease) {
  std::vector<std::string> out;
  if (limit <= 0) co_return out;
  const long long now_ms = core::to_millis(now);
  const long long until_ms = now_ms + std::max<long long>(1, lease.count());
  // One script per partition, one partition after the other: a pipeline of all 16 would have to
  // ask each for `limit` and could lease up to 16 x limit learners nobody works on. Start where
  // the last call started + 1, so a busy low partition can't starve the others.
  const unsigned start = next_partition_.fetch_add(1, std::memory_order_relaxed);
  for (int i = 0; i < kPartitions && static_cast<int>(out.size()) < limit; ++i) {
    const int p = static_cast<int>((start + static_cast<unsigned>(i)) % kPartitions);
    Args keys{due_key(config_.prefix, p)};
    Args args{std::to_string(now_ms), std::to_string(limit - static_cast<int>(out.size())),
              std::to_string(until_ms)};
    auto r = co_await eval(redis_, kClaimDueScript, std::move(keys), std::move(args));
    if (!r) co_return r.error();
    if (r->type != Reply::Type::array) co_return unexpected(redis_, "claim_due", *r);
    for (const Reply& learner : r->elements) out.push_back(learner.str);
  }
  co_return out;
}

boost::asio::awaitable<result<void>> Store::unschedule_if_missing(std::string_view learner) {
  std::string id(learner);
  if (id.empty()) co_return Errc::invalid_argument;
  Args keys{learner_key(config_.prefix, id), due_key(config_.prefix, partition_of(id))};
  Args args{id};
  auto r = co_await eval(redis_, kUnscheduleMissingScript, std::move(keys), std::move(args));
  if (!r) co_return r.error();
  if (r->type != Reply::Type::integer) co_return unexpected(redis_, "unschedule", *r);
  if (r->integer == 1) spdlog::info("store: removed the schedule entry of unknown learner {}", id);
  co_return result<void>{};
}

}  // namespace mc::store
