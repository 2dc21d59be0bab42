// UtxoStore over RocksDB. Keys:
//   'c' txid index(BE)   a coin (see utxo_store.hpp for the value)
//   'T'                  the tip: hash, height (LE), digest, coin count (LE)
//   'u' height(BE)       the undo record of the block at that height
//   'h' height(BE)       the block's header (80 bytes) and module state
//   'm' name             named records (the activation schedule)
#include "vigil/utxo_store.hpp"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <cstring>

#include "vigil/hash.hpp"

namespace vigil {
namespace {

const std::string kTipKey = "T";

void put_u32le(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
}
void put_u64le(std::string& s, uint64_t v) {
  for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
}
void put_u32be(std::string& s, uint32_t v) {
  for (int i = 3; i >= 0; --i) s.push_back(static_cast<char>(v >> (8 * i)));
}
uint32_t get_u32le(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}
uint64_t get_u64le(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}
void put_hash(std::string& s, const Hash256& h) { s.append(reinterpret_cast<const char*>(h.bytes.data()), 32); }
Hash256 get_hash(const char* p) {
  Hash256 h;
  std::memcpy(h.bytes.data(), p, 32);
  return h;
}

std::string coin_key(const OutPoint& p) {
  std::string k = "c";
  put_hash(k, p.txid);
  put_u32be(k, p.index);
  return k;
}

std::string coin_value(const Coin& c) {
  std::string v;
  put_u64le(v, static_cast<uint64_t>(c.amount));
  put_u32le(v, c.height * 2 + (c.coinbase ? 1 : 0));
  v.append(reinterpret_cast<const char*>(c.script_pubkey.data()), c.script_pubkey.size());
  return v;
}

bool parse_coin(const std::string& v, Coin* c) {
  if (v.size() < 12) return false;
  c->amount = static_cast<int64_t>(get_u64le(v.data()));
  const uint32_t hc = get_u32le(v.data() + 8);
  c->height = hc >> 1;
  c->coinbase = hc & 1;
  c->script_pubkey.assign(v.begin() + 12, v.end());
  return true;
}

// The tip record: hash, height (LE), digest, coin count (LE).
std::string tip_value(const ChainTip& t) {
  std::string v;
  put_hash(v, t.hash);
  put_u32le(v, t.height);
  put_hash(v, t.utxo_digest);
  put_u64le(v, t.coins);
  return v;
}

std::string undo_key(uint32_t height) {
  std::string k = "u";
  put_u32be(k, height);
  return k;
}

std::string header_key(uint32_t height) {
  std::string k = "h";
  put_u32be(k, height);
  return k;
}

void put_coins(std::string& v, const std::vector<std::pair<OutPoint, Coin>>& coins) {
  put_u32le(v, static_cast<uint32_t>(coins.size()));
  for (const auto& [p, coin] : coins) {
    put_hash(v, p.txid);
    put_u32le(v, p.index);
    const std::string cv = coin_value(coin);
    put_u32le(v, static_cast<uint32_t>(cv.size()));
    v += cv;
  }
}

// Undo record: hash, prev, then the created outpoints, then the spent coins,
// then (when there are any) the overwritten coins.
std::string undo_value(const BlockChanges& c) {
  std::string v;
  put_hash(v, c.hash);
  put_hash(v, c.prev_hash);
  put_u32le(v, static_cast<uint32_t>(c.created.size()));
  for (const auto& [p, coin] : c.created) {
    put_hash(v, p.txid);
    put_u32le(v, p.index);
  }
  put_coins(v, c.spent);
  // Absent unless there are some: records written before overwrites were
  // kept read the same.
  if (!c.overwritten.empty()) put_coins(v, c.overwritten);
  return v;
}

bool parse_undo(const std::string& v, BlockChanges* c) {
  size_t at = 0;
  auto need = [&](size_t n) { return v.size() - at >= n; };
  if (!need(68)) return false;
  c->hash = get_hash(v.data());
  c->prev_hash = get_hash(v.data() + 32);
  const uint32_t n_created = get_u32le(v.data() + 64);
  at = 68;
  c->created.clear();
  for (uint32_t i = 0; i < n_created; ++i) {
    if (!need(36)) return false;
    OutPoint p{get_hash(v.data() + at), get_u32le(v.data() + at + 32)};
    c->created.push_back({p, Coin{}});
    at += 36;
  }
  auto read_coins = [&](std::vector<std::pair<OutPoint, Coin>>* out) {
    out->clear();
    if (!need(4)) return false;
    const uint32_t n = get_u32le(v.data() + at);
    at += 4;
    for (uint32_t i = 0; i < n; ++i) {
      if (!need(40)) return false;
      OutPoint p{get_hash(v.data() + at), get_u32le(v.data() + at + 32)};
      const uint32_t len = get_u32le(v.data() + at + 36);
      at += 40;
      if (!need(len)) return false;
      Coin coin;
      if (!parse_coin(v.substr(at, len), &coin)) return false;
      at += len;
      out->push_back({p, std::move(coin)});
    }
    return true;
  };
  if (!read_coins(&c->spent)) return false;
  c->overwritten.clear();
  if (at < v.size() && !read_coins(&c->overwritten)) return false;
  return at == v.size();
}

// a += b and a -= b modulo 2^256, little-endian.
void add_u256(Hash256& a, const Hash256& b) {
  unsigned carry = 0;
  for (int i = 0; i < 32; ++i) {
    const unsigned s = a.bytes[i] + b.bytes[i] + carry;
    a.bytes[i] = static_cast<uint8_t>(s);
    carry = s >> 8;
  }
}
void sub_u256(Hash256& a, const Hash256& b) {
  int borrow = 0;
  for (int i = 0; i < 32; ++i) {
    const int d = a.bytes[i] - b.bytes[i] - borrow;
    a.bytes[i] = static_cast<uint8_t>(d);
    borrow = d < 0 ? 1 : 0;
  }
}

}  // namespace

Hash256 coin_digest_term(const OutPoint& p, const Coin& c) {
  const std::string kv = coin_key(p) + coin_value(c);
  return sha256(ByteView(reinterpret_cast<const uint8_t*>(kv.data()), kv.size()));
}

namespace {

// A coin into / out of a batch, with the tip's digest and count following.
void add_coin(rocksdb::WriteBatch& batch, ChainTip& tip, const OutPoint& p, const Coin& c) {
  batch.Put(coin_key(p), coin_value(c));
  add_u256(tip.utxo_digest, coin_digest_term(p, c));
  ++tip.coins;
}
void remove_coin(rocksdb::WriteBatch& batch, ChainTip& tip, const OutPoint& p, const Coin& c) {
  batch.Delete(coin_key(p));
  sub_u256(tip.utxo_digest, coin_digest_term(p, c));
  --tip.coins;
}

Status from_rocks(const rocksdb::Status& s, const char* what) {
  if (s.ok()) return Status::Ok();
  if (s.IsCorruption()) return Status::Corruption(std::string(what) + ": " + s.ToString());
  return Status::IoError(std::string(what) + ": " + s.ToString());
}

}  // namespace

struct UtxoStore::Impl {
  UtxoStoreOptions options;
  std::unique_ptr<rocksdb::DB> db;
  std::optional<ChainTip> tip;
  rocksdb::WriteOptions write_options() const {
    rocksdb::WriteOptions w;
    w.sync = options.sync;
    return w;
  }
};

UtxoStore::UtxoStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UtxoStore::~UtxoStore() = default;

Status UtxoStore::Open(const UtxoStoreOptions& options, std::unique_ptr<UtxoStore>* out) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  rocksdb::Options o;
  o.create_if_missing = true;
  o.paranoid_checks = true;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = rocksdb::NewLRUCache(options.cache_bytes);
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  rocksdb::DB* db = nullptr;
  if (Status s = from_rocks(rocksdb::DB::Open(o, options.path, &db), "opening the UTXO store"); !s.ok()) return s;
  impl->db.reset(db);
  std::string v;
  const rocksdb::Status g = impl->db->Get(rocksdb::ReadOptions(), kTipKey, &v);
  if (g.ok()) {
    if (v.size() != 76) return Status::Corruption("UTXO store: a tip record of " + std::to_string(v.size()) + " bytes");
    impl->tip = ChainTip{get_hash(v.data()), get_u32le(v.data() + 32), get_hash(v.data() + 36), get_u64le(v.data() + 68)};
  } else if (!g.IsNotFound()) {
    return from_rocks(g, "reading the tip");
  }
  out->reset(new UtxoStore(std::move(impl)));
  return Status::Ok();
}

std::optional<ChainTip> UtxoStore::tip() const { return impl_->tip; }

Status UtxoStore::get(const OutPoint& p, std::optional<Coin>* out) const {
  std::string v;
  const rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), coin_key(p), &v);
  if (s.IsNotFound()) {
    out->reset();
    return Status::Ok();
  }
  if (!s.ok()) return from_rocks(s, "reading a coin");
  Coin c;
  if (!parse_coin(v, &c)) return Status::Corruption("UTXO store: a coin of " + std::to_string(v.size()) + " bytes");
  *out = std::move(c);
  return Status::Ok();
}

Status UtxoStore::connect(const BlockChanges& c) {
  const std::optional<ChainTip>& tip = impl_->tip;
  if (tip ? (c.prev_hash != tip->hash || c.height != tip->height + 1) : false)
    return Status::InvalidArgument("connect: block " + to_display_hex(c.hash) + " does not follow the tip " +
                                   to_display_hex(tip->hash));
  ChainTip next{c.hash, c.height, tip ? tip->utxo_digest : Hash256{}, tip ? tip->coins : 0};
  rocksdb::WriteBatch batch;
  for (const auto& [p, coin] : c.spent) {
    std::optional<Coin> have;
    if (Status s = get(p, &have); !s.ok()) return s;
    if (!have || !(*have == coin))
      return Status::InvalidArgument("connect: spends " + to_display_hex(p.txid) + ":" + std::to_string(p.index) +
                                     ", which is not in the set as given");
    remove_coin(batch, next, p, coin);
  }
  // A replaced coin leaves the digest before its successor enters it (in a
  // batch the later Put of the same key wins over the Delete).
  for (const auto& [p, coin] : c.overwritten) {
    std::optional<Coin> have;
    if (Status s = get(p, &have); !s.ok()) return s;
    if (!have || !(*have == coin))
      return Status::InvalidArgument("connect: overwrites " + to_display_hex(p.txid) + ":" + std::to_string(p.index) +
                                     ", which is not in the set as given");
    remove_coin(batch, next, p, coin);
  }
  for (const auto& [p, coin] : c.created) add_coin(batch, next, p, coin);
  batch.Put(undo_key(c.height), undo_value(c));
  std::string h(c.header.begin(), c.header.end());
  h.append(c.module_state.begin(), c.module_state.end());
  batch.Put(header_key(c.height), h);
  batch.Put(kTipKey, tip_value(next));
  if (Status s = from_rocks(impl_->db->Write(impl_->write_options(), &batch), "writing a block"); !s.ok()) return s;
  impl_->tip = next;
  return Status::Ok();
}

Status UtxoStore::disconnect_tip(BlockChanges* undone) {
  if (!impl_->tip) return Status::InvalidArgument("disconnect: the store is empty");
  const ChainTip tip = *impl_->tip;
  std::string v;
  if (Status s = from_rocks(impl_->db->Get(rocksdb::ReadOptions(), undo_key(tip.height), &v), "reading undo data");
      !s.ok())
    return s;
  BlockChanges c;
  if (!parse_undo(v, &c) || c.hash != tip.hash) return Status::Corruption("UTXO store: bad undo record at height " + std::to_string(tip.height));
  c.height = tip.height;
  ChainTip prev{c.prev_hash, tip.height - 1, tip.utxo_digest, tip.coins};
  rocksdb::WriteBatch batch;
  for (auto& [p, coin] : c.created) {
    std::optional<Coin> have;
    if (Status s = get(p, &have); !s.ok()) return s;
    if (!have) return Status::Corruption("UTXO store: a coin of the tip block is missing");
    coin = *have;  // for the caller and the digest
    remove_coin(batch, prev, p, coin);
  }
  for (const auto& [p, coin] : c.spent) add_coin(batch, prev, p, coin);
  for (const auto& [p, coin] : c.overwritten) add_coin(batch, prev, p, coin);  // back, after its successor's Delete
  batch.Delete(undo_key(tip.height));
  batch.Delete(header_key(tip.height));
  if (tip.height == 0) {
    batch.Delete(kTipKey);
  } else {
    batch.Put(kTipKey, tip_value(prev));
  }
  if (Status s = from_rocks(impl_->db->Write(impl_->write_options(), &batch), "undoing a block"); !s.ok()) return s;
  if (tip.height == 0) {
    impl_->tip.reset();
  } else {
    impl_->tip = prev;
  }
  if (undone) *undone = std::move(c);
  return Status::Ok();
}

Status UtxoStore::read_headers(std::vector<StoredHeader>* out) const {
  out->clear();
  if (!impl_->tip) return Status::Ok();
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek("h"); it->Valid() && it->key().starts_with("h"); it->Next()) {
    const rocksdb::Slice k = it->key();
    const rocksdb::Slice v = it->value();
    uint32_t height = 0;
    for (size_t i = 1; i < 5 && i < k.size(); ++i) height = height << 8 | static_cast<uint8_t>(k.data()[i]);
    if (k.size() != 5 || height != out->size() || v.size() < 80)
      return Status::Corruption("UTXO store: bad header record for height " + std::to_string(out->size()));
    out->push_back(StoredHeader{Bytes(v.data(), v.data() + 80), Bytes(v.data() + 80, v.data() + v.size())});
  }
  if (Status s = from_rocks(it->status(), "reading the headers"); !s.ok()) return s;
  if (out->size() != size_t{impl_->tip->height} + 1)
    return Status::Corruption("UTXO store: " + std::to_string(out->size()) + " headers for a tip at height " +
                              std::to_string(impl_->tip->height) +
                              " (a data directory from a version that did not keep them: replay into a new one)");
  return Status::Ok();
}

Status UtxoStore::get_meta(const std::string& name, std::optional<std::string>* out) const {
  std::string v;
  const rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), "m" + name, &v);
  if (s.IsNotFound()) {
    out->reset();
    return Status::Ok();
  }
  if (!s.ok()) return from_rocks(s, "reading a record");
  *out = std::move(v);
  return Status::Ok();
}

Status UtxoStore::put_meta(const std::string& name, const std::string& value) {
  rocksdb::WriteOptions w;
  w.sync = impl_->options.sync;
  return from_rocks(impl_->db->Put(w, "m" + name, value), "writing a record");
}

Status UtxoStore::recompute_digest(Hash256* digest, uint64_t* coins) const {
  *digest = Hash256{};
  *coins = 0;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek("c"); it->Valid() && it->key().starts_with("c"); it->Next()) {
    const rocksdb::Slice k = it->key();
    if (k.size() != 37) return Status::Corruption("UTXO store: a coin key of " + std::to_string(k.size()) + " bytes");
    OutPoint p{get_hash(k.data() + 1), 0};
    for (int i = 0; i < 4; ++i) p.index = p.index << 8 | static_cast<uint8_t>(k.data()[33 + i]);
    Coin c;
    if (!parse_coin(it->value().ToString(), &c)) return Status::Corruption("UTXO store: a bad coin");
    add_u256(*digest, coin_digest_term(p, c));
    ++*coins;
  }
  return from_rocks(it->status(), "scanning the coins");
}

}  // namespace vigil
