#include "agent/adapters/systemd_notifier.h"

#include <systemd/sd-daemon.h>

namespace nymvisor {
namespace {

void Notify(const std::string& state) { sd_notify(0, state.c_str()); }

}  // namespace

void SystemdNotifier::Ready(const std::string& status) { Notify("READY=1\nSTATUS=" + status); }

void SystemdNotifier::Status(const std::string& status) { Notify("STATUS=" + status); }

void SystemdNotifier::Stopping(const std::string& status) {
  Notify("STOPPING=1\nSTATUS=" + status);
}

}  // namespace nymvisor
