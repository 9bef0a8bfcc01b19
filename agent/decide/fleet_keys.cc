#include "agent/decide/fleet_keys.h"

#include <cctype>

#include "agent/base/strings.h"

namespace nymvisor {
namespace {

constexpr size_t kMaxSegment = 128;
constexpr char kHex[] = "0123456789ABCDEF";

bool IsSafeByte(unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-'; }

bool IsPlainByte(unsigned char c) {
  return IsSafeByte(c) || c == '~' || c == '@' || c == ':' || c == '+';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The rest of a key after its kind's prefix: one segment, or (`two`) two
/// segments around one '/'; nullopt for any other shape.
std::optional<std::pair<std::string_view, std::string_view>> Split(std::string_view text,
                                                                   bool two) {
  if (text.empty()) return std::nullopt;
  size_t slash = text.find('/');
  if (!two) {
    if (slash != std::string_view::npos) return std::nullopt;
    return std::make_pair(text, std::string_view());
  }
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) {
    return std::nullopt;
  }
  std::string_view second = text.substr(slash + 1);
  if (second.find('/') != std::string_view::npos) return std::nullopt;
  return std::make_pair(text.substr(0, slash), second);
}

}  // namespace

bool IsSafeKeySegment(std::string_view name) {
  if (name.empty() || name.size() > kMaxSegment || name == "." || name == "..") return false;
  for (char c : name) {
    if (!IsSafeByte(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string EscapeKeySegment(std::string_view text) {
  if (text.empty()) return "%";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (IsPlainByte(byte)) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

Result<std::string> UnescapeKeySegment(std::string_view segment) {
  if (segment == "%") return std::string();
  std::string out;
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      out += segment[i];
      continue;
    }
    bool complete = i + 2 < segment.size();
    int high = complete ? HexValue(segment[i + 1]) : -1;
    int low = complete ? HexValue(segment[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return Status::Error("bad escape in key segment '" + Printable(segment) + "'");
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::string PrefixRangeEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xFF) end.pop_back();
  if (end.empty()) return std::string(1, '\0');  // etcd: every key from the start
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

Result<FleetKeys> FleetKeys::For(std::string_view group) {
  if (!IsSafeKeySegment(group)) {
    return Status::Error("fleet group '" + Printable(group) +
                         "' is not a safe key segment ([A-Za-z0-9._-], at most 128)");
  }
  return FleetKeys(std::string(kFleetRoot) + std::string(group) + "/");
}

std::string FleetKeys::Slot(std::string_view holder) const {
  return SlotsPrefix() + EscapeKeySegment(holder);
}
std::string FleetKeys::Progress(std::string_view holder) const {
  return ProgressPrefix() + EscapeKeySegment(holder);
}
std::string FleetKeys::Halt(std::string_view version) const {
  return HaltPrefix() + EscapeKeySegment(version);
}
std::string FleetKeys::DoneForVersion(std::string_view version) const {
  return DonePrefix() + EscapeKeySegment(version) + "/";
}
std::string FleetKeys::Done(std::string_view version, std::string_view holder) const {
  return DoneForVersion(version) + EscapeKeySegment(holder);
}
std::string FleetKeys::Canary(std::string_view holder) const {
  return CanaryPrefix() + EscapeKeySegment(holder);
}

std::optional<ParsedFleetKey> ParseFleetKey(const FleetKeys& keys, std::string_view key) {
  using Kind = ParsedFleetKey::Kind;
  struct Form {
    std::string prefix;
    Kind kind;
  };
  const Form forms[] = {{keys.SlotsPrefix(), Kind::kSlot},
                        {keys.ProgressPrefix(), Kind::kProgress},
                        {keys.HaltPrefix(), Kind::kHalt},
                        {keys.DonePrefix(), Kind::kDone},
                        {keys.CanaryPrefix(), Kind::kCanary}};
  for (const Form& form : forms) {
    if (!key.starts_with(form.prefix)) continue;
    auto parts = Split(key.substr(form.prefix.size()), form.kind == Kind::kDone);
    if (!parts) return std::nullopt;
    Result<std::string> first = UnescapeKeySegment(parts->first);
    Result<std::string> second = UnescapeKeySegment(parts->second);
    if (!first.ok() || (form.kind == Kind::kDone && !second.ok())) return std::nullopt;
    ParsedFleetKey parsed{.kind = form.kind};
    if (form.kind == Kind::kHalt) {
      parsed.version = *first;
    } else if (form.kind == Kind::kDone) {
      parsed.version = *first;
      parsed.holder = *second;
    } else {
      parsed.holder = *first;
    }
    return parsed;
  }
  return std::nullopt;
}

Result<std::string> FleetHolderId(std::string_view machine_id, std::string_view instance_id) {
  size_t first = machine_id.find_first_not_of(" \t\r\n");
  size_t last = machine_id.find_last_not_of(" \t\r\n");
  std::string id = first == std::string_view::npos
                       ? std::string()
                       : std::string(machine_id.substr(first, last - first + 1));
  bool hex = id.size() == 32;
  for (char& c : id) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    hex = hex && std::isxdigit(static_cast<unsigned char>(c));
  }
  if (!hex) {
    return Status::Error("machine id '" + Printable(id) +
                         "' is not 32 hex digits; check /etc/machine-id (systemd-machine-id-setup "
                         "writes one)");
  }
  if (instance_id.empty()) return Status::Error("the instance id is empty");
  for (char c : instance_id) {
    auto byte = static_cast<unsigned char>(c);
    if (!std::isalnum(byte) && c != '_' && c != '.' && c != ':' && c != '-') {
      return Status::Error("instance id '" + Printable(instance_id) +
                           "' may hold only [A-Za-z0-9_.:-]");
    }
  }
  return std::string(instance_id) + "@" + id;
}

}  // namespace nymvisor
