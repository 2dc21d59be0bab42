// libFuzzer: the command's input formats -- block files (blk*.dat framing,
// raw, hex), `vigil verify` lines and `vigil block check` prevouts files.
#include <cstddef>
#include <cstdint>
#include <string>

#include "check_lines.hpp"
#include "prevouts_file.hpp"
#include "vigil/block.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  std::vector<BlockRecord> records;
  (void)split_block_file(ByteView(data, size), &records);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cli::CheckChunk chunk;
  std::string error;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t nl = text.find('\n', start);
    const std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    (void)chunk.add_line(line, &error);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  (void)chunk.checks();
  std::map<OutPoint, Prevout> prevouts;
  (void)cli::parse_prevouts("fuzz", text, &prevouts);
  return 0;
}
