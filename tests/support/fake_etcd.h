#ifndef NYMVISOR_TESTS_SUPPORT_FAKE_ETCD_H_
#define NYMVISOR_TESTS_SUPPORT_FAKE_ETCD_H_

#include <map>
#include <mutex>
#include <string>

#include "agent/ports/clock.h"
#include "agent/ports/etcd.h"

namespace nymvisor::testing {

/// An in-memory etcd with etcd 3.4's semantics as the gateway shows them:
/// one revision per write (a txn is one revision), versions, leases whose
/// TTL runs on `clock` (an expired or revoked lease deletes its keys, at
/// the next call), txn compares over a key or a range (every key must
/// match; an empty range compares as zero), and faults on demand. The
/// contract tests (tests/support/etcd_contract.cc) hold it to the same
/// answers as a real etcd. Thread-safe (one mutex), so parallel acquires
/// race as they would on etcd; advance the clock only between calls.
class FakeEtcd : public Etcd {
 public:
  explicit FakeEtcd(Clock& clock);

  Result<EtcdRangeResult> Range(const EtcdRange& range) override;
  Result<EtcdTxnResult> Txn(const EtcdTxn& txn) override;
  Result<EtcdPutResult> Put(const EtcdPut& put) override;
  Result<EtcdDeleteResult> DeleteRange(const EtcdDelete& del) override;
  Result<EtcdLease> GrantLease(int64_t ttl_seconds) override;
  Result<int64_t> KeepAlive(int64_t lease_id) override;
  Status RevokeLease(int64_t lease_id) override;
  Result<int64_t> TimeToLive(int64_t lease_id) override;

  /// The next `calls` calls fail with kUnreachable (a timeout, a stopped
  /// etcd), then calls work again.
  void FailNextCalls(int calls);
  /// Every call fails with kUnreachable until SetDown(false); leases do
  /// not run out meanwhile and restart at their granted TTL, as a
  /// restarted etcd does.
  void SetDown(bool down);
  /// Calls made so far (failed ones included).
  int calls();
  int64_t revision();

 private:
  struct Lease {
    int64_t ttl = 0;
    Timestamp deadline;
  };

  /// Counts the call, injects a fault, expires leases. Needs mu_.
  Status Enter();
  void ExpireLeases();
  /// Deletes the keys of `lease_id` and the lease (one revision).
  void DropLease(int64_t lease_id);
  bool InRange(const std::string& key, const std::string& from, const std::string& end) const;
  EtcdRangeResult DoRange(const EtcdRange& range) const;
  bool Holds(const EtcdCompare& compare) const;
  /// Applies a branch of a txn at revision_ + 1; true when it wrote.
  bool Apply(const std::vector<EtcdOp>& ops, std::vector<EtcdOpResult>* results);
  Status CheckLeases(const std::vector<EtcdOp>& ops) const;
  int64_t Delete(const std::string& key, const std::string& end);

  Clock& clock_;
  std::mutex mu_;
  std::map<std::string, EtcdKeyValue> kvs_;
  std::map<int64_t, Lease> leases_;
  int64_t revision_ = 1;
  int64_t next_lease_ = 2324035633543304969;  // above 2^53, as etcd's are
  int fail_next_ = 0;
  bool down_ = false;
  int calls_ = 0;
};

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_FAKE_ETCD_H_
