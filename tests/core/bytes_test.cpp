#include <gtest/gtest.h>

#include "vigil/bytes.hpp"
#include "vigil/status.hpp"

namespace vigil {
namespace {

TEST(Bytes, HexRoundTripAndErrors) {
  Bytes b;
  ASSERT_TRUE(from_hex("00ff10Ab", b));
  EXPECT_EQ(b, (Bytes{0x00, 0xff, 0x10, 0xab}));
  EXPECT_EQ(to_hex(b), "00ff10ab");
  EXPECT_TRUE(from_hex("", b));
  EXPECT_TRUE(b.empty());
  EXPECT_FALSE(from_hex("abc", b));
  EXPECT_FALSE(from_hex("zz", b));
  EXPECT_FALSE(from_hex("0x00", b));
  EXPECT_FALSE(from_hex("00 ", b));
}

TEST(Bytes, HashDisplayOrderIsReversed) {
  std::string display = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
  auto h = hash_from_display_hex(display);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->bytes[31], 0x00);
  EXPECT_EQ(h->bytes[0], 0x6f);
  EXPECT_EQ(to_display_hex(*h), display);
  EXPECT_EQ(to_hex(*h).substr(0, 4), "6fe2");
  EXPECT_FALSE(hash_from_hex("00").has_value());
  EXPECT_TRUE(Hash256{}.is_zero());
  EXPECT_FALSE(h->is_zero());
}

TEST(StatusTest, CodesAndMessages) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().ToString(), "OK");
  Status s = Status::Corruption("bad magic at byte 8");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_EQ(s.ToString(), "corruption: bad magic at byte 8");
}

}  // namespace
}  // namespace vigil

#include "vigil/hash.hpp"

namespace vigil {
namespace {

TEST(HashBatch, MismatchedSpansAreAnErrorAndWriteNothing) {
  Bytes a = {1, 2, 3};
  std::vector<ByteView> msgs = {a, a, a};
  std::vector<Hash256> out(2);
  Status s = sha256_batch(msgs, out);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(out[0].is_zero());
  EXPECT_EQ(sha256d_batch(msgs, out).code(), Status::Code::kInvalidArgument);
  out.resize(3);
  ASSERT_TRUE(sha256d_batch(msgs, out).ok());
  EXPECT_EQ(out[2], sha256d(a));
}

}  // namespace
}  // namespace vigil
