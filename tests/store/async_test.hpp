#pragma once

// Runs coroutines to completion on a test's io_context. The Redis client keeps timers alive, so
// io_context::run() never returns by itself: drive() runs handlers until a condition holds, with
// a generous safety limit so a bug fails the test instead of hanging the suite (not a timing
// assertion: nothing here expects anything to be fast).

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <type_traits>

namespace mc::test {

inline constexpr std::chrono::seconds kSafetyLimit{30};

class AsyncTest : public ::testing::Test {
 protected:
  boost::asio::io_context ioc_;

  /// Runs handlers until `until()` is true; throws (failing the test) after `limit`.
  void drive(const std::function<bool()>& until, std::chrono::seconds limit = kSafetyLimit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!until()) {
      if (std::chrono::steady_clock::now() >= deadline) {
        throw std::runtime_error("condition not reached within the safety limit");
      }
      if (ioc_.stopped()) ioc_.restart();
      ioc_.run_one_for(std::chrono::milliseconds(50));
    }
  }

  /// Runs handlers that are ready now (and those they make ready), without waiting.
  void poll() {
    if (ioc_.stopped()) ioc_.restart();
    ioc_.poll();
  }

  template <typename T>
  T run(boost::asio::awaitable<T> task, std::chrono::seconds limit = kSafetyLimit) {
    std::exception_ptr error;
    bool done = false;
    if constexpr (std::is_void_v<T>) {
      boost::asio::co_spawn(ioc_, std::move(task), [&](std::exception_ptr e) {
        error = e;
        done = true;
      });
      drive([&] { return done; }, limit);
      if (error) std::rethrow_exception(error);
    } else {
      std::optional<T> out;
      boost::asio::co_spawn(ioc_, std::move(task), [&](std::exception_ptr e, T value) {
        error = e;
        if (!e) out.emplace(std::move(value));
        done = true;
      });
      drive([&] { return done; }, limit);
      if (error) std::rethrow_exception(error);
      return std::move(*out);
    }
  }
};

}  // namespace mc::test
