#include "agent/records/upgrade_name.h"

#include <gtest/gtest.h>

#include <string>

namespace nymvisor {
namespace {

TEST(ValidateUpgradeName, AcceptsReleaseNames) {
  for (const char* ok : {"2024.13-magura", "v1.1.12", "genesis", "a", "x_y-z.1"}) {
    EXPECT_TRUE(ValidateUpgradeName(ok).ok()) << ok;
  }
  EXPECT_TRUE(ValidateUpgradeName(std::string(128, 'a')).ok());
}

TEST(ValidateUpgradeName, RefusesAnythingThatIsNotOnePathComponent) {
  struct Case {
    std::string name;
    const char* why;
  };
  for (const Case& c :
       {Case{"", "empty"}, Case{"../etc", "'/'"}, Case{"a/b", "'/'"}, Case{"/abs", "'/'"},
        Case{"..", "'..'"}, Case{".hidden", "starts with '.'"}, Case{"a..b", "'..'"},
        Case{std::string(129, 'a'), "longer than 128"}, Case{"bad\nname", "control character"}}) {
    Status st = ValidateUpgradeName(c.name);
    ASSERT_FALSE(st.ok()) << c.name;
    EXPECT_NE(st.message().find(c.why), std::string::npos) << st.message();
  }
}

}  // namespace
}  // namespace nymvisor
