#include "agent/ports/etcd.h"

#include <array>
#include <utility>

namespace nymvisor {
namespace {

/// The Status::Refused reasons that carry a kind.
constexpr std::array<std::pair<EtcdError, std::string_view>, 4> kReasons = {{
    {EtcdError::kLeaseNotFound, "EtcdLeaseNotFound"},
    {EtcdError::kUnauthenticated, "EtcdUnauthenticated"},
    {EtcdError::kPermissionDenied, "EtcdPermissionDenied"},
    {EtcdError::kBadRequest, "EtcdBadRequest"},
}};

}  // namespace

Status EtcdStatus(EtcdError kind, std::string message) {
  if (kind == EtcdError::kUnreachable) return Status::Unavailable(std::move(message));
  for (const auto& [k, reason] : kReasons) {
    if (k == kind) return Status::Refused(std::string(reason), std::move(message));
  }
  return Status::Error(std::move(message));
}

Status EtcdLeaseLost(int64_t lease_id) {
  return EtcdStatus(EtcdError::kLeaseNotFound,
                    "etcd lease " + std::to_string(lease_id) + " is lost (expired or revoked)");
}

EtcdError EtcdErrorOf(const Status& status) {
  if (status.ok()) return EtcdError::kNone;
  if (status.IsUnavailable()) return EtcdError::kUnreachable;
  for (const auto& [kind, reason] : kReasons) {
    if (status.IsRefused() && status.reason() == reason) return kind;
  }
  return EtcdError::kOther;
}

std::string EtcdPrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto last = static_cast<unsigned char>(end.back());
    if (last < 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');
}

}  // namespace nymvisor
