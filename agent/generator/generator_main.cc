// nymvisor-generator: a systemd generator (systemd.generator(7)) that turns
// /etc/nymvisor/<id>.toml into drop-ins for the node's and the agent's units.
#include <iostream>

#include "agent/adapters/real_file_system.h"
#include "agent/generator/generator.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: nymvisor-generator NORMAL_DIR [EARLY_DIR LATE_DIR]\n";
    return 1;
  }
  nymvisor::RealFileSystem files;
  nymvisor::GeneratorPaths paths;
  paths.output_dir = argv[1];
  for (const std::string& message : nymvisor::GenerateUnits(paths, files)) {
    std::cerr << "nymvisor-generator: " << message << "\n";
  }
  return 0;  // one broken instance must not fail the others' boot
}
