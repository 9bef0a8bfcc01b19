// nymvisor's entry point: wires the real effects into the command line.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "agent/cli.h"
#include "agent/run_command.h"

namespace {

/// Replaces this process with the node (execv), so the node is the unit's
/// main process and no wrapper remains.
nymvisor::Status ExecNode(const std::vector<std::string>& argv,
                          const std::vector<nymvisor::EnvAssignment>& extra_env) {
  for (const auto& [name, value] : extra_env) ::setenv(name.c_str(), value.c_str(), 1);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  return nymvisor::Status::Error("cannot execute " + argv[0] + ": " + std::strerror(errno));
}

}  // namespace

int main(int argc, char** argv) {
  nymvisor::RealFileSystem files;
  nymvisor::PosixProcessRunner runner;
  nymvisor::SystemClock clock;
  nymvisor::CliContext ctx{
      files,     runner,    clock,    nymvisor::ProcessEnv(), ::geteuid() == 0, "/etc/nymvisor",
      std::cout, std::cerr, ExecNode, nymvisor::RunAgent};
  return nymvisor::RunCli(std::vector<std::string>(argv + 1, argv + argc), ctx);
}
