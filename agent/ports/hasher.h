#ifndef NYMVISOR_AGENT_PORTS_HASHER_H_
#define NYMVISOR_AGENT_PORTS_HASHER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "agent/records/upgrade_info.h"

namespace nymvisor {

/// An incremental SHA-256 or SHA-512, so a download is hashed while it
/// streams, in one pass. One thread at a time.
class Hasher {
 public:
  virtual ~Hasher() = default;
  virtual void Update(std::string_view data) = 0;
  /// The lower-case hex digest; call once, at the end.
  virtual std::string FinalHex() = 0;
};

/// Makes a fresh Hasher for an algorithm. Callable from any thread.
using HasherFactory = std::function<std::unique_ptr<Hasher>(ChecksumAlgorithm)>;

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_PORTS_HASHER_H_
