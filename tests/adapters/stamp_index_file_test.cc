#include "agent/adapters/stamp_index_file.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::TempDir;
using testing::WriteFile;

TEST(StampIndexFile, RoundTripsEveryStampAndAwkwardNames) {
  TempDir dir;
  StampIndex index;
  index.taken_at_ns = 1764600000123456789;
  index.files["data/db"] = {2049, 12, 1 << 30, 1764600000000000001, 1764600000000000002};
  index.files["a\nline break"] = {1, 2, 3, 4, 5};
  index.files["back\\slash and space "] = {6, 7, 0, -8, 9};
  ASSERT_TRUE(SaveStampIndex(dir / "index", index).ok());
  Result<StampIndex> read = LoadStampIndex(dir / "index");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->taken_at_ns, index.taken_at_ns);
  EXPECT_EQ(read->files, index.files);
  EXPECT_FALSE(SaveStampIndex(dir / "index", index).ok()) << "never over an existing file";
}

TEST(StampIndexFile, AMissingOrForeignFileIsNoIndex) {
  TempDir dir;
  EXPECT_TRUE(LoadStampIndex(dir / "none").status().IsNotFound());
  WriteFile(dir / "foreign", "{\"json\": true}\n");
  EXPECT_FALSE(LoadStampIndex(dir / "foreign").ok());
  WriteFile(dir / "bad-line", "nymvisor-stamp-index 1 5\n1 2 x 4 5 path\n");
  EXPECT_FALSE(LoadStampIndex(dir / "bad-line").ok());
}

}  // namespace
}  // namespace nymvisor
