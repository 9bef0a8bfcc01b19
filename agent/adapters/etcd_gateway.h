#ifndef NYMVISOR_AGENT_ADAPTERS_ETCD_GATEWAY_H_
#define NYMVISOR_AGENT_ADAPTERS_ETCD_GATEWAY_H_

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/duration.h"
#include "agent/ports/etcd.h"

namespace nymvisor {

using namespace std::chrono_literals;

/// An etcd user and password (the fleet credential).
struct EtcdCredentials {
  std::string user{};
  std::string password{};
};

/// Parses the fleet credential file: one line "user:password", split at
/// the first ':' (a user holds no ':'; a password may hold any character
/// but a newline; a trailing newline or "\r\n" is dropped). The format
/// docs/fleet.md and the config's fleet_credential name. `file` names it
/// in errors.
Result<EtcdCredentials> ParseEtcdCredentials(std::string_view text, std::string_view file);

struct EtcdGatewayOptions {
  /// Client URLs ("https://10.0.0.5:2379"), tried in order; the one that
  /// answered last is tried first next time.
  std::vector<std::string> endpoints{};
  std::string ca_file{};    ///< trusted CA for https endpoints; empty: the system's
  std::string cert_file{};  ///< client certificate (PEM), with key_file
  std::string key_file{};
  /// With credentials, each endpoint is logged into (/v3/auth/authenticate)
  /// before its first call, and again once when it refuses the token.
  std::optional<EtcdCredentials> credentials{};
  std::string credentials_source{};  ///< where they came from, for messages
  Duration connect_timeout = 3s;
  Duration call_timeout = 5s;  ///< each HTTP call, per endpoint
};

/// Etcd over etcd's v3 JSON gateway (etcd 3.4 and later; never the v2 API),
/// one POST per call with libcurl. An endpoint that cannot be reached (no
/// connection, timeout, 503) hands the call to the next one; only when
/// none answers is the result kUnreachable. No proxy is used. Thread-safe:
/// the token and the preferred endpoint are behind a mutex, the transfers
/// are not, so calls on several threads run at once. Calls block.
class EtcdGateway : public Etcd {
 public:
  explicit EtcdGateway(EtcdGatewayOptions options);

  Result<EtcdRangeResult> Range(const EtcdRange& range) override;
  Result<EtcdTxnResult> Txn(const EtcdTxn& txn) override;
  Result<EtcdPutResult> Put(const EtcdPut& put) override;
  Result<EtcdDeleteResult> DeleteRange(const EtcdDelete& del) override;
  Result<EtcdLease> GrantLease(int64_t ttl_seconds) override;
  Result<int64_t> KeepAlive(int64_t lease_id) override;
  Status RevokeLease(int64_t lease_id) override;
  Result<int64_t> TimeToLive(int64_t lease_id) override;

 private:
  /// POSTs `body` to `path` ("/v3/kv/range") on the endpoints in turn.
  Result<nlohmann::json> Call(std::string_view path, const nlohmann::json& body);
  /// One endpoint: logs in first when needed, and once more on a 401.
  Result<nlohmann::json> CallOn(size_t index, std::string_view path, const nlohmann::json& body);
  Status Login(size_t index);
  Result<nlohmann::json> Post(size_t index, std::string_view path, const nlohmann::json& body);

  EtcdGatewayOptions options_;
  std::mutex mu_;
  std::vector<std::string> tokens_{};  ///< per endpoint: simple tokens are per member
  size_t preferred_ = 0;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_ETCD_GATEWAY_H_
