#pragma once

// The hiredis <-> Asio bridge (internal to bot/store): one hiredis async connection driven by
// readiness waits on an Asio strand, and the record of one command or pipeline in flight.
// Everything here runs on that strand; RedisClient builds connection management on top.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bot/store/reply.hpp"

struct redisAsyncContext;

namespace mc::store::bridge {

using Strand = boost::asio::strand<boost::asio::any_io_executor>;

/// Ignores SIGPIPE (once, and only when nobody installed a handler): hiredis writes with
/// write(2), and a peer that went away must make the write fail with EPIPE, not kill the process.
void ignore_sigpipe();

/// One hiredis connection and its Asio adapter. hiredis owns the socket (it closes it in
/// redisFree); the stream_descriptor only waits for readiness and releases the fd in cleanup.
/// ev.data points at the Conn, which outlives the redisAsyncContext: its owner keeps it until
/// hiredis has freed the context (signalled by the cleanup hook, which nulls `ac`).
struct Conn : std::enable_shared_from_this<Conn> {
  explicit Conn(const Strand& strand) : descriptor(strand), signal(strand) {}

  redisAsyncContext* ac = nullptr;  ///< null once hiredis has freed the context
  boost::asio::posix::stream_descriptor descriptor;
  /// The owner sleeps on it while the connection is up; cancelled when the connection dies.
  boost::asio::steady_timer signal;
  bool want_read = false;
  bool want_write = false;
  bool reading = false;  ///< an async_wait(wait_read) is outstanding
  bool writing = false;
  std::string error;  ///< why the connection ended (hiredis' errstr or our reason)
  std::chrono::steady_clock::time_point busy_until{};  ///< latest deadline of any command sent

  void arm_read();
  void arm_write();
  /// The handler re-arms itself through hiredis' addRead/addWrite hooks; after it returns the
  /// context may be gone (cleanup nulled `ac`).
  void on_ready(const boost::system::error_code& ec, bool wanted,
                void (*handle)(redisAsyncContext*));
  /// Closes the connection now; pending callbacks run with a null reply. Never call it from
  /// inside a hiredis callback (ours only record results and cancel timers).
  void drop(std::string_view why);
};

/// Starts a non-blocking connect to `address` (a numeric IP) and `port`, attached to `strand`.
/// Null when it cannot even start; `why` then says so.
std::shared_ptr<Conn> open(const Strand& strand, const std::string& address, unsigned short port,
                           std::string& why);

/// One command or pipeline in flight. The waiting coroutine and every hiredis callback share it,
/// so whoever comes last frees it: a reply after the deadline finds `abandoned` and is dropped.
struct Call {
  Call(const Strand& strand, std::size_t n) : timer(strand), replies(n), remaining(n) {}

  boost::asio::steady_timer timer;  ///< the deadline; cancelled early when the call finishes
  std::vector<Reply> replies;
  std::size_t remaining;
  bool finished = false;   ///< all replies in, or failed (ec)
  bool abandoned = false;  ///< the waiter gave up (deadline or cancellation)
  boost::system::error_code ec;

  void finish(boost::system::error_code e) {
    finished = true;
    ec = e;
    timer.cancel();
  }
};

/// Queues one command on `conn`; its reply fills call->replies[index] (and a lost connection
/// finishes the call with Errc::connection_lost). False when it was not queued: the connection
/// is gone, and no callback will come for it.
bool send(Conn& conn, const std::shared_ptr<Call>& call, std::size_t index,
          const std::vector<std::string>& args);

}  // namespace mc::store::bridge
