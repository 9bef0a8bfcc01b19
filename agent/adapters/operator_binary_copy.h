#ifndef NYMVISOR_AGENT_ADAPTERS_OPERATOR_BINARY_COPY_H_
#define NYMVISOR_AGENT_ADAPTERS_OPERATOR_BINARY_COPY_H_

#include <filesystem>
#include <memory>
#include <string>

#include "agent/base/status.h"

namespace nymvisor {

/// A copy of a binary an operator named (init's DAEMON_BINARY, add-upgrade's
/// --add-binary), in a directory of root's that the node's account may enter
/// but not list or change, so that account can probe and copy exactly the
/// bytes that were checked. Removed with this object. Main thread only.
class OperatorBinaryCopy {
 public:
  /// Copies `source` for `reader`. The source is read as `reader` (so a
  /// symlink it planted gains it nothing); one `reader` may not read is read
  /// as root only when the path has no symlink and root alone can change it
  /// all the way down; otherwise the error says so and what to do. A no-op
  /// copy when not running as root or `reader` is root (then path() is the
  /// source).
  static Result<std::unique_ptr<OperatorBinaryCopy>> Stage(const std::filesystem::path& source,
                                                           const std::string& reader);
  ~OperatorBinaryCopy();
  OperatorBinaryCopy(const OperatorBinaryCopy&) = delete;
  OperatorBinaryCopy& operator=(const OperatorBinaryCopy&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  OperatorBinaryCopy() = default;
  std::filesystem::path dir_;  ///< empty when nothing was copied
  std::filesystem::path path_;
};

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_ADAPTERS_OPERATOR_BINARY_COPY_H_
