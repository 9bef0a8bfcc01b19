#include "agent/generator/access_policy.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

TEST(RenderBusPolicy, LetsOneAccountOwnOneNameAndEveryoneSendToIt) {
  std::string xml = RenderBusPolicy("net.nymtech.Nymvisor1.mixnode", "nym");
  EXPECT_NE(xml.find("<policy user=\"nym\">"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<allow own=\"net.nymtech.Nymvisor1.mixnode\"/>"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("own_prefix"), std::string::npos) << "exactly one name, no prefix";
  EXPECT_NE(xml.find("<allow send_destination=\"net.nymtech.Nymvisor1.mixnode\" "
                     "send_interface=\"net.nymtech.Nymvisor1\"/>"),
            std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("send_destination_prefix"), std::string::npos);
  EXPECT_NE(RenderBusPolicy("n", "a\"b").find("user=\"a&quot;b\""), std::string::npos);
  std::string root = RenderBusPolicy("net.nymtech.Nymvisor1.mixnode", "");
  EXPECT_EQ(root.find("allow own"), std::string::npos) << "a root agent owns it by the package";
  EXPECT_NE(root.find("send_destination"), std::string::npos);
}

TEST(RenderUnitRule, GrantsTheNodeUnitsVerbsOnly) {
  std::string js = RenderUnitRule("mixnode", "nym", "nymvisor-daemon@mixnode.service");
  EXPECT_NE(js.find("action.id == \"org.freedesktop.systemd1.manage-units\""), std::string::npos);
  EXPECT_NE(js.find("subject.user == \"nym\""), std::string::npos);
  EXPECT_NE(js.find("action.lookup(\"unit\") == \"nymvisor-daemon@mixnode.service\""),
            std::string::npos);
  for (const char* verb : {"\"start\"", "\"stop\"", "\"restart\"", "\"reset-failed\"", "\"ref\""}) {
    EXPECT_NE(js.find(verb), std::string::npos) << verb;
  }
  EXPECT_EQ(js.find("manage-unit-files"), std::string::npos)
      << "manage-unit-files would imply manage-units for every unit";
  EXPECT_EQ(js.find("\"kill\""), std::string::npos);
}

TEST(RenderPolkitActions, AddsTheOwnersToEveryAction) {
  std::string tmpl =
      "<policyconfig>\n  <action id=\"a\">\n    <defaults/>\n  </action>\n"
      "  <action id=\"b\">\n  </action>\n</policyconfig>\n";
  EXPECT_EQ(RenderPolkitActions(tmpl, {}), tmpl) << "no unprivileged agent: nothing to add";
  std::string out = RenderPolkitActions(tmpl, {"nym", "nym2"});
  std::string annotation =
      "<annotate key=\"org.freedesktop.policykit.owner\">unix-user:nym unix-user:nym2</annotate>";
  size_t first = out.find(annotation);
  ASSERT_NE(first, std::string::npos) << out;
  EXPECT_NE(out.find(annotation, first + 1), std::string::npos) << "both actions";
  EXPECT_LT(first, out.find("</action>"));
}

}  // namespace
}  // namespace nymvisor
