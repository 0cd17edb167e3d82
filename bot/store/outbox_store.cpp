#include "bot/store/outbox_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "bot/store/codec.hpp"
#include "bot/store/keys.hpp"
#include "bot/store/reply.hpp"
#include "bot/store/scripts.hpp"

namespace mc::store {
namespace {

namespace asio = boost::asio;
using boost::system::result;
using Args = std::vector<std::string>;

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
  auto message = outbound_from_json(j);
  if (!message) return EntryParse::unparsable;
  out.message = std::move(*message);
  return EntryParse::ok;
}

/// Appends the parsable entries of `entries` (one stream's) to `out` and dead-letters the
/// unparsable ones (reason "unparsable").
asio::awaitable<result<void>> take_entries(OutboxStore& outbox, const Reply& entries, int partition,
                                           const std::string& platform,
                                           std::vector<OutboxEntry>& out) {
  for (const Reply& e : entries.elements) {
    OutboxEntry entry;
    auto parsed = parse_entry(e, partition, platform, entry);
    if (parsed == EntryParse::ok) {
      out.push_back(std::move(entry));
    } else if (parsed == EntryParse::unparsable) {
      spdlog::error("store: outbox entry {} of partition {} is unparsable; dead-lettered", entry.id,
                    partition);
      auto d = co_await outbox.dead_letter(entry, "unparsable");
      if (!d) co_return d.error();
    }
  }
  co_return result<void>{};
}

}  // namespace

OutboxStore::OutboxStore(RedisClient& redis, StoreConfig config)
    : redis_(redis), config_(std::move(config)) {}

OutboxStore::OutboxStore(RedisClient& redis, RedisClient& reader, StoreConfig config)
    : redis_(redis), reader_(&reader), config_(std::move(config)) {}

bool OutboxStore::connected() const {
  return redis_.connected() && (reader_ == nullptr || reader_->connected());
}

boost::asio::awaitable<result<void>> OutboxStore::ensure_groups() {
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

boost::asio::awaitable<result<std::vector<OutboxEntry>>> OutboxStore::read_outbox(
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
        auto taken =
            co_await take_entries(*this, stream.elements[1], partition, stream_platform, out);
        if (!taken) co_return taken.error();
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

boost::asio::awaitable<result<std::vector<OutboxEntry>>> OutboxStore::reclaim_outbox(
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
    auto taken = co_await take_entries(*this, r->elements[1], p, platform, out);
    if (!taken) co_return taken.error();
  }
  co_return out;
}

boost::asio::awaitable<result<void>> OutboxStore::ack(const OutboxEntry& entry) {
  if (!valid_entry(entry)) co_return Errc::invalid_argument;
  Args keys{outbox_key(config_.prefix, entry.partition, entry.platform)};
  Args args{config_.group, entry.id};
  auto r = co_await eval(redis_, Script::ack, std::move(keys), std::move(args));
  if (!r) co_return r.error();
  if (r->type != Reply::Type::integer) co_return unexpected(redis_, "ack", *r);
  co_return result<void>{};
}

boost::asio::awaitable<result<std::vector<std::string>>> OutboxStore::touch(
    int partition, std::string platform, std::vector<std::string> ids, std::string consumer) {
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
    auto r = co_await eval(redis_, Script::touch, std::move(keys), std::move(args));
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

boost::asio::awaitable<result<void>> OutboxStore::retry(const OutboxEntry& entry,
                                                        core::Time not_before, int parts_done) {
  if (!valid_entry(entry)) co_return Errc::invalid_argument;
  // The stored JSON verbatim: fields this version doesn't know survive a rolling upgrade.
  std::string msg = entry.raw.empty() ? dump(to_json(entry.message)) : entry.raw;
  Args keys{outbox_key(config_.prefix, entry.partition, entry.platform)};
  Args args{config_.group,
            entry.id,
            std::move(msg),
            std::to_string(entry.attempt + 1),
            std::to_string(parts_done),
            std::to_string(core::to_millis(not_before))};
  auto r = co_await eval(redis_, Script::retry, std::move(keys), std::move(args));
  if (!r) co_return r.error();
  if (r->type != Reply::Type::integer) co_return unexpected(redis_, "retry", *r);
  if (r->integer == 0) spdlog::debug("store: retry of {}: no longer pending", entry.id);
  co_return result<void>{};
}

boost::asio::awaitable<result<void>> OutboxStore::dead_letter(const OutboxEntry& entry,
                                                              std::string_view reason) {
  if (!valid_entry(entry)) co_return Errc::invalid_argument;
  std::string why(reason);
  std::string msg = entry.raw.empty() ? dump(to_json(entry.message)) : entry.raw;
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
  auto r = co_await eval(redis_, Script::dead_letter, std::move(keys), std::move(args));
  if (!r) co_return r.error();
  if (r->type != Reply::Type::integer) co_return unexpected(redis_, "dead_letter", *r);
  if (r->integer == 0) spdlog::debug("store: dead letter of {}: no longer pending", entry.id);
  co_return result<void>{};
}

boost::asio::awaitable<result<long long>> OutboxStore::dead_letter_count() {
  std::vector<Args> cmds;
  cmds.reserve(kPartitions);
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

}  // namespace mc::store
