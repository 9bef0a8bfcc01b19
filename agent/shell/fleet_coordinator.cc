#include "agent/shell/fleet_coordinator.h"

#include <memory>
#include <nlohmann/json.hpp>

#include "agent/decide/fleet_view.h"

namespace nymvisor {

namespace {

std::string LeaseText(int64_t lease) { return lease == 0 ? "" : std::to_string(lease); }

int64_t LeaseId(const std::string& text) {
  try {
    return text.empty() ? 0 : std::stoll(text);
  } catch (const std::exception&) {
    return 0;  // an unreadable id is no lease: the slot is asked for again
  }
}

EtcdCompare Absent(const std::string& key) {
  return {.key = key, .target = EtcdCompare::Target::kVersion, .number = 0};
}

FleetWait WaitOf(FleetAction action) {
  switch (action) {
    case FleetAction::kWaitForCanaries:
      return FleetWait::kCanaries;
    case FleetAction::kWaitForSoak:
      return FleetWait::kSoak;
    case FleetAction::kHalted:
      return FleetWait::kHalt;
    default:
      return FleetWait::kSlot;
  }
}

}  // namespace

Result<FleetSettings> MakeFleetSettings(const Config& config, const std::string& holder) {
  const auto& n = config.nymvisor;
  NV_ASSIGN_OR_RETURN(FleetUnreachableMode mode, ParseFleetUnreachableMode(n.fleet_on_unreachable));
  NV_RETURN_IF_ERROR(FleetKeys::For(n.fleet_group).status());
  return FleetSettings{.group = n.fleet_group,
                       .holder = holder,
                       .max_unavailable = n.fleet_max_unavailable,
                       .canary = n.fleet_canary,
                       .soak = n.fleet_soak,
                       .on_unreachable = mode};
}

std::string_view FleetWaitName(FleetWait wait) {
  switch (wait) {
    case FleetWait::kNone:
      return "";
    case FleetWait::kSlot:
      return "slot";
    case FleetWait::kCanaries:
      return "canaries";
    case FleetWait::kSoak:
      return "soak";
    case FleetWait::kHalt:
      return "fleet-halt";
    case FleetWait::kUnreachable:
      return "fleet-unreachable";
  }
  return "";
}

FleetCoordinator::FleetCoordinator(FleetDeps deps, FleetSettings settings)
    : deps_(std::move(deps)),
      settings_(std::move(settings)),
      keys_(FleetKeys::For(settings_.group).value_or(*FleetKeys::For("invalid-group"))) {}

FleetCoordinator::~FleetCoordinator() {
  if (keepalive_timer_ != 0) deps_.scheduler.Cancel(keepalive_timer_);
}

void FleetCoordinator::Run(std::function<void(Outcome&)> job,
                           std::function<void(const Outcome&)> then) {
  auto o = std::make_shared<Outcome>();
  deps_.lane.Post(
      [this, o, job = std::move(job)] {
        job(*o);
        o->state = lane_;
      },
      [this, o, then = std::move(then)] {
        Apply(*o);
        if (then) then(*o);
      });
}

void FleetCoordinator::Apply(const Outcome& o) {
  shown_ = o.state;
  for (const std::string& w : o.warnings) deps_.log.Warning("fleet: " + w);
  if (deps_.changed) deps_.changed();
}

void FleetCoordinator::Start() {
  deps_.log.Info("fleet: group " + settings_.group + " as " + settings_.holder +
                 ", max_unavailable " + std::to_string(settings_.max_unavailable) +
                 (settings_.canary ? ", canary" : ""));
  FleetSettings s = settings_;
  Run(
      [this, s](Outcome& o) {
        LoadBlocking(s, o);
        // At once, not when an upgrade begins: a restarted agent that holds
        // a slot would otherwise let its lease expire and halt the group.
        KeepAliveBlocking(o);
        RegisterCanaryBlocking(s, o);
      },
      nullptr);
  ArmKeepAlive();
}

void FleetCoordinator::Reload(FleetSettings settings) {
  bool canary_changed = settings.canary != settings_.canary;
  settings_ = std::move(settings);
  FleetSettings s = settings_;
  if (canary_changed) Run([this, s](Outcome& o) { RegisterCanaryBlocking(s, o); }, nullptr);
}

void FleetCoordinator::ArmKeepAlive() {
  keepalive_timer_ = deps_.scheduler.After(settings_.keepalive_every, [this] {
    keepalive_timer_ = 0;
    KeepAliveNow();
    ArmKeepAlive();
  });
}

void FleetCoordinator::KeepAliveNow() {
  if (keepalive_posted_ || shown_.lease == 0) return;
  keepalive_posted_ = true;
  Run([this](Outcome& o) { KeepAliveBlocking(o); },
      [this](const Outcome&) { keepalive_posted_ = false; });
}

void FleetCoordinator::LoadBlocking(const FleetSettings& s, Outcome& o) {
  Result<std::string> text = deps_.files.ReadFile(deps_.record_file);
  if (!text.ok()) {
    if (!text.status().IsNotFound()) o.warnings.push_back(text.status().message());
    return;
  }
  Result<FleetSlotRecord> record = ParseFleetSlotRecord(*text);
  if (!record.ok() || record->holder != s.holder || record->group != s.group) {
    o.warnings.push_back("ignoring " + deps_.record_file.string() + " of another group or holder");
    return;
  }
  lane_.record = *record;
  lane_.lease = LeaseId(record->lease);
}

void FleetCoordinator::KeepAliveBlocking(Outcome& o) {
  if (lane_.lease == 0) return;
  Result<int64_t> ttl = deps_.etcd.KeepAlive(lane_.lease);
  if (ttl.ok() || EtcdErrorOf(ttl.status()) != EtcdError::kLeaseNotFound) return;
  lane_.lease = 0;
  if (!lane_.record) return;
  FleetSlotRecord r = *lane_.record;
  if (r.phase == FleetSlotPhase::kInProgress || r.phase == FleetSlotPhase::kGivingBack) {
    o.warnings.push_back("lost the lease of " + r.version +
                         " mid-upgrade: the group is halted until this upgrade commits");
    r.lease.clear();
    (void)SaveRecord(r);
    return;
  }
  // Not stopped yet: the slot is gone, so ask again from the start.
  o.warnings.push_back("lost the lease of its slot for " + r.version + ": asking again");
  r.lease.clear();
  r.phase = FleetSlotPhase::kAsked;
  (void)SaveRecord(r);
}

Status FleetCoordinator::SaveRecord(std::optional<FleetSlotRecord> record) {
  Status st = record ? deps_.files.WriteFileAtomic(
                           deps_.record_file, DumpJsonPretty(FleetSlotRecordToJson(*record)), 0644)
                     : deps_.files.RemoveAll(deps_.record_file);
  if (st.ok()) lane_.record = std::move(record);
  return st;
}

Result<FleetView> FleetCoordinator::ReadGroup() {
  NV_ASSIGN_OR_RETURN(
      EtcdRangeResult r,
      deps_.etcd.Range({.key = keys_.Prefix(), .range_end = EtcdPrefixEnd(keys_.Prefix())}));
  std::vector<FleetKv> kvs;
  kvs.reserve(r.kvs.size());
  for (const EtcdKeyValue& kv : r.kvs) {
    kvs.push_back({kv.key, kv.value, kv.create_revision, LeaseText(kv.lease)});
  }
  return BuildFleetView(keys_, r.revision, kvs);
}

Result<bool> FleetCoordinator::Write(const std::vector<FleetWrite>& writes,
                                     std::vector<EtcdCompare> compare) {
  EtcdTxn txn{.compare = std::move(compare)};
  for (const FleetWrite& w : writes) {
    if (w.op == FleetWrite::Op::kDelete) {
      txn.success.push_back(EtcdDelete{.key = w.key});
    } else {
      int64_t lease = w.op == FleetWrite::Op::kPutWithLease ? lane_.lease : 0;
      txn.success.push_back(EtcdPut{.key = w.key, .value = w.value, .lease = lease});
    }
  }
  NV_ASSIGN_OR_RETURN(EtcdTxnResult r, deps_.etcd.Txn(txn));
  return r.succeeded;
}

void FleetCoordinator::RegisterCanaryBlocking(const FleetSettings& s, Outcome& o) {
  Result<FleetView> view = ReadGroup();
  if (!view.ok()) {
    o.warnings.push_back("cannot register as a canary yet: " + view.status().message());
    return;
  }
  FleetWriter w{.holder = s.holder, .canary = s.canary, .now = deps_.clock.Now()};
  std::vector<FleetWrite> writes = CanaryRegistrationWrites(keys_, *view, w);
  if (writes.empty()) return;
  if (Result<bool> ok = Write(writes, {}); !ok.ok()) o.warnings.push_back(ok.status().message());
}

void FleetCoordinator::Ask(const std::string& version,
                           std::function<void(const FleetAnswer&)> done) {
  FleetSettings s = settings_;
  Run([this, s, version](Outcome& o) { AskBlocking(s, version, o); },
      [this, done = std::move(done)](const Outcome& o) {
        Note(o.answer);
        asked_ = true;
        last_answer_ = o.answer;
        if (done) done(o.answer);
      });
}

void FleetCoordinator::AskBlocking(const FleetSettings& s, const std::string& version, Outcome& o) {
  // A write (a new slot key, an adopted lease, a halt) is followed by a
  // fresh read; a few rounds settle any of them.
  for (int round = 0; round < 4; ++round) {
    if (!AskRound(s, version, o)) return;
  }
}

bool FleetCoordinator::AskRound(const FleetSettings& s, const std::string& version, Outcome& o) {
  Result<FleetView> view = ReadGroup();
  if (!view.ok()) {
    AnswerOffline(s, version, view.status(), o);
    return false;
  }
  FleetSelf self{.holder = s.holder,
                 .canary = s.canary,
                 .lease = LeaseText(lane_.lease),
                 .max_unavailable = s.max_unavailable,
                 .soak = s.soak,
                 .target_version = version,
                 .now = deps_.clock.Now()};
  FleetDecision d = DecideFleet(*view, self);
  o.answer = {.waiting_for = WaitOf(d.action),
              .detail = DescribeFleetDecision(d),
              .halt = HaltBlocking(*view, version)};
  lane_.halted_when_last_seen = o.answer.halt.has_value();
  if (d.write_halt && d.halt)
    (void)Write(ImpliedHaltWrites(keys_, *d.halt), {Absent(keys_.Halt(d.halt->version))});
  if (d.withdraw) WithdrawBlocking(s.holder, o);
  switch (d.action) {
    case FleetAction::kProceed:
      return WriteProgress(s, d, version, o);
    case FleetAction::kTakeSlot:
      return TakeSlot(s, version, o);
    case FleetAction::kAlreadyHolding:
      return Adopt(s, *d.slot, o);
    default:
      return false;
  }
}

bool FleetCoordinator::TakeSlot(const FleetSettings& s, const std::string& version, Outcome& o) {
  if (lane_.lease == 0) {
    Result<EtcdLease> lease = deps_.etcd.GrantLease(s.lease_ttl / std::chrono::seconds(1));
    if (!lease.ok()) {
      AnswerOffline(s, version, lease.status(), o);
      return false;
    }
    lane_.lease = lease->id;
  }
  FleetSlotRecord r{.group = s.group,
                    .holder = s.holder,
                    .version = version,
                    .lease = LeaseText(lane_.lease),
                    .phase = FleetSlotPhase::kAsked,
                    .since = deps_.clock.Now()};
  if (Status st = SaveRecord(r); !st.ok()) {
    o.answer.detail = "cannot record the fleet slot: " + st.message();
    return false;
  }
  FleetWriter w{.holder = s.holder, .version = version, .canary = s.canary, .now = r.since};
  Result<bool> wrote =
      Write(TakeSlotWrites(keys_, w), {Absent(keys_.Slot(s.holder)), Absent(keys_.Halt(version))});
  if (!wrote.ok() && EtcdErrorOf(wrote.status()) == EtcdError::kLeaseNotFound) {
    lane_.lease = 0;  // expired meanwhile: a new one next round
    return true;
  }
  if (!wrote.ok()) AnswerOffline(s, version, wrote.status(), o);
  return wrote.ok();
}

bool FleetCoordinator::Adopt(const FleetSettings& s, const FleetSlot& slot, Outcome& o) {
  lane_.lease = LeaseId(slot.lease);
  Result<int64_t> ttl = deps_.etcd.KeepAlive(lane_.lease);
  if (!ttl.ok()) {
    lane_.lease = 0;  // it expired; its key goes with it
    return EtcdErrorOf(ttl.status()) == EtcdError::kLeaseNotFound;
  }
  FleetSlotRecord r = lane_.record.value_or(FleetSlotRecord{});
  r.group = s.group;
  r.holder = slot.holder;
  r.version = slot.version;
  r.lease = slot.lease;
  r.since = slot.since;
  if (Status st = SaveRecord(r); !st.ok()) o.warnings.push_back(st.message());
  o.warnings.push_back("adopted its fleet slot from before a restart (lease " + slot.lease + ")");
  return true;
}

bool FleetCoordinator::WriteProgress(const FleetSettings& s, const FleetDecision& d,
                                     const std::string& version, Outcome& o) {
  FleetSlotRecord r = lane_.record.value_or(FleetSlotRecord{.group = s.group,
                                                            .holder = s.holder,
                                                            .version = version,
                                                            .lease = LeaseText(lane_.lease),
                                                            .since = deps_.clock.Now()});
  r.phase = FleetSlotPhase::kInProgress;
  if (Status st = SaveRecord(r); !st.ok()) {
    o.answer.detail = "cannot record the fleet slot: " + st.message();
    return false;
  }
  if (d.write_progress) {
    FleetWriter w{.holder = s.holder, .version = version, .now = deps_.clock.Now()};
    // The halt is checked again in the same txn as the mark, right before
    // the stop; the slot must still be ours.
    EtcdCompare ours{
        .key = keys_.Slot(s.holder), .target = EtcdCompare::Target::kLease, .number = lane_.lease};
    Result<bool> wrote = Write(ProgressWrites(keys_, w), {ours, Absent(keys_.Halt(version))});
    if (!wrote.ok() || !*wrote) {
      r.phase = FleetSlotPhase::kHolding;
      (void)SaveRecord(r);
      if (!wrote.ok()) AnswerOffline(s, version, wrote.status(), o);
      return wrote.ok();  // a failed guard: read again
    }
  }
  o.answer.proceed = true;
  o.answer.waiting_for = FleetWait::kNone;
  return false;
}

void FleetCoordinator::AnswerOffline(const FleetSettings& s, const std::string& version,
                                     const Status& error, Outcome& o) {
  const FleetSlotRecord* mine =
      lane_.record && lane_.record->version == version ? &*lane_.record : nullptr;
  FleetOfflineDecision d = DecideFleetUnreachable(
      s.on_unreachable, {.record = mine, .halted_when_last_seen = lane_.halted_when_last_seen});
  o.answer.proceed = d.action != FleetOfflineAction::kWaitForEtcd;
  o.answer.waiting_for = o.answer.proceed ? FleetWait::kNone : FleetWait::kUnreachable;
  o.answer.detail = d.why + " (" + error.message() + ")";
}

void FleetCoordinator::Note(const FleetAnswer& answer) {
  if (answer.proceed == last_answer_.proceed && answer.waiting_for == last_answer_.waiting_for &&
      asked_) {
    return;
  }
  deps_.log.Info("fleet: " + std::string(answer.proceed ? "may stop the node: " : "") +
                 answer.detail);
}

bool FleetCoordinator::slot_held() const {
  return shown_.record && shown_.record->phase != FleetSlotPhase::kAsked;
}

FleetStatus FleetCoordinator::Report() const {
  FleetStatus st{.group = settings_.group,
                 .holder = settings_.holder,
                 .canary = settings_.canary,
                 .max_unavailable = settings_.max_unavailable};
  if (shown_.record) st.phase = std::string(FleetSlotPhaseName(shown_.record->phase));
  if (asked_) {
    st.waiting_for = std::string(FleetWaitName(last_answer_.waiting_for));
    st.detail = last_answer_.detail;
    st.halt = last_answer_.halt;
  }
  return st;
}

}  // namespace nymvisor
