#include "agent/generator/access_policy.h"

namespace nymvisor {
namespace {

constexpr char kHeader[] =
    "Written by nymvisor (init or refresh-access); it is rewritten from /etc/nymvisor.";

/// A JavaScript string literal (users and units are validated names, but
/// quote them properly anyway).
std::string JsString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

std::string XmlText(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '"') {
      out += "&quot;";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string RenderBusPolicy(const std::string& bus_name, const std::string& owner) {
  std::string name = XmlText(bus_name);
  std::string out = std::string("<?xml version=\"1.0\"?>\n<!-- ") + kHeader +
                    " -->\n"
                    "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-BUS Bus Configuration "
                    "1.0//EN\"\n"
                    " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                    "<busconfig>\n";
  if (!owner.empty()) {
    out += "  <policy user=\"" + XmlText(owner) + "\">\n    <allow own=\"" + name +
           "\"/>\n  </policy>\n";
  }
  out += "  <policy context=\"default\">\n";
  for (const char* iface : {"net.nymtech.Nymvisor1", "org.freedesktop.DBus.Properties",
                            "org.freedesktop.DBus.Introspectable", "org.freedesktop.DBus.Peer"}) {
    out += "    <allow send_destination=\"" + name + "\" send_interface=\"" + iface + "\"/>\n";
  }
  return out + "  </policy>\n</busconfig>\n";
}

std::string RenderUnitRule(const std::string& instance_id, const std::string& user,
                           const std::string& unit) {
  return std::string("// ") + kHeader + "\n// The agent of instance " + instance_id +
         " (running as " + user +
         ") may start, stop, restart, reset and ref its node's unit, and no other.\n" +
         "polkit.addRule(function(action, subject) {\n"
         "    if (action.id == \"org.freedesktop.systemd1.manage-units\" &&\n"
         "        subject.user == " +
         JsString(user) + " &&\n        action.lookup(\"unit\") == " + JsString(unit) +
         ") {\n"
         "        var verb = action.lookup(\"verb\");\n"
         "        if (verb == \"start\" || verb == \"stop\" || verb == \"restart\" ||\n"
         "            verb == \"reset-failed\" || verb == \"ref\") {\n"
         "            return polkit.Result.YES;\n"
         "        }\n"
         "    }\n"
         "    return polkit.Result.NOT_HANDLED;\n"
         "});\n";
}

std::string RenderPolkitActions(const std::string& template_text,
                                const std::set<std::string>& owners) {
  if (owners.empty()) return template_text;
  std::string list;
  for (const std::string& owner : owners)
    list += (list.empty() ? "" : " ") + ("unix-user:" + owner);
  std::string annotation = "    <annotate key=\"org.freedesktop.policykit.owner\">" +
                           XmlText(list) + "</annotate>\n  </action>";
  std::string out;
  size_t at = 0;
  while (true) {
    size_t end = template_text.find("  </action>", at);
    if (end == std::string::npos) break;
    out += template_text.substr(at, end - at) + annotation;
    at = end + std::string("  </action>").size();
  }
  return out + template_text.substr(at);
}

}  // namespace nymvisor
