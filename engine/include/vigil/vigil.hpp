// Umbrella header of the Vigil C++ API.
#pragma once

#include "vigil/block.hpp"
#include "vigil/block_check.hpp"
#include "vigil/bytes.hpp"
#include "vigil/device.hpp"
#include "vigil/engine.hpp"
#include "vigil/backend.hpp"
#include "vigil/hash.hpp"
#include "vigil/hasher.hpp"
#include "vigil/verifier.hpp"
#include "vigil/merkle.hpp"
#include "vigil/status.hpp"
#include "vigil/transaction.hpp"
#include "vigil/verify.hpp"
#include "vigil/version.hpp"
#include "vigil/worker_pool.hpp"
