#pragma once

// The product's HTTP server on 127.0.0.1 and a free port, run on a thread of its own: what the
// fake platform APIs are built on. Test support.

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <thread>

#include "bot/http/server.hpp"

namespace mc::test {

class LoopbackServer {
 public:
  /// Listens and starts serving `handler` (called on the server's thread); throws with `name`
  /// in the message when it cannot listen.
  LoopbackServer(const std::string& name, http::Server::Handler handler);
  /// Stops the loop and joins its thread: no handler runs after this returns.
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  /// http://127.0.0.1:<port>
  std::string url() const;

 private:
  boost::asio::io_context ioc_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  unsigned short port_ = 0;
};

}  // namespace mc::test
