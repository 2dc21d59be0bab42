#include "util/test_util.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace vigil::test {

std::string data_path(const std::string& relative) { return std::string(VIGIL_TEST_DATA_DIR) + "/" + relative; }

Bytes read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    ADD_FAILURE() << "cannot open " << path;
    return {};
  }
  return Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::string read_text(const std::string& path) {
  Bytes b = read_file(path);
  return std::string(b.begin(), b.end());
}

Bytes hex(const std::string& h) {
  Bytes out;
  EXPECT_TRUE(from_hex(h, out)) << "bad hex in test data: " << h;
  return out;
}

uint64_t test_seed() {
  if (const char* s = std::getenv("VIGIL_TEST_SEED")) return std::strtoull(s, nullptr, 0);
  std::random_device rd;
  return (uint64_t{rd()} << 32) | rd();
}

std::vector<Hash256> random_hashes(std::mt19937_64& rng, size_t n) {
  std::vector<Hash256> v(n);
  for (auto& h : v)
    for (auto& x : h.bytes) x = static_cast<uint8_t>(rng());
  return v;
}

}  // namespace vigil::test
