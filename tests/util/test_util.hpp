// Shared test helpers.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "vigil/bytes.hpp"

namespace vigil::test {

// Path of a file under tests/data.
std::string data_path(const std::string& relative);
// Whole file contents; fails the current test (and returns empty) if unreadable.
Bytes read_file(const std::string& path);
std::string read_text(const std::string& path);
Bytes hex(const std::string& h);  // asserts valid hex

// n hashes of random bytes.
std::vector<Hash256> random_hashes(std::mt19937_64& rng, size_t n);

// A seed for randomized tests: VIGIL_TEST_SEED if set, else fresh from
// std::random_device. Tests print it with SCOPED_TRACE so a failure can be replayed.
uint64_t test_seed();

}  // namespace vigil::test
