#ifndef NYMVISOR_AGENT_DECIDE_SIGNATURE_POLICY_H_
#define NYMVISOR_AGENT_DECIDE_SIGNATURE_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/base/status.h"

namespace nymvisor {

/// The fields minisign puts in a trusted comment by default
/// ("timestamp:<unix seconds>\tfile:<name>\thashed").
struct TrustedComment {
  std::optional<int64_t> timestamp;
  std::optional<std::string> file;
};

/// Reads the tab- or space-separated key:value fields; others are ignored.
TrustedComment ParseTrustedComment(std::string_view text);

/// What upstream served as the signature of one file.
struct SignatureEvidence {
  bool present = false;         ///< a .minisig was served for it
  Status verified;              ///< when present: the cryptographic check
  std::string trusted_comment;  ///< when verified
  std::string key_id;           ///< when verified
};

/// What the operator asked for, and what this file must be.
struct SignatureRules {
  bool required = false;      ///< nymvisor.require_signature
  std::string file_name;      ///< the name the trusted comment must give (URL's last part)
  bool check_replay = false;  ///< upgrade-info.json: never older than the newest accepted
  std::optional<int64_t> newest_accepted;  ///< that newest timestamp, when one was accepted
};

struct SignatureDecision {
  bool accept = false;
  bool signed_ok = false;  ///< accepted because it is signed (not merely allowed unsigned)
  std::optional<int64_t> timestamp;  ///< the signature's, to remember when accepted
  std::string reason;                ///< why refused, or how it was accepted
};

/// Whether to trust a file given its signature. A signature that is present
/// but fails is refused even when signatures are not required (a bad
/// signature is an attack, not an absence). A signed file must name itself
/// in the trusted comment (a signature for another file is refused), and
/// with check_replay carry a timestamp no older than the newest accepted (an
/// older signed upgrade-info.json replayed is refused). Pure.
SignatureDecision DecideSignature(const SignatureEvidence& evidence, const SignatureRules& rules);

}  // namespace nymvisor

#endif  // NYMVISOR_AGENT_DECIDE_SIGNATURE_POLICY_H_
