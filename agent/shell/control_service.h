#ifndef NYMVISOR_AGENT_SHELL_CONTROL_SERVICE_H_
#define NYMVISOR_AGENT_SHELL_CONTROL_SERVICE_H_

#include <string>

#include "agent/ports/authorizer.h"
#include "agent/ports/control_api.h"
#include "agent/shell/agent.h"
#include "agent/shell/logger.h"

namespace nymvisor {

/// The polkit action of each mutating method, and its detail.
inline constexpr char kActionCheck[] = "net.nymtech.nymvisor1.check";
inline constexpr char kActionApply[] = "net.nymtech.nymvisor1.apply";
inline constexpr char kActionHold[] = "net.nymtech.nymvisor1.hold";  ///< Hold and Resume
inline constexpr char kActionSkip[] = "net.nymtech.nymvisor1.skip";
inline constexpr char kActionRollback[] = "net.nymtech.nymvisor1.rollback";
inline constexpr char kActionReload[] = "net.nymtech.nymvisor1.reload";
inline constexpr char kActionRelease[] = "net.nymtech.nymvisor1.release";
inline constexpr char kInstanceDetail[] = "instance";

/// The control API of one agent: GetStatus is open to every caller; every
/// other method first asks the Authorizer whether the caller may take its
/// polkit action for this instance, and logs who asked for what. A denial
/// says which action it needed. Main thread only.
class ControlService : public ControlApi {
 public:
  ControlService(Agent& agent, Authorizer& authorizer, Logger& log, std::string instance_id)
      : agent_(agent), authorizer_(authorizer), log_(log), instance_id_(std::move(instance_id)) {}

  StatusSnapshot GetStatus() override { return agent_.Snapshot(); }
  Status CheckNow(const Caller& caller) override;
  Result<std::string> ApplyNow(const Caller& caller) override;
  Status Hold(const Caller& caller, const std::string& reason) override;
  Status Resume(const Caller& caller) override;
  Status Skip(const Caller& caller, const std::string& upgrade) override;
  Result<std::string> Rollback(const Caller& caller, const std::string& to) override;
  Status Reload(const Caller& caller) override;
  Status ReleaseNode(const Caller& caller, bool start) override;

 private:
  /// OK when `caller` may call `method`; else Denied naming the action.
  Status Authorize(const Caller& caller, const std::string& action, const std::string& method);

  Agent& agent_;
  Authorizer& authorizer_;
  Logger& log_;
  std::string instance_id_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_SHELL_CONTROL_SERVICE_H_
