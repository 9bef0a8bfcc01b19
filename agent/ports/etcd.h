#ifndef NYMVISOR_AGENT_PORTS_ETCD_H_
#define NYMVISOR_AGENT_PORTS_ETCD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "agent/base/status.h"

namespace nymvisor {

/// What went wrong talking to etcd, so the caller can act on it. A Status
/// from an Etcd call carries its kind (EtcdErrorOf reads it back):
/// - kUnreachable: no endpoint answered (connect failed, timeout, 503); the
///   state in etcd is unknown; try again later (Status::Unavailable).
/// - kLeaseNotFound: the lease expired or was revoked (etcd's code 5); a slot
///   attached to it is gone.
/// - kUnauthenticated: the token was refused even after one new login, the
///   login itself failed (wrong user or password), or etcd wants a login
///   and no credentials were given.
/// - kPermissionDenied: the user's role does not cover the key (403).
/// - kBadRequest: etcd refused the request (400): a bug or a bad key.
/// - kOther: anything else (an answer that is not etcd's).
enum class EtcdError {
  kNone,
  kUnreachable,
  kLeaseNotFound,
  kUnauthenticated,
  kPermissionDenied,
  kBadRequest,
  kOther
};

/// A Status of `kind` with an operator-facing message.
Status EtcdStatus(EtcdError kind, std::string message);
/// kLeaseNotFound for a keepalive or time-to-live of `lease_id` that etcd no
/// longer has (it expired or was revoked): the holder lost what it held.
Status EtcdLeaseLost(int64_t lease_id);
/// The kind of a Status returned by an Etcd call (kNone when OK).
EtcdError EtcdErrorOf(const Status& status);

/// The range_end that covers every key starting with `prefix` (its last
/// byte +1, carrying over 0xff bytes); "\0" (every key) for an empty or
/// all-0xff prefix.
std::string EtcdPrefixEnd(std::string_view prefix);

/// One key as etcd stores it. Revisions and versions are 0 for "absent".
struct EtcdKeyValue {
  std::string key{};
  std::string value{};  ///< empty with keys_only
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  int64_t version = 0;  ///< number of puts since the key was created
  int64_t lease = 0;    ///< 0: no lease
  bool operator==(const EtcdKeyValue&) const = default;
};

/// A read. Without range_end: the one key; with it: [key, range_end);
/// range_end "\0" means every key >= key.
struct EtcdRange {
  std::string key{};
  std::string range_end{};
  bool sort_by_create = false;  ///< oldest first (ascending create_revision); else key order
  int64_t limit = 0;            ///< 0: no limit; applied after sorting
  bool keys_only = false;
};
struct EtcdRangeResult {
  std::vector<EtcdKeyValue> kvs{};
  int64_t count = 0;     ///< keys in the range, before the limit
  int64_t revision = 0;  ///< the store's revision the read saw
};

/// A write. lease 0 writes the key without a lease (dropping any it had).
struct EtcdPut {
  std::string key{};
  std::string value{};
  int64_t lease = 0;
};
struct EtcdPutResult {
  int64_t revision = 0;
};

/// Deletes the key, or [key, range_end) as EtcdRange reads it.
struct EtcdDelete {
  std::string key{};
  std::string range_end{};
};
struct EtcdDeleteResult {
  int64_t deleted = 0;
  int64_t revision = 0;
};

using EtcdOp = std::variant<EtcdRange, EtcdPut, EtcdDelete>;
using EtcdOpResult = std::variant<EtcdRangeResult, EtcdPutResult, EtcdDeleteResult>;

/// One condition of a transaction: `target` of the key (or of every key in
/// [key, range_end)) compared with the operand. A key that does not exist,
/// and an empty range, compare as zero (version, revisions and lease 0,
/// value ""), except that a kValue compare on a missing key always fails.
/// kValue compares `value` byte-wise; the others compare `number`.
struct EtcdCompare {
  enum class Target { kVersion, kCreate, kMod, kValue, kLease };
  enum class Result { kEqual, kGreater, kLess, kNotEqual };
  std::string key{};
  std::string range_end{};
  Target target = Target::kVersion;
  Result result = Result::kEqual;
  int64_t number = 0;
  std::string value{};
};

/// If every compare holds, run `success`, else `failure`; atomically, at
/// one revision. A key may appear once per branch.
struct EtcdTxn {
  std::vector<EtcdCompare> compare{};
  std::vector<EtcdOp> success{};
  std::vector<EtcdOp> failure{};
};
struct EtcdTxnResult {
  bool succeeded = false;
  std::vector<EtcdOpResult> responses{};  ///< one per op of the branch that ran, in order
  int64_t revision = 0;
};

struct EtcdLease {
  int64_t id = 0;
  int64_t ttl = 0;  ///< seconds, as granted (etcd raises anything under 2 to 2)
};

/// The part of etcd's v3 API a fleet of agents needs: keys, transactions
/// and leases. Implementations: adapters/EtcdGateway (the JSON gateway over
/// HTTP) and tests/support/FakeEtcd. Every call blocks until etcd answers
/// or a timeout passes: call it from a worker thread, never the event loop.
/// Calls may come from several threads at once.
class Etcd {
 public:
  virtual ~Etcd() = default;
  virtual Result<EtcdRangeResult> Range(const EtcdRange& range) = 0;
  /// A failed compare is an answer (succeeded false), not an error; an op
  /// naming an unknown lease rejects the whole txn (kLeaseNotFound).
  virtual Result<EtcdTxnResult> Txn(const EtcdTxn& txn) = 0;
  /// kLeaseNotFound when `put.lease` is not a live lease.
  virtual Result<EtcdPutResult> Put(const EtcdPut& put) = 0;
  virtual Result<EtcdDeleteResult> DeleteRange(const EtcdDelete& del) = 0;
  /// A new lease of `ttl_seconds`; its keys go when it expires or is revoked.
  virtual Result<EtcdLease> GrantLease(int64_t ttl_seconds) = 0;
  /// Renews the lease to its granted TTL and returns that TTL; a lease that
  /// expired or was revoked is lost for good: kLeaseNotFound.
  virtual Result<int64_t> KeepAlive(int64_t lease_id) = 0;
  /// Ends the lease now and deletes its keys; kLeaseNotFound when unknown.
  virtual Status RevokeLease(int64_t lease_id) = 0;
  /// Seconds the lease has left (0 when under a second); kLeaseNotFound
  /// when it expired, was revoked or never existed.
  virtual Result<int64_t> TimeToLive(int64_t lease_id) = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_ETCD_H_
