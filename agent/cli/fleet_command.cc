#include "agent/cli/fleet_command.h"

#include <algorithm>

#include "agent/base/strings.h"
#include "agent/decide/fleet_view.h"
#include "agent/decide/fleet_writes.h"

namespace nymvisor {
namespace {

/// The versions with a halt (keyed or implied), in the order read.
std::vector<std::string> HaltedVersions(const FleetView& view) {
  std::vector<std::string> out;
  for (const FleetHalt& h : EffectiveHalts(view)) {
    if (std::find(out.begin(), out.end(), h.version) == out.end()) out.push_back(h.version);
  }
  return out;
}

/// The ops of `writes` (no leased puts here), each delete guarded on the
/// key's mod revision as read (0: absent).
EtcdTxn GuardedTxn(const std::vector<FleetWrite>& writes, const FleetRead& read) {
  EtcdTxn txn;
  for (const FleetWrite& w : writes) {
    if (w.op == FleetWrite::Op::kDelete) {
      auto it = read.mod_revisions.find(w.key);
      txn.compare.push_back(EtcdCompare{.key = w.key,
                                        .target = EtcdCompare::Target::kMod,
                                        .number = it == read.mod_revisions.end() ? 0 : it->second});
      txn.success.push_back(EtcdDelete{.key = w.key});
    } else {
      txn.success.push_back(EtcdPut{.key = w.key, .value = w.value});
    }
  }
  return txn;
}

Status ClearOne(const FleetTarget& t, const FleetRead& read, const std::string& version,
                std::ostream& out) {
  std::vector<FleetWrite> writes = ClearHaltWrites(t.keys, read.view, version);
  NV_ASSIGN_OR_RETURN(EtcdTxnResult result, t.etcd.Txn(GuardedTxn(writes, read)));
  if (!result.succeeded) {
    return Status::Error("the halt of " + version + " in group " + t.group +
                         " changed while it was being cleared (another host or operator wrote "
                         "to it); nothing of it was cleared: run 'nymvisor fleet status --id " +
                         t.instance_id + "' and try again");
  }
  size_t marks = writes.size() - 1;
  out << "cleared the halt of " << version << " in group " << t.group;
  if (marks > 0) out << " and " << marks << " orphan progress mark" << (marks == 1 ? "" : "s");
  out << "\n";
  return {};
}

/// The versions a request names, or why it is refused.
Result<std::vector<std::string>> Chosen(const FleetTarget& t, const ClearHaltRequest& request,
                                        const std::vector<std::string>& halted, std::ostream& out) {
  if (request.all) return halted;
  if (!request.version.empty()) {
    if (std::find(halted.begin(), halted.end(), request.version) != halted.end()) {
      return std::vector<std::string>{request.version};
    }
    if (halted.empty()) return std::vector<std::string>{};
    return Status::Error(request.version + " is not halted in group " + t.group +
                         "; the halted versions are " + Join(halted, ", ") +
                         " (give one of them to --version, or --all)");
  }
  if (halted.size() > 1) {
    return Status::Usage("group " + t.group + " has several halts (" + Join(halted, ", ") +
                         "); name one with --version VERSION, or clear them all with --all");
  }
  if (halted.size() == 1) out << "one halt: " << halted[0] << "\n";
  return halted;
}

}  // namespace

Result<FleetRead> ReadFleet(Etcd& etcd, const FleetKeys& keys) {
  NV_ASSIGN_OR_RETURN(
      EtcdRangeResult range,
      etcd.Range({.key = keys.Prefix(), .range_end = EtcdPrefixEnd(keys.Prefix())}));
  FleetRead read;
  std::vector<FleetKv> kvs;
  for (const EtcdKeyValue& kv : range.kvs) {
    kvs.push_back(FleetKv{.key = kv.key,
                          .value = kv.value,
                          .create_revision = kv.create_revision,
                          .lease = kv.lease == 0 ? "" : std::to_string(kv.lease)});
    read.mod_revisions[kv.key] = kv.mod_revision;
  }
  read.view = BuildFleetView(keys, range.revision, kvs);
  return read;
}

Result<FleetReport> ReadFleetReport(const FleetTarget& t) {
  NV_ASSIGN_OR_RETURN(FleetRead read, ReadFleet(t.etcd, t.keys));
  return FleetReport{.instance_id = t.instance_id,
                     .group = t.group,
                     .holder = t.holder,
                     .max_unavailable = t.max_unavailable,
                     .view = std::move(read.view)};
}

Status ClearFleetHalts(const FleetTarget& t, const ClearHaltRequest& request, std::ostream& out) {
  NV_ASSIGN_OR_RETURN(FleetRead read, ReadFleet(t.etcd, t.keys));
  std::vector<std::string> halted = HaltedVersions(read.view);
  NV_ASSIGN_OR_RETURN(std::vector<std::string> versions, Chosen(t, request, halted, out));
  if (versions.empty()) {
    out << "group " << t.group << " has no halt"
        << (request.version.empty() ? "" : " (" + request.version + " is not halted)")
        << "; nothing to clear\n";
    return {};
  }
  for (const std::string& version : versions) {
    NV_RETURN_IF_ERROR(ClearOne(t, read, version, out));
  }
  return {};
}

Status HaltFleetVersion(const FleetTarget& t, const std::string& version, const std::string& reason,
                        Timestamp now, std::ostream& out) {
  FleetHalt halt{.version = version,
                 .cause = FleetHaltCause::kOperator,
                 .reason = reason,
                 .holder = t.holder,
                 .time = std::chrono::floor<std::chrono::seconds>(now)};
  std::string key = t.keys.Halt(version);
  EtcdTxn txn{.compare = {EtcdCompare{.key = key, .target = EtcdCompare::Target::kVersion}},
              .success = {EtcdPut{.key = key, .value = FleetHaltValue(halt)}},
              .failure = {EtcdRange{.key = key}}};
  NV_ASSIGN_OR_RETURN(EtcdTxnResult result, t.etcd.Txn(txn));
  if (result.succeeded) {
    out << "halted " << version << " in group " << t.group
        << ": no host of the group starts it until '" << ClearHaltCommand(t.instance_id, version)
        << "'\n";
    return {};
  }
  std::string who = "someone";
  const auto* range =
      result.responses.empty() ? nullptr : std::get_if<EtcdRangeResult>(&result.responses.front());
  if (range != nullptr && !range->kvs.empty()) {
    FleetView view = BuildFleetView(t.keys, result.revision,
                                    {FleetKv{.key = key, .value = range->kvs.front().value}});
    if (!view.halts.empty()) who = DescribeHalt(view.halts.front());
  }
  return Status::Error(version + " is already halted in group " + t.group + ": " + who);
}

}  // namespace nymvisor
