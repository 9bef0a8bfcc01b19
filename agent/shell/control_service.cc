#include "agent/shell/control_service.h"

namespace nymvisor {

Status ControlService::Authorize(const Caller& caller, const std::string& action,
                                 const std::string& method) {
  Status st = authorizer_.Authorize(caller, action, {{kInstanceDetail, instance_id_}});
  if (st.ok()) {
    log_.Info(method + " requested by " + caller.Describe());
    return {};
  }
  std::string why =
      st.IsDenied() ? st.message() : "the authorization check failed: " + st.message();
  log_.Warning(method + " refused to " + caller.Describe() + ": " + why);
  return Status::Denied(method + " needs the polkit action " + action + " for instance " +
                        instance_id_ + ", which " + caller.Describe() + " does not have (" + why +
                        ")");
}

Status ControlService::CheckNow(const Caller& caller) {
  NV_RETURN_IF_ERROR(Authorize(caller, kActionCheck, "CheckNow"));
  return agent_.CheckNow();
}

Result<std::string> ControlService::ApplyNow(const Caller& caller) {
  NV_RETURN_IF_ERROR(Authorize(caller, kActionApply, "ApplyNow"));
  return agent_.ApplyNow(caller.Describe());
}

Status ControlService::Hold(const Caller& caller, const std::string& reason) {
  NV_RETURN_IF_ERROR(Authorize(caller, kActionHold, "Hold"));
  return agent_.Hold(reason, caller.Describe());
}

Status ControlService::Resume(const Caller& caller) {
  NV_RETURN_IF_ERROR(Authorize(caller, kActionHold, "Resume"));
  return agent_.Resume(caller.Describe());
}

Status ControlService::Skip(const Caller& caller, const std::string& upgrade) {
  NV_RETURN_IF_ERROR(Authorize(caller, kActionSkip, "Skip"));
  return agent_.Skip(upgrade, caller.Describe());
}

Result<std::string> ControlService::Rollback(const Caller& caller, const std::string& to) {
  NV_RETURN_IF_ERROR(Authorize(caller, kActionRollback, "Rollback"));
  return agent_.Rollback(caller.Describe(), to);
}

Status ControlService::Reload(const Caller& caller) {
  NV_RETURN_IF_ERROR(Authorize(caller, kActionReload, "Reload"));
  return agent_.Reload();
}

Status ControlService::ReleaseNode(const Caller& caller, bool start) {
  NV_RETURN_IF_ERROR(Authorize(caller, kActionRelease, "ReleaseNode"));
  return agent_.ReleaseNode(start, caller.Describe());
}

}  // namespace nymvisor
