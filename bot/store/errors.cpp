#include "bot/store/errors.hpp"

#include <string>

namespace mc::store {
namespace {

class StoreCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "mc.store"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::not_connected:
        return "not connected to Redis";
      case Errc::timeout:
        return "Redis command timed out";
      case Errc::connection_lost:
        return "Redis connection lost";
      case Errc::stopped:
        return "Redis client stopped";
      case Errc::cancelled:
        return "Redis command cancelled";
      case Errc::invalid_argument:
        return "invalid argument";
      case Errc::bad_url:
        return "invalid Redis URL";
      case Errc::redis_error:
        return "Redis replied with an error";
      case Errc::bad_reply:
        return "unexpected Redis reply";
      case Errc::bad_data:
        return "stored data could not be parsed";
    }
    return "unknown store error";
  }
};

}  // namespace

const boost::system::error_category& store_category() {
  static const StoreCategory category;
  return category;
}

boost::system::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), store_category()};
}

}  // namespace mc::store
