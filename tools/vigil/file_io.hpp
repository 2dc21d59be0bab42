#pragma once

#include <string>

#include "vigil/bytes.hpp"
#include "vigil/status.hpp"

namespace vigil::cli {

// Reads a whole file ("-": stdin).
Status read_all(const std::string& path, Bytes* out);

}  // namespace vigil::cli
