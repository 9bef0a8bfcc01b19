#include "agent/decide/fleet_keys.h"

#include <gtest/gtest.h>

namespace nymvisor {
namespace {

TEST(FleetKeys, SafeSegmentsAreLettersDigitsDotUnderscoreDash) {
  for (std::string_view good : {"a", "mixnodes-eu", "g.1_x", "A9"}) {
    EXPECT_TRUE(IsSafeKeySegment(good)) << good;
  }
  for (std::string_view bad : {"", ".", "..", "a/b", "a b", "a%", "ü", "a:b"}) {
    EXPECT_FALSE(IsSafeKeySegment(bad)) << bad;
  }
  EXPECT_TRUE(IsSafeKeySegment(std::string(128, 'a')));
  EXPECT_FALSE(IsSafeKeySegment(std::string(129, 'a')));
}

TEST(FleetKeys, EscapingKeepsUsualNamesAndRoundTripsEveryByte) {
  EXPECT_EQ(EscapeKeySegment("1.1.4+abc"), "1.1.4+abc");
  EXPECT_EQ(EscapeKeySegment("node:1@ab"), "node:1@ab");
  EXPECT_EQ(EscapeKeySegment("a/b"), "a%2Fb");
  EXPECT_EQ(EscapeKeySegment("50%"), "50%25");
  EXPECT_EQ(EscapeKeySegment(""), "%");
  std::string every;
  for (int c = 0; c < 256; ++c) every += static_cast<char>(c);
  std::string escaped = EscapeKeySegment(every);
  EXPECT_EQ(escaped.find('/'), std::string::npos);
  EXPECT_EQ(*UnescapeKeySegment(escaped), every);
  EXPECT_EQ(*UnescapeKeySegment("%"), "");
  for (std::string_view bad : {"a%", "a%2", "%zz", "%2g"}) {
    EXPECT_FALSE(UnescapeKeySegment(bad).ok()) << bad;
  }
}

TEST(FleetKeys, LayoutUnderTheGroupPrefix) {
  FleetKeys keys = *FleetKeys::For("eu");
  EXPECT_EQ(keys.Prefix(), "nymvisor/fleet/eu/");
  EXPECT_EQ(keys.Slot("n@m"), "nymvisor/fleet/eu/slots/n@m");
  EXPECT_EQ(keys.Progress("n@m"), "nymvisor/fleet/eu/progress/n@m");
  EXPECT_EQ(keys.Halt("1.2.0"), "nymvisor/fleet/eu/halt/1.2.0");
  EXPECT_EQ(keys.Done("1.2.0", "n@m"), "nymvisor/fleet/eu/done/1.2.0/n@m");
  EXPECT_EQ(keys.DoneForVersion("a/b"), "nymvisor/fleet/eu/done/a%2Fb/");
  EXPECT_EQ(keys.Canary("n@m"), "nymvisor/fleet/eu/canary/n@m");
  EXPECT_FALSE(FleetKeys::For("a/b").ok());
  EXPECT_FALSE(FleetKeys::For("").ok());
}

TEST(FleetKeys, PrefixRangeEndIsTheNextKeyAfterThePrefix) {
  EXPECT_EQ(PrefixRangeEnd("upg/slots/"), "upg/slots0");
  EXPECT_EQ(PrefixRangeEnd("a\xff"), "b");
  EXPECT_EQ(PrefixRangeEnd("\xff"), std::string(1, '\0'));
}

TEST(FleetKeys, EveryKeyParsesBackToWhatWroteIt) {
  using Kind = ParsedFleetKey::Kind;
  FleetKeys keys = *FleetKeys::For("eu");
  const std::string holder = "odd/holder%@m";
  const std::string version = "1.2.0/x";
  EXPECT_EQ(ParseFleetKey(keys, keys.Slot(holder)),
            (ParsedFleetKey{.kind = Kind::kSlot, .holder = holder}));
  EXPECT_EQ(ParseFleetKey(keys, keys.Progress(holder)),
            (ParsedFleetKey{.kind = Kind::kProgress, .holder = holder}));
  EXPECT_EQ(ParseFleetKey(keys, keys.Halt(version)),
            (ParsedFleetKey{.kind = Kind::kHalt, .version = version}));
  EXPECT_EQ(ParseFleetKey(keys, keys.Done(version, holder)),
            (ParsedFleetKey{.kind = Kind::kDone, .holder = holder, .version = version}));
  EXPECT_EQ(ParseFleetKey(keys, keys.Canary(holder)),
            (ParsedFleetKey{.kind = Kind::kCanary, .holder = holder}));
  EXPECT_EQ(ParseFleetKey(keys, keys.Slot("")),
            (ParsedFleetKey{.kind = Kind::kSlot, .holder = ""}));
}

TEST(FleetKeys, StrayKeysAreIgnored) {
  FleetKeys keys = *FleetKeys::For("eu");
  for (std::string_view stray :
       {"nymvisor/fleet/us/slots/a", "nymvisor/fleet/eu/slots/", "nymvisor/fleet/eu/slots/a/b",
        "nymvisor/fleet/eu/other/a", "nymvisor/fleet/eu/done/1.2.0",
        "nymvisor/fleet/eu/done/1.2.0/", "nymvisor/fleet/eu/done//a",
        "nymvisor/fleet/eu/halt/bad%zz", "nymvisor/fleet/eu/"}) {
    EXPECT_FALSE(ParseFleetKey(keys, stray).has_value()) << stray;
  }
}

TEST(FleetKeys, HolderIdIsInstanceAtMachine) {
  EXPECT_EQ(*FleetHolderId(" 0123456789ABCDEF0123456789abcdef\n", "mixnode"),
            "mixnode@0123456789abcdef0123456789abcdef");
  EXPECT_EQ(*FleetHolderId("0123456789abcdef0123456789abcdef", "a:b.c-d_e"),
            "a:b.c-d_e@0123456789abcdef0123456789abcdef");
  Status short_id = FleetHolderId("abc", "x").status();
  EXPECT_NE(short_id.message().find("/etc/machine-id"), std::string::npos);
  EXPECT_FALSE(FleetHolderId("", "x").ok());
  EXPECT_FALSE(FleetHolderId("0123456789abcdef0123456789abcdeg", "x").ok());
  EXPECT_FALSE(FleetHolderId("0123456789abcdef0123456789abcdef", "").ok());
  EXPECT_FALSE(FleetHolderId("0123456789abcdef0123456789abcdef", "a/b").ok());
  EXPECT_FALSE(FleetHolderId("0123456789abcdef0123456789abcdef", "a@b").ok());
}

}  // namespace
}  // namespace nymvisor
