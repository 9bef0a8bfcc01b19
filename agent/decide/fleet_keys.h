#ifndef NYMVISOR_AGENT_DECIDE_FLEET_KEYS_H_
#define NYMVISOR_AGENT_DECIDE_FLEET_KEYS_H_

#include <optional>
#include <string>
#include <string_view>

#include "agent/base/status.h"

namespace nymvisor {

// Where a fleet group lives in etcd (docs/fleet.md, "Keys"). Every key of a
// group starts with its prefix, so one role limited to `nymvisor/fleet/`
// (or to one group's prefix) is all an agent needs.
//
//   nymvisor/fleet/<group>/slots/<holder>            leased: holds or queues
//   nymvisor/fleet/<group>/progress/<holder>         no lease: upgrading
//   nymvisor/fleet/<group>/halt/<version>            no lease: halted
//   nymvisor/fleet/<group>/done/<version>/<holder>   no lease: committed
//   nymvisor/fleet/<group>/canary/<holder>           no lease: a canary
//
// The group is a safe segment (IsSafeKeySegment, checked by the config).
// Holders and versions are escaped (EscapeKeySegment), so no segment holds
// a '/' and every key parses back to what wrote it.

/// The root of every group's keys.
inline constexpr std::string_view kFleetRoot = "nymvisor/fleet/";

/// [A-Za-z0-9._-]+, at most 128 long, not "." or "..": a group name or a
/// systemd credential name, used verbatim.
bool IsSafeKeySegment(std::string_view name);

/// `text` with every byte outside [A-Za-z0-9._~@:+-] (and so '/' and '%')
/// written %XX (upper-case hex); an empty text is "%". Readable for the
/// usual versions ("1.1.4+abc") and holder ids.
std::string EscapeKeySegment(std::string_view text);
/// The inverse; an error for a '%' not followed by two hex digits, or "".
Result<std::string> UnescapeKeySegment(std::string_view segment);

/// The end of an etcd prefix range: the prefix with its last byte plus one
/// ("a/b/" -> "a/b0"), as range_end wants it.
std::string PrefixRangeEnd(std::string_view prefix);

/// The keys of one group. Plain value; built by FleetKeys::For.
class FleetKeys {
 public:
  /// `group` must pass IsSafeKeySegment (the config checks it).
  static Result<FleetKeys> For(std::string_view group);

  const std::string& Prefix() const { return prefix_; }  ///< ".../<group>/"
  std::string SlotsPrefix() const { return prefix_ + "slots/"; }
  std::string ProgressPrefix() const { return prefix_ + "progress/"; }
  std::string HaltPrefix() const { return prefix_ + "halt/"; }
  std::string DonePrefix() const { return prefix_ + "done/"; }
  std::string CanaryPrefix() const { return prefix_ + "canary/"; }

  std::string Slot(std::string_view holder) const;
  std::string Progress(std::string_view holder) const;
  std::string Halt(std::string_view version) const;
  std::string DoneForVersion(std::string_view version) const;  ///< prefix of one version
  std::string Done(std::string_view version, std::string_view holder) const;
  std::string Canary(std::string_view holder) const;

 private:
  explicit FleetKeys(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string prefix_{};
};

/// What one key of a group is, read back from its name.
struct ParsedFleetKey {
  enum class Kind { kSlot, kProgress, kHalt, kDone, kCanary };
  Kind kind = Kind::kSlot;
  std::string holder{};   ///< unescaped; empty for kHalt
  std::string version{};  ///< unescaped; for kHalt and kDone
  bool operator==(const ParsedFleetKey&) const = default;
};

/// The key's kind and names; nullopt for a key outside the group's layout
/// (another group, a stray key: ignored, never an error for the whole read).
std::optional<ParsedFleetKey> ParseFleetKey(const FleetKeys& keys, std::string_view key);

/// The stable id of one instance on one machine, shown to operators and
/// used as its key segment: "<instance id>@<machine id>". `machine_id` is
/// /etc/machine-id's text (32 hex digits; surrounding white space and case
/// are ignored); `instance_id` is nymvisor.id. Errors name what is wrong.
Result<std::string> FleetHolderId(std::string_view machine_id, std::string_view instance_id);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_FLEET_KEYS_H_
