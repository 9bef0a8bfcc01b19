#include "tests/support/fake_etcd.h"

#include <algorithm>
#include <set>

namespace nymvisor::testing {
namespace {

using namespace std::chrono_literals;

Status LeaseNotFound(int64_t id) {
  return EtcdStatus(EtcdError::kLeaseNotFound,
                    "etcdserver: requested lease not found (" + std::to_string(id) + ")");
}

template <typename T>
bool Compare(const T& have, const T& want, EtcdCompare::Result result) {
  switch (result) {
    case EtcdCompare::Result::kEqual:
      return have == want;
    case EtcdCompare::Result::kGreater:
      return have > want;
    case EtcdCompare::Result::kLess:
      return have < want;
    case EtcdCompare::Result::kNotEqual:
      return have != want;
  }
  return false;
}

bool KeyHolds(const EtcdKeyValue& kv, const EtcdCompare& c) {
  switch (c.target) {
    case EtcdCompare::Target::kVersion:
      return Compare(kv.version, c.number, c.result);
    case EtcdCompare::Target::kCreate:
      return Compare(kv.create_revision, c.number, c.result);
    case EtcdCompare::Target::kMod:
      return Compare(kv.mod_revision, c.number, c.result);
    case EtcdCompare::Target::kValue:
      return Compare(kv.value, c.value, c.result);
    case EtcdCompare::Target::kLease:
      return Compare(kv.lease, c.number, c.result);
  }
  return false;
}

}  // namespace

FakeEtcd::FakeEtcd(Clock& clock) : clock_(clock) {}

void FakeEtcd::FailNextCalls(int calls) {
  std::lock_guard lock(mu_);
  fail_next_ = calls;
}

void FakeEtcd::SetDown(bool down) {
  std::lock_guard lock(mu_);
  if (down_ && !down) {
    for (auto& [id, lease] : leases_) lease.deadline = clock_.Now() + lease.ttl * 1s;
  }
  down_ = down;
}

int FakeEtcd::calls() {
  std::lock_guard lock(mu_);
  return calls_;
}

int64_t FakeEtcd::revision() {
  std::lock_guard lock(mu_);
  return revision_;
}

Status FakeEtcd::Enter() {
  ++calls_;
  if (down_) return EtcdStatus(EtcdError::kUnreachable, "fake etcd: down");
  if (fail_next_ > 0) {
    --fail_next_;
    return EtcdStatus(EtcdError::kUnreachable, "fake etcd: injected timeout");
  }
  ExpireLeases();
  return {};
}

void FakeEtcd::ExpireLeases() {
  std::vector<int64_t> expired;
  for (const auto& [id, lease] : leases_) {
    if (lease.deadline <= clock_.Now()) expired.push_back(id);
  }
  for (int64_t id : expired) DropLease(id);
}

void FakeEtcd::DropLease(int64_t lease_id) {
  bool deleted = false;
  for (auto it = kvs_.begin(); it != kvs_.end();) {
    if (it->second.lease == lease_id) {
      it = kvs_.erase(it);
      deleted = true;
    } else {
      ++it;
    }
  }
  if (deleted) ++revision_;
  leases_.erase(lease_id);
}

bool FakeEtcd::InRange(const std::string& key, const std::string& from,
                       const std::string& end) const {
  if (end.empty()) return key == from;
  if (end == std::string(1, '\0')) return key >= from;
  return key >= from && key < end;
}

EtcdRangeResult FakeEtcd::DoRange(const EtcdRange& range) const {
  EtcdRangeResult out;
  for (const auto& [key, kv] : kvs_) {
    if (InRange(key, range.key, range.range_end)) out.kvs.push_back(kv);
  }
  if (range.sort_by_create) {
    std::stable_sort(out.kvs.begin(), out.kvs.end(), [](const auto& a, const auto& b) {
      return a.create_revision < b.create_revision;
    });
  }
  out.count = static_cast<int64_t>(out.kvs.size());
  if (range.limit > 0 && out.count > range.limit) out.kvs.resize(range.limit);
  if (range.keys_only) {
    for (EtcdKeyValue& kv : out.kvs) kv.value.clear();
  }
  out.revision = revision_;
  return out;
}

bool FakeEtcd::Holds(const EtcdCompare& compare) const {
  bool any = false;
  for (const auto& [key, kv] : kvs_) {
    if (!InRange(key, compare.key, compare.range_end)) continue;
    any = true;
    if (!KeyHolds(kv, compare)) return false;
  }
  if (any) return true;
  // etcd: a value compare on a missing key always fails (no value is not "");
  // the other targets compare a missing key as zero.
  return compare.target != EtcdCompare::Target::kValue && KeyHolds(EtcdKeyValue{}, compare);
}

Status FakeEtcd::CheckLeases(const std::vector<EtcdOp>& ops) const {
  std::set<std::string> written;
  for (const EtcdOp& op : ops) {
    if (const auto* put = std::get_if<EtcdPut>(&op)) {
      if (put->key.empty()) return EtcdStatus(EtcdError::kBadRequest, "key is not provided");
      if (put->lease != 0 && !leases_.contains(put->lease)) return LeaseNotFound(put->lease);
      if (!written.insert(put->key).second) {
        return EtcdStatus(EtcdError::kBadRequest, "duplicate key given in txn request");
      }
    }
  }
  return {};
}

int64_t FakeEtcd::Delete(const std::string& key, const std::string& end) {
  int64_t deleted = 0;
  for (auto it = kvs_.begin(); it != kvs_.end();) {
    if (InRange(it->first, key, end)) {
      it = kvs_.erase(it);
      ++deleted;
    } else {
      ++it;
    }
  }
  return deleted;
}

bool FakeEtcd::Apply(const std::vector<EtcdOp>& ops, std::vector<EtcdOpResult>* results) {
  int64_t revision = revision_ + 1;
  bool wrote = false;
  for (const EtcdOp& op : ops) {
    if (const auto* range = std::get_if<EtcdRange>(&op)) {
      EtcdRangeResult r = DoRange(*range);
      r.revision = wrote ? revision : revision_;
      results->push_back(std::move(r));
    } else if (const auto* put = std::get_if<EtcdPut>(&op)) {
      EtcdKeyValue& kv = kvs_[put->key];
      if (kv.version == 0) kv.create_revision = revision;
      kv.key = put->key;
      kv.value = put->value;
      kv.mod_revision = revision;
      ++kv.version;
      kv.lease = put->lease;
      wrote = true;
      results->push_back(EtcdPutResult{.revision = revision});
    } else {
      const auto& del = std::get<EtcdDelete>(op);
      int64_t deleted = Delete(del.key, del.range_end);
      wrote = wrote || deleted > 0;
      results->push_back(EtcdDeleteResult{.deleted = deleted, .revision = revision});
    }
  }
  if (wrote) revision_ = revision;
  return wrote;
}

Result<EtcdRangeResult> FakeEtcd::Range(const EtcdRange& range) {
  std::lock_guard lock(mu_);
  NV_RETURN_IF_ERROR(Enter());
  if (range.key.empty()) return EtcdStatus(EtcdError::kBadRequest, "key is not provided");
  return DoRange(range);
}

Result<EtcdTxnResult> FakeEtcd::Txn(const EtcdTxn& txn) {
  std::lock_guard lock(mu_);
  NV_RETURN_IF_ERROR(Enter());
  EtcdTxnResult out;
  out.succeeded = std::all_of(txn.compare.begin(), txn.compare.end(),
                              [this](const EtcdCompare& c) { return Holds(c); });
  const std::vector<EtcdOp>& ops = out.succeeded ? txn.success : txn.failure;
  NV_RETURN_IF_ERROR(CheckLeases(ops));
  Apply(ops, &out.responses);
  out.revision = revision_;
  return out;
}

Result<EtcdPutResult> FakeEtcd::Put(const EtcdPut& put) {
  std::lock_guard lock(mu_);
  NV_RETURN_IF_ERROR(Enter());
  std::vector<EtcdOp> ops = {put};
  NV_RETURN_IF_ERROR(CheckLeases(ops));
  std::vector<EtcdOpResult> results;
  Apply(ops, &results);
  return std::get<EtcdPutResult>(results.front());
}

Result<EtcdDeleteResult> FakeEtcd::DeleteRange(const EtcdDelete& del) {
  std::lock_guard lock(mu_);
  NV_RETURN_IF_ERROR(Enter());
  if (del.key.empty()) return EtcdStatus(EtcdError::kBadRequest, "key is not provided");
  std::vector<EtcdOpResult> results;
  Apply({del}, &results);
  auto out = std::get<EtcdDeleteResult>(results.front());
  out.revision = revision_;
  return out;
}

Result<EtcdLease> FakeEtcd::GrantLease(int64_t ttl_seconds) {
  std::lock_guard lock(mu_);
  NV_RETURN_IF_ERROR(Enter());
  int64_t ttl = std::max<int64_t>(ttl_seconds, 2);  // etcd's minimum with default timing
  int64_t id = next_lease_++;
  leases_[id] = Lease{.ttl = ttl, .deadline = clock_.Now() + ttl * 1s};
  return EtcdLease{.id = id, .ttl = ttl};
}

Result<int64_t> FakeEtcd::KeepAlive(int64_t lease_id) {
  std::lock_guard lock(mu_);
  NV_RETURN_IF_ERROR(Enter());
  auto it = leases_.find(lease_id);
  if (it == leases_.end()) {
    return EtcdLeaseLost(lease_id);
  }
  it->second.deadline = clock_.Now() + it->second.ttl * 1s;
  return it->second.ttl;
}

Status FakeEtcd::RevokeLease(int64_t lease_id) {
  std::lock_guard lock(mu_);
  NV_RETURN_IF_ERROR(Enter());
  if (!leases_.contains(lease_id)) return LeaseNotFound(lease_id);
  DropLease(lease_id);
  return {};
}

Result<int64_t> FakeEtcd::TimeToLive(int64_t lease_id) {
  std::lock_guard lock(mu_);
  NV_RETURN_IF_ERROR(Enter());
  auto it = leases_.find(lease_id);
  if (it == leases_.end()) {
    return EtcdLeaseLost(lease_id);
  }
  auto left = std::chrono::duration_cast<std::chrono::seconds>(it->second.deadline - clock_.Now());
  return static_cast<int64_t>(left.count());
}

}  // namespace nymvisor::testing
