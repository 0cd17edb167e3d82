#include "bot/core/shuffle.hpp"

#include <cstdint>
#include <numeric>
#include <string>
#include <utility>

namespace mc::core {
namespace {

std::uint64_t fnv1a64(std::string_view s, std::uint64_t h = 14695981039346656037ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

/// SplitMix64: a small generator whose outputs are well mixed even from close seeds.
std::uint64_t next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::vector<int> option_order(std::string_view learner, std::string_view course, int attempt,
                              std::string_view question, int n) {
  std::vector<int> order(static_cast<std::size_t>(std::max(n, 0)));
  std::iota(order.begin(), order.end(), 0);
  // Fields separated by a byte no id contains, so ("ab","c") and ("a","bc") differ.
  std::uint64_t state = fnv1a64(learner);
  state = fnv1a64("\x1f", state);
  state = fnv1a64(course, state);
  state = fnv1a64("\x1f" + std::to_string(attempt) + "\x1f", state);
  state = fnv1a64(question, state);
  // Fisher-Yates; the modulo bias of a 64-bit draw over a handful of options is negligible.
  for (std::size_t i = order.size(); i > 1; --i) {
    const std::size_t j = next(state) % i;
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

}  // namespace mc::core
