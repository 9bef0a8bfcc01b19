#ifndef NYMVISOR_AGENT_GENERATOR_GENERATOR_H_
#define NYMVISOR_AGENT_GENERATOR_GENERATOR_H_

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "agent/config/instance_config.h"
#include "agent/generator/unit_dropins.h"
#include "agent/ports/file_system.h"

namespace nymvisor {

/// Inputs and output of the systemd generator (systemd.generator(7)).
struct GeneratorPaths {
  std::filesystem::path etc_dir = "/etc/nymvisor";
  std::filesystem::path output_dir;  ///< the generator's "normal" directory
  std::string nymvisor_binary = "/usr/bin/nymvisor";
};

/// Turns every instance in etc_dir (<id>.toml, or <id>.env naming a config
/// with NYMVISOR_CONFIG_PATH) into unit drop-ins, seeing the config as the
/// agent's unit does: the file, then the <id>.env variables, with
/// NYMVISOR_ID=<id>. An instance with a broken config is skipped; the returned
/// messages say why, for the journal. Runs at boot and on every daemon-reload.
std::vector<std::string> GenerateUnits(const GeneratorPaths& paths, FileSystem& files);

/// Instance ids: the base names of the *.toml and *.env files in `dir`.
std::set<std::string> FindInstanceIds(const std::filesystem::path& dir, FileSystem& files);

/// The config of instance `id` as its units see it (see GenerateUnits), and
/// where it came from.
Result<LoadedConfig> LoadUnitConfig(const GeneratorPaths& paths, const std::string& id,
                                    FileSystem& files, InstanceSources* sources);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_GENERATOR_GENERATOR_H_
