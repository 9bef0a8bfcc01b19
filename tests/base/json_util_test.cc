#include "agent/base/json_util.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nymvisor {
namespace {

TEST(ParseJson, RefusesHostileNestingWithoutRecursingIntoIt) {
  std::string deep(500000, '[');
  deep += std::string(500000, ']');
  Result<Json> r = ParseJson(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "invalid JSON: nested deeper than 64 levels");
  EXPECT_FALSE(ParseJson(std::string(100, '{')).ok());
}

TEST(ParseJson, BracketsInStringsDoNotCount) {
  std::string text = R"({"a": ")" + std::string(1000, '[') + R"(\" [", "b": [[1]]})";
  Result<Json> r = ParseJson(text);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)["b"][0][0], 1);
  std::string nested(64, '[');
  nested += std::string(64, ']');
  EXPECT_TRUE(ParseJson(nested).ok()) << "64 levels are fine";
}

}  // namespace
}  // namespace nymvisor
