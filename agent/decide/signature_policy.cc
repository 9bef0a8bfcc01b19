#include "agent/decide/signature_policy.h"

#include <charconv>

namespace nymvisor {
namespace {

std::optional<int64_t> ParseSeconds(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

SignatureDecision Refuse(std::string reason) {
  SignatureDecision d;
  d.reason = std::move(reason);
  return d;
}

}  // namespace

TrustedComment ParseTrustedComment(std::string_view text) {
  TrustedComment out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of("\t ", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view field = text.substr(start, end - start);
    if (field.rfind("timestamp:", 0) == 0) out.timestamp = ParseSeconds(field.substr(10));
    if (field.rfind("file:", 0) == 0) out.file = std::string(field.substr(5));
    start = end + 1;
  }
  return out;
}

SignatureDecision DecideSignature(const SignatureEvidence& evidence, const SignatureRules& rules) {
  const std::string& name = rules.file_name;
  if (!evidence.present) {
    if (rules.required) {
      return Refuse(name + " is not signed (no " + name +
                    ".minisig) and nymvisor.require_signature is on");
    }
    SignatureDecision d;
    d.accept = true;
    d.reason = name + " is not signed; signatures are not required";
    return d;
  }
  if (!evidence.verified.ok()) {
    return Refuse("the signature of " + name + " does not hold: " + evidence.verified.message());
  }
  TrustedComment comment = ParseTrustedComment(evidence.trusted_comment);
  if (!comment.file) {
    return Refuse("the signature of " + name + " names no file in its trusted comment ('" +
                  evidence.trusted_comment + "')");
  }
  if (*comment.file != name) {
    return Refuse("the signature served for " + name + " was made for " + *comment.file);
  }
  if (rules.check_replay && !comment.timestamp) {
    return Refuse("the signature of " + name + " carries no timestamp, so a replay cannot be told");
  }
  if (rules.check_replay && rules.newest_accepted && *comment.timestamp < *rules.newest_accepted) {
    return Refuse("the signature of " + name + " is from " + std::to_string(*comment.timestamp) +
                  ", older than one already accepted (" + std::to_string(*rules.newest_accepted) +
                  "): an old file replayed");
  }
  SignatureDecision d;
  d.accept = true;
  d.signed_ok = true;
  d.timestamp = comment.timestamp;
  d.reason = name + " is signed by key " + evidence.key_id;
  return d;
}

}  // namespace nymvisor
