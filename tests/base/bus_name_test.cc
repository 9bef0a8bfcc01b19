#include "agent/base/bus_name.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

bool IsValidElement(const std::string& e) {
  if (e.empty() || std::isdigit(static_cast<unsigned char>(e[0]))) return false;
  for (char c : e) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

TEST(EscapeBusNameElement, KeepsLettersAndDigitsAndEscapesTheRest) {
  EXPECT_EQ(EscapeBusNameElement("mixnode"), "mixnode");
  EXPECT_EQ(EscapeBusNameElement("gw-1.fra"), "gw_2d1_2efra");
  EXPECT_EQ(EscapeBusNameElement("mixnode@fra1"), "mixnode_40fra1");
  EXPECT_EQ(EscapeBusNameElement("a_b"), "a_5fb") << "'_' itself is escaped, so it decodes back";
  EXPECT_EQ(EscapeBusNameElement("1st"), "_31st") << "an element may not start with a digit";
  EXPECT_EQ(EscapeBusNameElement("n\xc3\xa9"), "n_c3_a9");
}

TEST(EscapeBusNameElement, IsOneToOneAndAlwaysValid) {
  for (std::string id : {"mixnode", "gw-1.fra", "a_b", "_5f", "1", "nym-node-default", "x:y", "a b",
                         "\x01", "mixnode@fra1", "9lives"}) {
    std::string e = EscapeBusNameElement(id);
    EXPECT_TRUE(IsValidElement(e)) << id << " -> " << e;
    EXPECT_EQ(*UnescapeBusNameElement(e), id);
  }
  EXPECT_FALSE(UnescapeBusNameElement("bad_z1").ok());
  EXPECT_FALSE(UnescapeBusNameElement("cut_4").ok());
}

TEST(ControlBusName, PrefixesTheInterfaceAndFitsTheLimit) {
  EXPECT_EQ(*ControlBusName("mixnode"), "net.nymtech.Nymvisor1.mixnode");
  EXPECT_EQ(*ControlBusName("gw-1"), "net.nymtech.Nymvisor1.gw_2d1");
  EXPECT_FALSE(ControlBusName("").ok());
  EXPECT_TRUE(ControlBusName(std::string(233, 'a')).ok());
  Result<std::string> too_long = ControlBusName(std::string(100, '.'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.status().message().find("too long for a D-Bus name"), std::string::npos);
}

}  // namespace
}  // namespace nymvisor
