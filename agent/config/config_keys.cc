#include "agent/config/config_keys.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "agent/base/strings.h"
#include "agent/config/url.h"

namespace nymvisor {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// Items between `separator`s, without surrounding white space; empty
/// items are dropped, so "a; b;" is two items and "" none.
std::vector<std::string> SplitTrimmed(std::string_view text, char separator) {
  std::vector<std::string> items;
  while (true) {
    size_t end = text.find(separator);
    std::string_view item = text.substr(0, end);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front())))
      item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back())))
      item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    if (end == std::string_view::npos) return items;
    text.remove_prefix(end + 1);
  }
}

}  // namespace

std::string ConfigKey::FullName() const { return std::string(section) + "." + std::string(name); }

bool ConfigKey::NeedsAgentRestart() const {
  return change == ChangeClass::kAgentRestart || change == ChangeClass::kAgentRestartAndNodeStart;
}

bool ConfigKey::ReadWhenTheNodeStarts() const {
  return change == ChangeClass::kReloadAndNodeStart ||
         change == ChangeClass::kAgentRestartAndNodeStart;
}

std::string_view ValueTypeName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kText:
      return "TEXT";
    case ValueKind::kUrl:
      return "URL";
    case ValueKind::kPath:
      return "PATH";
    case ValueKind::kBool:
      return "true|false";
    case ValueKind::kDuration:
      return "DURATION";
    case ValueKind::kCount:
      return "COUNT";
    case ValueKind::kList:
      return "ARGS";
  }
  return "TEXT";
}

const ConfigKey* FindKeyByInitFlag(std::string_view flag) {
  for (const ConfigKey& key : AllConfigKeys()) {
    if (!key.init.name.empty() && key.init.name == flag) return &key;
    if (!key.alias.flag.empty() && key.alias.flag == flag) return &key;
  }
  return nullptr;
}

const ConfigKey* FindConfigKey(std::string_view section, std::string_view name) {
  for (const ConfigKey& key : AllConfigKeys()) {
    if (key.section == section && key.name == name) return &key;
  }
  return nullptr;
}

const ConfigKey* FindConfigKeyByAlias(std::string_view section, std::string_view name) {
  for (const ConfigKey& key : AllConfigKeys()) {
    if (key.section == section && !key.alias.name.empty() && key.alias.name == name) return &key;
  }
  return nullptr;
}

const ConfigKey* KeyOfError(const Status& error) {
  const std::string& message = error.message();
  std::string key = message.substr(0, message.find(": "));
  size_t dot = key.find('.');
  if (dot == std::string::npos) return nullptr;
  return FindConfigKey(std::string_view(key).substr(0, dot), std::string_view(key).substr(dot + 1));
}

Result<uint64_t> ParseCount(std::string_view text) {
  uint64_t value = 0;
  std::string_view digits = text.starts_with('+') ? text.substr(1) : text;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    return Status::Error("'" + std::string(text) +
                         "' is not an unsigned integer (0 to 18446744073709551615)");
  }
  return value;
}

Result<bool> ParseBoolText(std::string_view text) {
  std::string lower = Lower(text);
  if (lower == "true" || lower == "t" || lower == "1") return true;
  if (lower == "false" || lower == "f" || lower == "0") return false;
  return Status::Error("'" + std::string(text) + "' is not a boolean (true/t/1 or false/f/0)");
}

Status SetFromText(const ConfigKey& key, std::string_view text, Config* config) {
  FieldRef ref = key.field(*config);
  switch (key.kind) {
    case ValueKind::kBool: {
      NV_ASSIGN_OR_RETURN(*std::get<bool*>(ref), ParseBoolText(text));
      return {};
    }
    case ValueKind::kDuration: {
      if (key.optional && text.empty()) {
        *std::get<Duration*>(ref) = Duration::zero();
        return {};
      }
      NV_ASSIGN_OR_RETURN(*std::get<Duration*>(ref), ParseDuration(text));
      return {};
    }
    case ValueKind::kCount: {
      NV_ASSIGN_OR_RETURN(*std::get<uint64_t*>(ref), ParseCount(text));
      return {};
    }
    case ValueKind::kUrl: {
      std::string& url = *std::get<std::string*>(ref);
      if (text.empty()) {
        url.clear();
        return {};
      }
      NV_ASSIGN_OR_RETURN(url, NormalizeHttpUrl(text));
      return {};
    }
    case ValueKind::kList: {
      // From an environment variable or a flag: items separated by commas
      // or white space, or by the key's own separator.
      std::vector<std::string>& items = *std::get<std::vector<std::string>*>(ref);
      items.clear();
      if (key.list_separator != 0) {
        items = SplitTrimmed(text, key.list_separator);
        return {};
      }
      std::string item;
      for (char c : std::string(text) + ",") {
        if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
          if (!item.empty()) items.push_back(item);
          item.clear();
        } else {
          item += c;
        }
      }
      return {};
    }
    case ValueKind::kText:
    case ValueKind::kPath:
      *std::get<std::string*>(ref) = std::string(text);
      return {};
  }
  return {};
}

std::string ValueAsText(const ConfigKey& key, const Config& config) {
  FieldRef ref = key.field(const_cast<Config&>(config));
  switch (key.kind) {
    case ValueKind::kBool:
      return *std::get<bool*>(ref) ? "true" : "false";
    case ValueKind::kDuration: {
      Duration d = *std::get<Duration*>(ref);
      return key.optional && d == Duration::zero() ? "" : FormatDuration(d);
    }
    case ValueKind::kCount:
      return std::to_string(*std::get<uint64_t*>(ref));
    case ValueKind::kList:
      return Join(*std::get<std::vector<std::string>*>(ref),
                  key.list_separator != 0 ? std::string(1, key.list_separator) + " " : " ");
    case ValueKind::kUrl: {
      // As the original shows (and writes) a URL; a default is shown so too.
      const std::string& url = *std::get<std::string*>(ref);
      Result<std::string> normal = url.empty() ? Result<std::string>(url) : NormalizeHttpUrl(url);
      return normal.ok() ? *normal : url;
    }
    case ValueKind::kText:
    case ValueKind::kPath:
      return *std::get<std::string*>(ref);
  }
  return {};
}

}  // namespace nymvisor
