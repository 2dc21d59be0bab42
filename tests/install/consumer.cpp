// A program outside the build that links the installed library.
#include <vigil/vigil.hpp>

#include <cstdio>

int main() {
  vigil::Bytes header;
  vigil::from_hex(
      "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c",
      header);
  std::string hash = vigil::to_display_hex(vigil::sha256d(header));
  std::printf("vigil %s genesis %s\n", VIGIL_VERSION_STRING, hash.c_str());
  return hash == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f" ? 0 : 1;
}
