#include "bot/store/learner_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "bot/store/codec.hpp"
#include "bot/store/keys.hpp"
#include "bot/store/reply.hpp"
#include "bot/store/scripts.hpp"

namespace mc::store {

using boost::system::result;
using Args = std::vector<std::string>;

LearnerStore::LearnerStore(RedisClient& redis, StoreConfig config)
    : redis_(redis), config_(std::move(config)) {}

bool LearnerStore::connected() const { return redis_.connected(); }

boost::asio::awaitable<result<Loaded>> LearnerStore::load(std::string_view learner) {
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
  auto parsed = learner_from_json(j);
  if (!parsed) {
    spdlog::error("store: learner {}: stored JSON is not a learner state", id);
    co_return Errc::bad_data;
  }
  out.state = std::move(*parsed);
  co_return out;
}

boost::asio::awaitable<result<CommitStatus>> LearnerStore::commit(const Commit& c) {
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
  args.push_back(dump(to_json(c.state)));
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
  for (const core::Outbound& m : c.out) args.push_back(dump(to_json(m)));

  auto r = co_await eval(redis_, Script::commit, std::move(keys), std::move(args));
  if (!r) co_return r.error();
  if (r->type == Reply::Type::string) {
    if (r->str == "committed") co_return CommitStatus::committed;
    if (r->str == "duplicate") co_return CommitStatus::duplicate;
    if (r->str == "conflict") co_return CommitStatus::conflict;
  }
  co_return unexpected(redis_, "commit", *r);
}

boost::asio::awaitable<result<void>> LearnerStore::unschedule_if_missing(std::string_view learner) {
  std::string id(learner);
  if (id.empty()) co_return Errc::invalid_argument;
  Args keys{learner_key(config_.prefix, id), due_key(config_.prefix, partition_of(id))};
  Args args{id};
  auto r = co_await eval(redis_, Script::unschedule_missing, std::move(keys), std::move(args));
  if (!r) co_return r.error();
  if (r->type != Reply::Type::integer) co_return unexpected(redis_, "unschedule", *r);
  if (r->integer == 1) spdlog::info("store: removed the schedule entry of unknown learner {}", id);
  co_return result<void>{};
}

}  // namespace mc::store
