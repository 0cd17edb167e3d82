#include "bot/webhooks/engine_call.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/errc.hpp>

namespace mc::webhooks {

namespace asio = boost::asio;
using HandleResult = boost::system::result<engine::Handled>;

EngineCall::EngineCall(const asio::any_io_executor& executor, core::Inbound event)
    : event_(std::move(event)), done_(executor, asio::steady_timer::time_point::max()) {}

std::shared_ptr<EngineCall> EngineCall::start(asio::any_io_executor executor,
                                              engine::Engine& engine, core::Inbound event) {
  auto call = std::make_shared<EngineCall>(executor, std::move(event));
  asio::co_spawn(executor, engine.handle(call->event_),
                 [call](const std::exception_ptr& e, HandleResult r) {
                   if (e) r = boost::system::errc::make_error_code(boost::system::errc::io_error);
                   call->result_ = r;
                   call->done_.cancel();
                 });
  return call;
}

asio::awaitable<bool> EngineCall::wait(std::chrono::milliseconds limit) {
  if (finished()) co_return true;
  done_.expires_after(limit);
  (void)co_await done_.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return finished();
}

}  // namespace mc::webhooks
