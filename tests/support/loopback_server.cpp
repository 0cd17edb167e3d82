#include "tests/support/loopback_server.hpp"

#include <stdexcept>

namespace mc::test {

LoopbackServer::LoopbackServer(const std::string& name, http::Server::Handler handler) {
  http::ServerConfig config;
  config.bind = "127.0.0.1";
  config.port = 0;
  server_ = std::make_unique<http::Server>(ioc_.get_executor(), config, std::move(handler));
  auto endpoint = server_->listen();
  if (!endpoint) throw std::runtime_error(name + ": cannot listen: " + endpoint.error().message());
  port_ = endpoint->port();
  server_->start();
  thread_ = std::thread([this] { ioc_.run(); });
}

LoopbackServer::~LoopbackServer() {
  ioc_.stop();
  if (thread_.joinable()) thread_.join();
}

std::string LoopbackServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

}  // namespace mc::test
