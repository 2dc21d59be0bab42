#include "verify/ed25519_msm.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "ed25519/group.hpp"

namespace vigil::cpu::ed51 {
namespace {

// A 32-bit-limb element of the GPU's field in radix 2^51, through its
// canonical bytes.
Fe51 from_kernel_fe(const ed25519::Fe& a) {
  uint8_t s[32];
  ed25519::fe_to_bytes(s, a);
  return fe51_from_bytes(s);
}

// The per-thread workspace of straus_var: each point's odd multiples and
// each scalar's NAF.
struct Workspace {
  std::vector<Cached> tables;  // kTableP per point
  // Digit i of point j's NAF at [i * n + j]: the chain reads one position of
  // every scalar at a time, so that row is contiguous.
  std::vector<int8_t> nafs;
};

// pre[i] = (2i + 1) p for i < kTableP.
void odd_multiples(Cached pre[kTableP], const Point& p) {
  pre[0] = to_cached(p);
  const Point twice = to_point(dbl(to_proj(p)));
  for (int i = 1; i < kTableP; ++i) pre[i] = to_cached(to_point(add(twice, pre[i - 1])));
}

}  // namespace

// Scans s from bit 0 up with a carry c (0 or 1) from the digit before: at an
// odd value of (c + the next w bits) a digit d = that value, or that value
// - 2^w when it is 2^(w-1) or more (carry 1 onward), is placed and the scan
// skips w bits -- so the w-1 positions after a digit are zero. Every digit is
// odd with |d| < 2^(w-1), and sum d 2^i + c 2^pos = s at every step; the
// final carry lands below bit 256 because s < 2^255.
void naf_var(int8_t naf[kNafDigits], const Scalar32& s, int w) {
  uint64_t x[5] = {0, 0, 0, 0, 0};
  std::memcpy(x, s.b, 32);  // little-endian host
  std::memset(naf, 0, kNafDigits);
  const uint64_t width = uint64_t{1} << w, mask = width - 1;
  uint64_t carry = 0;
  int pos = 0;
  while (pos < kNafDigits) {
    const int word = pos / 64, bit = pos % 64;
    uint64_t bits = x[word] >> bit;
    if (bit > 64 - w) bits |= x[word + 1] << (64 - bit);  // the window spans two words
    const uint64_t window = carry + (bits & mask);
    if ((window & 1) == 0) {
      ++pos;
      continue;
    }
    if (window < width / 2) {
      carry = 0;
      naf[pos] = static_cast<int8_t>(window);
    } else {
      carry = 1;
      naf[pos] = static_cast<int8_t>(static_cast<int64_t>(window) - static_cast<int64_t>(width));
    }
    pos += w;
  }
}

Point base_point() {
  const ed25519::GeP3 b = ed25519::ge_base();
  return Point{from_kernel_fe(b.X), from_kernel_fe(b.Y), fe51_one(), from_kernel_fe(b.T)};
}

// Odd multiples by repeated addition of 2B, each made affine by one inversion
// (64 of them, a fraction of a millisecond once per process).
const Niels* base_table() {
  static const std::vector<Niels> table = [] {
    std::vector<Niels> t(kTableB);
    const Point b = base_point();
    const Cached twice = to_cached(to_point(dbl(to_proj(b))));
    Point acc = b;
    for (int i = 0; i < kTableB; ++i) {
      const Fe51 zinv = fe51_invert(acc.Z);
      const Fe51 x = fe51_mul(acc.X, zinv), y = fe51_mul(acc.Y, zinv);
      t[i] = Niels{fe51_carry(fe51_add(y, x)), fe51_sub(y, x), fe51_mul(fe51_mul(x, y), fe51_d2())};
      acc = to_point(add(acc, twice));
    }
    return t;
  }();
  return table.data();
}

Point straus_var(std::span<const Point> points, std::span<const Scalar32> scalars, const Scalar32& b) {
  thread_local Workspace ws;
  const size_t n = points.size();
  if (ws.tables.size() < n * kTableP) ws.tables.resize(n * kTableP);
  if (ws.nafs.size() < n * kNafDigits) ws.nafs.resize(n * kNafDigits);
  int8_t naf_b[kNafDigits];
  naf_var(naf_b, b, kWindowB);
  int top = -1;  // the highest nonzero digit of any scalar
  for (int i = kNafDigits - 1; i > top; --i)
    if (naf_b[i]) top = i;
  for (size_t j = 0; j < n; ++j) {
    int8_t naf[kNafDigits];
    naf_var(naf, scalars[j], kWindowP);
    for (int i = 0; i < kNafDigits; ++i) ws.nafs[i * n + j] = naf[i];
    for (int i = kNafDigits - 1; i > top; --i)
      if (naf[i]) top = i;
    odd_multiples(&ws.tables[j * kTableP], points[j]);
  }
  if (top < 0) return identity();

  const Niels* tb = base_table();
  ProjPoint r = to_proj(identity());
  for (int i = top;; --i) {
    Completed t = dbl(r);
    const int8_t* row = &ws.nafs[static_cast<size_t>(i) * n];
    for (size_t j = 0; j < n; ++j) {
      const int d = row[j];
      if (d > 0) t = add(to_point(t), ws.tables[j * kTableP + d / 2]);
      if (d < 0) t = sub(to_point(t), ws.tables[j * kTableP + (-d) / 2]);
    }
    const int d = naf_b[i];
    if (d > 0) t = madd(to_point(t), tb[d / 2]);
    if (d < 0) t = msub(to_point(t), tb[(-d) / 2]);
    if (i == 0) return to_point(t);
    r = to_proj(t);
  }
}

}  // namespace vigil::cpu::ed51
