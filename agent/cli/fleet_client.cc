#include "agent/cli/fleet_client.h"

#include <cstdio>

#include "agent/base/strings.h"
#include "agent/decide/fleet_keys.h"
#include "agent/ports/etcd.h"

namespace nymvisor {
namespace {

namespace fs = std::filesystem;

std::string Octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof(text), "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

/// A password file others may read is refused; so is anything but a file.
Status CheckPrivate(const fs::path& path, FileSystem& files) {
  NV_ASSIGN_OR_RETURN(FileInfo info, files.Stat(path));
  if (info.type != FileInfo::Type::kRegular) {
    return Status::Error("the fleet credential " + path.string() +
                         " is not a regular file (a symlink is not followed)");
  }
  if ((info.mode & 077) != 0) {
    return Status::Error("the fleet credential " + path.string() +
                         " may be read by accounts other than its owner (mode " + Octal(info.mode) +
                         "); run 'chmod 0600 " + path.string() + "'");
  }
  return {};
}

/// Reads and parses one credential file.
Result<EtcdCredentials> ReadCredential(const fs::path& path, FileSystem& files) {
  NV_RETURN_IF_ERROR(CheckPrivate(path, files));
  NV_ASSIGN_OR_RETURN(std::string text, files.ReadTrusted(path));
  return ParseEtcdCredentials(text, path.string());
}

/// The places a credential name is looked for, in order.
std::vector<fs::path> Candidates(const std::string& name, const FleetCredentialLookup& lookup) {
  std::vector<fs::path> out;
  if (lookup.credentials_directory) out.push_back(*lookup.credentials_directory / name);
  for (const fs::path& dir : lookup.credstores) out.push_back(dir / name);
  return out;
}

Status FindCredential(const Config& config, FileSystem& files, const FleetCredentialLookup& lookup,
                      EtcdGatewayOptions* options) {
  const std::string& credential = config.nymvisor.fleet_credential;
  if (fs::path(credential).is_absolute()) {
    if (!files.Stat(credential).ok()) {
      return Status::Error("fleet_credential names " + credential +
                           ", which does not exist; create it (mode 0600, the etcd user on its "
                           "first line, the password on its second) or unset fleet_credential");
    }
    NV_ASSIGN_OR_RETURN(options->credentials, ReadCredential(credential, files));
    options->credentials_source = credential;
    return {};
  }
  std::vector<std::string> looked;
  for (const fs::path& path : Candidates(credential, lookup)) {
    if (!files.Stat(path).ok()) {
      looked.push_back(path.parent_path().string());
      continue;
    }
    NV_ASSIGN_OR_RETURN(options->credentials, ReadCredential(path, files));
    options->credentials_source = path.string();
    return {};
  }
  options->credentials_source =
      "no credential '" + credential + "' (looked in " + Join(looked, ", ") + ")";
  return {};
}

}  // namespace

Result<EtcdGatewayOptions> BuildFleetClientOptions(const Config& config, FileSystem& files,
                                                   const FleetCredentialLookup& lookup) {
  const NymvisorSection& n = config.nymvisor;
  EtcdGatewayOptions options{.endpoints = n.fleet_endpoints,
                             .ca_file = n.fleet_ca_file,
                             .cert_file = n.fleet_cert_file,
                             .key_file = n.fleet_key_file};
  NV_RETURN_IF_ERROR(FindCredential(config, files, lookup, &options));
  return options;
}

namespace {

std::string Endpoints(const FleetErrorContext& c) {
  if (c.options.endpoints.empty()) return "(none)";
  return Join(c.options.endpoints, ", ");
}

std::string Unreachable(const Status& st, const FleetErrorContext& c) {
  return "etcd did not answer at " + Endpoints(c) + " (" + st.message() +
         "); check that etcd runs there and that fleet_endpoints in " + c.config_path.string() +
         " names its client URLs";
}

std::string Unauthenticated(const Status& st, const FleetErrorContext& c) {
  if (c.options.credentials) {
    return st.message() + "; check the user (first line) and the password (second line) in " +
           c.options.credentials_source;
  }
  return "etcd wants a login and nymvisor has none: " + c.options.credentials_source +
         "; put the etcd user and password (one per line, mode 0600) in /etc/credstore/ under "
         "that name, or set fleet_credential in " +
         c.config_path.string() + " to such a file (" + st.message() + ")";
}

/// etcd answers a login with 412 when it has no users: say so.
std::string NoAuthInEtcd(const FleetErrorContext& c) {
  return "etcd at " + Endpoints(c) + " has authentication disabled, but " +
         c.options.credentials_source + " gives user '" + c.options.credentials->user +
         "'; enable it in etcd (docs/fleet.md, \"A user limited to the prefix\") or remove that "
         "credential";
}

std::string Denied(const Status& st, const FleetErrorContext& c) {
  std::string user = c.options.credentials ? "'" + c.options.credentials->user + "' (credential " +
                                                 c.options.credentials_source + ")"
                                           : "without a login";
  return "etcd denied the etcd user " + user + " access to " + std::string(kFleetRoot) + c.group +
         "/ (" + st.message() +
         "); grant its role that prefix: etcdctl role grant-permission ROLE --prefix=true "
         "readwrite " +
         std::string(kFleetRoot);
}

}  // namespace

Status ExplainFleetError(const Status& status, const FleetErrorContext& context) {
  switch (EtcdErrorOf(status)) {
    case EtcdError::kNone:
      return status;
    case EtcdError::kUnreachable:
      return Status::Unavailable(Unreachable(status, context));
    case EtcdError::kUnauthenticated:
      return Status::Error(Unauthenticated(status, context));
    case EtcdError::kPermissionDenied:
      return Status::Error(Denied(status, context));
    case EtcdError::kLeaseNotFound:  // the agent acts on this kind: kept
      return status;
    case EtcdError::kBadRequest:
    case EtcdError::kOther:
      break;
  }
  if (context.options.credentials &&
      status.message().find("authentication is not enabled") != std::string::npos) {
    return Status::Error(NoAuthInEtcd(context));
  }
  return Status::Error("etcd at " + Endpoints(context) + ": " + status.message());
}

}  // namespace nymvisor

namespace nymvisor {
namespace {

/// Explains what its inner Etcd returns; passes the rest through.
class Explaining : public Etcd {
 public:
  Explaining(std::unique_ptr<Etcd> inner, FleetErrorContext context)
      : inner_(std::move(inner)), context_(std::move(context)) {}

  Result<EtcdRangeResult> Range(const EtcdRange& range) override {
    return Explain(inner_->Range(range));
  }
  Result<EtcdTxnResult> Txn(const EtcdTxn& txn) override { return Explain(inner_->Txn(txn)); }
  Result<EtcdPutResult> Put(const EtcdPut& put) override { return Explain(inner_->Put(put)); }
  Result<EtcdDeleteResult> DeleteRange(const EtcdDelete& del) override {
    return Explain(inner_->DeleteRange(del));
  }
  Result<EtcdLease> GrantLease(int64_t ttl_seconds) override {
    return Explain(inner_->GrantLease(ttl_seconds));
  }
  Result<int64_t> KeepAlive(int64_t lease_id) override {
    return Explain(inner_->KeepAlive(lease_id));
  }
  Status RevokeLease(int64_t lease_id) override {
    return ExplainFleetError(inner_->RevokeLease(lease_id), context_);
  }
  Result<int64_t> TimeToLive(int64_t lease_id) override {
    return Explain(inner_->TimeToLive(lease_id));
  }

 private:
  template <typename T>
  Result<T> Explain(Result<T> result) {
    if (result.ok()) return result;
    return ExplainFleetError(result.status(), context_);
  }

  std::unique_ptr<Etcd> inner_;
  FleetErrorContext context_;
};

}  // namespace

std::unique_ptr<Etcd> ExplainingEtcd(std::unique_ptr<Etcd> etcd, FleetErrorContext context) {
  return std::make_unique<Explaining>(std::move(etcd), std::move(context));
}

}  // namespace nymvisor
