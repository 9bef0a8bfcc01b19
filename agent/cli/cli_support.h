#ifndef NYMVISOR_AGENT_CLI_CLI_SUPPORT_H_
#define NYMVISOR_AGENT_CLI_CLI_SUPPORT_H_

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/base/scope.h"
#include "agent/cli/cli.h"
#include "agent/config/config.h"
#include "agent/records/build_info.h"

namespace nymvisor {

/// An option captured as text and converted after parsing, so that a bad value
/// gets an error naming the flag, in our words rather than CLI11's.
struct RawOption {
  std::string text;
  CLI::Option* option = nullptr;
  bool given() const { return option != nullptr && option->count() > 0; }
};

/// Adds `flag` to `app`, captured into (*raw)[flag].
RawOption* AddRaw(CLI::App* app, std::map<std::string, RawOption>* raw, const std::string& flag,
                  const std::string& help);

/// Converts a given option with `parse`; a failure names the flag.
template <typename T, typename Parser>
Status Convert(const RawOption& raw, const std::string& flag, Parser parse, std::optional<T>* out) {
  if (!raw.given()) return {};
  Result<T> value = parse(raw.text);
  if (!value.ok()) return Status::Usage(flag + ": " + value.status().message());
  *out = std::move(value).value();
  return {};
}

Result<uint64_t> ParseCountText(std::string_view text);
Result<std::string> AsText(std::string_view text);

/// The state shared by one CLI run: the context, the -c assignments (which
/// override the process environment) and the chosen output format.
struct Invocation {
  CliContext& ctx;
  std::vector<EnvAssignment> env_file;
  std::string output = "text";
  std::string id;            ///< --id: the instance, over NYMVISOR_ID and the singleton rule
  bool double_dash = false;  ///< the command line has "--" (init: the node's arguments follow)

  /// The environment as commands see it: -c assignments over the process env.
  EnvLookup Env() const;
  LocatorContext Locator() const;
  bool Json() const { return output == "json"; }
};

/// Adds -o/--output text|json to a subcommand.
void AddOutputOption(CLI::App* app, Invocation* inv);

/// The running agent of instance `id`, over its control API. NotFound when
/// none runs or nothing can reach one (tests without a bus).
Result<std::unique_ptr<ControlClient>> ConnectAgent(const Invocation& inv, const std::string& id);

/// Adds --id to a subcommand that works on one instance (into inv->id).
void AddIdOption(CLI::App* app, Invocation* inv);

/// What --id says in every command's help.
inline constexpr char kIdHelp[] =
    "The instance (default: $NYMVISOR_ID, else the only one configured)";

/// The one-instance rule for this command line (config/CheckOneInstance):
/// `asked` (--id, or exec's ID; `asked_by` says which), NYMVISOR_ID and the
/// nymvisor.id in the file at `config_path` (default: NYMVISOR_CONFIG_PATH)
/// must agree, or the command is refused before it acts.
Status CheckAskedInstance(const Invocation& inv, const std::optional<std::string>& asked,
                          const std::string& asked_by = "--id",
                          std::optional<std::string> config_path = std::nullopt);

/// Locates and loads the instance config (an explicit `id`, else --id, and
/// NYMVISOR_ID must agree with each other and with NYMVISOR_CONFIG_PATH's
/// file: CheckAskedInstance), printing its warnings to the error stream.
Result<LoadedConfig> LoadConfigForCommand(const Invocation& inv,
                                          std::optional<std::string> id = std::nullopt);
/// The same with a locator the caller has adjusted.
Result<LoadedConfig> LoadConfigWith(const Invocation& inv, const LocatorContext& locator);

/// The account that owns an instance's files: daemon.user, else the owner
/// of the daemon home ("" when neither is known).
std::string NodeAccount(const Config& config, FileSystem& files);

/// `status` from acting as `user` (NodeAccount of `config`); an account that
/// does not exist is named with the key it came from and what to do.
Status ExplainAccountError(const Status& status, const Config& config, const std::string& user);

/// Root works in a node's files only as the node's account, so that nothing
/// that account planted there (a symlink, a swapped directory, a binary) can
/// make root act on it. Hands nymvisor's root-owned directories of an older
/// install over to that account first (without following anything, see
/// adapters/hand_over.h), then acts as it until the handle is dropped. Not
/// root, or a root node: nothing changes.
/// `writes` is false for commands that only read (status, history): they
/// hand nothing over.
Result<Scope> EnterNodeAccount(const Invocation& inv, const Config& config, bool writes);

/// An operator-named binary, copied where the node's account can probe and
/// copy it but not change it (CliContext::stage_binary); `*path` is updated.
Result<Scope> StageOperatorBinary(const Invocation& inv, const std::string& user,
                                  std::string* path);

void PrintConfig(const Invocation& inv, const Config& config);
void PrintBuildInfo(const Invocation& inv, const BuildInfo& info);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_CLI_CLI_SUPPORT_H_
