#pragma once

// The error codes of the store part (RedisClient and the stores).

#include <boost/system/error_code.hpp>
#include <type_traits>

namespace mc::store {

enum class Errc {
  not_connected = 1,  ///< no established connection right now (nothing is queued while down)
  timeout,            ///< the deadline passed before the reply arrived
  connection_lost,    ///< the connection went away while the command was pending
  stopped,            ///< the client was stopped / destroyed
  cancelled,          ///< the awaiting coroutine was cancelled
  invalid_argument,   ///< e.g. an empty command
  bad_url,            ///< parse_redis_url: see its error text
  redis_error,        ///< Redis answered with an error the store did not expect (logged)
  bad_reply,          ///< a reply of an unexpected shape
  bad_data,           ///< stored data could not be parsed (e.g. a corrupt learner state)
};
const boost::system::error_category& store_category();
boost::system::error_code make_error_code(Errc e);

}  // namespace mc::store

template <>
struct boost::system::is_error_code_enum<mc::store::Errc> : std::true_type {};
