// vigil_make_script_assets OUT: writes our script test cases in Bitcoin
// Core's script_assets_test.json format (tests/cli/script_assets_gen.hpp) to
// OUT. Run it with OUT = tests/data/script-assets/vigil_assets.json after
// changing the generator; a test checks the committed file is what it makes.
#include <cstdio>
#include <exception>
#include <string>

#include "cli/script_assets_gen.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.json\n", argv[0]);
    return 2;
  }
  std::string text;
  try {
    text = vigil::clitest::make_vigil_script_assets();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
    return 2;
  }
  FILE* f = std::fopen(argv[1], "wb");
  if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0) {
    std::fprintf(stderr, "%s: cannot write %s\n", argv[0], argv[1]);
    return 2;
  }
  return 0;
}
